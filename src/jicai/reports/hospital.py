"""一院一档: the monthly file of one institution (GANZHOU 二(三)), and the index of them.

Each workbook has five sheets, as figures.md's Documents table lists them:

1. 概况 — the institution's indicators for the month against the profile's
   requirement and its county's, city's and province's figure; then one row per
   (batch, cycle) in the manner of Jiangsu's execution table (序时进度, 签约品种数,
   零采购 / 低于序时 / 正常 / 超量 counts and shares);
2. 品种明细 — every (batch, cycle, variety): agreed, credited, winning / backup /
   non-winning / excluded units and yuan of the month, completion, schedule, gap,
   status, exemption;
3. 非中选产品 — the month's non-winning purchases by product with the price per
   minimum unit against the lowest winning award price;
4. 预警 — the institution's alerts at the month's end, with their clause;
5. 月度趋势 — the year's months with native Excel line charts.

Every number is read from the run's figures files (``figures.parquet`` and
``cycles.parquet``), except the non-winning products, which come from the one
purchases query of the run (:mod:`jicai.reports.purchases`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.compute as pc

from jicai.policy.notices import clause_zh
from jicai.policy.profiles import Profile
from jicai.reports import labels, numbers
from jicai.reports.periods import Period
from jicai.reports.requirements import Requirement, requirements
from jicai.reports.run_data import Names, RunData


class Shown(Protocol):
    """What a workbook needs of the run besides its :class:`Book`: the profile and names."""

    @property
    def profile(self) -> Profile: ...

    @property
    def names(self) -> Names: ...


@dataclass(frozen=True)
class View:
    """:class:`Shown` alone, small enough to send to a worker process."""

    profile: Profile
    names: Names

#: The summary's indicators, in the order figures.md lists them for the 一院一档.
SUMMARY = ("completion", "schedule", "gap", "status_zero_share", "status_behind_share",
           "status_normal_share", "status_over_share", "entry_rate", "winning_unit_share",
           "winning_amount_share", "nonwinning_share", "nonwinning_amount_share",
           "nonwinning_units", "nonwinning_amount", "nonwinning_over", "substitutes_bought",
           "amount", "online_rate_drug", "online_rate_hv", "response_48h_rate",
           "delivery_rate", "timely_delivery_rate", "payment_on_time_rate", "overdue_amount",
           "payment_days")
TREND = ("completion", "schedule", "winning_unit_share", "nonwinning_share",
         "online_rate_drug", "response_48h_rate", "delivery_rate", "payment_on_time_rate")
LEVELS = ("county", "city", "province")
CYCLE_COLUMNS = ("code", "batch_code", "batch_name", "cycle_no", "variety_code", "variety_name",
                 "agreed_units", "credited_units", "winning_units", "backup_units",
                 "nonwinning_units", "excluded_units", "winning_amount", "backup_amount",
                 "nonwinning_amount", "excluded_amount", "completion", "schedule", "gap",
                 "nonwinning_share", "varieties", "status_zero", "status_behind",
                 "status_normal", "status_over", "status", "exemption")

Step = Callable[[int, int], None]


@dataclass
class Book:
    """Everything one institution's file shows, already read from the run."""

    code: str
    name: str
    region_path: str  # 中州省嵩原市城关区
    own: dict[str, Any]
    regions: dict[str, dict[str, Any]]  # level → that region's figures row
    region_names: dict[str, str]
    batches: list[dict[str, Any]] = field(default_factory=list)
    varieties: list[dict[str, Any]] = field(default_factory=list)
    nonwinning: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    trend: list[dict[str, Any]] = field(default_factory=list)
    # (batch, cycle) → non-winning products in the catalogue for its varieties
    listed: dict[tuple[str, int], int] = field(default_factory=dict)

    @property
    def file_name(self) -> str:
        """``<code>-<name>`` with what no file system takes (separators, control and
        reserved characters, a leading dot) left out: codes and names are data."""
        raw = f"{self.code}-{self.name}"
        safe = "".join(ch for ch in raw if ch not in '\\/:*?"<>|' and ch.isprintable())
        return safe.strip().lstrip(".") or "institution"

    def summary_row(self) -> dict[str, Any]:
        """The Jiangsu-style row: counts from the batch rows, shares from the figures."""
        tot = {k: sum(int(b.get(k) or 0) for b in self.batches)
               for k in ("varieties", "status_zero", "status_behind", "status_normal",
                         "status_over")}
        return {
            **tot,
            "schedule": self.own.get("schedule"), "completion": self.own.get("completion"),
            "gap": self.own.get("gap"),
            "status_zero_share": self.own.get("status_zero_share"),
            "status_behind_share": self.own.get("status_behind_share"),
            "status_normal_share": self.own.get("status_normal_share"),
            "status_over_share": self.own.get("status_over_share"),
            "winning_unit_share": self.own.get("winning_unit_share"),
            "nonwinning_share": self.own.get("nonwinning_share"),
            "nonwinning_listed": sum(self.listed.values()),
            "nonwinning_products": len({r["product_code"] for r in self.nonwinning}),
            "nonwinning_over": self.own.get("nonwinning_over"),
            "nonwinning_amount": self.own.get("nonwinning_amount"),
            "substitutes_bought": self.own.get("substitutes_bought"),
            "alerts": len(self.alerts),
        }


