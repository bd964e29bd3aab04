"""A monitor run's output folder for the execution pages' tests, over the web world.

The figures files are written here in the exact layout of ``docs/figures-files.md``
(the engine's own schema, ``jicai.engine.measures.columns.schema()``), with values
chosen so that the tests can tell the rows apart: every institution and region has
its own numbers, one region has no denominator (a NULL figure, shown "—"), and the
alerts, progress and assessment files carry one row per institution, so that a
county's downloads can be checked to hold its county's rows only. The files
beside them (alerts.csv, progress.csv, assessment.csv, monitor.xlsx, run.json) are
written by the monitor's own writer (``write_outputs``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from jicai.contract.schemas import ALERT_COLUMNS, PROGRESS_COLUMNS
from jicai.engine.measures.columns import COLUMNS, schema
from jicai.engine.run import MonitorResult, RuleRun
from jicai.policy.profiles import load_profile
from jicai.reports.monitor_files import write_outputs
from jicai.web.alerts.models import MonitorRun, RunStatus

AS_OF = dt.date(2025, 9, 30)
# code → (scope, name, region_code)
SUBJECTS: dict[str, tuple[str, str, str | None]] = {
    "220000": ("province", "测试省", None),
    "220100": ("city", "甲市", "220000"),
    "220200": ("city", "乙市", "220000"),
    "220102": ("county", "A县", "220100"),
    "220103": ("county", "B县", "220100"),
    "220202": ("county", "D县", "220200"),
    "H_A": ("institution", "A县人民医院", "220102"),
    "H_A2": ("institution", "A县某乡卫生院", "220102"),
    "H_B": ("institution", "B县人民医院", "220103"),
    "H_C": ("institution", "甲市第一医院", "220100"),
    "H_D": ("institution", "D县人民医院", "220202"),
}
INSTITUTIONS = [c for c, (s, _n, _r) in SUBJECTS.items() if s == "institution"]
COUNTY_OF = {"H_A": "220102", "H_A2": "220102", "H_B": "220103", "H_C": "220100",
             "H_D": "220202"}
VARIETIES = {"V1": ("DRUG1", "第十批国采", "阿莫西林胶囊"), "V2": ("DRUG1", "第十批国采", "氨氯地平片"),
             "V3": ("CONS1", "冠脉支架集采", "冠脉支架")}
DIST, M1 = "91220000MA0000003C", "91220000MA0000001A"
STATUSES = ("zero", "behind", "normal", "over")


def periods() -> list[tuple[str, str, dt.date, dt.date]]:
    out = []
    for m in range(1, AS_OF.month + 1):
        start = dt.date(2025, m, 1)
        end = min(dt.date(2025 + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1), AS_OF)
        out.append(("month", f"2025-{m:02d}", start, end))
    for q in range(1, (AS_OF.month - 1) // 3 + 2):
        start = dt.date(2025, 3 * q - 2, 1)
        end = min(dt.date(2025 + (3 * q) // 12, (3 * q) % 12 + 1, 1) - dt.timedelta(days=1),
                  AS_OF)
        out.append(("quarter", f"2025Q{q}", start, end))
    out.append(("ytd", "2025", dt.date(2025, 1, 1), AS_OF))
    return out


def _seed(code: str, period: str) -> int:
    return sum(ord(ch) * (i + 7) for i, ch in enumerate(code + period))


def figure_row(code: str, period: tuple[str, str, dt.date, dt.date], *,
               scope: str | None = None, name: str | None = None,
               region_code: str | None = None, role: str | None = None) -> dict[str, Any]:
    kind, label, start, end = period
    s0, n0, r0 = SUBJECTS.get(code, ("", "", None))
    row: dict[str, Any] = {"period_kind": kind, "period": label, "period_start": start,
                           "period_end": end, "scope": scope or s0, "code": code,
                           "name": name or n0, "region_code": region_code or r0, "role": role}
    seed = _seed(code, label + (role or ""))
    for i, c in enumerate(COLUMNS):
        v = (seed * (i + 3)) % 997
        if c.has_parts:
            den = 1000 + v
            num = (seed * (i + 11)) % den
            # B县 has no line of its own that counts for payment: no figure, never 0 %.
            if code == "220103" and c.id == "payment_on_time_rate":
                den, num = 0, 0
            ftype = pa.type_for_alias(c.num_type)
            row[f"{c.id}_num"] = float(num) if ftype == pa.float64() else num
            row[f"{c.id}_den"] = float(den) if pa.type_for_alias(c.den_type) == pa.float64() \
                else den
            row[c.id] = num / den if den else None
        elif c.kind in ("units", "count"):
            row[c.id] = v * 10
        elif c.kind == "amount":
            row[c.id] = round(v * 123.45, 2)
        elif c.id == "gap":
            row[c.id] = None
        else:
            row[c.id] = v / 10
    if row.get("completion") is not None and row.get("schedule") is not None:
        row["gap"] = row["completion"] - row["schedule"]
    if kind != "ytd":
        row["alerts"] = row["alerts_critical"] = None
    return row


def figures_table() -> pa.Table:
    rows = []
    for p in periods():
        for code in SUBJECTS:
            rows.append(figure_row(code, p))
        for region in ("220000", "220100", "220200", "220102", "220103", "220202"):
            for v, (_b, _bn, vname) in VARIETIES.items():
                rows.append(figure_row(v + region, p, scope="variety", name=vname,
                                       region_code=region) | {"code": v})
        rows.append(figure_row(DIST, p, scope="company", name="配送医药公司",
                               region_code="220000", role="distributor"))
        rows.append(figure_row(M1, p, scope="company", name="中选药业", region_code="220000",
                               role="manufacturer"))
    return pa.Table.from_pylist(rows, schema=schema())


def status_of(i: int) -> str:
    return STATUSES[i % 4]


def cycles_table() -> pa.Table:
    rows = []
    for p in periods():
        for n, inst in enumerate(INSTITUTIONS):
            for m, (v, (batch, bname, vname)) in enumerate(VARIETIES.items()):
                seed = _seed(inst + v, p[1])
                agreed = 1000 + seed % 500
                credited = (seed * 7) % 1400
                schedule = 0.5 + (m / 10)
                completion = credited / agreed
                rows.append({
                    "period_kind": p[0], "period": p[1], "period_start": p[2],
                    "period_end": p[3], "scope": "institution", "code": inst,
                    "name": SUBJECTS[inst][1], "region_code": COUNTY_OF[inst],
                    "batch_code": batch, "batch_name": bname, "cycle_no": 1,
                    "start_date": dt.date(2025, 3, 1), "end_date": dt.date(2026, 2, 28),
                    "variety_code": v, "variety_name": vname, "agreed_units": agreed,
                    "credited_units": credited, "winning_units": credited,
                    "backup_units": 0, "nonwinning_units": (seed * 3) % 200 if m != 1 else 0,
                    "excluded_units": 0, "winning_amount": credited * 12.5,
                    "backup_amount": 0.0, "nonwinning_amount": ((seed * 3) % 200) * 20.0
                    if m != 1 else 0.0, "excluded_amount": 0.0, "completion": completion,
                    "schedule": schedule, "gap": completion - schedule,
                    "nonwinning_share": ((seed * 3) % 200) / (credited + 200) if m != 1
                    else 0.0, "varieties": 1,
                    "status_zero": 0, "status_behind": 0, "status_normal": 0, "status_over": 0,
                    "status": status_of(n + m),
                    "exemption": "clinical_change" if (inst, v) == ("H_A", "V3") else None})
    return pa.Table.from_pylist(rows)


def rankings_table() -> pa.Table:
    rows = []
    for p in periods():
        keys = {"period_kind": p[0], "period": p[1], "period_start": p[2], "period_end": p[3]}
        inst = sorted(INSTITUTIONS, key=lambda c: (-(_seed(c, p[1]) % 100), c))
        for rank, code in enumerate(inst, start=1):
            v = (_seed(code, p[1]) % 100) / 100
            rows.append({"ranking": "payment_institutions", **keys, "scope": "institution",
                         "rank": rank, "code": code, "name": SUBJECTS[code][1],
                         "region_code": COUNTY_OF[code], "role": None, "value": v,
                         "value_num": round(v * 100), "value_den": 100, "second": 20.5,
                         "amount": 1000.0 * rank})
        regions = ("220100", "220200", "220102", "220103", "220202")
        for rank, code in enumerate(regions, start=1):
            rows.append({"ranking": "regions_gap", **keys, "scope": SUBJECTS[code][0],
                         "rank": rank, "code": code, "name": SUBJECTS[code][1],
                         "region_code": SUBJECTS[code][2], "role": None,
                         "value": 0.1 - rank / 20, "value_num": None, "value_den": None,
                         "second": 0.5, "amount": None})
        rows.append({"ranking": "delivery_distributors", **keys, "scope": "company", "rank": 1,
                     "code": DIST, "name": "配送医药公司", "region_code": "220000",
                     "role": "distributor", "value": 0.9, "value_num": 90, "value_den": 100,
                     "second": 0.8, "amount": 5000.0})
    return pa.Table.from_pylist(rows)


def _contract(columns: tuple[tuple[str, str, pa.DataType], ...],
              rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=pa.schema([(n, t) for n, _z, t in columns]))


def write_run_folder(folder: Path) -> Path:
    """The whole output folder of a run as of 2025-09-30 (profile national)."""
    alerts = _contract(ALERT_COLUMNS, [
        {"rule_id": "progress.behind_schedule", "severity": "warning", "institution_code": i,
         "batch_code": "DRUG1", "cycle_no": 1, "variety_code": "V1", "product_code": None,
         "ref": None, "value": 0.2, "threshold": 0.5, "clause": "HENAN 二(九)",
         "message": f"{SUBJECTS[i][1]} 阿莫西林胶囊 进度落后"} for i in INSTITUTIONS]
        + [{"rule_id": "supplier.delivery_rate_low", "severity": "info", "institution_code": None,
            "batch_code": None, "cycle_no": None, "variety_code": None, "product_code": None,
            "ref": DIST, "value": 0.6, "threshold": 0.9, "clause": "JILIN 第十四条",
            "message": "配送率低"}])
    progress = _contract(PROGRESS_COLUMNS, [
        {"batch_code": "DRUG1", "cycle_no": 1, "institution_code": i, "variety_code": "V1",
         "agreed_units": 1000, "winning_units": 100 * (n + 1), "backup_units": 0,
         "nonwinning_units": 10, "excluded_units": 0, "completion": 0.1 * (n + 1),
         "schedule": 0.6, "nonwinning_share": 0.05, "exemption": None}
        for n, i in enumerate(INSTITUTIONS)])
    assessment = pa.Table.from_pylist([
        {"batch_code": "DRUG1", "cycle_no": 1, "institution_code": i, "variety_code": "V1",
         "completion": 0.1 * (n + 1), "nonwinning_share": 0.05, "exemption": None,
         "result": "unqualified", "reasons": "未完成约定采购量"}
        for n, i in enumerate(INSTITUTIONS)])
    result = MonitorResult(as_of=AS_OF, profile=load_profile("national"), alerts=alerts,
                           progress=progress, prepayment=pa.table({}), assessment=assessment,
                           rules=[RuleRun("progress.behind_schedule", "ran", len(INSTITUTIONS)),
                                  RuleRun("supplier.delivery_rate_low", "ran", 1)])
    write_outputs(result, folder)
    figures = folder / "figures"
    figures.mkdir(exist_ok=True)
    pq.write_table(figures_table(), figures / "figures.parquet")
    pq.write_table(cycles_table(), figures / "cycles.parquet")
    pq.write_table(rankings_table(), figures / "rankings.parquet")
    return folder


def make_run(folder: Path) -> MonitorRun:
    write_run_folder(folder)
    return MonitorRun.objects.create(as_of=AS_OF, profile="national", source="test",
                                     status=RunStatus.SUCCEEDED, output_dir=str(folder),
                                     rules=[{"rule_id": "progress.behind_schedule",
                                             "status": "ran", "alerts": 5, "note": ""}])
