"""The audit log (留痕): append-only in the model, the manager and the database; scoped; CSV."""

from __future__ import annotations

import csv
import importlib
import io
import json
import sqlite3

import pytest

from jicai.web.audit.models import AppendOnlyError, AuditEvent
from jicai.web.audit.record import Actor
from jicai.web.tickets import services as tickets
from tests.web.pg import require_postgres
from tests.web.records import build_records
from tests.web.world import World

TRIGGERS = importlib.import_module("jicai.web.audit.migrations.0002_append_only_trigger")


def test_events_cannot_be_changed_or_deleted(world: World) -> None:
    build_records(world)
    event = AuditEvent.objects.first()
    event.note = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(note="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_sqlite_trigger_refuses_update_and_delete() -> None:
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE audit_auditevent (id INTEGER PRIMARY KEY, note TEXT)")
    for sql in TRIGGERS.SQLITE:
        con.execute(sql)
    con.execute("INSERT INTO audit_auditevent (note) VALUES ('x')")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE audit_auditevent SET note = 'y'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM audit_auditevent")
    assert con.execute("SELECT note FROM audit_auditevent").fetchall() == [("x",)]


@pytest.mark.postgres
def test_postgres_trigger_refuses_update_delete_truncate() -> None:
    import psycopg

    url = require_postgres().replace("postgres://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("DROP SCHEMA IF EXISTS jicai_audit_test CASCADE")
        con.execute("CREATE SCHEMA jicai_audit_test")
        try:
            con.execute("SET search_path TO jicai_audit_test")
            con.execute("CREATE TABLE audit_auditevent (id serial PRIMARY KEY, note text)")
            for sql in TRIGGERS.POSTGRES:
                con.execute(sql)
            con.execute("INSERT INTO audit_auditevent (note) VALUES ('x')")
            for sql in ("UPDATE audit_auditevent SET note = 'y'", "DELETE FROM audit_auditevent",
                        "TRUNCATE audit_auditevent"):
                with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                    con.execute(sql)
            assert con.execute("SELECT note FROM audit_auditevent").fetchall() == [("x",)]
        finally:
            con.execute("DROP SCHEMA jicai_audit_test CASCADE")


def test_who_when_what_and_from_where(world: World) -> None:
    records = build_records(world)
    tickets.escalate(Actor(world.users["county_a"], "192.168.3.4"), records.ticket, "约谈企业")
    event = AuditEvent.objects.get(action="ticket.escalate")
    assert (event.actor_name, event.ip, event.note) == ("county_a", "192.168.3.4", "约谈企业")
    assert event.before["escalated_to_id"] is None
    assert event.after["escalated_to_id"] == "220100"  # the bureau above A县, which held it
    assert event.scope_path == "220000/220100/220102/"


def test_the_log_is_scoped_and_exported(world: World, as_) -> None:
    records = build_records(world)
    tickets.escalate(Actor(world.users["county_a"], "192.168.3.4"), records.ticket)
    assert "ticket.escalate" in as_("county_a").get("/audit/").content.decode()
    assert "ticket.escalate" not in as_("county_b").get("/audit/").content.decode()
    assert "filing.open_window" in as_("province").get("/audit/").content.decode()
    assert "filing.open_window" not in as_("county_a").get("/audit/").content.decode()
    response = as_("city").get("/audit/audit-log.csv?action=ticket.&lang=en")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["action"] for r in rows] == ["ticket.escalate"]
    assert rows[0]["ip"] == "192.168.3.4"
    assert json.loads(rows[0]["after"])["escalated_to_id"] == "220100"
