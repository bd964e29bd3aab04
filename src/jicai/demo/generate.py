"""The synthetic province: contract-v1.1 files for a whole province-year, with planted lapses.

>>> summary = generate(Path("demo"), lines="tiny")                     # doctest: +SKIP
>>> summary.rows["orders"], summary.planted["order.unresponded_48h"].count  # doctest: +SKIP
(5000, 106)

中州省 (a fictional province, code 390000) is monitored at :data:`DEMO_AS_OF`.
Its order lines run from :data:`WINDOW_START` (the start of the earliest cycle
still assessed) to ``DEMO_AS_OF``; the files are an extract taken at the end of
that day, so nothing in them happens later. Six batches cover every case the
rules distinguish (see ``catalogue.BATCHES``): national, alliance and provincial;
drugs and consumables; a cycle that ended before ``as_of`` (assessment, P2), cycles
running at ``as_of`` (P1), one begun less than two months before (no entry check
yet), and a batch in its second cycle year.

Contract v1.1's tables come too: ``substitutes`` (the ordinary drugs of a VBP
variety's ATC class, ``substitutes.py``), ``trace_scans`` (the institutions that
report traceability — a sample sized to the order lines, ``trace.py``) and
``prescriptions`` (the persona hospitals and a few others, ``prescriptions.py``).
Five fixed personas — two hospitals, two manufacturers, a pure distributor — are
in every province, with the same codes (``personas.py``).

Lapses are planted at the rates in :data:`RATES`; everything else is clean. The
returned :class:`~jicai.demo.summary.DemoSummary` lists, per rule id, the alerts
the monitor should raise at ``DEMO_AS_OF`` — worked out on the data as written,
so it includes the few cases that follow from a planted one or arise by chance.

The same seed and size give byte-identical files: every part of the province
draws from its own seeded PCG64 stream, order lines one chunk of days at a time
(so 100 M lines never sit in memory), and no file records the clock.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa

from jicai.contract.schemas import TABLES
from jicai.demo import catalogue as cat
from jicai.demo import tables as tb
from jicai.demo.days import WorkDays, day_no
from jicai.demo.extras import make_filings, make_tickets
from jicai.demo.market import CATEGORIES, Market
from jicai.demo.orders import CHUNK_LINES, LineRates, Tally, chunks
from jicai.demo.pool import Job, default_workers, make_orders
from jicai.demo.prescriptions import make_prescriptions
from jicai.demo.products import BACKUP, WINNING, YUAN, Catalogue, build_catalogue, executing
from jicai.demo.province import Province, build_province
from jicai.demo.rand import stream
from jicai.demo.scale import scale_for
from jicai.demo.substitutes import s2_cases, substitutes_table
from jicai.demo.summary import CaseLog, DemoSummary, Planted
from jicai.demo.trace import choose_reporting, make_trace
from jicai.demo.volumes import derive_volumes
from jicai.errors import JicaiError
from jicai.policy.calendar import WorkCalendar

__all__ = ["DEMO_AS_OF", "RATES", "SIZES", "WINDOW_START", "DemoSummary", "Planted", "generate"]

DEMO_AS_OF = date(2025, 11, 30)
WINDOW_START = date(2024, 9, 1)

SIZES: dict[str, int] = {
    "tiny": 5_000, "small": 200_000, "1m": 1_000_000, "10m": 10_000_000,
    "50m": 50_000_000, "100m": 100_000_000,
}

# Planted lapse rates, by the rule that should find them. Each is a share of the
# rule's population, stated beside it; DemoSummary reports the population and
# the cases actually planted.
RATES: dict[str, float] = {
    # order lines bought on the platform, not cancelled
    "order.unresponded_48h": 0.02,  # answered 48–144 h after ordering; a fifth never
    "delivery.overdue": 0.015,  # answered in time, delivered after 73–240 h (a quarter never)
    "price.above_listing": 0.003,  # unit price 3–30 % above the listing price in effect
    # received lines due by as_of, bought on the platform
    "payment.overdue": 0.03,  # hospital part paid 1–90 days late; a fifth never
    # hospitals (public, private, military): 30–50 % of ordinary drug lines off the platform
    # (half of them also 30–60 % of high-value consumables)
    "online.rate_low": 0.08,
    # hospitals that file: filed amount 2–5 % of drugs or 8–15 % of consumables
    "filing.amount_over_limit": 0.15,
    "filing.late": 0.10,  # of filings: filed 8–30 working days after the purchase
    # (cycle, institution, variety) pairs taking part in a running / ended cycle
    "progress.behind_schedule": 0.06,  # agreed volume above what the pace supports
    "progress.incomplete_at_end": 0.06,
    "entry.not_entered": 0.02,  # of pairs due the entry check: agreed, never bought
    "share.nonwinning_high": 0.03,  # of pairs with ≥ 12 expected lines: 80–95 % non-winning
    "demand.missing": 0.03,  # history but no filing (of pairs outside a consortium)
    "demand.below_history": 0.05,  # half below 80 % of history, half at 80–100 %
    "agreement.unsigned": 0.04,  # of agreements: none, unsigned, or signed 31–90 days late
    # tickets
    "ticket.reply_overdue": 0.12,  # replied 3–10 working days later; 30 % never
    "ticket.commitment_too_long": 0.10,  # fix promised 6–15 working days after the reply
    "ticket.resolution_overdue": 0.10,  # fixed 1–20 days after the promise; 30 % not
    # capped non-winning listings
    "price.nonwinning_above_cap": 0.08,  # listed 5–40 % above the cap (at least one)
    # -- rules added in contract v1.1 --
    # running pairs on schedule with room below their pace (P4): agreed between the
    # winning units plus the last 60 days' pace to the end, and the pace of the whole cycle
    "progress.forecast_short": 0.05,
    "demand.actual_deviates": 0.08,  # of ended pairs: reported 40–65 % of what was bought
    # of pairs with ≥ 12 expected lines outside a consortium: no filing, non-winning only
    "purchase.nonwinning_only": 0.01,
    # winning companies' spare specs of a batch in execution (half the winners have
    # one): still listed, the others suspended on the batch's first day
    "listing.spec_outside_supply_list": 0.3,
    "price.above_award": 0.003,  # awarded lines in a window: 2–20 % above the award price
    "price.offline_above_listing": 0.05,  # off-platform lines: 5–40 % above the listing
    "supplier.delivery_rate_low": 0.15,  # city distributors: 45 % of lines part-delivered
    "supplier.tickets_concentrated": 0.05,  # winning companies: 3–5 hospitals in 90 days
    # tertiary pairs of a running cycle whose variety has substitutes: 70 % of the last
    # 90 days' lines go to a substitute
    "substitute.abnormal_growth": 0.03,
    # ordinary products never repriced: two or three rises in 2025 (as many rise once);
    # as many ordinary varieties (≥ 3 makers): one product takes 60 % of the last 90 days
    "price.risk": 0.02,
    "trace.duplicate_dispense": 0.002,  # dispensed packs: once more (trace.py)
    "trace.receipt_unscanned": 0.05,  # pairs with ≥ 10 packs: 20–50 % never scanned
    "trace.dispensed_over_received": 0.03,  # dispensing pairs: codes never received
    "prescriber.nonwinning_high": 0.05,  # doctors: 60–95 % high-priced non-winning
}
CANCELLED_RATE = 0.005  # order lines cancelled (they count nowhere)
NEVER_ANSWERED_SHARE = 0.2  # of the late answers
NEVER_PAID_SHARE = 0.2  # of the late payments
EXACT_CASES_MAX_LINES = 2_000_000  # above this, order-line cases are counted, not listed
XLSX_MAX_LINES = 200_000  # the default size; xlsxwriter writes ~50 000 lines of workbooks in ~8 s
R4_THRESHOLD, R4_MIN_LINES = 0.90, 20
C3_RISES, C3_GROWTH, C3_MIN_AMOUNT = 2, 0.5, 10_000  # the yellow flags (guangdong)

Progress = Callable[[str, float], None]


def resolve_lines(lines: int | str) -> int:
    """A named size (``SIZES``) or a number of order lines, ``1m``/``250k`` spellings allowed."""
    if isinstance(lines, int):
        n = lines
    elif lines.lower() in SIZES:
        n = SIZES[lines.lower()]
    else:
        text = lines.lower().replace("_", "").strip()
        factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
        try:
            n = int(float(text.rstrip("km")) * factor)
        except ValueError:
            raise JicaiError(f"订单行数应为数字或 {'、'.join(SIZES)} 之一：{lines!r}",
                             f"lines must be a number or one of {', '.join(SIZES)}: "
                             f"{lines!r}") from None
    if n < 1_000:
        raise JicaiError(f"订单行数至少 1000，而不是 {n}", f"lines must be at least 1000, not {n}")
    return n


def generate(out_dir: Path, *, lines: int | str = "small", seed: int = 2025,
             fmt: Literal["parquet", "csv", "xlsx"] = "parquet",
             progress: Progress | None = None, workers: int | None = None) -> DemoSummary:
    """Write the province's tables into ``out_dir`` and return what was planted.

    Files of contract tables already in ``out_dir`` (in any format) are replaced.
    ``workers`` threads make the order chunks (default: up to 4, for a province of
    three chunks or more); the files are the same bytes whatever it is.
    """
    n = resolve_lines(lines)
    if seed < 0:
        raise JicaiError(f"随机种子不能为负数：{seed}", f"seed must be 0 or more, not {seed}")
    if fmt not in ("parquet", "csv", "xlsx"):
        raise JicaiError(f"未知格式 {fmt!r}：应为 parquet、csv 或 xlsx",
                         f"unknown format {fmt!r}: expected parquet, csv or xlsx")
    if workers is not None and (workers < 1 or (workers > 1 and fmt == "xlsx")):
        raise JicaiError("workers 至少为 1，xlsx 只能为 1",
                         "workers must be at least 1, and 1 for xlsx")
    if fmt == "xlsx" and n > XLSX_MAX_LINES:
        raise JicaiError(f"xlsx 只用于小规模演示（最多 {XLSX_MAX_LINES:,} 行订单），请用 parquet 或 csv",
                         f"xlsx is for small demos (up to {XLSX_MAX_LINES:,} order lines); "
                         "use parquet or csv")
    report = progress or (lambda stage, done: None)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _clear(out_dir)
    workdays = WorkDays(WorkCalendar.load(), WINDOW_START.year - 1, DEMO_AS_OF.year + 1)
    scale = scale_for(n)
    province = build_province(scale, stream(seed, "province"))
    catalogue = build_catalogue(scale, province, stream(seed, "products"), RATES, DEMO_AS_OF)
    market = Market(province, catalogue, n, day_no(DEMO_AS_OF), day_no(WINDOW_START), workdays,
                    stream(seed, "market"), RATES)
    choose_reporting(market, stream(seed, "trace-institutions"))
    report("province", 1.0)

    rates = LineRates(RATES["order.unresponded_48h"], NEVER_ANSWERED_SHARE,
                      RATES["delivery.overdue"], RATES["price.above_listing"],
                      RATES["payment.overdue"], NEVER_PAID_SHARE, CANCELLED_RATE,
                      RATES["price.above_award"], RATES["price.offline_above_listing"])
    job = Job(market, workdays, seed, rates, RATES, n <= EXACT_CASES_MAX_LINES, out_dir, fmt,
              chunks(market.day_counts, CHUNK_LINES))
    tally, made = make_orders(job, default_workers(job) if workers is None else workers, report)
    files: dict[str, list[Path]] = dict(made)

    volumes = derive_volumes(market, tally, stream(seed, "volumes"), RATES)
    filings, filing_logs = make_filings(market, tally, workdays, stream(seed, "filings"), RATES)
    tickets, ticket_logs = make_tickets(market, workdays, stream(seed, "tickets"), RATES)
    online = _online(market, tally)
    reference = _reference(province, catalogue)
    above_cap = _above_cap(catalogue)
    trace = make_trace(market, tally, stream(seed, "trace"), RATES)
    prescriptions, k1 = make_prescriptions(market, stream(seed, "prescriptions"), RATES)
    v11 = [_spare_listed(market), _price_risk(market, tally), _delivery_rate(market, tally),
           s2_cases(market, tally, volumes, RATES["substitute.abnormal_growth"]),
           *trace.logs.values(), k1]
    report("reference tables", 1.0)

    tables = {**reference, **volumes.tables, "filings": filings, "tickets": tickets,
              "substitutes": substitutes_table(market), "trace_scans": trace.table,
              "prescriptions": prescriptions}
    for name, t in tables.items():
        files[name] = tb.write_table(out_dir, name, fmt, t)
    report("writing", 1.0)

    logs: list[CaseLog] = [*tally.logs(), *volumes.logs.values(), *filing_logs.values(),
                           *ticket_logs.values(), online, above_cap, *v11]
    rows = {name: t.num_rows for name, t in tables.items()}
    rows.update(orders=tally.orders, payments=tally.payments)
    return DemoSummary(
        out_dir=out_dir, fmt=fmt, seed=seed, requested_lines=n, as_of=DEMO_AS_OF,
        rows={name: rows[name] for name in TABLES},
        files={name: tuple(files[name]) for name in TABLES},
        planted={log.rule_id: log.build() for log in sorted(logs, key=lambda x: x.rule_id)},
        exempted={r: log.build() for r, log in sorted(volumes.exempted.items())},
        notes=(*volumes.notes,
               "trace_scans: only the institutions that report traceability (a sample, see "
               "jicai.demo.trace) appear; trace.receipt_unscanned is worked out at those",
               "prescriptions: the persona hospitals and a few others report them "
               "(jicai.demo.prescriptions)"),
    )


def _clear(out_dir: Path) -> None:
    """Remove files of contract tables left by an earlier run (another format or size)."""
    for name in TABLES:
        for suffix in (".parquet", ".csv", ".xlsx"):
            (out_dir / f"{name}{suffix}").unlink(missing_ok=True)
        for part in out_dir.glob(f".{name}.csv.part-*"):  # left by an interrupted run
            part.unlink()
        folder = out_dir / name
        if folder.is_dir() and all(p.suffix == ".parquet" for p in folder.iterdir()):
            shutil.rmtree(folder)


def _online(m: Market, tally: Tally) -> CaseLog:
    """O1 per institution and category on the year's amounts (drug 90 %, hv 80 %)."""
    log = CaseLog("online.rate_low", ("institution_code", "ref"), RATES["online.rate_low"],
                  note="value = on-platform share of the year's amount; drug < 0.90, hv < 0.80")
    total = tally.year_amount.reshape(-1, 3)
    online = tally.year_online.reshape(-1, 3)
    for c, threshold in ((0, 0.90), (2, 0.80)):
        rate = online[:, c] / np.maximum(total[:, c], 1e-9)
        for i in np.flatnonzero((total[:, c] > 0) & (rate < threshold)):
            log.add((m.p.inst_code[i], CATEGORIES[c]), float(rate[i]), bool(m.o1_designed[i]))
    log.population = m.o1_population
    return log