def _group(rows: Iterable[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        out[r[key]].append(r)
    return out


def _filter(t: pa.Table, **eq: str) -> pa.Table:
    if t.num_rows == 0:
        return t
    mask = None
    for col, v in eq.items():
        m = pc.equal(t.column(col), v)
        mask = m if mask is None else pc.and_(mask, m)
    return t.filter(mask) if mask is not None else t


def build_books(run: RunData, period: Period, purchases: pa.Table, *,
                institution: str | None = None, region: str | None = None) -> list[Book]:
    """One :class:`Book` per institution of the month's figures (in ``region``)."""
    names = run.names
    # Only the columns a file shows go to Python: a province has millions of values.
    fig_cols = list(dict.fromkeys(["scope", "code", "name", "region_code", *SUMMARY]))
    fig_month = _filter(run.figures, period=period.code).select(fig_cols)
    own_rows = {r["code"]: r for r in _filter(fig_month, scope="institution").to_pylist()}
    regional = fig_month.filter(pc.is_in(fig_month.column("scope"), pa.array(list(LEVELS))))
    region_rows = {(r["scope"], r["code"]): r for r in regional.to_pylist()}
    cyc = _filter(_filter(run.cycles, period=period.code), scope="institution")
    cyc = cyc.select([c for c in CYCLE_COLUMNS if c in cyc.column_names]).to_pylist()
    batch_rows = _group((r for r in cyc if r["variety_code"] is None), "code")
    variety_rows = _group((r for r in cyc if r["variety_code"] is not None), "code")
    months = _filter(_filter(run.figures, period_kind="month"), scope="institution")
    trend = _group(months.select(["code", "period", *TREND]).to_pylist(), "code")
    alerts = _group(run.alerts.select(
        ["rule_id", "severity", "institution_code", "batch_code", "variety_code", "ref",
         "clause", "message"]).to_pylist(), "institution_code")
    bought = purchases
    if bought.num_rows:
        bought = bought.filter(pc.and_(pc.equal(bought.column("role"), "nonwinning"),
                                       pc.greater(pc.fill_null(bought.column("month_units"), 0),
                                                  0)))
    nonwin = _group(bought.to_pylist(), "institution_code")

    codes = sorted(own_rows)
    if institution is not None:
        if institution not in own_rows:
            raise _no_institution(institution, period)
        codes = [institution]
    books = []
    for code in codes:
        own = own_rows[code]
        if not names.within(own.get("region_code") or "", region):
            continue
        chain = names.chain(code)
        regs = {lv: region_rows.get((lv, chain[lv]), {}) for lv in LEVELS if lv in chain}
        path = "".join(names.region(chain[lv]) for lv in ("province", "city", "county")
                       if lv in chain)
        books.append(Book(
            code=code, name=own.get("name") or names.institution(code), region_path=path,
            own=own, regions=regs,
            region_names={lv: names.region(chain[lv]) for lv in chain},
            batches=sorted(batch_rows.get(code, []),
                           key=lambda r: (r["batch_code"], r["cycle_no"])),
            varieties=sorted(variety_rows.get(code, []),
                             key=lambda r: (r["batch_code"], r["cycle_no"], r["variety_code"])),
            nonwinning=nonwin.get(code, []),
            alerts=sorted(alerts.get(code, []), key=lambda a: (
                {"critical": 0, "warning": 1, "info": 2}.get(a["severity"], 3), a["rule_id"],
                a["batch_code"] or "", a["variety_code"] or "", a["ref"] or "")),
            trend=sorted(trend.get(code, []), key=lambda r: r["period"]),
            listed=_listed(names, variety_rows.get(code, [])),
        ))
    if institution is not None and not books:
        from jicai.errors import JicaiError

        raise JicaiError(f"机构 {institution} 不在区划 {region} 内",
                         f"institution {institution} is not in region {region}")
    return books


def _listed(names: Names, varieties: list[dict[str, Any]]) -> dict[tuple[str, int], int]:
    out: dict[tuple[str, int], int] = defaultdict(int)
    for v in varieties:
        out[(v["batch_code"], v["cycle_no"])] += names.nonwinning_listed(v["batch_code"],
                                                                         v["variety_code"])
    return dict(out)


def _no_institution(code: str, period: Period) -> Exception:
    from jicai.errors import JicaiError

    return JicaiError(f"{period.label}的指标中没有机构 {code}（机构编码有误，或该机构当期无数据）",
                      f"institution {code} has no figures for {period.code} "
                      "(a wrong code, or no data in the period)")


# --- XLSX -------------------------------------------------------------------------------


class _Formats:
    def __init__(self, wb: Any) -> None:
        self.title = wb.add_format({"bold": True, "font_size": 15, "align": "center",
                                    "valign": "vcenter", "font_name": "宋体"})
        self.sub = wb.add_format({"font_size": 10, "font_color": "#404040"})
        self.head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                                   "text_wrap": True, "valign": "vcenter", "align": "center"})
        self.cell = wb.add_format({"border": 1, "valign": "vcenter"})
        self.wrap = wb.add_format({"border": 1, "text_wrap": True, "valign": "vcenter"})
        self.section = wb.add_format({"bold": True, "font_size": 12})
        self.bad = wb.add_format({"border": 1, "font_color": "#C00000", "bold": True})
        self.good = wb.add_format({"border": 1, "font_color": "#375623"})
        self._num: dict[str, Any] = {}
        self.wb = wb

    def num(self, fmt: str) -> Any:
        if fmt not in self._num:
            self._num[fmt] = self.wb.add_format({"num_format": fmt, "border": 1})
        return self._num[fmt]


