"""Traceability scans (contract v1.1 ``trace_scans``) and the H1–H3 cases they give.

**Sampling.** One scan per received pack and one per dispensed pack would be
billions of rows at 100 M order lines. The demo province therefore has a set of
institutions that report traceability (接入追溯平台的机构), chosen before any line
is drawn so that their expected drug packs over the data window come to about
:data:`TRACE_SHARE` × the order lines (at least :data:`TRACE_MIN_PACKS`): small
hospitals, health centres and clinics, whose lines hold few packs. Those
institutions scan *every* drug pack they receive and dispense; no other
institution appears in the table. H2 is therefore judged only at institutions
that report scans — an institution absent from ``trace_scans`` has not supplied
its scans, which says nothing of whether it scanned.

Each received pack gets a 20-digit code — 7 digits of 药品标识码 (a per-product
number, leading zeros kept) and a 13-digit serial — and a receive scan minutes to
hours after ``received_at``; 90 % are dispensed, on average 25 days later. A few
packs are dispensed split (拆零): exactly ``units_per_pack`` scans.

Planted (rates in ``generate.RATES``): H1 — a code dispensed again at the same
institution, at another reporting institution, or a split pack once more than
its units; H2 — (institution, product) pairs with 10–40 % of received packs never
scanned; H3 — pairs that dispense 2–10 codes never received.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jicai.demo import tables as tb
from jicai.demo.days import DAY, HOUR, from_day_no
from jicai.demo.market import GROUP_PACKS, Market
from jicai.demo.orders import LINE_DIGITS, LINE_PREFIX, Tally
from jicai.demo.summary import CaseLog

TRACE_SHARE = 0.03  # expected received drug packs at reporting institutions / order lines
TRACE_MIN_PACKS = 3_000
SPLIT_SHARE = 0.01  # of dispensed packs of a product with ≤ 30 units per pack: 拆零
DISPENSED_SHARE = 0.9
H2_THRESHOLD, H2_MIN_PACKS = 0.95, 10
LOGNORMAL_MEAN = float(np.exp(0.8 ** 2 / 2))  # order quantities are lognormal(0, 0.8)


def choose_reporting(m: Market, rng: np.random.Generator) -> None:
    """Pick the institutions that report traceability and mark their drug products traced."""
    c = m.c
    drug = m.prod_cat == 0
    share = np.asarray(c.share)
    per_var = np.bincount(m.prod_variety, share, len(c.varieties))
    within = share / np.maximum(per_var[m.prod_variety], 1e-12)
    packs = np.zeros(m.n_inst)
    for g in range(m.var_p.shape[0]):
        # expected packs per line of group g: over varieties, then products of the variety
        per_line = (m.var_p[g][m.prod_variety] * within * m.pack_factor * drug).sum()
        sel = m.p.group == g
        packs[sel] = m.lines * m.inst_p[sel] * per_line * GROUP_PACKS[g] * LOGNORMAL_MEAN
    budget = max(TRACE_SHARE * m.lines, TRACE_MIN_PACKS)
    chosen: list[int] = []
    total = 0.0
    for i in rng.permutation(np.flatnonzero((m.p.group >= 1) & (m.p.group <= 3))):
        if packs[i] <= budget / 8 and total + packs[i] <= budget:
            chosen.append(int(i))
            total += packs[i]
    m.reporting = np.zeros(m.n_inst, dtype=bool)
    m.reporting[chosen] = True
    m.traced = (m.reporting[:, None] & drug[None, :]).reshape(-1)


@dataclass
class Trace:
    table: pa.Table
    logs: dict[str, CaseLog] = field(default_factory=dict)


def _codes(product: np.ndarray, serial: np.ndarray) -> list[str]:
    """Most identifiers begin with 8 (码上放心); one product in three has one that begins with
    0 — a code read as a number would lose it."""
    ident = (product * 7919 + 123) % 1_000_000 + np.where(product % 3 == 0, 0, 8_000_000)
    return [f"{a:07d}{b:013d}" for a, b in zip(ident.tolist(), serial.tolist(), strict=True)]


def make_trace(m: Market, tally: Tally, rng: np.random.Generator, rates: dict[str, float]
               ) -> Trace:
    c = m.c
    lines = (np.concatenate(tally.traced, axis=1) if tally.traced
             else np.zeros((5, 0), dtype=np.int64))
    line_no, inst, prod, packs, recv = lines
    got = recv >= 0
    line_no, inst, prod, packs, recv = (x[got] for x in (line_no, inst, prod, packs, recv))
    end = (m.as_of + 1) * DAY
    upp = m.upp
    # -- one code per received pack ----------------------------------------------------------
    pack_line = np.repeat(np.arange(len(line_no)), packs)
    n = len(pack_line)
    p_inst, p_prod = inst[pack_line], prod[pack_line]
    serial = np.arange(1, n + 1, dtype=np.int64)
    received = recv[pack_line]
    combo = p_inst * c.n_products + p_prod
    # H2 planted: pairs with ≥ 10 packs in the period that leave 20–50 % of them unscanned
    rec = lines_of_year(m, inst, prod, packs, recv)
    year_combos = np.array(sorted(cb for cb, k in rec.period.items() if k >= H2_MIN_PACKS),
                           dtype=np.int64)
    h2 = rng.choice(year_combos, size=min(len(year_combos), max(1, round(
        rates["trace.receipt_unscanned"] * len(year_combos)))), replace=False) \
        if len(year_combos) else np.zeros(0, np.int64)
    skip_rate = np.zeros(m.n_inst * c.n_products)
    skip_rate[h2] = rng.uniform(0.2, 0.5, len(h2))
    scanned = rng.random(n) >= skip_rate[combo]
    r_at = received + rng.integers(300, 3 * HOUR, n)
    r_keep = scanned & (r_at < end)
    # -- dispensing --------------------------------------------------------------------------
    out = rng.random(n) < DISPENSED_SHARE
    d_at = r_at + (rng.exponential(25.0, n) * DAY).astype(np.int64) + rng.integers(0, 8 * HOUR, n)
    out &= d_at < end
    split = out & (upp[p_prod] <= 30) & (upp[p_prod] >= 2) & (rng.random(n) < SPLIT_SHARE)
    # scans: (pack, institution, time, split); a split pack is dispensed units_per_pack times
    times = np.where(split, upp[p_prod], 1) * out
    d_pack = np.repeat(np.arange(n), times)
    d_inst = p_inst[d_pack]
    d_at_all = d_at[d_pack] + (np.arange(len(d_pack)) - np.repeat(
        np.cumsum(times) - times, times)) * 2 * HOUR
    d_split = split[d_pack]
    keep = d_at_all < end
    d_pack, d_inst, d_at_all, d_split = (x[keep] for x in (d_pack, d_inst, d_at_all, d_split))
    # H1 planted: codes dispensed once more — at the same institution, at another reporting
    # institution, or a split pack one unit too many.
    dispensed = np.flatnonzero(out)
    k1 = min(len(dispensed), max(3, round(rates["trace.duplicate_dispense"] * len(dispensed))))
    dup = rng.choice(dispensed, size=k1, replace=False) if k1 else np.zeros(0, np.int64)
    others = np.flatnonzero(m.reporting)
    extra_pack, extra_inst, extra_at, extra_split = [], [], [], []
    for j, pk in enumerate(int(x) for x in dup):
        at = int(d_at[pk]) + int(rng.integers(HOUR, 20 * DAY))
        if at >= end:
            at = end - int(rng.integers(60, HOUR))
        where = int(p_inst[pk])
        if not split[pk] and j % 3 == 1 and len(others) > 1:
            where = int(others[(np.searchsorted(others, where) + 1) % len(others)])
        extra_pack.append(pk)
        extra_inst.append(where)
        # after the pack's own scans (a split pack's run 2 h apart)
        extra_at.append(max(at, int(d_at[pk]) + int(times[pk]) * 2 * HOUR + 60))
        extra_split.append(bool(split[pk]))
    extra_at_arr = np.minimum(np.asarray(extra_at, dtype=np.int64), end - 1)
    # H3 planted: pairs that dispense codes they never received
    combos = np.unique(p_inst[out] * c.n_products + p_prod[out])
    k3 = min(len(combos), max(1, round(rates["trace.dispensed_over_received"] * len(combos))))
    h3 = rng.choice(combos, size=k3, replace=False) if k3 else np.zeros(0, np.int64)
    ghost_inst, ghost_prod = [], []
    out_per = np.bincount(combo[out], minlength=m.n_inst * c.n_products)
    for cb in (int(x) for x in h3):
        # more than the packs received and not dispensed, so the excess shows
        many = max(0, rec.ever.get(cb, 0) - int(out_per[cb])) + int(rng.integers(2, 11))
        ghost_inst.extend([cb // c.n_products] * many)
        ghost_prod.extend([cb % c.n_products] * many)
    g_n = len(ghost_inst)
    g_serial = n + 1 + np.arange(g_n, dtype=np.int64)
    g_at = end - rng.integers(HOUR, 60 * DAY, g_n)
    # -- the table ---------------------------------------------------------------------------
    ev_pack = np.concatenate([np.flatnonzero(r_keep), d_pack, np.asarray(extra_pack, np.int64)])
    ev_inst = np.concatenate([p_inst[r_keep], d_inst, np.asarray(extra_inst, np.int64),
                              np.asarray(ghost_inst, np.int64)])
    ev_prod = np.concatenate([p_prod[ev_pack], np.asarray(ghost_prod, np.int64)])
    ev_serial = np.concatenate([serial[ev_pack], g_serial])
    ev_at = np.concatenate([r_at[r_keep], d_at_all, extra_at_arr, g_at])
    ev_event = np.concatenate([np.zeros(int(r_keep.sum()), np.int64),
                               np.ones(len(d_pack) + len(extra_pack) + g_n, np.int64)])
    ev_split = np.concatenate([np.zeros(int(r_keep.sum()), bool), d_split,
                               np.asarray(extra_split, bool), np.zeros(g_n, bool)])
    ev_line = np.concatenate([line_no[pack_line[r_keep]],
                              np.full(len(d_pack) + len(extra_pack) + g_n, -1, np.int64)])
    order = np.lexsort((ev_event, ev_serial, ev_at))
    ev = {k: v[order] for k, v in dict(inst=ev_inst, prod=ev_prod, serial=ev_serial, at=ev_at,
                                       event=ev_event, split=ev_split, line=ev_line).items()}
    codes = _codes(ev["prod"], ev["serial"])
    count = len(codes)
    table = tb.table("trace_scans", {
        "scan_id": tb.prefixed("SM", np.arange(1, count + 1, dtype=np.int64), 12),
        "trace_code": codes,
        "institution_code": tb.pick(pa.array(m.p.inst_code), ev["inst"]),
        "product_code": tb.pick(pa.array(c.code), ev["prod"]),
        "event": tb.pick(pa.array(["receive", "dispense"]), ev["event"]),
        "scanned_at": tb.stamps(ev["at"]),
        "split": pa.array(ev["split"]),
        "order_line_id": pc.if_else(pa.array(ev["line"] < 0), pa.scalar(None, pa.string()),
                                    tb.prefixed(LINE_PREFIX, np.maximum(ev["line"], 0),
                                                LINE_DIGITS)),
    })
    logs = _cases(m, ev, codes, rec, set(h2.tolist()),
                  set(h3.tolist()), set(int(x) for x in dup), rates, len(dispensed),
                  len(year_combos), len(combos))
    return Trace(table, logs)


@dataclass
class _Received:
    period: dict[int, int]  # combo → packs received in the year up to the last month's end
    ever: dict[int, int]  # combo → packs received by as_of


def last_month_end(as_of: date) -> date:
    """The last day of the last calendar month that has ended by the end of ``as_of``."""
    if (as_of + timedelta(days=1)).day == 1:
        return as_of
    return as_of.replace(day=1) - timedelta(days=1)


def lines_of_year(m: Market, inst: np.ndarray, prod: np.ndarray, packs: np.ndarray,
                  recv: np.ndarray) -> _Received:
    from jicai.demo.days import day_no

    combo = inst * m.c.n_products + prod
    period_end = (day_no(last_month_end(from_day_no(m.as_of))) + 1) * DAY
    in_period = (recv >= m.year_start * DAY) & (recv < period_end)
    period: dict[int, int] = {}
    ever: dict[int, int] = {}
    for cb, pk, inside in zip(combo.tolist(), packs.tolist(), in_period.tolist(), strict=True):
        ever[cb] = ever.get(cb, 0) + pk
        if inside:
            period[cb] = period.get(cb, 0) + pk
    return _Received(period, ever)


def _cases(m: Market, ev: dict[str, np.ndarray], codes: list[str], rec: _Received,
           h2: set[int], h3: set[int], dup: set[int], rates: dict[str, float],
           dispensed: int, year_combos: int, combos: int) -> dict[str, CaseLog]:
    from jicai.demo.days import day_no

    c = m.c
    n_p = c.n_products
    h1 = CaseLog("trace.duplicate_dispense", ("ref", "institution_code", "product_code"),
                 rates["trace.duplicate_dispense"],
                 note="value = dispense scans of the code (allowed: 1, a split pack its units)")
    h1.population = dispensed
    disp = ev["event"] == 1
    # per code: scans, institutions, split, latest institution and product (scans are sorted
    # by time and then scan_id, so the last one is the latest)
    scans: dict[str, list[int]] = {}
    for j in np.flatnonzero(disp).tolist():
        scans.setdefault(codes[j], []).append(j)
    designed_serials = {int(x) + 1 for x in dup}
    for code, idx in scans.items():
        insts = {int(ev["inst"][j]) for j in idx}
        any_split = bool(ev["split"][idx].any())
        last = idx[-1]
        allowed = int(m.upp[ev["prod"][last]]) if any_split else 1
        if len(insts) >= 2 or len(idx) > allowed:
            h1.add((code, m.p.inst_code[int(ev["inst"][last])], c.code[int(ev["prod"][last])]),
                   float(len(idx)), int(ev["serial"][last]) in designed_serials)
    h2_log = CaseLog("trace.receipt_unscanned", ("institution_code", "product_code"),
                     rates["trace.receipt_unscanned"],
                     note="value = receive-scanned codes / packs received, Jan to the last "
                          "month ended; reporting institutions only (trace.py)")
    h2_log.population = year_combos
    lo = m.year_start * DAY
    hi = (day_no(last_month_end(from_day_no(m.as_of))) + 1) * DAY
    got = (ev["event"] == 0) & (ev["at"] >= lo) & (ev["at"] < hi)
    seen: dict[int, set[str]] = {}
    for j in np.flatnonzero(got).tolist():
        seen.setdefault(int(ev["inst"][j]) * n_p + int(ev["prod"][j]), set()).add(codes[j])
    for cb, packs in sorted(rec.period.items()):
        if packs < H2_MIN_PACKS:
            continue
        coverage = len(seen.get(cb, ())) / packs
        if coverage < H2_THRESHOLD - 1e-9:
            h2_log.add((m.p.inst_code[cb // n_p], c.code[cb % n_p]), coverage, cb in h2)
    h3_log = CaseLog("trace.dispensed_over_received", ("institution_code", "product_code"),
                     rates["trace.dispensed_over_received"],
                     note="value = distinct codes dispensed − packs received on record")
    h3_log.population = combos
    out: dict[int, set[str]] = {}
    for j in np.flatnonzero(disp).tolist():
        out.setdefault(int(ev["inst"][j]) * n_p + int(ev["prod"][j]), set()).add(codes[j])
    for cb, dispensed_codes in sorted(out.items()):
        excess = len(dispensed_codes) - rec.ever.get(cb, 0)
        if excess > 0:
            h3_log.add((m.p.inst_code[cb // n_p], c.code[cb % n_p]), float(excess), cb in h3)
    return {h1.rule_id: h1, h2_log.rule_id: h2_log, h3_log.rule_id: h3_log}
