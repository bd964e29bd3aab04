"""Validate contract tables inside DuckDB and report every problem at once.

Two paths share one definition of every check:

* :func:`write_checked` — the import's fast path. Each source is typed, checked
  and written as Parquet in one streaming query; the first faulty row aborts it.
  :func:`key_and_reference_faults` then checks keys and references over the
  written, typed files. A clean province is read once and never held in memory.
* :func:`stage` — the naming path, taken only when the fast path found something.
  It keeps each file in DuckDB with its row numbers and lists every problem —
  types, required values, enums, ranges, patterns, row rules, duplicate keys and
  references — with file, row, column and value. Nothing is stored then.

Each check lists up to :data:`MAX_LISTED` rows; beyond that one more problem
says how many further rows have the same fault, so a file with a million bad
dates still gets a readable, complete account.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from jicai.contract.problems import Problem
from jicai.contract.readers import (
    CELL_PROBLEMS,
    SOURCE_ROW,
    SourceFile,
    drop_raw,
    load_raw,
)
from jicai.contract.schemas import STORED_TABLES as TABLES  # jicai's own tables too
from jicai.contract.schemas import Column, Exclusion, Kind, Reference, Table
from jicai.contract.sql import count, lit, one_row, q

MAX_LISTED = 1000

# The contract's time zone: datetimes are Beijing time, written without a zone.
BEIJING = "Asia/Shanghai"

_TRUE = ("true", "1", "是", "y", "yes", "t")
_FALSE = ("false", "0", "否", "n", "no", "f")
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S",
                     "%Y-%m-%d %H:%M:%S.%f", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d")

_EXPECTED: dict[Kind, tuple[str, str]] = {
    Kind.TEXT: ("应为文本", "expected text"),
    Kind.INT: ("应为整数", "expected a whole number"),
    Kind.MONEY: ("应为金额（元，最多 4 位小数）", "expected an amount in yuan with at most 4 decimals"),
    Kind.NUMBER: ("应为数字", "expected a number"),
    Kind.DATE: ("应为日期 YYYY-MM-DD", "expected a date YYYY-MM-DD"),
    Kind.DATETIME: ("应为时间 YYYY-MM-DD HH:MM[:SS]", "expected a datetime YYYY-MM-DD HH:MM[:SS]"),
    Kind.BOOL: ("应为 是/否（true/false、1/0、Y/N）", "expected a boolean: true/false, 1/0, 是/否, Y/N"),
}


@dataclass
class Staged:
    """A validated (or failed) table, typed, in a DuckDB temp table ``relation``."""

    source: SourceFile
    table: Table
    relation: str
    rows: int = 0
    extras: list[str] = field(default_factory=list)
    sha256: str = ""

    def select_sql(self) -> str:
        """The contract columns, in contract order and exact types, derived values filled."""
        return contract_select(self.table, self.relation)


# Values the contract fills in when a cell is empty.
DERIVED: dict[tuple[str, str], str] = {
    ("orders", "amount"): "COALESCE(amount, qty_packs * unit_price)",
}


@dataclass(frozen=True)
class RowRule:
    """A fault that involves more than one column of the same row."""

    column: str
    bad: str  # SQL condition over the typed row
    zh: str
    en: str


ROW_RULES: dict[str, tuple[RowRule, ...]] = {
    "regions": (
        RowRule("parent_code", "level = 'province' AND parent_code IS NOT NULL",
                "省级区划不应有上级区划", "a province has no parent region"),
        RowRule("parent_code", "level <> 'province' AND parent_code IS NULL",
                "市、县级区划须填写上级区划代码", "a city or county needs its parent region"),
    ),
    "batches": (RowRule("end_date", "end_date < start_date",
                        "执行结束日期早于开始日期", "end_date is before start_date"),),
    "exemptions": (RowRule("end_date", "end_date < start_date",
                           "结束日期早于开始日期", "end_date is before start_date"),),
    "orders": (
        RowRule("amount", "amount IS NOT NULL AND abs(amount - qty_packs * unit_price) > 0.01",
                "采购金额与 采购数量×采购单价 相差超过 0.01 元",
                "amount differs from qty_packs × unit_price by more than 0.01"),
        RowRule("responded_at", "responded_at < ordered_at",
                "响应时间早于下单时间", "responded_at is before ordered_at"),
        RowRule("delivered_at", "delivered_at < ordered_at",
                "配送时间早于下单时间", "delivered_at is before ordered_at"),
        RowRule("received_at", "received_at < ordered_at",
                "验收入库时间早于下单时间", "received_at is before ordered_at"),
        RowRule("delivered_packs", "delivered_packs > qty_packs",
                "配送数量大于采购数量", "delivered_packs exceeds qty_packs"),
    ),
    "filings": (RowRule("filed_at", "filed_at < purchased_at",
                        "备案日期早于采购日期", "filed_at is before purchased_at"),),
    "tickets": (
        RowRule("replied_at", "replied_at < reported_at",
                "回复时间早于反馈时间", "replied_at is before reported_at"),
        RowRule("resolved_at", "resolved_at < reported_at",
                "解决时间早于反馈时间", "resolved_at is before reported_at"),
    ),
}


# --- header mapping --------------------------------------------------------------------


def map_headers(table: Table, headers: Iterable[str], label: str
                ) -> tuple[dict[str, str], list[str], list[Problem]]:
    """contract column → source header; extra headers; header problems."""
    mapping: dict[str, str] = {}
    extras: list[str] = []
    problems: list[Problem] = []
    for h in headers:
        if h == SOURCE_ROW:
            continue
        column = table.column_for_header(h)
        col = None if column is None else column.name
        if col is None:
            extras.append(h)
        elif col in mapping:
            problems.append(Problem(label, 1, h, h,
                                    f"与列「{mapping[col]}」重复，都对应 {col}",
                                    f"duplicates column {mapping[col]!r}: both mean {col}",
                                    "duplicate_column"))
        else:
            mapping[col] = h
    for c in table.columns:
        if c.required and c.name not in mapping:
            problems.append(Problem(label, 1, c.name, None,
                                    f"缺少必填列 {c.name}（{c.zh}）",
                                    f"required column {c.name} ({c.zh}) is missing",
                                    "missing_column"))
    return mapping, extras, problems


# --- typing ------------------------------------------------------------------------------


def _text_expr(col: Column, t: str) -> str:
    """SQL that turns trimmed text ``t`` into the column's type, NULL when it cannot."""
    k = col.kind
    if k is Kind.TEXT:
        return t
    if k is Kind.INT:
        # Plain digits take the native cast; "12.0" (spreadsheets) the stricter path.
        # TRY_CAST alone would round "2.5" to 3, so anything with a dot is checked.
        return (f"CASE WHEN NOT contains({t}, '.') THEN TRY_CAST({t} AS BIGINT) "
                f"WHEN regexp_full_match({t}, '[+-]?[0-9]{{1,18}}\\.0+') "
                f"THEN CAST(split_part({t}, '.', 1) AS BIGINT) END")
    if k is Kind.MONEY:
        # At most 4 decimals, digits only: a cast would silently round the fifth.
        return (f"CASE WHEN length(split_part({t}, '.', 2)) <= 4 "
                f"AND regexp_full_match({t}, '[+-]?[0-9.]+') "
                f"THEN TRY_CAST({t} AS DECIMAL(18,4)) END")
    if k is Kind.NUMBER:
        # "NaN" and "inf" are not numbers a bureau means.
        return (f"CASE WHEN isfinite(TRY_CAST({t} AS DOUBLE)) "
                f"THEN TRY_CAST({t} AS DOUBLE) END")
    if k is Kind.DATE:
        fmts = ", ".join(lit(f) for f in (*_DATE_FORMATS, *_DATETIME_FORMATS))
        ts = f"try_strptime({t}, [{fmts}])"
        slow = f"CASE WHEN {ts} = date_trunc('day', {ts}) THEN CAST({ts} AS DATE) END"
        return (f"CASE WHEN regexp_full_match({t}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
                f"THEN TRY_CAST({t} AS DATE) ELSE {slow} END")
    if k is Kind.DATETIME:
        fmts = ", ".join(lit(f) for f in _DATETIME_FORMATS)
        slow = f"CAST(try_strptime({t}, [{fmts}]) AS TIMESTAMP)"
        # The common "YYYY-MM-DD HH:MM:SS" goes through the native parser.
        return (f"CASE WHEN length({t}) = 19 AND substr({t}, 11, 1) = ' ' "
                f"THEN COALESCE(TRY_CAST({t} AS TIMESTAMP), {slow}) ELSE {slow} END")
    if k is Kind.BOOL:
        return (f"CASE WHEN lower({t}) IN ({', '.join(map(lit, _TRUE))}) THEN true "
                f"WHEN lower({t}) IN ({', '.join(map(lit, _FALSE))}) THEN false END")
    # enum: the value itself, or one of its Chinese labels
    whens = [f"WHEN lower({t}) = {lit(v)} THEN {lit(v)}" for v in col.enum]
    whens += [f"WHEN {t} = {lit(a)} THEN {lit(v)}" for a, v in col.enum_aliases]
    return f"CASE {' '.join(whens)} END"


