"""The execution pages in English, one click away: labels, periods and statuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from jicai.web.alerts.models import MonitorRun
from jicai.web.audit.record import Actor
from jicai.web.monitoring.runs import import_output_folder
from tests.web.execution_files import write_run_folder
from tests.web.world import World


@pytest.fixture
def run(world: World, tmp_path: Path) -> MonitorRun:
    return import_output_folder(Actor(None, via="test"), write_run_folder(tmp_path / "out"))


def test_the_pages_speak_english_on_request(run, as_) -> None:  # type: ignore[no-untyped-def]
    client = as_("county_a")
    zh = client.get("/dashboards/institution/H_A/").content.decode()
    assert "一院一档" in zh and "约定采购量完成率" in zh and "2025年累计" in zh
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    en = client.get("/dashboards/institution/H_A/").content.decode()
    assert '<html lang="en">' in en
    for text in ("Institution file", "completion", "2025 to date", "Varieties",
                 "Non-winning purchases", "Alerts and their handling", "Monthly trend"):
        assert text in en, text
    assert "约定采购量完成率" not in en and "零采购" not in en
    assert "zero purchase" in en or "behind schedule" in en
    region = client.get("/dashboards/region/220102/").content.decode()
    assert "Name" in region and "Level" in region and "Download XLSX" in region
