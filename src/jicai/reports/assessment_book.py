"""考核表: the assessment and the rankings as one workbook (JILIN 第二十一条; GANZHOU 附件1).

Sheets:

- 考核表 — every (institution, batch, cycle, variety) whose cycle has ended by the
  run's day: completion, non-winning share, exemption, 合格 / 不合格 and why
  (``assessment.parquet`` of the run: P2 and S1 without a clinical-change exemption);
- 机构考核汇总 — per institution: varieties assessed, unqualified, and the share;
- 赣州排名 — GANZHOU 附件1: institutions that completed every agreed volume, by the
  share of winning units in the units of the same generic names; then, listed apart,
  those that did not (``rankings.parquet``: ``ganzhou_completed`` / ``_not_completed``);
- 网采率 — cities, counties and institutions against 药品 ≥ 90 % and 高值耗材 ≥ 80 %
  (the profile's O1 settings where it has the rule);
- one sheet per further ranking of the run (payment, delivery, regions).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from jicai.policy.notices import clause_zh
from jicai.reports import labels, numbers
from jicai.reports.hospital import _Formats, _header, _put
from jicai.reports.periods import Period
from jicai.reports.run_data import RunData
from jicai.reports.selection import scope_for

#: GANZHOU 附件1's online-rate floors (the profile's O1 settings replace them).
ONLINE_FLOORS = {"drug": 0.9, "hv_consumable": 0.8}
RANKINGS: tuple[tuple[str, str, str, str, str], ...] = (
    # ranking id, sheet, value header, second header, amount header
    ("payment_institutions", "回款排名（机构）", "按时回款率", "平均回款天数", "逾期未付金额（元）"),
    ("payment_regions", "回款排名（地区）", "按时回款率", "平均回款天数", "逾期未付金额（元）"),
    ("delivery_distributors", "配送排名（配送企业）", "配送率", "48小时响应率", "采购金额（元）"),
    ("delivery_manufacturers", "配送排名（生产企业）", "配送率", "48小时响应率", "采购金额（元）"),
    ("regions_gap", "地区排名（进度差）", "进度差", "约定采购量完成率", ""),
    ("regions_nonwinning", "地区排名（非中选占比）", "非中选产品采购量占比",
     "非中选产品采购金额占比", "非中选产品采购金额（元）"),
    ("regions_online", "地区排名（网采率）", "网采率（药品）", "网采率（高值耗材）", ""),
    ("regions_payment", "地区排名（回款）", "按时回款率", "平均回款天数", "逾期未付金额（元）"),
)
DAYS_VALUES = {"平均回款天数"}


def write(run: RunData, period: Period, out: Path, region: str | None = None) -> Path:
    from jicai.spreadsheet import workbook

    out.mkdir(parents=True, exist_ok=True)
    scope = scope_for(run, region, period.code)
    names = run.names
    path = out / (f"考核表-{period.code}" + (f"-{region}" if region else "") + ".xlsx")
    wb = workbook(path, {"in_memory": True})
    wb.set_properties({"title": f"{scope.name}集中带量采购考核表 {period.label}",
                       "created": datetime.combine(period.end, datetime.min.time())})
    f = _Formats(wb)

    def inside(inst_code: str | None) -> bool:
        inst = names.institutions.get(inst_code or "")
        return inst is not None and names.within(inst.region_code, scope.code)

    # 考核表
    ws = wb.add_worksheet("考核表")
    heads = ["机构编码", "机构名称", "所属地区", "批次", "采购年度", "品种", "约定采购量完成率",
             "非中选产品采购量占比", "适用豁免", "考核结果", "不合格原因"]
    ws.merge_range(0, 0, 0, len(heads) - 1,
                   f"{scope.name}集中带量采购中选结果执行考核表（截至{numbers.cn_date(period.end)}）",
                   f.title)
    wb.write(ws, 1, 0, "考核范围：截至监测日采购周期已结束的批次；未完成约定采购量（临床使用调整"
                       "豁免除外）或非中选产品采购量占比超过规定的品种视为考核不合格"
                       "（吉林 第二十一条）。", f.sub)
    _header(wb, ws, f, 2, heads)
    ws.freeze_panes(3, 2)
    rows = [r for r in run.assessment.to_pylist() if inside(r["institution_code"])] \
        if run.assessment.num_columns else []
    rows.sort(key=lambda r: (r["institution_code"], r["batch_code"], r["cycle_no"],
                             r["variety_code"]))
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for i, r in enumerate(rows, start=3):
        code = r["institution_code"]
        ok = r["result"] == "qualified"
        per[code][0] += 1
        per[code][1] += 0 if ok else 1
        chain = names.chain(code)
        vals: list[tuple[Any, str]] = [
            (code, ""), (names.institution(code), ""),
            ("".join(names.region(chain[lv]) for lv in ("city", "county") if lv in chain), ""),
            (names.batch(r["batch_code"]), ""), (r["cycle_no"], "0"),
            (names.variety(r["variety_code"]), ""), (r["completion"], "0.0%"),
            (r["nonwinning_share"], "0.0%"), (labels.exemption(r["exemption"]), "")]
        for j, (v, fmt) in enumerate(vals):
            _put(wb, ws, f, i, j, v, fmt or None)
        wb.write(ws, i, 9, "合格" if ok else "不合格", f.good if ok else f.bad)
        wb.write(ws, i, 10, r["reasons"] or "", f.cell)
    if not rows:
        wb.write(ws, 3, 0, "截至监测日尚无采购周期结束的批次，暂无考核结果。", f.sub)
    ws.autofilter(2, 0, max(len(rows) + 2, 3), len(heads) - 1)
    for j, w in enumerate((15, 28, 18, 30, 9, 16, 12, 12, 14, 10, 30)):
        ws.set_column(j, j, w)

    # 机构考核汇总
    ws = wb.add_worksheet("机构考核汇总")
    _header(wb, ws, f, 0, ["机构编码", "机构名称", "考核品种数", "不合格品种数", "不合格占比"])
    ws.freeze_panes(1, 2)
    for i, code in enumerate(sorted(per), start=1):
        n, bad = per[code]
        for j, (v, fmt) in enumerate(((code, ""), (names.institution(code), ""), (n, "#,##0"),
                                      (bad, "#,##0"), (bad / n if n else None, "0.0%"))):
            _put(wb, ws, f, i, j, v, fmt or None)
    ws.set_column(0, 0, 15)
    ws.set_column(1, 1, 28)
    ws.set_column(2, 4, 13)

    # 赣州排名
    ws = wb.add_worksheet("赣州排名")
    ws.merge_range(0, 0, 0, 5, "医疗机构集采中选药品使用比例排名（赣州 附件1）", f.title)
    r = 2
    for ranking, title in (("ganzhou_completed", "一、各批次均完成约定采购量的医疗机构"),
                           ("ganzhou_not_completed", "二、未完成约定采购量的医疗机构（另列）")):
        wb.write(ws, r, 0, title, f.section)
        r += 1
        _header(wb, ws, f, r, ["名次", "机构编码", "机构名称", "所属地区",
                               "中选产品采购数量占比", "约定采购量完成率"])
        r += 1
        got = scope.ranking(ranking, scope="institution")
        for row in got:
            chain = names.chain(row["code"])
            where = "".join(names.region(chain[lv]) for lv in ("city", "county") if lv in chain)
            for j, (v, fmt) in enumerate(((row["rank"], "0"), (row["code"], ""),
                                          (row.get("name") or names.institution(row["code"]), ""),
                                          (where, ""), (row.get("value"), "0.0%"),
                                          (row.get("second"), "0.0%"))):
                _put(wb, ws, f, r, j, v, fmt or None)
            r += 1
        if not got:
            wb.write(ws, r, 0, "无", f.sub)
            r += 1
        r += 1
    for j, w in enumerate((7, 15, 28, 18, 16, 16)):
        ws.set_column(j, j, w)

    _online_sheet(wb, f, run, scope, period)
    for ranking, sheet, value_h, second_h, amount_h in RANKINGS:
        got = run.ranked(ranking, period.code)
        got = [row for row in got if row["scope"] in ("company",)
               or (row["scope"] == "institution" and inside(row["code"]))
               or (row["scope"] in ("city", "county")
                   and names.within(row["code"], scope.code))]
        if not got:
            continue
        ws = wb.add_worksheet(sheet)
        heads = ["层级", "名次", "编码", "名称", value_h, second_h, *([amount_h] if amount_h else [])]
        _header(wb, ws, f, 0, heads)
        ws.freeze_panes(1, 0)
        got.sort(key=lambda x: (x["scope"], x["rank"]))
        value_fmt = "0.0" if value_h in DAYS_VALUES else "0.0%"
        second_fmt = "0.0" if second_h in DAYS_VALUES else "0.0%"
        for i, row in enumerate(got, start=1):
            cells: list[tuple[Any, str]] = [
                (labels.SCOPE_ZH.get(row["scope"], row["scope"]), ""), (row["rank"], "0"),
                (row["code"], ""), (row.get("name") or row["code"], ""),
                (row.get("value"), value_fmt), (row.get("second"), second_fmt)]
            if amount_h:
                cells.append((row.get("amount"), "#,##0.00"))
            for j, (v, fmt) in enumerate(cells):
                _put(wb, ws, f, i, j, v, fmt or None)
        for j, w in enumerate((14, 7, 20, 30, 16, 16, 18)):
            ws.set_column(j, j, w)
    wb.close()
    return path


def _online_sheet(wb: Any, f: _Formats, run: RunData, scope: Any, period: Period) -> None:
    cfg = run.profile.rules.get("online.rate_low")
    floors = dict(ONLINE_FLOORS)
    clause = "赣州 附件1"
    if cfg is not None:
        floors = {"drug": float(cfg.settings["drug"]),
                  "hv_consumable": float(cfg.settings["hv_consumable"])}
        clause = clause_zh(cfg.clause)
    ws = wb.add_worksheet("网采率")
    ws.merge_range(0, 0, 0, 7, f"网采率考核（药品 ≥ {numbers.pct(floors['drug'])}，高值医用耗材 ≥ "
                               f"{numbers.pct(floors['hv_consumable'])}，{clause}）", f.title)
    _header(wb, ws, f, 2, ["层级", "编码", "名称", "网采率（药品）", "药品是否达标",
                           "网采率（高值耗材）", "高值耗材是否达标", "所属地区"])
    ws.freeze_panes(3, 3)
    r = 3
    names = run.names
    levels = [lv for lv in ("city", "county") if lv != scope.level]
    rows: list[dict[str, Any]] = []
    for lv in levels:
        rows += sorted((x for x in run.figure_rows(scope=lv, period=period.code)
                        if names.within(x["code"], scope.code)), key=lambda x: x["code"])
    rows += scope.institutions()
    for x in rows:
        vals: list[tuple[Any, str]] = [
            (labels.SCOPE_ZH.get(x["scope"], x["scope"]), ""), (x["code"], ""),
            (x.get("name") or x["code"], ""), (x.get("online_rate_drug"), "0.0%")]
        for j, (v, fmt) in enumerate(vals):
            _put(wb, ws, f, r, j, v, fmt or None)
        for j, key, floor in ((4, "online_rate_drug", floors["drug"]),
                              (6, "online_rate_hv", floors["hv_consumable"])):
            v = x.get(key)
            if j == 6:
                _put(wb, ws, f, r, 5, v, "0.0%")
            if v is None:
                wb.write(ws, r, j, "—", f.cell)
            else:
                ok = v >= floor - 1e-9
                wb.write(ws, r, j, "达标" if ok else "未达标", f.good if ok else f.bad)
        wb.write(ws, r, 7, names.region(x.get("region_code")), f.cell)
        r += 1
    for j, w in enumerate((14, 15, 28, 14, 12, 16, 14, 14)):
        ws.set_column(j, j, w)