def _put(wb: Any, ws: Any, f: _Formats, row: int, col: int, value: Any,
         fmt: str | None = None) -> None:
    if value is None:
        ws.write_blank(row, col, None, f.cell)
    elif isinstance(value, str):
        wb.write(ws, row, col, value, f.cell)
    elif isinstance(value, bool):
        wb.write(ws, row, col, "是" if value else "否", f.cell)
    else:
        ws.write_number(row, col, float(value), f.num(fmt or "#,##0"))


def _header(wb: Any, ws: Any, f: _Formats, row: int, headers: list[str]) -> None:
    wb.write_row(ws, row, 0, headers, f.head)


def write_book(book: Book, run: Shown, period: Period, path: Path,
               reqs: dict[str, Requirement] | None = None) -> Path:
    from jicai.spreadsheet import workbook

    reqs = requirements(run.profile) if reqs is None else reqs
    wb = workbook(path, {"in_memory": True})
    wb.set_properties({"title": f"{book.name}集采执行一院一档 {period.label}",
                       "created": datetime.combine(period.end, datetime.min.time())})
    f = _Formats(wb)
    _summary_sheet(wb, f, book, run, period, reqs)
    _variety_sheet(wb, f, book)
    _nonwinning_sheet(wb, f, book, run)
    _alerts_sheet(wb, f, book, run)
    _trend_sheet(wb, f, book)
    wb.close()
    return path