def _above_cap(c: Catalogue) -> CaseLog:
    log = CaseLog("price.nonwinning_above_cap", ("product_code",),
                  RATES["price.nonwinning_above_cap"],
                  note="value = the listing price in yuan (threshold: the cap)")
    for r, cap in enumerate(c.list_cap):
        if cap >= 0:
            log.population += 1
            if c.list_price[r] > cap:
                log.add((c.code[c.list_product[r]],), c.list_price[r] / YUAN, True)
    return log


def _spare_listed(m: Market) -> CaseLog:
    """L1: spare specs of winning companies still listed while their batch is in execution."""
    c = m.c
    log = CaseLog("listing.spec_outside_supply_list", ("product_code", "batch_code", "cycle_no",
                                                       "ref"),
                  RATES["listing.spec_outside_supply_list"],
                  note="value = the listing price in yuan; ref = the winning company")
    for q, listed in sorted(c.spare.items()):
        batch = c.varieties[c.variety[q]].batch
        if not executing(batch, DEMO_AS_OF):
            continue
        log.population += 1
        if not listed:
            continue
        for no, (a, b) in enumerate(cat.BATCHES[batch].cycles, start=1):
            if a <= DEMO_AS_OF <= b:
                log.add((c.code[q], cat.BATCHES[batch].code, no, m.p.company_code[c.company[q]]),
                        m.listing_price(np.array([q]), np.array([m.as_of]))[0] / YUAN, True)
    return log


