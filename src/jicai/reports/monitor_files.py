"""Write a monitor result: alerts.csv and progress.csv exactly as the contract says,
the same as Parquet, the figures, a run summary, and one XLSX workbook in Chinese.

CSV numbers are written in a fixed notation (at most 6 decimals, no exponent)
and rows are sorted, so two runs on the same data give byte-identical files.
"""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from jicai.contract.schemas import ALERT_COLUMNS, PROGRESS_COLUMNS
from jicai.engine.run import MonitorResult
from jicai.spreadsheet import safe_text, workbook

SEVERITY_ZH = {"info": "提示", "warning": "预警", "critical": "严重"}


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if v != v:  # NaN
            return ""
        s = f"{v:.6f}".rstrip("0").rstrip(".")
        return "0" if s in ("-0", "") else s
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, str):
        return safe_text(v)  # a name beginning with "=" must not become a formula
    return str(v)


def write_csv(t: pa.Table, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(t.column_names)
        for batch in t.to_batches(max_chunksize=65536):
            cols = [c.to_pylist() for c in batch.columns]
            for row in zip(*cols, strict=True):
                w.writerow([_cell(v) for v in row])


def _provenance(result: MonitorResult) -> dict[bytes, bytes]:
    """What every Parquet output records of the run that made it: the warehouse snapshot
    it read (pinned for the whole run), the as-of day and the profile."""
    return {b"jicai.warehouse_snapshot": str(result.snapshot or "").encode(),
            b"jicai.as_of": result.as_of.isoformat().encode(),
            b"jicai.profile": result.profile.id.encode()}


def _write_parquet(table: pa.Table, path: Path, result: MonitorResult) -> None:
    meta = {**(table.schema.metadata or {}), **_provenance(result)}
    pq.write_table(table.replace_schema_metadata(meta), path)


def write_outputs(result: MonitorResult, out: Path, *, xlsx: bool = True) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, table in (("alerts", result.alerts), ("progress", result.progress),
                        ("prepayment", result.prepayment), ("assessment", result.assessment)):
        if table.num_columns == 0:
            continue
        write_csv(table, out / f"{name}.csv")
        _write_parquet(table, out / f"{name}.parquet", result)
        written += [out / f"{name}.csv", out / f"{name}.parquet"]
    figure_files = write_figures(result, out / "figures")
    written += figure_files
    summary = {
        "as_of": result.as_of.isoformat(),
        "profile": result.profile.id,
        "profile_source": result.profile.source,
        "engine": result.engine,
        "warehouse_snapshot": result.snapshot,
        "alerts": result.alerts.num_rows,
        "rules": [{"rule_id": r.rule_id, "status": r.status, "alerts": r.alerts,
                   "note": r.note} for r in result.rules],
        "by_rule_severity": by_rule_severity(result.alerts),
        "figures_files": [f.relative_to(out).as_posix() for f in figure_files],
    }
    (out / "run.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n",
                                  encoding="utf-8")
    written.append(out / "run.json")
    if xlsx:
        written.append(write_workbook(result, out / "monitor.xlsx"))
    return written


def write_figures(result: MonitorResult, folder: Path) -> list[Path]:
    """``figures/<name>.parquet`` for each figures table of the run (docs/figures-files.md)."""
    written: list[Path] = []
    if not result.figures:
        return written
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in result.figures.items():
        path = folder / f"{name}.parquet"
        _write_parquet(table, path, result)
        written.append(path)
    return written


def by_rule_severity(alerts: pa.Table) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for rid, sev in zip(alerts.column("rule_id").to_pylist(),
                        alerts.column("severity").to_pylist(), strict=True):
        out.setdefault(rid, {}).setdefault(sev, 0)
        out[rid][sev] += 1
    return out


def write_workbook(result: MonitorResult, path: Path, max_rows: int = 1_000_000) -> Path:
    """One workbook for an officer: summary, alerts, progress, assessment, prepayment."""
    # Strings stay strings (never formulas or links); formula-like text is quote-prefixed.
    wb = workbook(path, {"constant_memory": True, "default_date_format": "yyyy-mm-dd"})
    # A fixed creation date keeps the file the same from run to run.
    wb.set_properties({"title": f"集采执行监测 {result.as_of.isoformat()}",
                       "comments": f"warehouse snapshot {result.snapshot or '—'}",
                       "created": datetime.combine(result.as_of, datetime.min.time())})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    pct = wb.add_format({"num_format": "0.0%"})

    ws = wb.add_worksheet("汇总")
    wb.write_row(ws, 0, 0, ["监测日期", result.as_of.isoformat()], head)
    wb.write_row(ws, 1, 0, ["规则配置", f"{result.profile.name}（{result.profile.id}）"])
    wb.write_row(ws, 2, 0, ["预警总数", result.alerts.num_rows])
    wb.write_row(ws, 3, 0, ["数据快照", result.snapshot or "—"])
    wb.write_row(ws, 4, 0, ["规则编号", "状态", "预警", "提示", "严重", "说明"], head)
    counts = by_rule_severity(result.alerts)
    status_zh = {"ran": "已运行", "off": "未运行（缺少数据表）", "unavailable": "暂不支持"}
    for i, r in enumerate(result.rules, start=5):
        c = counts.get(r.rule_id, {})
        wb.write_row(ws, i, 0, [r.rule_id, status_zh[r.status], c.get("warning", 0),
                            c.get("info", 0), c.get("critical", 0), r.note])
    ws.set_column(0, 0, 30)
    ws.set_column(5, 5, 60)

    def sheet(name: str, table: pa.Table, headers: list[str], pct_cols: set[str]) -> None:
        s = wb.add_worksheet(name)
        wb.write_row(s, 0, 0, headers, head)
        s.freeze_panes(1, 0)
        names = table.column_names
        r = 1
        for batch in table.to_batches(max_chunksize=65536):
            for row in zip(*(c.to_pylist() for c in batch.columns), strict=True):
                if r > max_rows:
                    break
                for j, v in enumerate(row):
                    if names[j] == "severity":
                        v = SEVERITY_ZH.get(v, v)
                    if v is None:
                        continue
                    if names[j] in pct_cols and isinstance(v, float):
                        s.write_number(r, j, v, pct)
                    elif isinstance(v, date | datetime):
                        s.write(r, j, v.isoformat())
                    else:
                        wb.write(s, r, j, v)
                r += 1
        s.autofilter(0, 0, max(r - 1, 1), len(headers) - 1)
        s.set_column(0, len(headers) - 1, 14)

    sheet("预警", result.alerts, [z for _c, z, _t in ALERT_COLUMNS], set())
    sheet("执行进度", result.progress, [z for _c, z, _t in PROGRESS_COLUMNS],
          {"completion", "schedule", "nonwinning_share"})
    if result.assessment.num_columns:
        sheet("考核结果", result.assessment,
              ["批次编码", "采购年度", "机构编码", "品种编码", "完成率", "非中选产品占比", "适用豁免",
               "考核结果", "原因"], {"completion", "nonwinning_share"})
    if result.prepayment.num_columns:
        sheet("预付金", result.prepayment,
              ["批次编码", "采购年度", "机构编码", "品种编码", "中选企业", "约定采购量", "类别",
               "最小单位中选价", "预付比例", "协议采购金额", "预付金"], {"rate"})
    if result.figures:
        _figure_sheets(wb, result, head)
    wb.close()
    return path


def _figure_sheets(wb: Any, result: MonitorResult, head: Any) -> None:
    """指标（本年累计）: the ytd rows of the regions and institutions; 排名: the ytd rankings.
    Headers and number formats come from jicai.engine.measures.COLUMNS."""
    import pyarrow.compute as pc

    from jicai.engine.measures import COLUMNS
    from jicai.engine.measures.columns import ROLE_ZH, SCOPE_ZH
    from jicai.engine.measures.rankings import BY_ID as RANKINGS

    ytd = str(result.as_of.year)
    formats = {f: wb.add_format({"num_format": f}) for f in {c.fmt for c in COLUMNS}}
    fig = result.figures["figures"]
    scopes = ("province", "city", "county", "institution")
    rows = fig.filter(pc.and_(pc.equal(fig.column("period"), ytd),
                              pc.is_in(fig.column("scope"), pa.array(scopes))))
    order = {s: i for i, s in enumerate(scopes)}
    keyed = sorted(rows.to_pylist(), key=lambda r: (order[r["scope"]], r["code"] or ""))
    ws = wb.add_worksheet("指标（本年累计）")
    lead = [("scope", "层级"), ("code", "编码"), ("name", "名称"), ("region_code", "所属区划")]
    ws.write_row(0, 0, [z for _c, z in lead] + [c.zh for c in COLUMNS], head)
    ws.freeze_panes(1, 3)
    for i, r in enumerate(keyed, start=1):
        wb.write_row(ws, i, 0, [SCOPE_ZH.get(r["scope"], r["scope"]), r["code"], r["name"],
                                r["region_code"]])  # names formula-safe (quote prefix)
        for j, c in enumerate(COLUMNS, start=len(lead)):
            v = r[c.id]
            if v is not None:
                ws.write_number(i, j, v, formats[c.fmt])
    ws.set_column(0, 1, 12)
    ws.set_column(2, 2, 28)
    ws.set_column(3, len(lead) + len(COLUMNS) - 1, 14)
    ws.autofilter(0, 0, max(len(keyed), 1), len(lead) + len(COLUMNS) - 1)

    rk = result.figures.get("rankings")
    if rk is None:
        return
    rk = rk.filter(pc.equal(rk.column("period"), ytd))
    ws = wb.add_worksheet("排名")
    ws.write_row(0, 0, ["排名类别", "层级", "名次", "编码", "名称", "所属区划", "企业类型", "指标值",
                        "对照指标", "金额（元）"], head)
    ws.freeze_panes(1, 0)
    pct, yuan = formats["0.0%"], formats["#,##0.00"]
    for i, r in enumerate(rk.to_pylist(), start=1):
        spec = RANKINGS[r["ranking"]]
        wb.write_row(ws, i, 0, [spec.zh, SCOPE_ZH.get(r["scope"], r["scope"]), r["rank"],
                                r["code"], r["name"], r["region_code"],
                                ROLE_ZH.get(r["role"] or "", "")])
        for j, key in ((7, "value"), (8, "second")):
            col = spec.value if key == "value" else spec.second
            fmt = formats[next(c.fmt for c in COLUMNS if c.id == col)] if col else pct
            if r[key] is not None:
                ws.write_number(i, j, r[key], fmt)
        if r["amount"] is not None:
            ws.write_number(i, 9, r["amount"], yuan)
    ws.set_column(0, 0, 40)
    ws.set_column(1, 9, 14)
    ws.autofilter(0, 0, max(rk.num_rows, 1), 9)