def _summary_sheet(wb: Any, f: _Formats, book: Book, run: Shown, period: Period,
                   reqs: dict[str, Requirement]) -> None:
    ws = wb.add_worksheet("概况")
    ws.merge_range(0, 0, 0, 7, f"{book.name}集中带量采购执行情况（一院一档）", f.title)
    ws.set_row(0, 28)
    wb.write(ws, 1, 0, f"统计期间：{period.label}（{numbers.cn_date(period.start)}至"
                       f"{numbers.cn_date(period.end)}）　所属地区：{book.region_path}　"
                       f"机构编码：{book.code}　规则配置：{run.profile.name}", f.sub)
    heads = ["指标", "本院", "要求", "是否达标", *[
        f"{labels.LEVEL_ZH[lv]}（{book.region_names[lv]}）" for lv in LEVELS
        if lv in book.regions], "依据"]
    _header(wb, ws, f, 3, heads)
    ws.freeze_panes(4, 1)
    schedule = book.own.get("schedule")
    r = 4
    for col in SUMMARY:
        fmt = labels.excel_format(col)
        wb.write(ws, r, 0, labels.zh(col), f.cell)
        _put(wb, ws, f, r, 1, book.own.get(col), fmt)
        req = reqs.get(col)
        wb.write(ws, r, 2, req.text(schedule) if req else "—", f.cell)
        met = req.met(book.own.get(col), schedule) if req else None
        wb.write(ws, r, 3, "—" if met is None else ("达标" if met else "未达标"),
                 f.cell if met is None else (f.good if met else f.bad))
        c = 4
        for lv in LEVELS:
            if lv in book.regions:
                _put(wb, ws, f, r, c, book.regions[lv].get(col), fmt)
                c += 1
        wb.write(ws, r, c, req.clause if req else "", f.cell)
        r += 1
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 14)
    ws.set_column(2, 2, 18)
    ws.set_column(3, 3, 9)
    ws.set_column(4, 6, 16)
    ws.set_column(7, 7, 22)

    r += 1
    wb.write(ws, r, 0, "分批次执行情况", f.section)
    r += 1
    _header(wb, ws, f, r, ["批次", "采购年度", "序时进度", "签约品种数", "零采购品种数",
                           "零采购占比", "低于序时进度品种数", "低于序时进度占比", "正常品种数",
                           "正常占比", "超量品种数", "超量占比", "约定采购量完成率",
                           "非中选产品采购量占比", "对应非中选产品数"])
    r += 1
    for b in book.batches:
        n = int(b.get("varieties") or 0)
        values: list[tuple[Any, str]] = [
            (run.names.batch(b["batch_code"]), ""), (b["cycle_no"], "0"),
            (b.get("schedule"), "0.0%"), (n, "#,##0")]
        for k in ("status_zero", "status_behind", "status_normal", "status_over"):
            cnt = int(b.get(k) or 0)
            values += [(cnt, "#,##0"), (cnt / n if n else None, "0.0%")]
        values += [(b.get("completion"), "0.0%"), (b.get("nonwinning_share"), "0.0%"),
                   (book.listed.get((b["batch_code"], b["cycle_no"]), 0), "#,##0")]
        for j, (v, fmt) in enumerate(values):
            _put(wb, ws, f, r, j, v, fmt or None)
        r += 1


VARIETY_HEADERS = ["批次", "采购年度", "品种编码", "品种", "约定采购量", "累计计入完成量",
                   "本月中选产品采购量", "本月备供产品采购量", "本月非中选产品采购量",
                   "本月不纳入考核采购量", "本月中选产品金额（元）", "本月备供产品金额（元）",
                   "本月非中选产品金额（元）", "本月不纳入考核金额（元）", "约定采购量完成率",
                   "序时进度", "进度差", "非中选产品采购量占比", "执行状态", "适用豁免"]


def _variety_sheet(wb: Any, f: _Formats, book: Book) -> None:
    ws = wb.add_worksheet("品种明细")
    _header(wb, ws, f, 0, VARIETY_HEADERS)
    ws.freeze_panes(1, 4)
    ws.set_row(0, 32)
    for i, v in enumerate(book.varieties, start=1):
        row: list[tuple[Any, str]] = [
            (v.get("batch_name") or v["batch_code"], ""), (v["cycle_no"], "0"),
            (v["variety_code"], ""), (v.get("variety_name") or v["variety_code"], "")]
        row += [(v.get(k), "#,##0") for k in (
            "agreed_units", "credited_units", "winning_units", "backup_units",
            "nonwinning_units", "excluded_units")]
        row += [(v.get(k), "#,##0.00") for k in (
            "winning_amount", "backup_amount", "nonwinning_amount", "excluded_amount")]
        row += [(v.get("completion"), "0.0%"), (v.get("schedule"), "0.0%"),
                (v.get("gap"), "0.0%"), (v.get("nonwinning_share"), "0.0%"),
                (labels.STATUS_ZH.get(v.get("status") or "", ""), ""),
                (labels.exemption(v.get("exemption")), "")]
        for j, (val, fmt) in enumerate(row):
            _put(wb, ws, f, i, j, val, fmt or None)
    ws.autofilter(0, 0, max(len(book.varieties), 1), len(VARIETY_HEADERS) - 1)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 2, 12)
    ws.set_column(3, 3, 16)
    ws.set_column(4, len(VARIETY_HEADERS) - 1, 13)


