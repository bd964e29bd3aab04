"""The audit log under attack (issue 11, item 5): every SQL path that could rewrite it.

SQLite's REPLACE resolves a key conflict by deleting the old row without firing
DELETE triggers (unless ``recursive_triggers`` is on), so ``INSERT OR REPLACE``
rewrote an event through the 0002 triggers; migration 0003 closes it. Each path is
tried on a raw SQLite file, through Django's own connection, and on PostgreSQL;
the database and secret files are private (0600).
"""

from __future__ import annotations

import importlib
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from jicai.web.audit.models import AuditEvent
from jicai.web.audit.record import Actor, record
from jicai.web.env import private_file, secret_key
from tests.web.pg import require_postgres
from tests.web.world import World

APPEND_ONLY = importlib.import_module("jicai.web.audit.migrations.0002_append_only_trigger")
NO_REPLACE = importlib.import_module("jicai.web.audit.migrations.0003_no_replace")

COLUMNS = ("at, actor_id, actor_name, ip, action, target_type, target_id, before, after, note, "
           "scope_path")
FORGED = "'2025-01-01 00:00:00', NULL, 'mallory', NULL, 'x', 'x', 'x', NULL, NULL, 'forged', ''"

# Every statement that would change or remove event 1 (event 2 exists beside it).
ATTACKS = [
    "UPDATE audit_auditevent SET note = 'forged' WHERE id = 1",
    "DELETE FROM audit_auditevent WHERE id = 1",
    f"REPLACE INTO audit_auditevent (id, {COLUMNS}) VALUES (1, {FORGED})",
    f"INSERT OR REPLACE INTO audit_auditevent (id, {COLUMNS}) VALUES (1, {FORGED})",
    f"INSERT OR REPLACE INTO audit_auditevent (rowid, {COLUMNS}) VALUES (1, {FORGED})",
    "UPDATE OR REPLACE audit_auditevent SET id = 1 WHERE id = 2",
    f"INSERT INTO audit_auditevent (id, {COLUMNS}) VALUES (1, {FORGED}) "
    "ON CONFLICT (id) DO UPDATE SET note = excluded.note",
    f"INSERT INTO audit_auditevent (id, {COLUMNS}) SELECT 1, {FORGED} WHERE true "
    "ON CONFLICT DO UPDATE SET note = 'forged'",
]


def _table_sql() -> str:
    """The audit table exactly as the migrations create it (read from the test database)."""
    with connection.cursor() as cur:
        cur.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_auditevent'")
        return str(cur.fetchone()[0])


