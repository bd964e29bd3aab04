"""The indicator columns of ``figures.parquet``: id, 中文, English, kind, Excel format.

The one place labels live. A ``ratio`` is stored as ``<id>_num``, ``<id>_den`` and
``<id>`` (NULL when the denominator is 0); ``gap`` is a difference of two ratios
and has no num/den. Consumers (the monitor's workbook, the web app, the reports)
take labels and formats from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

KINDS = ("ratio", "count", "units", "amount", "days")


@dataclass(frozen=True)
class Column:
    id: str
    zh: str
    en: str
    kind: str  # ratio | count | units | amount | days
    fmt: str  # Excel number format
    num_zh: str = ""  # the numerator's label (ratios with parts)
    den_zh: str = ""  # the denominator's label
    num_type: str = "int64"  # Arrow type of the numerator: int64 (units, lines) or float64
    den_type: str = "int64"

    @property
    def has_parts(self) -> bool:
        return bool(self.num_zh)


PCT = "0.0%"
INT = "#,##0"
YUAN = "#,##0.00"
DAYS = "0.0"


def _r(id: str, zh: str, en: str, num: str, den: str, yuan: bool = False) -> Column:
    t = "float64" if yuan else "int64"
    return Column(id, zh, en, "ratio", PCT, num, den, t, t)


COLUMNS: tuple[Column, ...] = (
    Column("agreed_units", "约定采购量", "agreed units", "units", INT),
    Column("credited_units", "计入完成量", "credited units", "units", INT),
    _r("completion", "约定采购量完成率", "completion", "计入完成量", "约定采购量"),
    Column("schedule", "序时进度", "schedule", "ratio", PCT, "按序时应完成量", "约定采购量",
           "float64", "int64"),
    Column("gap", "进度差", "gap to schedule", "ratio", PCT),
    _r("status_zero_share", "零采购品种占比", "zero-purchase share",
       "零采购品种数", "有约定量品种数"),
    _r("status_behind_share", "低于序时进度品种占比", "behind-schedule share",
       "低于序时进度品种数", "有约定量品种数"),
    _r("status_normal_share", "正常品种占比", "on-schedule share", "正常品种数", "有约定量品种数"),
    _r("status_over_share", "超量品种占比", "over-volume share", "超量品种数", "有约定量品种数"),
    _r("entry_rate", "进院率", "entry rate", "已进院品种数", "应进院品种数"),
    _r("winning_unit_share", "中选产品采购数量占比", "winning unit share",
       "中选产品采购量", "同品种采购量"),
    _r("winning_amount_share", "中选产品采购金额占比", "winning amount share",
       "中选产品采购金额", "同品种采购金额", yuan=True),
    _r("nonwinning_share", "非中选产品采购量占比", "non-winning share",
       "非中选产品采购量（不含不纳入考核）", "同品种采购量（不含不纳入考核）"),
    _r("nonwinning_amount_share", "非中选产品采购金额占比", "non-winning amount share",
       "非中选产品采购金额（不含不纳入考核）", "同品种采购金额（不含不纳入考核）", yuan=True),
    Column("nonwinning_units", "非中选产品采购量", "non-winning units", "units", INT),
    Column("nonwinning_amount", "非中选产品采购金额", "non-winning amount", "amount", YUAN),
    Column("excluded_units", "不纳入考核采购量", "excluded units", "units", INT),
    Column("nonwinning_over", "非中选超量品种数", "varieties over the non-winning limit",
           "count", INT),
    Column("substitutes_bought", "采购可替代产品数", "substitute products bought", "count", INT),
    Column("lines", "订单明细数", "order lines", "count", INT),
    Column("amount", "采购金额", "amount", "amount", YUAN),
    _r("online_rate_drug", "网采率（药品）", "online rate (drugs)", "平台采购金额", "采购总金额",
       yuan=True),
    _r("online_rate_hv", "网采率（高值耗材）", "online rate (high-value consumables)",
       "平台采购金额", "采购总金额", yuan=True),
    _r("response_48h_rate", "48小时响应率", "48 h response rate",
       "48小时内响应订单数", "应响应订单数"),
    _r("delivery_rate", "配送率", "delivery rate", "已配送数量", "订单数量"),
    _r("timely_delivery_rate", "及时配送率", "timely delivery rate",
       "及时配送订单数", "应配送订单数"),
    _r("payment_on_time_rate", "按时回款率", "payment on time",
       "按时结清订单数", "应结清订单数"),
    Column("overdue_amount", "逾期未付金额", "overdue amount", "amount", YUAN),
    Column("payment_days", "平均回款天数", "mean days to payment", "days", DAYS,
           "回款天数合计", "已结清订单数"),
    _r("filing_amount_share_drug", "备案采购金额占比（药品）", "filed amount share (drugs)",
       "备案采购金额", "采购总金额", yuan=True),
    _r("filing_amount_share_consumable", "备案采购金额占比（耗材）",
       "filed amount share (consumables)", "备案采购金额", "采购总金额", yuan=True),
    _r("filing_item_share", "备案药品品种占比", "filed item share",
       "备案药品品种数", "采购药品品种数"),
    Column("alerts", "预警数", "alerts", "count", INT),
    Column("alerts_critical", "严重预警数", "critical alerts", "count", INT),
)

BY_ID: dict[str, Column] = {c.id: c for c in COLUMNS}

# The key columns every row of figures.parquet starts with, and their labels.
KEY_COLUMNS: tuple[tuple[str, str, pa.DataType], ...] = (
    ("period_kind", "期间类型", pa.string()),
    ("period", "期间", pa.string()),
    ("period_start", "期间开始", pa.date32()),
    ("period_end", "期间结束", pa.date32()),
    ("scope", "层级", pa.string()),
    ("code", "编码", pa.string()),
    ("name", "名称", pa.string()),
    ("region_code", "所属区划", pa.string()),
    ("role", "企业类型", pa.string()),
)

SCOPE_ZH = {"province": "省", "city": "市（统筹地区）", "county": "县（区）",
            "institution": "医疗机构", "company": "企业", "variety": "品种"}
ROLE_ZH = {"distributor": "配送企业", "manufacturer": "生产企业"}
STATUS_ZH = {"zero": "零采购", "behind": "低于序时进度", "normal": "正常", "over": "超量"}


def _arrow(kind: str) -> pa.DataType:
    return {"ratio": pa.float64(), "count": pa.int64(), "units": pa.int64(),
            "amount": pa.float64(), "days": pa.float64()}[kind]


def physical_columns() -> list[tuple[str, str, pa.DataType]]:
    """Every column of figures.parquet in order: (name, 中文, Arrow type)."""
    out = list(KEY_COLUMNS)
    for c in COLUMNS:
        if c.has_parts:
            out.append((f"{c.id}_num", f"{c.zh}（分子：{c.num_zh}）", pa.type_for_alias(c.num_type)))
            out.append((f"{c.id}_den", f"{c.zh}（分母：{c.den_zh}）", pa.type_for_alias(c.den_type)))
        out.append((c.id, c.zh, _arrow(c.kind)))
    return out


def schema() -> pa.Schema:
    return pa.schema([(n, t) for n, _z, t in physical_columns()])


def label(name: str) -> str:
    """The Chinese header of a physical column of figures.parquet."""
    for n, z, _t in physical_columns():
        if n == name:
            return z
    raise KeyError(name)
