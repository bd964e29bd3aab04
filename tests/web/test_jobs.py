"""Background jobs (decision 0009): a run queued from the page, the worker doing it,
one run at a time, a report built for the right scope only.

The worker here is django-tasks-db's own loop run in the test's thread till the queue is
empty (``run_queued``); ``test_jobs_serve.py`` runs the real ``jicai serve``.
"""

from __future__ import annotations

import datetime as dt
from html import unescape
from pathlib import Path

import pytest

from jicai.warehouse.store import Warehouse
from jicai.web.alerts.models import Alert, MonitorRun
from jicai.web.audit.record import Actor
from jicai.web.jobs.execute import fail_interrupted
from jicai.web.jobs.models import Job
from jicai.web.jobs.queue import JobBusy, run_queued
from jicai.web.monitoring.runs import enqueue_run, start_run
from tests.web.warehouse_data import world_tables
from tests.web.world import World


@pytest.fixture
def home(world: World, settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.HOME = tmp_path
    Warehouse(tmp_path).import_tables(world_tables(), source="test", user="test")
    return tmp_path


def test_the_page_queues_the_run_and_the_worker_completes_it(world, home, as_) -> None:  # type: ignore[no-untyped-def]
    client = as_("province")
    response = client.post("/monitoring/run/", {"as_of": "2025-09-30", "profile": "national"})
    run = MonitorRun.objects.get()
    assert response.status_code == 302 and response.url == f"/monitoring/run/{run.pk}/"
    # the response came before the run was made: nothing computed, the job waits
    job = Job.objects.get(run=run)
    assert job.status == "queued" and job.slot == "monitor" and job.task_id
    assert run.finished_at is None and run.alert_count == 0 and not Alert.objects.exists()
    page = unescape(client.get(response.url).content.decode())
    assert 'data-status="queued"' in page and '<meta http-equiv="refresh" content="2">' in page
    assert run_queued() == 1
    run.refresh_from_db()
    job.refresh_from_db()
    assert run.status == "succeeded" and run.alert_count > 0, run.message
    assert run.alert_count == Alert.objects.filter(run=run).count()
    assert job.status == "succeeded" and job.slot is None and job.finished_at is not None
    # the engine's last step is kept: rule i of n came through
    assert job.step_n > 0 or job.step
    page = unescape(client.get(response.url).content.decode())
    assert 'http-equiv="refresh"' not in page
    assert f"<dt>Alerts</dt><dd>{run.alert_count}</dd>" in page \
        or f"<dd>{run.alert_count}</dd>" in page


def test_the_engine_step_shows_while_running(world, home, as_) -> None:  # type: ignore[no-untyped-def]
    run = enqueue_run(Actor(world.users["province"]), dt.date(2025, 9, 30), "national")
    job = Job.objects.get(run=run)
    Job.objects.filter(pk=job.pk).update(status="running", step="订单48小时未响应", step_i=3,
                                         step_n=12)
    with_lang = as_("province")
    with_lang.cookies["django_language"] = "en"
    page = unescape(with_lang.get(f"/monitoring/run/{run.pk}/").content.decode())
    assert 'data-status="running"' in page and "订单48小时未响应 · step 3 of 12" in page
    assert 'http-equiv="refresh"' in page


def test_a_second_run_is_refused_while_one_is_queued(world, home, as_) -> None:  # type: ignore[no-untyped-def]
    client = as_("province")
    first = client.post("/monitoring/run/", {"as_of": "2025-09-30", "profile": "national"})
    second = client.post("/monitoring/run/", {"as_of": "2025-08-31", "profile": "national"},
                         follow=True)
    run = MonitorRun.objects.get()  # the second one left no run behind
    assert first.url == f"/monitoring/run/{run.pk}/"
    assert second.redirect_chain[-1][0] == f"/monitoring/run/{run.pk}/"
    assert "a monitor run is already queued or running" in unescape(second.content.decode())
    listing = client.get("/monitoring/").content.decode()
    assert 'id="run-busy"' in listing and 'id="run" disabled' in listing
    with pytest.raises(JobBusy):
        start_run(Actor(world.users["admin"]), dt.date(2025, 9, 30), "national")
    assert MonitorRun.objects.count() == 1 and Job.objects.count() == 1
    # once it is done, the next one may start
    run_queued()
    assert 'id="run-busy"' not in client.get("/monitoring/").content.decode()
    assert client.post("/monitoring/run/", {"as_of": "2025-08-31",
                                            "profile": "national"}).status_code == 302
    assert MonitorRun.objects.count() == 2


def test_a_run_left_running_is_failed_at_the_next_start(world, home) -> None:  # type: ignore[no-untyped-def]
    run = enqueue_run(Actor(world.users["province"]), dt.date(2025, 9, 30), "national")
    job = Job.objects.get(run=run)
    # as a killed worker leaves it: claimed, running, never finished
    Job.objects.filter(pk=job.pk).update(status="running")
    assert fail_interrupted() == 1
    run.refresh_from_db()
    job.refresh_from_db()
    assert run.status == "failed" and "interrupted by a server restart" in run.message
    assert job.status == "failed" and job.slot is None
    # and the queue's task of it, picked up again, does nothing
    assert run_queued() == 1
    run.refresh_from_db()
    assert run.status == "failed" and run.alert_count == 0


def test_a_report_built_in_the_background_is_of_its_scope_only(world, home, as_) -> None:  # type: ignore[no-untyped-def]
    import io

    import openpyxl

    from jicai.web.dashboards import reports

    if not reports.available():
        pytest.skip("jicai report hospital-monthly is not installed")
    run = start_run(Actor(world.users["province"]), dt.date(2025, 9, 30), "national")
    assert run.status == "succeeded", run.message
    county = as_("county_a")
    offer = county.get("/dashboards/institution/H_A/report/")
    assert offer.status_code == 200 and b'id="build"' in offer.content
    asked = county.post("/dashboards/institution/H_A/report/")
    job = Job.objects.get(kind="hospital")
    assert asked.url == f"/jobs/{job.pk}/" and job.status == "queued" and job.scope_code == "H_A"
    # asked again while queued: the same build, not a second one
    assert county.post("/dashboards/institution/H_A/report/").url == f"/jobs/{job.pk}/"
    assert county.get(f"/jobs/{job.pk}/file/").status_code == 404  # not built yet
    assert run_queued() == 1
    page = unescape(county.get(f"/jobs/{job.pk}/").content.decode())
    assert 'id="job-file"' in page and 'http-equiv="refresh"' not in page
    got = county.get(f"/jobs/{job.pk}/file/")
    assert got.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(got.streaming_content)))
    text = " ".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                    for v in row if v is not None)
    assert "A县人民医院" in text and "B县人民医院" not in text
    # the link now leads to the built file's page
    assert county.get("/dashboards/institution/H_A/report/").url == f"/jobs/{job.pk}/"
    # outside the institution's scope: neither the page nor the file
    for persona in ("county_b", "hospital_b", "company"):
        assert as_(persona).get(f"/jobs/{job.pk}/").status_code == 404, persona
        assert as_(persona).get(f"/jobs/{job.pk}/file/").status_code == 404, persona
    assert as_("hospital").get(f"/jobs/{job.pk}/file/").status_code == 200