@pytest.fixture
def guarded_file(db: None, tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A SQLite file with the real audit table, its triggers and two events."""
    con = sqlite3.connect(tmp_path / "web.sqlite3", isolation_level=None)
    con.execute(_table_sql())
    for sql in APPEND_ONLY.SQLITE + NO_REPLACE.SQLITE:
        con.execute(sql)
    for note in ("first", "second"):
        con.execute(f"INSERT INTO audit_auditevent ({COLUMNS}) VALUES "
                    f"('2025-01-01 00:00:00', NULL, 'alice', NULL, 'a', 't', '1', NULL, NULL, "
                    f"'{note}', '')")
    yield con
    con.close()


def _rows(con: sqlite3.Connection) -> list[tuple[object, ...]]:
    return con.execute("SELECT id, actor_name, note FROM audit_auditevent ORDER BY id").fetchall()


@pytest.mark.parametrize("recursive", ["OFF", "ON"])
@pytest.mark.parametrize("attack", ATTACKS)
def test_sqlite_refuses_every_rewrite(attack: str, recursive: str,
                                      guarded_file: sqlite3.Connection) -> None:
    con = guarded_file
    con.execute(f"PRAGMA recursive_triggers = {recursive}")
    before = _rows(con)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute(attack)
    assert _rows(con) == before == [(1, "alice", "first"), (2, "alice", "second")]


def test_without_0003_replace_rewrote_an_event(db: None, tmp_path: Path) -> None:
    """The hole that 0003 closes: the 0002 triggers alone let REPLACE through."""
    con = sqlite3.connect(tmp_path / "old.sqlite3", isolation_level=None)
    con.execute(_table_sql())
    for sql in APPEND_ONLY.SQLITE:
        con.execute(sql)
    con.execute(f"INSERT INTO audit_auditevent ({COLUMNS}) VALUES ({FORGED.replace('forged', 'real')})")
    con.execute(f"INSERT OR REPLACE INTO audit_auditevent (id, {COLUMNS}) VALUES (1, {FORGED})")
    assert _rows(con) == [(1, "mallory", "forged")]


def test_appending_still_works(guarded_file: sqlite3.Connection) -> None:
    guarded_file.execute(f"INSERT INTO audit_auditevent ({COLUMNS}) VALUES ({FORGED})")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):  # was a no-op: refused now
        guarded_file.execute(f"INSERT OR IGNORE INTO audit_auditevent (id, {COLUMNS}) "
                             f"VALUES (1, {FORGED})")
    assert [r[2] for r in _rows(guarded_file)] == ["first", "second", "forged"]


def test_djangos_connection_is_refused_too(world: World) -> None:
    with connection.cursor() as cur:  # the test database is built without the triggers
        for sql in APPEND_ONLY.SQLITE + NO_REPLACE.SQLITE:
            cur.execute(sql)
    actor = Actor(world.users["province"], "127.0.0.1")
    first = record(actor, "test.one", ("thing", "1"), before=None, after={"n": 1})
    record(actor, "test.two", ("thing", "2"), before=None, after={"n": 2})
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    before = list(AuditEvent.objects.order_by("id").values_list("id", "actor_name", "note"))
    for attack in ATTACKS:
        sql = attack.replace("id = 1", f"id = {first.pk}").replace("id = 2", f"id = {ids[-1]}")
        sql = sql.replace("VALUES (1,", f"VALUES ({first.pk},").replace(
            "SELECT 1,", f"SELECT {first.pk},")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
                connection.cursor() as cur:
            cur.execute(sql)
    assert list(AuditEvent.objects.order_by("id").values_list("id", "actor_name", "note")) \
        == before


@pytest.mark.postgres
def test_postgres_refuses_every_rewrite() -> None:
    import psycopg

    url = require_postgres().replace("postgres://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("DROP SCHEMA IF EXISTS jicai_audit_tamper CASCADE")
        con.execute("CREATE SCHEMA jicai_audit_tamper")
        try:
            con.execute("SET search_path TO jicai_audit_tamper")
            con.execute("CREATE TABLE audit_auditevent (id bigint GENERATED BY DEFAULT AS "
                        "IDENTITY PRIMARY KEY, actor_name varchar(150) NOT NULL, "
                        "note text NOT NULL)")
            for sql in APPEND_ONLY.POSTGRES:
                con.execute(sql)
            con.execute("INSERT INTO audit_auditevent (actor_name, note) VALUES "
                        "('alice', 'first'), ('alice', 'second')")
            attacks = [
                "UPDATE audit_auditevent SET note = 'forged' WHERE id = 1",
                "DELETE FROM audit_auditevent WHERE id = 1",
                "TRUNCATE audit_auditevent",
                "INSERT INTO audit_auditevent (id, actor_name, note) VALUES (1, 'm', 'forged') "
                "ON CONFLICT (id) DO UPDATE SET note = excluded.note",
                "MERGE INTO audit_auditevent a USING (SELECT 1 AS id) s ON a.id = s.id "
                "WHEN MATCHED THEN UPDATE SET note = 'forged'",
                "MERGE INTO audit_auditevent a USING (SELECT 1 AS id) s ON a.id = s.id "
                "WHEN MATCHED THEN DELETE",
                "WITH gone AS (DELETE FROM audit_auditevent RETURNING *) SELECT count(*) FROM gone",
            ]
            for sql in attacks:
                with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                    con.execute(sql)
            rows = con.execute("SELECT id, actor_name, note FROM audit_auditevent "
                               "ORDER BY id").fetchall()
            assert rows == [(1, "alice", "first"), (2, "alice", "second")]
        finally:
            con.execute("DROP SCHEMA jicai_audit_tamper CASCADE")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_private_files_are_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        assert _mode(private_file(tmp_path / "web.sqlite3")) == 0o600
        readable = tmp_path / "old.sqlite3"
        readable.write_bytes(b"")
        readable.chmod(0o644)  # as an older version left it
        assert _mode(private_file(readable)) == 0o600
        os.environ.pop("JICAI_SECRET_KEY_UNUSED", None)
        saved = os.environ.pop("JICAI_SECRET_KEY", None)
        try:
            key = secret_key(tmp_path)
            assert _mode(tmp_path / "web-secret-key") == 0o600 and len(key) > 40
            (tmp_path / "web-secret-key").chmod(0o644)
            assert secret_key(tmp_path) == key and _mode(tmp_path / "web-secret-key") == 0o600
        finally:
            if saved is not None:
                os.environ["JICAI_SECRET_KEY"] = saved
    finally:
        os.umask(old)


def test_a_new_home_gets_a_private_database(tmp_path: Path) -> None:
    """The real start-up (configure, migrate) under the usual umask 022."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("JICAI_SECRET_KEY", "DATABASE_URL", "JICAI_AUDIT_DB_GUARD")}
    env.update(JICAI_HOME=str(tmp_path), DJANGO_SETTINGS_MODULE="jicai.web.settings")
    code = ("import os; os.umask(0o022)\n"
            "from jicai.web.setup import configure, migrate\n"
            "configure(); migrate()\n"
            "from jicai.web.audit.record import Actor, record\n"
            "record(Actor(user=None, via='test'), 'test.one', ('t', '1'), before=None, after=None)\n"
            "from django.db import connection\n"
            "cur = connection.cursor()\n"
            "cur.execute(\"SELECT name FROM sqlite_master WHERE type = 'trigger'\")\n"
            "print(sorted(r[0] for r in cur.fetchall()))\n")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=120, check=True).stdout
    assert "audit_auditevent_no_replace" in out and "audit_auditevent_no_update" in out
    for name in ("web.sqlite3", "web-secret-key"):
        assert _mode(tmp_path / name) == 0o600, name
    for name in ("web.sqlite3-wal", "web.sqlite3-shm"):
        if (tmp_path / name).exists():
            assert _mode(tmp_path / name) == 0o600, name