def _price_risk(m: Market, tally: Tally) -> CaseLog:
    """C3 per product: consecutive rises ending at the latest listing row (rows of the last
    365 days), and on-platform amounts of the last 90 days vs the same days a year before."""
    c = m.c
    log = CaseLog("price.risk", ("product_code", "ref"), RATES["price.risk"],
                  note="value = rises (ref rises) or amount growth (ref sales_growth); "
                       "yellow from 2 rises / 50 %, red from 3 / 100 %")
    since = m.as_of - 365
    rows: dict[int, list[tuple[int, int]]] = {}
    for q, d, price in zip(c.list_product, c.list_day, c.list_price, strict=True):
        if d <= m.as_of:
            rows.setdefault(q, []).append((d, price))
    for q, history in sorted(rows.items()):
        history.sort()
        rises = 0
        for j in range(len(history) - 1, 0, -1):
            if history[j][0] > since and history[j][1] > history[j - 1][1]:
                rises += 1
            else:
                break
        if rises >= C3_RISES:
            log.add((c.code[q], "rises"), float(rises), c.rises.get(q, 0) >= C3_RISES)
    cur, prev = tally.prod_amount
    boosted = set(int(x) for x in m.boost if x >= 0)
    for q in np.flatnonzero(prev >= C3_MIN_AMOUNT * YUAN).tolist():
        growth = cur[q] / prev[q] - 1
        if growth > C3_GROWTH + 1e-9:
            log.add((c.code[q], "sales_growth"), float(growth), q in boosted)
    still = sum(1 for q in range(c.n_products) if c.role[q] == 0 and len(rows.get(q, [])) >= 1)
    log.population = still + m.c3_population
    return log