NONWINNING_HEADERS = ["批次", "采购年度", "品种", "产品", "生产企业", "采购数量（最小单位）",
                      "采购金额（元）", "最小单位采购均价（元）", "最低中选价（元/最小单位）",
                      "高出最低中选价"]


def _nonwinning_sheet(wb: Any, f: _Formats, book: Book, run: Shown) -> None:
    ws = wb.add_worksheet("非中选产品")
    _header(wb, ws, f, 0, NONWINNING_HEADERS)
    ws.freeze_panes(1, 0)
    ws.set_row(0, 32)
    n = run.names
    rows = sorted(book.nonwinning, key=lambda r: (-(r["month_amount"] or 0.0), r["product_code"]))
    for i, p in enumerate(rows, start=1):
        units = int(p["month_units"] or 0)
        price = (p["month_amount"] or 0.0) / units if units else None
        low = p.get("lowest_winning_ppu")
        above = price / low - 1 if price is not None and low else None
        vals: list[tuple[Any, str]] = [
            (n.batch(p["batch_code"]), ""), (p["cycle_no"], "0"),
            (n.variety(p["variety_code"]), ""), (n.product(p["product_code"]), ""),
            (n.maker(p["product_code"]), ""), (units, "#,##0"),
            (p["month_amount"], "#,##0.00"), (price, "#,##0.0000"), (low, "#,##0.0000"),
            (above, "0.0%")]
        for j, (val, fmt) in enumerate(vals):
            _put(wb, ws, f, i, j, val, fmt or None)
    if not rows:
        wb.write(ws, 1, 0, "本月无非中选产品采购。", f.sub)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 9)
    ws.set_column(2, 4, 22)
    ws.set_column(5, 9, 15)


#: The message names the batch, variety, product, figure and threshold; the columns
#: beside it are those an officer filters on (five cells, not nine: a province's
#: workbooks hold hundreds of thousands of alerts).
ALERT_HEADERS = ["规则", "严重程度", "品种", "政策条款", "说明"]


def _alerts_sheet(wb: Any, f: _Formats, book: Book, run: Shown) -> None:
    ws = wb.add_worksheet("预警")
    _header(wb, ws, f, 0, ALERT_HEADERS)
    ws.freeze_panes(1, 0)
    n = run.names
    severity = labels.SEVERITY_ZH
    for i, a in enumerate(book.alerts, start=1):
        wb.write(ws, i, 0, labels.rule_title(a["rule_id"]), f.cell)
        wb.write(ws, i, 1, severity.get(a["severity"], a["severity"]), f.cell)
        wb.write(ws, i, 2, n.variety(a["variety_code"]) if a["variety_code"] else "", f.cell)
        wb.write(ws, i, 3, clause_zh(a["clause"]), f.cell)
        wb.write(ws, i, 4, a["message"], f.wrap)
    if not book.alerts:
        wb.write(ws, 1, 0, "截至本月末无预警。", f.sub)
    else:
        ws.autofilter(0, 0, len(book.alerts), len(ALERT_HEADERS) - 1)
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 9)
    ws.set_column(2, 2, 20)
    ws.set_column(3, 3, 16)
    ws.set_column(4, 4, 90)


