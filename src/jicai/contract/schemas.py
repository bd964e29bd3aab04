"""Data contract v1.1: every table, column, type, key and reference, defined once.

Everything else in jicai (readers, validation, warehouse, engine, demo
generator, web app) takes its column lists from here. See
``shared/spec/data-contract.md`` for the prose version.

>>> TABLES["orders"].key
('order_line_id',)
>>> TABLES["products"].column("company_code").zh
'生产企业'
>>> TABLES["trace_scans"].since
'1.1'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import pyarrow as pa

# Version 1.1 adds the tables substitutes, trace_scans and prescriptions and changes
# nothing else: every v1 file and folder stays valid.
CONTRACT_VERSION = "1.1"


class Kind(StrEnum):
    """The value type of a column."""

    TEXT = "text"
    INT = "integer"
    MONEY = "money"  # yuan, up to 4 decimals, exact (decimal(18,4))
    NUMBER = "number"  # any real number (float64)
    DATE = "date"
    DATETIME = "datetime"  # Beijing time, no zone
    BOOL = "bool"
    ENUM = "enum"


ARROW_TYPES: dict[Kind, pa.DataType] = {
    Kind.TEXT: pa.string(),
    Kind.INT: pa.int64(),
    Kind.MONEY: pa.decimal128(18, 4),
    Kind.NUMBER: pa.float64(),
    Kind.DATE: pa.date32(),
    Kind.DATETIME: pa.timestamp("us"),
    Kind.BOOL: pa.bool_(),
    Kind.ENUM: pa.string(),
}

DUCKDB_TYPES: dict[Kind, str] = {
    Kind.TEXT: "VARCHAR",
    Kind.INT: "BIGINT",
    Kind.MONEY: "DECIMAL(18,4)",
    Kind.NUMBER: "DOUBLE",
    Kind.DATE: "DATE",
    Kind.DATETIME: "TIMESTAMP",
    Kind.BOOL: "BOOLEAN",
    Kind.ENUM: "VARCHAR",
}


@dataclass(frozen=True)
class Column:
    """One column of a contract table.

    ``nullable`` columns and columns with a ``default`` may be left out of a
    file entirely; every other column is required in the header and in every row.
    """

    name: str
    zh: str
    kind: Kind
    nullable: bool = False
    default: object = None
    enum: tuple[str, ...] = ()
    # Chinese (or other) spellings accepted for enum values, mapped to the value.
    enum_aliases: tuple[tuple[str, str], ...] = ()
    minimum: float | None = None
    exclusive_minimum: bool = False
    maximum: float | None = None
    pattern: str | None = None  # a regular expression the whole text must match
    pattern_zh: str = ""  # what the pattern means, for messages
    pattern_en: str = ""
    aliases: tuple[str, ...] = ()  # further header spellings accepted
    note: str = ""

    @property
    def required(self) -> bool:
        return not self.nullable and self.default is None

    @property
    def arrow_type(self) -> pa.DataType:
        return ARROW_TYPES[self.kind]

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.kind]

    def headers(self) -> tuple[str, ...]:
        """Every header spelling that maps to this column."""
        return (self.name, self.zh, *self.aliases)


@dataclass(frozen=True)
class Reference:
    """``columns`` of this table must be found among ``target_columns`` of ``table``."""

    columns: tuple[str, ...]
    table: str
    target_columns: tuple[str, ...]


@dataclass(frozen=True)
class Exclusion:
    """``columns`` of this table must *not* be found among ``target_columns`` of ``table``.

    A substitute (variety_code, product_code) is wrong when ``products`` holds that
    product in that very variety: a product cannot substitute for its own variety.
    """

    columns: tuple[str, ...]
    table: str
    target_columns: tuple[str, ...]
    zh: str
    en: str


@dataclass(frozen=True)
class Table:
    name: str
    zh: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    references: tuple[Reference, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    # A date/datetime column whose month partitions the table in the warehouse.
    partition_by: str | None = None
    transactional: bool = False
    since: str = "1"  # the contract version that added the table
    note: str = ""
    _by_name: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)
    _by_header: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({c.name: c for c in self.columns})
        missing = [k for k in self.key if k not in self._by_name]
        if missing:  # pragma: no cover - a programming error in this file
            raise ValueError(f"{self.name}: key columns {missing} are not columns")

    def column(self, name: str) -> Column:
        return self._by_name[name]

    def column_for_header(self, header: str) -> Column | None:
        """The column a file's header names (English or Chinese, any case, spaces
        around ignored), or None for an extra column."""
        if not self._by_header:
            self._by_header.update({h.strip().lower(): c for c in self.columns
                                    for h in c.headers()})
        return self._by_header.get(header.strip().lower())

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def arrow_schema(self) -> pa.Schema:
        return pa.schema(
            [pa.field(c.name, c.arrow_type, nullable=not c.required) for c in self.columns]
        )


# --- column helpers ---------------------------------------------------------------

_REGION = r"[0-9]{6}"
# 统一社会信用代码 (GB 32100-2015): 18 characters, digits and capitals without I O S V Z.
_USCC = r"[0-9A-HJ-NPQRTUWXY]{18}"

_CATEGORY3 = ("drug", "consumable", "hv_consumable")
_CATEGORY3_ZH = (("药品", "drug"), ("医用耗材", "consumable"), ("耗材", "consumable"),
                 ("高值医用耗材", "hv_consumable"), ("高值耗材", "hv_consumable"))


def _text(name: str, zh: str, **kw: object) -> Column:
    return Column(name, zh, Kind.TEXT, **kw)  # type: ignore[arg-type]


def _opt(name: str, zh: str, kind: Kind = Kind.TEXT, **kw: object) -> Column:
    return Column(name, zh, kind, nullable=True, **kw)  # type: ignore[arg-type]


def _flag(name: str, zh: str, default: bool) -> Column:
    return Column(name, zh, Kind.BOOL, default=default)


def _ref(cols: str | tuple[str, ...], table: str, target: str | tuple[str, ...]) -> Reference:
    c = (cols,) if isinstance(cols, str) else cols
    t = (target,) if isinstance(target, str) else target
    return Reference(c, table, t)


BATCH_CODE = _text("batch_code", "批次编码")
CYCLE_NO = Column("cycle_no", "采购年度", Kind.INT, minimum=1)
INSTITUTION_CODE = _text("institution_code", "机构编码")
VARIETY_CODE = _text("variety_code", "品种编码")
PRODUCT_CODE = _text("product_code", "产品编码")
COMPANY_CODE = _text("company_code", "统一社会信用代码", aliases=("企业编码",))
NON_NEGATIVE_UNITS = {"kind": Kind.INT, "minimum": 0}

_BATCH_REF = _ref(("batch_code", "cycle_no"), "batches", ("batch_code", "cycle_no"))
_INSTITUTION_REF = _ref("institution_code", "institutions", "institution_code")
_VARIETY_REF = _ref("variety_code", "products", "variety_code")
_PRODUCT_REF = _ref("product_code", "products", "product_code")


TABLES: dict[str, Table] = {}


def _table(t: Table) -> Table:
    TABLES[t.name] = t
    return t


# --- reference tables ----------------------------------------------------------------

REGIONS = _table(Table(
    "regions", "行政区划",
    (
        _text("region_code", "区划代码", pattern=_REGION,
              pattern_zh="6 位数字（GB/T 2260）", pattern_en="6 digits (GB/T 2260)"),
        _text("name", "名称"),
        _opt("parent_code", "上级区划代码", pattern=_REGION,
             pattern_zh="6 位数字（GB/T 2260）", pattern_en="6 digits (GB/T 2260)"),
        Column("level", "级别", Kind.ENUM, enum=("province", "city", "county"),
               enum_aliases=(("省", "province"), ("省级", "province"), ("市", "city"),
                             ("市级", "city"), ("县", "county"), ("县级", "county"),
                             ("区县", "county"))),
    ),
    key=("region_code",),
    references=(_ref("parent_code", "regions", "region_code"),),
))

INSTITUTIONS = _table(Table(
    "institutions", "医疗机构",
    (
        INSTITUTION_CODE,
        _text("name", "机构名称"),
        _text("region_code", "区划代码"),
        Column("kind", "机构类型", Kind.ENUM,
               enum=("public_hospital", "private_hospital", "primary_care", "village_clinic",
                     "retail_pharmacy", "military"),
               enum_aliases=(("公立医院", "public_hospital"), ("民营医院", "private_hospital"),
                             ("基层医疗机构", "primary_care"), ("村卫生室", "village_clinic"),
                             ("零售药店", "retail_pharmacy"), ("军队医疗机构", "military"))),
        Column("grade", "等级", Kind.INT, minimum=0, maximum=3),
        _opt("consortium_code", "医共体牵头机构编码"),
    ),
    key=("institution_code",),
    references=(
        _ref("region_code", "regions", "region_code"),
        _ref("consortium_code", "institutions", "institution_code"),
    ),
))

COMPANIES = _table(Table(
    "companies", "企业",
    (
        _text("company_code", "统一社会信用代码", pattern=_USCC, aliases=("企业编码",),
              pattern_zh="18 位统一社会信用代码（数字和除 I、O、S、V、Z 外的大写字母）",
              pattern_en="an 18-character unified social credit code "
                         "(digits and capitals except I, O, S, V, Z)"),
        _text("name", "企业名称"),
        Column("role", "企业类型", Kind.ENUM, enum=("manufacturer", "distributor", "both"),
               enum_aliases=(("生产企业", "manufacturer"), ("配送企业", "distributor"),
                             ("生产配送", "both"))),
    ),
    key=("company_code",),
))

PRODUCTS = _table(Table(
    "products", "产品",
    (
        PRODUCT_CODE,
        _text("generic_name", "通用名"),
        VARIETY_CODE,
        Column("category", "类别", Kind.ENUM, enum=_CATEGORY3, enum_aliases=_CATEGORY3_ZH),
        _opt("dosage_form", "剂型"),
        _text("spec", "规格"),
        _text("pack", "包装"),
        Column("units_per_pack", "转换比", Kind.INT, minimum=0, exclusive_minimum=True),
        _text("company_code", "生产企业"),
        _flag("quality_equivalent", "通过一致性评价", False),
        _flag("is_negotiated", "谈判药品", False),
        _flag("is_hk_macau", "港澳药械通", False),
    ),
    key=("product_code",),
    references=(_ref("company_code", "companies", "company_code"),),
))

LISTING_PRICES = _table(Table(
    "listing_prices", "挂网价格",
    (
        PRODUCT_CODE,
        Column("effective_date", "生效日期", Kind.DATE),
        Column("price", "挂网价", Kind.MONEY, minimum=0),
        Column("status", "挂网状态", Kind.ENUM, enum=("listed", "suspended", "delisted"),
               enum_aliases=(("挂网", "listed"), ("暂停挂网", "suspended"),
                             ("撤网", "delisted"))),
        _opt("price_cap", "最高挂网价", Kind.MONEY, minimum=0),
    ),
    key=("product_code", "effective_date"),
    references=(_PRODUCT_REF,),
))

BATCHES = _table(Table(
    "batches", "集采批次",
    (
        BATCH_CODE,
        CYCLE_NO,
        _text("name", "批次名称"),
        Column("level", "组织层级", Kind.ENUM, enum=("national", "alliance", "provincial"),
               enum_aliases=(("国家", "national"), ("国家组织", "national"),
                             ("省际联盟", "alliance"), ("联盟", "alliance"),
                             ("省级", "provincial"))),
        Column("category", "类别", Kind.ENUM, enum=("drug", "consumable"),
               enum_aliases=(("药品", "drug"), ("医用耗材", "consumable"),
                             ("耗材", "consumable"))),
        Column("start_date", "执行开始日期", Kind.DATE),
        Column("end_date", "执行结束日期", Kind.DATE),
    ),
    key=("batch_code", "cycle_no"),
))

AWARDS = _table(Table(
    "awards", "中选结果供应清单",
    (
        BATCH_CODE,
        PRODUCT_CODE,
        Column("role", "中选类型", Kind.ENUM, enum=("winning", "backup"),
               enum_aliases=(("中选", "winning"), ("备供", "backup"))),
        Column("award_price", "中选价格", Kind.MONEY, minimum=0),
    ),
    key=("batch_code", "product_code"),
    references=(_ref("batch_code", "batches", "batch_code"), _PRODUCT_REF),
))

AGREED_VOLUMES = _table(Table(
    "agreed_volumes", "约定采购量",
    (
        BATCH_CODE,
        CYCLE_NO,
        INSTITUTION_CODE,
        VARIETY_CODE,
        _text("company_code", "中选企业"),
        Column("agreed_units", "约定采购量", **NON_NEGATIVE_UNITS),  # type: ignore[arg-type]
    ),
    key=("batch_code", "cycle_no", "institution_code", "variety_code", "company_code"),
    references=(_BATCH_REF, _INSTITUTION_REF, _VARIETY_REF,
                _ref("company_code", "companies", "company_code")),
))

DEMAND_FILINGS = _table(Table(
    "demand_filings", "报量",
    (
        BATCH_CODE,
        CYCLE_NO,
        INSTITUTION_CODE,
        VARIETY_CODE,
        Column("reported_units", "报送需求量", **NON_NEGATIVE_UNITS),  # type: ignore[arg-type]
        Column("filed_at", "报送时间", Kind.DATETIME),
        _opt("explanation", "情况说明"),
    ),
    key=("batch_code", "cycle_no", "institution_code", "variety_code"),
    references=(_BATCH_REF, _INSTITUTION_REF, _VARIETY_REF),
))

HISTORICAL_VOLUMES = _table(Table(
    "historical_volumes", "历史采购量",
    (
        INSTITUTION_CODE,
        VARIETY_CODE,
        Column("year", "年度", Kind.INT, minimum=2000, maximum=2100),
        Column("units", "历史采购量", **NON_NEGATIVE_UNITS),  # type: ignore[arg-type]
    ),
    key=("institution_code", "variety_code", "year"),
    references=(_INSTITUTION_REF, _VARIETY_REF),
))

AGREEMENTS = _table(Table(
    "agreements", "三方购销协议",
    (
        BATCH_CODE,
        CYCLE_NO,
        INSTITUTION_CODE,
        _text("company_code", "中选企业"),
        _opt("distributor_code", "配送企业"),
        _opt("signed_at", "签订日期", Kind.DATE),
    ),
    key=("batch_code", "cycle_no", "institution_code", "company_code", "distributor_code"),
    references=(_BATCH_REF, _INSTITUTION_REF,
                _ref("company_code", "companies", "company_code"),
                _ref("distributor_code", "companies", "company_code")),
))

EXEMPTIONS = _table(Table(
    "exemptions", "考核豁免",
    (
        _opt("institution_code", "机构编码", note="empty = every institution"),
        VARIETY_CODE,
        Column("start_date", "开始日期", Kind.DATE),
        Column("end_date", "结束日期", Kind.DATE),
        Column("kind", "类型", Kind.ENUM, enum=("supply_problem", "clinical_change"),
               enum_aliases=(("供应问题", "supply_problem"),
                             ("临床需求重大变化", "clinical_change"))),
    ),
    key=("institution_code", "variety_code", "start_date", "kind"),
    references=(_INSTITUTION_REF, _VARIETY_REF),
))

# --- transaction tables ---------------------------------------------------------------

ORDERS = _table(Table(
    "orders", "采购订单明细",
    (
        _text("order_line_id", "订单明细编号"),
        INSTITUTION_CODE,
        PRODUCT_CODE,
        _opt("distributor_code", "配送企业"),
        Column("ordered_at", "下单时间", Kind.DATETIME),
        Column("qty_packs", "采购数量", Kind.INT, minimum=0, exclusive_minimum=True),
        Column("unit_price", "采购单价", Kind.MONEY, minimum=0),
        _opt("amount", "采购金额", Kind.MONEY, minimum=0,
             note="qty_packs × unit_price when empty; a mismatch over 0.01 is an error"),
        _flag("on_platform", "平台采购", True),
        Column("status", "订单状态", Kind.ENUM, enum=("ordered", "cancelled"), default="ordered",
               enum_aliases=(("已下单", "ordered"), ("正常", "ordered"),
                             ("已撤销", "cancelled"), ("撤销", "cancelled"),
                             ("已取消", "cancelled"))),
        _opt("responded_at", "响应时间", Kind.DATETIME),
        _opt("delivered_packs", "配送数量", Kind.INT, minimum=0),
        _opt("delivered_at", "配送时间", Kind.DATETIME),
        _opt("received_at", "验收入库时间", Kind.DATETIME),
    ),
    key=("order_line_id",),
    references=(_INSTITUTION_REF, _PRODUCT_REF,
                _ref("distributor_code", "companies", "company_code")),
    partition_by="ordered_at",
    transactional=True,
))

PAYMENTS = _table(Table(
    "payments", "货款支付",
    (
        _text("payment_id", "支付编号"),
        _text("order_line_id", "订单明细编号"),
        Column("amount", "支付金额", Kind.MONEY, minimum=0, aliases=("金额",)),
        Column("paid_at", "支付日期", Kind.DATE),
        Column("channel", "支付渠道", Kind.ENUM, enum=("hospital", "fund_direct"),
               enum_aliases=(("医疗机构", "hospital"), ("医保基金直接结算", "fund_direct"),
                             ("直接结算", "fund_direct"))),
    ),
    key=("payment_id",),
    references=(_ref("order_line_id", "orders", "order_line_id"),),
    partition_by="paid_at",
    transactional=True,
))

FILINGS = _table(Table(
    "filings", "备案采购",
    (
        _text("filing_id", "备案编号"),
        INSTITUTION_CODE,
        _opt("product_code", "产品编码", note="may be absent: not listed; not checked"),
        _text("product_name", "产品名称"),
        Column("category", "类别", Kind.ENUM, enum=_CATEGORY3, enum_aliases=_CATEGORY3_ZH),
        Column("qty", "数量", Kind.NUMBER, minimum=0),
        Column("amount", "金额", Kind.MONEY, minimum=0),
        Column("purchased_at", "采购日期", Kind.DATE),
        Column("filed_at", "备案日期", Kind.DATE),
        _flag("is_negotiated", "谈判药品", False),
        _flag("is_hk_macau", "港澳药械通", False),
        _opt("reason", "原因"),
    ),
    key=("filing_id",),
    references=(_INSTITUTION_REF,),
    transactional=True,
))

TICKETS = _table(Table(
    "tickets", "供应问题反馈",
    (
        _text("ticket_id", "问题编号"),
        INSTITUTION_CODE,
        PRODUCT_CODE,
        COMPANY_CODE,
        Column("reported_at", "反馈时间", Kind.DATETIME),
        _opt("replied_at", "回复时间", Kind.DATETIME),
        _opt("committed_by", "承诺解决日期", Kind.DATE),
        _opt("resolved_at", "解决时间", Kind.DATETIME),
    ),
    key=("ticket_id",),
    references=(_INSTITUTION_REF, _PRODUCT_REF,
                _ref("company_code", "companies", "company_code")),
    transactional=True,
))

# --- tables added in contract version 1.1 ----------------------------------------------

SUBSTITUTES = _table(Table(
    "substitutes", "可替代产品",
    (
        VARIETY_CODE,
        _text("product_code", "可替代产品编码", aliases=("产品编码",)),
        _opt("note", "说明"),
    ),
    key=("variety_code", "product_code"),
    references=(_VARIETY_REF, _PRODUCT_REF),
    exclusions=(Exclusion(
        ("product_code", "variety_code"), "products", ("product_code", "variety_code"),
        "该产品本身属于此品种，不能作为它的可替代产品",
        "the product belongs to this very variety: it cannot be its own substitute"),),
    since="1.1",
))

TRACE_SCANS = _table(Table(
    "trace_scans", "药品追溯码扫码记录",
    (
        _text("scan_id", "扫码流水号"),
        _text("trace_code", "追溯码", pattern=r".{1,100}",
              pattern_zh="1–100 个字符的追溯码", pattern_en="a trace code of 1–100 characters",
              note="kept exactly as text: leading zeros are part of the code"),
        INSTITUTION_CODE,
        PRODUCT_CODE,
        Column("event", "扫码环节", Kind.ENUM, enum=("receive", "dispense"),
               enum_aliases=(("入库", "receive"), ("验收入库", "receive"),
                             ("采购入库", "receive"), ("销售", "dispense"),
                             ("发药", "dispense"), ("销售(发药)", "dispense"),
                             ("销售（发药）", "dispense"), ("零售", "dispense"))),
        Column("scanned_at", "扫码时间", Kind.DATETIME),
        _flag("split", "拆零", False),
        _opt("order_line_id", "订单明细编号"),
    ),
    key=("scan_id",),
    references=(_INSTITUTION_REF, _PRODUCT_REF,
                _ref("order_line_id", "orders", "order_line_id")),
    partition_by="scanned_at",
    transactional=True,
    since="1.1",
))

PRESCRIPTIONS = _table(Table(
    "prescriptions", "处方明细",
    (
        _text("prescription_line_id", "处方明细编号"),
        INSTITUTION_CODE,
        _text("department", "科室"),
        _text("doctor_code", "医师编码", note="the 医保医师 code or a pseudonym; never a name"),
        PRODUCT_CODE,
        Column("prescribed_at", "开具时间", Kind.DATETIME),
        Column("units", "数量", Kind.INT, minimum=0, exclusive_minimum=True),
    ),
    key=("prescription_line_id",),
    references=(_INSTITUTION_REF, _PRODUCT_REF),
    partition_by="prescribed_at",
    transactional=True,
    since="1.1",
))

# The order in which tables are validated and imported: referenced tables first.
IMPORT_ORDER: tuple[str, ...] = tuple(TABLES)

# --- tables written by jicai, not by the platform ---------------------------------------
# A platform export never holds these (``TABLES`` is what it holds); the warehouse stores
# them beside the platform's tables, validated the same way (``STORED_TABLES``).

DERIVED_TABLES: dict[str, Table] = {}

DEMAND_FILING_VERSIONS = Table(
    "demand_filing_versions", "报量版本",
    (
        _text("version_id", "版本编号", note="e.g. WEB-F12-V1: web filing 12, variety V1"),
        *DEMAND_FILINGS.columns[:4],
        DEMAND_FILINGS.column("reported_units"),
        Column("filed_at", "生效时间", Kind.DATETIME,
               note="when the version came into force: the filing's final approval"),
        DEMAND_FILINGS.column("explanation"),
    ),
    key=("batch_code", "cycle_no", "institution_code", "variety_code", "filed_at"),
    references=DEMAND_FILINGS.references,
    note="written by jicai (the web app's approved filings), never by the platform; "
         "for each key the engine reads the latest filing with filed_at <= as_of over "
         "demand_filings and these versions (docs/decisions/0008-filing-versions.md)",
)
DERIVED_TABLES[DEMAND_FILING_VERSIONS.name] = DEMAND_FILING_VERSIONS

# Every table the warehouse stores, referenced tables first.
STORED_TABLES: dict[str, Table] = {**TABLES, **DERIVED_TABLES}

FORMATS = ("csv", "xlsx", "parquet")

# --- the monitor's outputs -----------------------------------------------------------

ALERT_COLUMNS: tuple[tuple[str, str, pa.DataType], ...] = (
    ("rule_id", "规则编号", pa.string()),
    ("severity", "严重程度", pa.string()),
    ("institution_code", "机构编码", pa.string()),
    ("batch_code", "批次编码", pa.string()),
    ("cycle_no", "采购年度", pa.int64()),
    ("variety_code", "品种编码", pa.string()),
    ("product_code", "产品编码", pa.string()),
    ("ref", "关联对象", pa.string()),
    ("value", "实际值", pa.float64()),
    ("threshold", "阈值", pa.float64()),
    ("clause", "政策条款", pa.string()),
    ("message", "说明", pa.string()),
)
SEVERITIES = ("info", "warning", "critical")

PROGRESS_COLUMNS: tuple[tuple[str, str, pa.DataType], ...] = (
    ("batch_code", "批次编码", pa.string()),
    ("cycle_no", "采购年度", pa.int64()),
    ("institution_code", "机构编码", pa.string()),
    ("variety_code", "品种编码", pa.string()),
    ("agreed_units", "约定采购量", pa.int64()),
    ("winning_units", "中选产品采购量", pa.int64()),
    ("backup_units", "备供产品采购量", pa.int64()),
    ("nonwinning_units", "非中选产品采购量", pa.int64()),
    ("excluded_units", "不纳入考核采购量", pa.int64()),
    ("completion", "完成率", pa.float64()),
    ("schedule", "序时进度", pa.float64()),
    ("nonwinning_share", "非中选产品占比", pa.float64()),
    ("exemption", "适用豁免", pa.string()),
)


def ibis_type(t: pa.DataType) -> str:
    """The Ibis type name of a contract column's Arrow type."""
    if pa.types.is_decimal(t):
        return f"decimal({t.precision}, {t.scale})"
    return {pa.string(): "string", pa.int64(): "int64", pa.float64(): "float64",
            pa.date32(): "date", pa.timestamp("us"): "timestamp", pa.bool_(): "boolean"}[t]