def _typed_source_expr(col: Column, src: str, src_type: str) -> str | None:
    """SQL for a column whose source already has a (non-text) type; None → parse as text.

    Every conversion gives NULL (a type problem naming the value), never an error, for
    what the column cannot hold: NaN, infinities, numbers too large, fractions.
    """
    st = src_type.upper()
    k = col.kind
    integer = any(st.startswith(p) for p in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT",
                                             "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                                             "UBIGINT"))
    decimal = st.startswith("DECIMAL")
    floating = st in ("DOUBLE", "FLOAT", "REAL")
    finite = f"isfinite(CAST({src} AS DOUBLE))"
    if k is Kind.INT and integer:
        return f"TRY_CAST({src} AS BIGINT)"
    if k is Kind.INT and decimal:
        return f"CASE WHEN {src} = floor({src}) THEN TRY_CAST({src} AS BIGINT) END"
    if k is Kind.INT and floating:
        # Within 1e-9 (relative, at least 1e-9) of a whole number is binary noise.
        return (f"CASE WHEN {finite} AND abs({src} - round({src})) "
                f"<= 1e-9 * greatest(1, abs({src})) "
                f"THEN TRY_CAST(round({src}) AS BIGINT) END")
    if k is Kind.MONEY and integer:
        return f"TRY_CAST({src} AS DECIMAL(18,4))"
    if k is Kind.MONEY and decimal:
        # An exact decimal keeps its digits: a fifth decimal is refused, as in text.
        return f"CASE WHEN round({src}, 4) = {src} THEN TRY_CAST({src} AS DECIMAL(18,4)) END"
    if k is Kind.MONEY and floating:
        return f"CASE WHEN {finite} THEN TRY_CAST(round({src}, 4) AS DECIMAL(18,4)) END"
    if k is Kind.NUMBER and (integer or decimal):
        return f"TRY_CAST({src} AS DOUBLE)"
    if k is Kind.NUMBER and floating:
        return f"CASE WHEN {finite} THEN CAST({src} AS DOUBLE) END"
    zoned = st.startswith("TIMESTAMP WITH TIME ZONE") or st == "TIMESTAMPTZ"
    # The contract's times are Beijing time: a zoned instant is shown in Asia/Shanghai,
    # whatever the server's zone; a naive one is kept as written.
    ts = f"timezone({lit(BEIJING)}, {src})" if zoned else f"CAST({src} AS TIMESTAMP)"
    if k is Kind.DATE and st == "DATE":
        return src
    if k is Kind.DATE and st.startswith("TIMESTAMP"):
        return f"CASE WHEN {ts} = date_trunc('day', {ts}) THEN CAST({ts} AS DATE) END"
    if k is Kind.DATETIME and st.startswith("TIMESTAMP"):
        return ts
    if k is Kind.DATETIME and st == "DATE":
        return f"CAST({src} AS TIMESTAMP)"
    if k is Kind.BOOL and st == "BOOLEAN":
        return src
    if k is Kind.BOOL and integer:
        return f"CASE WHEN {src} = 1 THEN true WHEN {src} = 0 THEN false END"
    return None


@dataclass(frozen=True)
class _Check:
    column: str | None
    bad: str
    value: str
    zh: str
    en: str
    code: str


def _column_plan(col: Column, header: str | None, src_type: str | None
                 ) -> tuple[str, str | None, list[_Check]]:
    """(typed expression, raw-text expression or None, checks) for one contract column.

    The typed value is NULL both for an empty cell and for one that cannot be read;
    the raw text tells them apart. Defaults are applied later, when writing.
    """
    name = col.name
    checks: list[_Check] = []
    raw: str | None = None
    if header is None:
        typed = "NULL"
    else:
        src = q(header)
        direct = None if src_type is None or src_type.upper() == "VARCHAR" \
            else _typed_source_expr(col, src, src_type)
        if direct is not None:
            # Keep the source value as is: it is shown (as text) only for a faulty row.
            typed, raw = direct, src
        else:
            raw = f"NULLIF(trim(CAST({src} AS VARCHAR)), '')"
            typed = _text_expr(col, raw)
        if col.kind is Kind.ENUM:
            zh = "应为以下之一：" + "、".join(col.enum)
            en = "expected one of: " + ", ".join(col.enum)
        else:
            zh, en = _EXPECTED[col.kind]
        checks.append(_Check(name, f"{q(name + '__raw')} IS NOT NULL AND {q(name)} IS NULL",
                             q(name + "__raw"), zh, en, "type"))
    rawcol = q(name + "__raw")
    if col.required:
        checks.append(_Check(name, f"{q(name)} IS NULL AND ({rawcol} IS NULL)", "NULL",
                             f"必填，不能为空（{col.zh}）", f"required, must not be empty ({col.zh})",
                             "required"))
    if col.minimum is not None:
        op = "<=" if col.exclusive_minimum else "<"
        word_zh = "大于" if col.exclusive_minimum else "不小于"
        word_en = "greater than" if col.exclusive_minimum else "at least"
        checks.append(_Check(name, f"{q(name)} {op} {col.minimum:g}", rawcol,
                             f"应{word_zh} {col.minimum:g}", f"must be {word_en} {col.minimum:g}",
                             "range"))
    if col.maximum is not None:
        checks.append(_Check(name, f"{q(name)} > {col.maximum:g}", rawcol,
                             f"应不大于 {col.maximum:g}", f"must be at most {col.maximum:g}",
                             "range"))
    if col.pattern is not None:
        checks.append(_Check(name, f"NOT regexp_full_match({q(name)}, {lit(col.pattern)})",
                             rawcol, f"格式不符：应为{col.pattern_zh or col.pattern}",
                             f"wrong format: expected {col.pattern_en or col.pattern}", "pattern"))
    return typed, raw, checks


# --- the whole job --------------------------------------------------------------------------

# Gives the SQL of a table as the warehouse already holds it, or None.
Existing = Callable[[str], str | None]


@dataclass
class _Plan:
    """How one source becomes contract rows: typed and raw expressions, and the checks."""

    selects: list[str]  # "<raw> AS col__raw", "<typed> AS col", in contract order
    checks: list[_Check]
    extras: list[str]
    header_problems: list[Problem]
    has_source_row: bool  # the reader gave each record's row number (workbooks)


def _plan(con: duckdb.DuckDBPyConnection, src: SourceFile, raw_name: str) -> _Plan:
    table = TABLES[src.table]
    described = con.execute(f"DESCRIBE {raw_name}").fetchall()
    types = {r[0]: str(r[1]) for r in described}
    mapping, extras, header_problems = map_headers(table, types, src.label)
    selects: list[str] = []
    checks: list[_Check] = []
    for col in table.columns:
        header = mapping.get(col.name)
        typed, raw, col_checks = _column_plan(col, header, types.get(header or ""))
        selects.append(f"{raw if raw is not None else 'NULL'} AS {q(col.name + '__raw')}")
        selects.append(f"{typed} AS {q(col.name)}")
        checks.extend(col_checks)
    for rule in ROW_RULES.get(src.table, ()):
        checks.append(_Check(rule.column, f"({rule.bad})", f"CAST({q(rule.column)} AS VARCHAR)",
                             rule.zh, rule.en, "row_rule"))
    # A missing column is reported once, in the header, not again on every row.
    missing = {p.column for p in header_problems if p.code == "missing_column"}
    checks = [c for c in checks if c.column not in missing]
    return _Plan(selects, checks, extras, header_problems, SOURCE_ROW in types)


def stage(con: duckdb.DuckDBPyConnection, sources: list[SourceFile],
          existing: Existing | None = None) -> tuple[dict[str, Staged], list[Problem], list[str]]:
    """Type and check every source, naming every faulty row. Returns staged tables,
    problems, and notices.

    This path keeps each file in DuckDB with its row numbers, so it costs a copy of
    the data; imports take :func:`write_checked` first and come here only to name the
    problems it detected.
    """
    problems: list[Problem] = []
    notices: list[str] = []
    staged: dict[str, Staged] = {}
    for src in sources:
        table = TABLES[src.table]
        raw_name = f"raw_{src.table}"
        load_problems = load_raw(con, src, raw_name)
        problems.extend(load_problems)
        if any(p.code not in CELL_PROBLEMS for p in load_problems):
            continue  # the file could not be read at all
        plan = _plan(con, src, raw_name)
        problems.extend(plan.header_problems)
        row = f"CAST({q(SOURCE_ROW)} AS BIGINT)" if plan.has_source_row \
            else f"rowid + {src.first_row}"
        selects = [f"{row} AS __row", *plan.selects, *(q(e) for e in plan.extras)]
        rel = f"stg_{src.table}"
        # One pass types every column beside its raw text; the checks then read it.
        # Insertion order is kept, so rows stay in file order without a sort.
        con.execute(f"CREATE OR REPLACE TEMP TABLE {rel} AS SELECT {', '.join(selects)} "
                    f"FROM {raw_name}")
        con.execute(f"DROP TABLE {raw_name}")
        problems.extend(_run_checks(con, rel, src, plan.checks))
        problems.extend(_duplicate_keys(con, rel, src, table))
        staged[src.table] = Staged(src, table, rel, count(con, f"SELECT count(*) FROM {rel}"),
                                   plan.extras, src.sha256())
    for s in staged.values():
        problems.extend(_references(con, s.relation, s.table, s.source,
                                    {t: v.relation for t, v in staged.items()},
                                    existing, notices))
    problems.sort(key=lambda p: (_order(p, sources), p.row or 0, p.column or ""))
    return staged, problems, notices


# --- the fast path: check while writing ----------------------------------------------------

# How the warehouse writes Parquet. zstd level 1 writes 20 % faster than the default
# level 3 for 10 % more bytes (measured on 10 M order lines), and reads as fast.
PARQUET = "FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1"

# The message of the error a faulty row raises inside the writing query.
ROW_FAULT = "jicai: a row breaks the contract"


class RowFault(Exception):
    """The fast path met a problem; :func:`stage` will name it (and every other)."""


@dataclass
class Checked:
    """A source whose every row passed the checks, written typed as scratch Parquet.

    ``parts`` maps a month (``YYYY-MM``, for a table partitioned by month) or ``""``
    to the files written; keys and references are checked afterwards by
    :func:`key_and_reference_faults`.
    """

    source: SourceFile
    table: Table
    parts: dict[str, list[Path]]
    rows: int
    extras: list[str]
    sha256: str
    extras_file: Path | None = None

    @property
    def files(self) -> list[Path]:
        return [f for fs in self.parts.values() for f in fs]

    @property
    def relation(self) -> str:
        """A DuckDB table expression over the checked rows (contract columns and types)."""
        if not self.files:
            return empty_relation(self.table)
        files = ", ".join(lit(str(f)) for f in self.files)
        return f"read_parquet([{files}], hive_partitioning=false)"


def empty_relation(table: Table) -> str:
    cols = ", ".join(f"CAST(NULL AS {c.duckdb_type}) AS {q(c.name)}" for c in table.columns)
    return f"(SELECT {cols} LIMIT 0)"


def contract_select(table: Table, relation: str) -> str:
    """The contract columns of ``relation`` in contract order and exact types, with
    derived values and defaults filled in."""
    cols = []
    for c in table.columns:
        expr = DERIVED.get((table.name, c.name), q(c.name))
        if c.default is not None:
            default = str(c.default).lower() if isinstance(c.default, bool) \
                else lit(str(c.default))
            expr = f"COALESCE({expr}, {default})"
        cols.append(f"CAST({expr} AS {c.duckdb_type}) AS {q(c.name)}")
    return f"SELECT {', '.join(cols)} FROM {relation}"


def write_checked(con: duckdb.DuckDBPyConnection, src: SourceFile, out: Path,
                  sha256: str) -> Checked:
    """Type, check and write ``src`` in one streaming pass; RowFault if anything is wrong.

    Every per-row check of :func:`stage` runs inside the writing query, and the first
    faulty row aborts it (DuckDB's ``error()``), so a clean file is read once and
    never held in memory. :class:`RowFault` means "some problem": the caller then
    runs :func:`stage` to name every one of them, with row numbers.
    """
    table = TABLES[src.table]
    raw_name = f"raw_{src.table}"
    if load_raw(con, src, raw_name, lazy=True):
        drop_raw(con, raw_name)  # a workbook with a faulty cell is loaded all the same
        raise RowFault(f"{src.label}: unreadable")
    try:
        plan = _plan(con, src, raw_name)
        if plan.header_problems:
            raise RowFault(f"{src.label}: {plan.header_problems[0].expected_en}")
        bad = " OR ".join(f"({c.bad})" for c in plan.checks) or "false"
        typed = (f"(SELECT {', '.join([*plan.selects, *(q(e) for e in plan.extras)])} "
                 f"FROM {raw_name}) t WHERE CASE WHEN ({bad}) IS TRUE "
                 f"THEN error({lit(ROW_FAULT)}) ELSE true END")
        rows = contract_select(table, typed)
        parts: dict[str, list[Path]] = {}
        if table.partition_by:
            target = out / table.name
            month = f"strftime({q(table.partition_by)}, '%Y-%m')"
            con.execute(f"COPY (SELECT *, {month} AS __month FROM ({rows})) TO "
                        f"{lit(str(target))} ({PARQUET}, "
                        f"PARTITION_BY (__month), OVERWRITE_OR_IGNORE)")
            if target.exists():
                for part in sorted(target.iterdir()):  # __month=2025-01/data_0.parquet …
                    parts[part.name.split("=", 1)[1]] = sorted(part.glob("*.parquet"))
        else:
            target = out / f"{table.name}.parquet"
            con.execute(f"COPY ({rows}) TO {lit(str(target))} ({PARQUET})")
            parts[""] = [target]
        extras_file = None
        if plan.extras:
            extras_file = out / f"{table.name}.extras.parquet"
            keys = [q(k) for k in table.key]
            con.execute(f"COPY (SELECT {', '.join([*keys, *(q(e) for e in plan.extras)])} "
                        f"FROM (SELECT * FROM {typed})) TO {lit(str(extras_file))} "
                        "(FORMAT parquet)")
    except duckdb.Error as exc:  # a faulty row, or a file DuckDB cannot read
        raise RowFault(f"{src.label}: {str(exc).strip().splitlines()[0]}") from exc
    finally:
        drop_raw(con, raw_name)
    checked = Checked(src, table, parts, 0, plan.extras, sha256, extras_file)
    checked.rows = count(con, f"SELECT count(*) FROM {checked.relation}")
    return checked


def key_and_reference_faults(con: duckdb.DuckDBPyConnection, checked: dict[str, Checked],
                             existing: Existing | None, notices: list[str]) -> bool:
    """Do duplicate keys or broken references exist among the checked tables?"""
    relations = {t: c.relation for t, c in checked.items()}
    for c in checked.values():
        keys = ", ".join(q(k) for k in c.table.key)
        # Key columns are required, so no NULL hides from count(DISTINCT …).
        key = keys if len(c.table.key) == 1 else f"({keys})"
        if count(con, f"SELECT count(*) - count(DISTINCT {key}) FROM {c.relation}"):
            return True
        for ref in c.table.references:
            base = _reference_base(c.relation, c.source, ref, relations, existing, notices)
            if base is None:
                continue
            # count(*), not EXISTS: DuckDB runs a counted anti join 3x faster.
            if count(con, f"SELECT count(*) {base}"):
                return True
        for exc in c.table.exclusions:
            # Its target is also a reference of the table: any notice is given there.
            base = _reference_base(c.relation, c.source, exc, relations, existing, [],
                                   semi=True)
            if base is None:
                continue
            if count(con, f"SELECT count(*) {base}"):
                return True
    return False


def _order(p: Problem, sources: list[SourceFile]) -> int:
    for i, s in enumerate(sources):
        if s.label == p.file:
            return i
    return len(sources)


def _run_checks(con: duckdb.DuckDBPyConnection, rel: str, src: SourceFile,
                checks: list[_Check]) -> list[Problem]:
    if not checks:
        return []
    counts_sql = ", ".join(f"count(*) FILTER (WHERE {c.bad})" for c in checks)
    row = one_row(con, f"SELECT {counts_sql} FROM {rel}")
    counts = list(row) if row else [0] * len(checks)
    out: list[Problem] = []
    for check, n in zip(checks, counts, strict=True):
        if not n:
            continue
        rows = con.execute(f"SELECT __row, {check.value} FROM {rel} WHERE {check.bad} "
                           f"ORDER BY __row LIMIT {MAX_LISTED}").fetchall()
        out.extend(Problem(src.label, int(r), check.column, None if v is None else str(v),
                           check.zh, check.en, check.code) for r, v in rows)
        if n > MAX_LISTED:
            out.append(_more(src, check.column, n - MAX_LISTED, check.zh, check.en, check.code))
    return out


def _more(src: SourceFile, column: str | None, n: int, zh: str, en: str, code: str) -> Problem:
    return Problem(src.label, None, column, None,
                   f"另有 {n} 行同样的问题（{zh}）；请修正后重新导入",
                   f"{n} more rows have the same problem ({en}); correct them and import again",
                   code)


def _duplicate_keys(con: duckdb.DuckDBPyConnection, rel: str, src: SourceFile,
                    table: Table) -> list[Problem]:
    keys = ", ".join(q(k) for k in table.key)
    total = count(con, f"SELECT count(*) FROM (SELECT {keys} FROM {rel} GROUP BY ALL "
                       f"HAVING count(*) > 1)")
    if not total:
        return []
    groups = con.execute(
        f"SELECT {keys}, list(__row ORDER BY __row) FROM {rel} GROUP BY ALL "
        f"HAVING count(*) > 1 ORDER BY min(__row) LIMIT {MAX_LISTED}").fetchall()
    key_label = "+".join(table.key)
    out = []
    for g in groups:
        rows = g[-1]
        value = "/".join("" if v is None else str(v) for v in g[:-1])
        others = "、".join(str(r) for r in rows[:10])
        for r in rows[1:]:
            out.append(Problem(src.label, int(r), key_label, value,
                               f"主键重复（同一主键出现在第 {others} 行）",
                               f"duplicate key (the same key is on rows {others})",
                               "duplicate_key"))
    if total > MAX_LISTED:
        out.append(_more(src, key_label, total - MAX_LISTED, "主键重复",
                         "duplicate key", "duplicate_key"))
    return out


def _reference_base(relation: str, source: SourceFile, ref: Reference | Exclusion,
                    relations: dict[str, str], existing: Existing | None,
                    notices: list[str], semi: bool = False) -> str | None:
    """``FROM … WHERE`` selecting the rows of ``relation`` (as ``s``) whose ``ref`` has no
    target (with ``semi``: that do have one), or None (and a notice) when the target
    table is nowhere to be found."""
    parts = []
    cols = ", ".join(q(c) for c in ref.target_columns)
    if ref.table in relations:
        parts.append(f"SELECT {cols} FROM {relations[ref.table]}")
    prior = existing(ref.table) if existing else None
    if prior is not None:
        parts.append(f"SELECT {cols} FROM {prior}")
    if not parts:
        notices.append(
            f"{source.label}：未导入「{TABLES[ref.table].zh}」({ref.table})，"
            f"未检查 {'+'.join(ref.columns)} 的引用 / {ref.table} is not imported yet; "
            f"references of {'+'.join(ref.columns)} were not checked")
        return None
    on = " AND ".join(f"s.{q(a)} = t.{q(b)}"
                      for a, b in zip(ref.columns, ref.target_columns, strict=True))
    notnull = " AND ".join(f"s.{q(a)} IS NOT NULL" for a in ref.columns)
    target = " UNION ".join(parts)
    join = "SEMI JOIN" if semi else "ANTI JOIN"
    return f"FROM {relation} s {join} ({target}) t ON {on} WHERE {notnull}"


def _references(con: duckdb.DuckDBPyConnection, relation: str, table: Table,
                source: SourceFile, relations: dict[str, str], existing: Existing | None,
                notices: list[str]) -> list[Problem]:
    out: list[Problem] = []
    for ref in table.references:
        base = _reference_base(relation, source, ref, relations, existing, notices)
        if base is None:
            continue
        value = " || '/' || ".join(f"CAST(s.{q(a)} AS VARCHAR)" for a in ref.columns)
        n = count(con, f"SELECT count(*) {base}")
        if not n:
            continue
        rows = con.execute(f"SELECT s.__row, {value} {base} ORDER BY s.__row "
                           f"LIMIT {MAX_LISTED}").fetchall()
        zh = f"在「{TABLES[ref.table].zh}」({ref.table}) 中找不到"
        en = f"not found in {ref.table}"
        label = "+".join(ref.columns)
        out.extend(Problem(source.label, int(r), label, str(v), zh, en, "reference")
                   for r, v in rows)
        if n > MAX_LISTED:
            out.append(_more(source, label, n - MAX_LISTED, zh, en, "reference"))
    for exc in table.exclusions:
        base = _reference_base(relation, source, exc, relations, existing, [], semi=True)
        if base is None:
            continue
        rows = con.execute(f"SELECT s.__row, CAST(s.{q(exc.columns[0])} AS VARCHAR) {base} "
                           f"ORDER BY s.__row").fetchall()
        column = exc.columns[0]
        out.extend(Problem(source.label, int(r), column, None if v is None else str(v),
                           exc.zh, exc.en, "exclusion") for r, v in rows[:MAX_LISTED])
        if len(rows) > MAX_LISTED:
            out.append(_more(source, column, len(rows) - MAX_LISTED, exc.zh, exc.en,
                             "exclusion"))
    return out
