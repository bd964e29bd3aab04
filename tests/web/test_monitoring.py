"""Publishing workflow records into a real warehouse, and running the monitor from the app."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from jicai.warehouse.store import Warehouse
from jicai.web.alerts.models import Alert, MonitorRun
from jicai.web.audit.record import Actor
from jicai.web.filings import review
from jicai.web.jobs.queue import run_queued
from jicai.web.monitoring import bridge, publish
from jicai.web.monitoring.runs import start_run
from jicai.web.monitoring.sync import sync_reference
from jicai.web.reference.load import load_reference
from jicai.web.reference.models import Institution, Region
from jicai.web.tickets import services as tickets
from tests.web.records import build_records
from tests.web.warehouse_data import world_tables
from tests.web.world import World

PROFILE = "national"  # its rules include the 48-hour order rule and the demand rules


@pytest.fixture
def home(world: World, settings, tmp_path: Path) -> Path:
    settings.HOME = tmp_path
    Warehouse(tmp_path).import_tables(world_tables(), source="test", user="test")
    return tmp_path


def test_workflow_records_reach_the_warehouse(world: World, home: Path) -> None:
    records = build_records(world)
    for who in ("county_a", "city", "province"):
        review.approve(Actor(world.users[who]), records.filing)
    tickets.verify(Actor(world.users["county_a"]), records.ticket, dt.date(2025, 9, 1),
                   dt.date(2025, 9, 30))
    tables = publish.contract_tables()
    # approved filings go out as versions beside the platform's filings (decision 0008)
    assert sorted(tables) == ["demand_filing_versions", "exemptions", "filings", "tickets"]
    pub = publish.publish(Actor(world.users["province"]))
    assert pub.ok and pub.rows["demand_filing_versions"] == 2
    warehouse = Warehouse(home)
    assert warehouse.read("demand_filings") is None
    stored = warehouse.read("demand_filing_versions").to_pylist()
    assert {(r["institution_code"], r["variety_code"], r["reported_units"]) for r in stored} == {
        ("H_A", "V1", 1200), ("H_A", "V2", 1200)}
    assert warehouse.read("exemptions").to_pylist()[0]["kind"] == "supply_problem"
    assert warehouse.read("tickets").to_pylist()[0]["ticket_id"].startswith("WEB-T")
    # publishing again changes nothing
    publish.publish(Actor(world.users["province"]))
    assert Warehouse(home).read("demand_filing_versions").num_rows == 2


def test_a_monitor_run_from_the_app(world: World, home: Path, as_) -> None:
    records = build_records(world)
    for who in ("county_a", "city", "province"):
        review.approve(Actor(world.users[who]), records.filing)
    publish.publish(Actor(world.users["province"]))
    run = start_run(Actor(world.users["province"]), dt.date(2025, 9, 30), PROFILE)
    assert run.status == "succeeded", run.message
    rules = {a.rule_id for a in run.alerts.all()}
    assert "order.unresponded_48h" in rules  # OL-1 was never confirmed
    order = run.alerts.get(rule_id="order.unresponded_48h")
    assert order.distributor_id is not None and order.institution_id == "H_A"
    assert {"rule_id": "demand.missing", "status": "ran"}.items() <= next(
        r for r in run.rules if r["rule_id"] == "demand.missing").items()
    page = as_("distributor").get("/alerts/delayed/").content.decode()
    assert "OL-1" in page
    assert "OL-1" not in as_("company2").get("/alerts/delayed/").content.decode()
    assert "OL-1" not in as_("county_b").get("/alerts/").content.decode()


def test_a_run_that_cannot_be_made_says_why(world: World, home: Path, monkeypatch) -> None:
    run = start_run(Actor(world.users["province"]), dt.date(2025, 9, 30), "nowhere")
    assert run.status == "failed" and "nowhere" in run.message

    def broken(as_of: dt.date, profile: str, progress: object = None) -> None:
        raise RuntimeError("engine bug")

    monkeypatch.setattr(bridge, "run_monitor", broken)
    run = start_run(Actor(world.users["province"]), dt.date(2025, 9, 30), PROFILE)
    assert run.status == "failed" and "engine bug" in run.message


def test_reference_data_loads_from_the_warehouse(world: World, home: Path) -> None:
    # a second load of the same tables changes nothing and loses nothing
    counts = load_reference(Warehouse(home).read)
    assert counts["regions"] == 6 and counts["institutions"] == 5
    assert Region.objects.get(pk="220102").path == "220000/220100/220102/"
    assert Institution.objects.get(pk="H_A2").consortium_lead_id == "H_A"
    counts = sync_reference(Actor(None, via="test"))
    assert counts["agreement_duties"] == 2
    assert sync_reference(Actor(None, via="test"))["agreement_duties"] == 0


def test_the_page_publishes_and_runs(world: World, home: Path, as_) -> None:
    client = as_("province")
    assert client.post("/monitoring/publish/").status_code == 302
    response = client.post("/monitoring/run/", {"as_of": "2025-09-30", "profile": PROFILE})
    run = MonitorRun.objects.get()
    assert response.url == f"/monitoring/run/{run.pk}/"
    # the page only queues the run: the worker's loop is run here, explicitly, till idle
    assert run_queued() == 1
    page = client.get(response.url).content.decode()
    # the rule by its title and code in the page's language, never by its id
    assert bridge.rule_titles()["order.unresponded_48h"][0] in page and "R1" in page
    assert "order.unresponded_48h" not in page
    assert Alert.objects.filter(run=run).exists()