def _trend_sheet(wb: Any, f: _Formats, book: Book) -> None:
    ws = wb.add_worksheet("月度趋势")
    _header(wb, ws, f, 0, ["月份", *[labels.zh(c) for c in TREND]])
    ws.set_row(0, 32)
    for i, t in enumerate(book.trend, start=1):
        wb.write(ws, i, 0, numbers.period_label(t["period"]), f.cell)
        for j, col in enumerate(TREND, start=1):
            _put(wb, ws, f, i, j, t.get(col), "0.0%")
    ws.set_column(0, 0, 12)
    ws.set_column(1, len(TREND), 14)
    n = len(book.trend)
    if n == 0:
        return
    for k, (cols, title, anchor) in enumerate((
            ((1, 2), "约定采购量完成率与序时进度", "B" + str(n + 4)),
            ((3, 4, 5), "中选产品占比、非中选产品占比与网采率", "B" + str(n + 22)))):
        chart = wb.add_chart({"type": "line"})
        for c in cols:
            chart.add_series({"name": ["月度趋势", 0, c], "categories": ["月度趋势", 1, 0, n, 0],
                              "values": ["月度趋势", 1, c, n, c],
                              "marker": {"type": "circle", "size": 4}})
        chart.set_title({"name": title, "name_font": {"size": 11}})
        chart.set_y_axis({"num_format": "0%", "min": 0})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 720, "height": 300})
        ws.insert_chart(anchor, chart)
        del k


# --- index ------------------------------------------------------------------------------

INDEX_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("varieties", "签约品种数", "#,##0"),
    ("status_zero", "零采购品种数", "#,##0"), ("status_zero_share", "零采购占比", "0.0%"),
    ("status_behind", "低于序时进度品种数", "#,##0"),
    ("status_behind_share", "低于序时进度占比", "0.0%"),
    ("status_normal", "正常品种数", "#,##0"), ("status_normal_share", "正常占比", "0.0%"),
    ("status_over", "超量品种数", "#,##0"), ("status_over_share", "超量占比", "0.0%"),
    ("schedule", "序时进度", "0.0%"), ("completion", "约定采购量完成率", "0.0%"),
    ("gap", "进度差", "0.0%"), ("winning_unit_share", "中选产品采购数量占比", "0.0%"),
    ("nonwinning_share", "非中选产品采购量占比", "0.0%"),
    ("nonwinning_listed", "对应非中选产品总数", "#,##0"),
    ("nonwinning_products", "采购非中选产品数", "#,##0"),
    ("nonwinning_over", "非中选超量品种数", "#,##0"),
    ("nonwinning_amount", "非中选产品采购金额（元）", "#,##0.00"),
    ("substitutes_bought", "采购可替代产品数", "#,##0"),
    ("alerts", "预警数", "#,##0"),
)
INDEX_HEADERS = ["序号", "机构编码", "机构名称", "所属地区", "一院一档文件",
                 *[h for _k, h, _f in INDEX_COLUMNS]]


def write_index(books: list[Book], run: Shown, period: Period, path: Path,
                suffix: str = ".xlsx") -> Path:
    from jicai.spreadsheet import workbook

    wb = workbook(path, {"in_memory": True})
    wb.set_properties({"title": f"一院一档目录 {period.label}",
                       "created": datetime.combine(period.end, datetime.min.time())})
    f = _Formats(wb)
    ws = wb.add_worksheet("一院一档目录")
    ws.merge_range(0, 0, 0, len(INDEX_HEADERS) - 1,
                   f"医疗机构集中带量采购执行情况一院一档目录（{period.label}）", f.title)
    wb.write(ws, 1, 0, f"截至{numbers.cn_date(period.end)}　规则配置：{run.profile.name}　"
                       f"共 {len(books)} 家机构", f.sub)
    _header(wb, ws, f, 2, INDEX_HEADERS)
    ws.set_row(2, 32)
    ws.freeze_panes(3, 3)
    link = wb.add_format({"font_color": "#0563C1", "underline": 1, "border": 1})
    for i, b in enumerate(books, start=1):
        r = i + 2
        s = b.summary_row()
        _put(wb, ws, f, r, 0, i, "0")
        wb.write(ws, r, 1, b.code, f.cell)
        wb.write(ws, r, 2, b.name, f.cell)
        wb.write(ws, r, 3, b.region_path, f.cell)
        ws.write_url(r, 4, "external:" + b.file_name + suffix, link, b.file_name + suffix)
        for j, (k, _h, fmt) in enumerate(INDEX_COLUMNS, start=5):
            _put(wb, ws, f, r, j, s.get(k), fmt)
    ws.autofilter(2, 0, max(len(books) + 2, 3), len(INDEX_HEADERS) - 1)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 15)
    ws.set_column(2, 2, 28)
    ws.set_column(3, 3, 20)
    ws.set_column(4, 4, 34)
    ws.set_column(5, len(INDEX_HEADERS) - 1, 11)
    wb.close()
    return path


