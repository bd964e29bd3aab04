"""Downloads speak Chinese by default (English with ?lang=en) and tell Beijing time."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

from django.test import Client
from django.utils import timezone

from jicai.contract.schemas import TABLES
from jicai.warehouse.store import Warehouse
from jicai.web.audit.models import AuditEvent
from jicai.web.filings import review
from tests.web.filing_helpers import actor, h_a, open_drug
from tests.web.records import fill_and_submit
from tests.web.world import World


def _csv(response: object) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))  # type: ignore[attr-defined]


def test_demand_filings_go_out_with_the_contracts_chinese_names_and_import_back(
        world: World, as_: Callable[[str], Client], tmp_path: Path) -> None:
    window = open_drug(world)
    filing = h_a(window)
    fill_and_submit(world, filing, units=1200)
    for who in ("county_a", "city", "province"):
        review.approve(actor(world, who), filing)
    rows = _csv(as_("province").get(f"/filings/window/{window.pk}/demand_filings.csv"))
    assert rows[0] == [c.zh for c in TABLES["demand_filings"].columns]
    assert rows[0][:2] == ["批次编码", "采购年度"]
    # The Chinese file is a valid contract file: the warehouse takes it as it is.
    data = tmp_path / "data"
    data.mkdir()
    (data / "demand_filings.csv").write_text(
        "\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    stored = Warehouse(tmp_path / "home")
    stored.import_folder(data)
    got = stored.read("demand_filings").to_pylist()
    assert [(r["institution_code"], r["variety_code"], r["reported_units"]) for r in got] == [
        ("H_A", "V1", 1200), ("H_A", "V2", 1200)]
    english = _csv(as_("province").get(f"/filings/window/{window.pk}/demand_filings.csv?lang=en"))
    assert english[0] == list(TABLES["demand_filings"].names)
    total = _csv(as_("province").get(f"/filings/window/{window.pk}/total.csv"))
    assert total[0][:4] == ["批次编码", "采购年度", "品种编码", "品种名称"]


def test_the_audit_log_tells_beijing_time(world: World, as_: Callable[[str], Client]) -> None:
    open_drug(world)
    event = AuditEvent.objects.get(action="filing.open_window")
    rows = _csv(as_("province").get("/audit/audit-log.csv?action=filing."))
    assert rows[0][:3] == ["序号", "时间（北京时间）", "操作人"]
    beijing = timezone.localtime(event.at, dt.timezone(dt.timedelta(hours=8)))
    assert rows[1][1] == beijing.strftime("%Y-%m-%d %H:%M:%S")
    assert "+00:00" not in rows[1][1]