def _delivery_rate(m: Market, tally: Tally) -> CaseLog:
    """R4 per distributor: packs delivered by as_of / packs of the year's due lines."""
    log = CaseLog("supplier.delivery_rate_low", ("ref",), RATES["supplier.delivery_rate_low"],
                  note="value = delivery rate of the year's on-platform lines due by as_of")
    log.population = m.r4_population
    for co in np.flatnonzero(tally.r4_lines >= R4_MIN_LINES).tolist():
        rate = tally.r4_done[co] / tally.r4_qty[co]
        if rate < R4_THRESHOLD - 1e-9:
            log.add((m.p.company_code[co],), float(rate), bool(m.low_delivery[co]))
    return log


def _reference(p: Province, c: Catalogue) -> dict[str, pa.Table]:
    items = [c.varieties[v].item for v in c.variety]
    company = np.asarray(c.company, dtype=np.int64)
    listing = np.lexsort((np.asarray(c.list_day), np.asarray(c.list_product)))
    lp = np.asarray(c.list_product, dtype=np.int64)[listing]
    cap = np.asarray(c.list_cap, dtype=np.int64)[listing]
    batches = [(b, n, s, e) for b in cat.BATCHES for n, (s, e) in enumerate(b.cycles, start=1)]
    awarded = [q for q in range(c.n_products) if c.role[q] in (WINNING, BACKUP)]
    return {
        "regions": tb.table("regions", {
            "region_code": p.region_code, "name": p.region_name,
            "parent_code": p.region_parent, "level": p.region_level}),
        "institutions": tb.table("institutions", {
            "institution_code": p.inst_code, "name": p.inst_name, "region_code": p.inst_region,
            "kind": p.inst_kind, "grade": tb.ints(p.inst_grade),
            "consortium_code": p.inst_consortium}),
        "companies": tb.table("companies", {
            "company_code": p.company_code, "name": p.company_name, "role": p.company_role}),
        "products": tb.table("products", {
            "product_code": c.code, "generic_name": [i.name for i in items],
            "variety_code": [c.varieties[v].code for v in c.variety],
            "category": [i.category for i in items], "dosage_form": [i.form for i in items],
            "spec": c.spec, "pack": c.pack, "units_per_pack": tb.ints(c.upp),
            "company_code": tb.pick(pa.array(p.company_code), company),
            "quality_equivalent": c.equivalent, "is_negotiated": [i.negotiated for i in items],
            "is_hk_macau": c.hk_macau}),
        "listing_prices": tb.table("listing_prices", {
            "product_code": tb.pick(pa.array(c.code), lp),
            "effective_date": tb.dates(np.asarray(c.list_day, dtype=np.int64)[listing]),
            "price": tb.money(np.asarray(c.list_price, dtype=np.int64)[listing]),
            "status": [c.list_status[i] for i in listing],
            "price_cap": tb.money(cap, cap < 0)}),
        "batches": tb.table("batches", {
            "batch_code": [b.code for b, *_ in batches], "cycle_no": [n for _, n, *_ in batches],
            "name": [b.name for b, *_ in batches], "level": [b.level for b, *_ in batches],
            "category": [b.category for b, *_ in batches],
            "start_date": tb.dates(np.array([day_no(s) for *_, s, _ in batches], np.int64)),
            "end_date": tb.dates(np.array([day_no(e) for *_, e in batches], np.int64))}),
        "awards": tb.table("awards", {
            "batch_code": [cat.BATCHES[c.varieties[c.variety[q]].batch].code for q in awarded],
            "product_code": [c.code[q] for q in awarded],
            "role": ["winning" if c.role[q] == WINNING else "backup" for q in awarded],
            "award_price": tb.money(np.asarray([c.award_price[q] for q in awarded], np.int64))}),
    }