#: Above this many workbooks, they are written by worker processes (one per core); below
#: it, starting the workers costs about what they save.
PARALLEL_FROM = 500
_WORKER: tuple[View, Period, dict[str, Requirement]] | None = None


def _init_worker(view: View, period: Period, reqs: dict[str, Requirement]) -> None:
    global _WORKER
    _WORKER = (view, period, reqs)


def _write_in_worker(job: tuple[Book, Path]) -> Path:
    assert _WORKER is not None
    view, period, reqs = _WORKER
    return write_book(job[0], view, period, job[1], reqs)


def write_all(run: RunData, period: Period, purchases: pa.Table, out: Path, *,
              institution: str | None = None, region: str | None = None,
              step: Step | None = None, workers: int | None = None) -> tuple[list[Book], list[Path]]:
    """Every institution's workbook and ``index.xlsx`` in ``out``.

    xlsxwriter is pure Python, so a province's thousands of workbooks are written by
    ``workers`` processes (default: one per core, at most 4) when there are more than
    :data:`PARALLEL_FROM`; the files are the same bytes either way.
    """
    import os

    out.mkdir(parents=True, exist_ok=True)
    books = build_books(run, period, purchases, institution=institution, region=region)
    reqs = requirements(run.profile)
    jobs = [(b, out / f"{b.file_name}.xlsx") for b in books]
    n = workers if workers is not None else min(4, os.cpu_count() or 1)
    paths: list[Path] = []
    if n > 1 and len(jobs) > PARALLEL_FROM:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # spawn, not fork: the parent holds DuckDB threads, which do not survive a fork
        with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=_init_worker,
                                 initargs=(View(run.profile, run.names), period, reqs)) as ex:
            for i, path in enumerate(ex.map(_write_in_worker, jobs, chunksize=16), start=1):
                paths.append(path)
                if step is not None:
                    step(i, len(jobs))
    else:
        for i, (b, path) in enumerate(jobs, start=1):
            paths.append(write_book(b, run, period, path, reqs))
            if step is not None:
                step(i, len(jobs))
    paths.append(write_index(books, run, period, out / "index.xlsx"))
    return books, paths


# --- PDF --------------------------------------------------------------------------------


def book_doc(book: Book, run: Shown, period: Period, work: Path,
             reqs: dict[str, Requirement]) -> Any:
    """The same file as a document for Typst (landscape A4)."""
    from jicai.reports import charts
    from jicai.reports.document import Doc, Heading, Image, Para, Table

    n = run.names
    doc = Doc(title=f"{book.name}集中带量采购执行情况（一院一档）",
              subtitle=f"{period.label}　截至{numbers.cn_date(period.end)}　{book.region_path}　"
                       f"机构编码 {book.code}　规则配置：{run.profile.name}",
              footer=f"{book.name} · 一院一档 · {period.label}", landscape=True)
    schedule = book.own.get("schedule")
    levels = [lv for lv in LEVELS if lv in book.regions]
    rows = []
    for col in SUMMARY:
        req = reqs.get(col)
        met = req.met(book.own.get(col), schedule) if req else None
        rows.append([labels.zh(col), labels.text(col, book.own.get(col)),
                     req.text(schedule) if req else "—",
                     "—" if met is None else ("达标" if met else "未达标"),
                     *[labels.text(col, book.regions[lv].get(col)) for lv in levels],
                     req.clause if req else ""])
    doc.add(Heading("一、本月概况"),
            Table(["指标", "本院", "要求", "是否达标",
                   *[f"{labels.LEVEL_ZH[lv]}（{book.region_names[lv]}）" for lv in levels],
                   "依据"], rows,
                  numeric=(1, *range(4, 4 + len(levels))),
                  widths=(3.2, 1.4, 1.8, 1.0, *([1.4] * len(levels)), 2.2)))
    if book.batches:
        brows = []
        for b in book.batches:
            k = int(b.get("varieties") or 0)
            cells = [n.batch(b["batch_code"]), str(b["cycle_no"]), numbers.pct(b.get("schedule")),
                     numbers.count(k)]
            for s in ("status_zero", "status_behind", "status_normal", "status_over"):
                c = int(b.get(s) or 0)
                cells.append(f"{c:,}（{numbers.pct(c / k if k else None)}）")
            cells.append(numbers.pct(b.get("completion")))
            brows.append(cells)
        doc.add(Table(["批次", "年度", "序时进度", "签约品种数", "零采购", "低于序时进度", "正常",
                       "超量", "完成率"], brows, numeric=tuple(range(2, 9)),
                      widths=(4.2, 0.7, 1.1, 1.1, 1.3, 1.4, 1.3, 1.3, 1.1),
                      caption="分批次执行情况（品种数及占比）"))
    doc.add(Heading("二、品种执行明细"))
    doc.add(Table(["批次", "品种", "约定采购量", "累计计入完成量", "本月中选", "本月非中选",
                   "本月非中选金额（元）", "完成率", "序时进度", "进度差", "状态", "豁免"],
                  [[v.get("batch_name") or v["batch_code"], v.get("variety_name") or
                    v["variety_code"], numbers.count(v.get("agreed_units")),
                    numbers.count(v.get("credited_units")), numbers.count(v.get("winning_units")),
                    numbers.count(v.get("nonwinning_units")),
                    numbers.yuan(v.get("nonwinning_amount")), numbers.pct(v.get("completion")),
                    numbers.pct(v.get("schedule")), numbers.points(v.get("gap")).replace(
                        "个百分点", ""),
                    labels.STATUS_ZH.get(v.get("status") or "", ""),
                    labels.exemption(v.get("exemption"))] for v in book.varieties],
                  numeric=tuple(range(2, 10)),
                  widths=(3.6, 1.6, 1.1, 1.2, 1.0, 1.0, 1.4, 0.9, 0.9, 0.9, 1.1, 1.1)))
    doc.add(Heading("三、非中选产品采购情况"))
    if book.nonwinning:
        prow = []
        for p in sorted(book.nonwinning,
                        key=lambda r: (-(r["month_amount"] or 0.0), r["product_code"])):
            units = int(p["month_units"] or 0)
            price = (p["month_amount"] or 0.0) / units if units else None
            low = p.get("lowest_winning_ppu")
            prow.append([n.variety(p["variety_code"]), n.product(p["product_code"]),
                         n.maker(p["product_code"]), numbers.count(units),
                         numbers.yuan(p["month_amount"]), numbers.number(price, 4),
                         numbers.number(low, 4),
                         numbers.pct(price / low - 1 if price is not None and low else None)])
        doc.add(Table(["品种", "产品", "生产企业", "数量（最小单位）", "金额（元）",
                       "最小单位均价（元）", "最低中选价（元）", "高出最低中选价"], prow,
                      numeric=tuple(range(3, 8)), widths=(1.6, 2.6, 2.6, 1.2, 1.3, 1.3, 1.3, 1.2)))
    else:
        doc.add(Para("本月无非中选产品采购。"))
    doc.add(Heading("四、预警情况"))
    if book.alerts:
        doc.add(Table(["规则", "严重程度", "政策条款", "说明"],
                      [[labels.rule_title(a["rule_id"]),
                        labels.SEVERITY_ZH.get(a["severity"], a["severity"]),
                        clause_zh(a["clause"]),
                        a["message"]] for a in book.alerts], widths=(2.2, 0.9, 1.6, 8.0)))
    else:
        doc.add(Para("截至本月末无预警。"))
    if book.trend:
        img = charts.line_chart(
            work / f"trend-{book.code}.png",
            [numbers.period_label(t["period"]).split("年")[1] for t in book.trend],
            {labels.zh(c): [t.get(c) for t in book.trend]
             for c in ("completion", "schedule", "winning_unit_share", "nonwinning_share")},
            f"{book.name}{period.code[:4]}年各月执行情况")
        doc.add(Heading("五、月度趋势"), Image(img, "约定采购量完成率、序时进度、中选与非中选产品占比"))
    return doc


def write_pdfs(books: list[Book], run: RunData, period: Period, out: Path, work: Path,
               step: Step | None = None) -> list[Path]:
    from jicai.reports.document import write_pdf

    reqs = requirements(run.profile)
    paths = []
    for i, b in enumerate(books, start=1):
        paths.append(write_pdf(book_doc(b, run, period, work, reqs),
                               out / f"{b.file_name}.pdf", work, f"data-{b.code}.json"))
        if step is not None:
            step(i, len(books))
    return paths
