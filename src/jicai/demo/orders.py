"""Order lines and their payments, one chunk of days at a time.

A chunk is a run of whole days (about ``CHUNK_LINES`` lines), drawn from its own
random stream, sorted by ``ordered_at`` and numbered after the chunks before it,
so the files read in time order and a year never sits in memory. While a chunk
is made, :class:`Tally` adds up what the reference tables are derived from
(units per cycle, institution and variety; amounts of the year) and records the
order-level alerts the chunk should raise — computed on the values as written,
after every event later than ``as_of`` has been left out (the data are an
extract taken at the end of ``as_of``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from jicai.demo import tables as tb
from jicai.demo.days import DAY, HOUR, I64, WorkDays, month_end_after
from jicai.demo.market import F64, GROUP_PACKS, Market
from jicai.demo.products import BACKUP, NONWINNING, WINNING, YUAN
from jicai.demo.rand import stream
from jicai.demo.summary import ORDER_FIELDS, CaseKey, CaseLog

CHUNK_LINES = 1_000_000
RESPONSE_LIMIT = 48 * HOUR  # R1
DELIVERY_LIMIT = 72 * HOUR  # R3 (delivery hours of the national/henan/guangdong profiles)
PRICE_TOLERANCE = 50  # 0.005 yuan, C1, C4, C5
RECENT_DAYS_P4 = 60  # P4: the recent pace is that of the last 60 days of the window
W, B, N, X = 0, 1, 2, 3  # winning, backup, non-winning, excluded units
LINE_PREFIX, LINE_DIGITS = "OL", 10  # order_line_id: OL0000000042


def chunks(day_counts: I64, size: int = CHUNK_LINES) -> list[tuple[int, int]]:
    """Runs of whole days holding about ``size`` lines each: (first day index, end index)."""
    out: list[tuple[int, int]] = []
    start, total = 0, 0
    for i, n in enumerate(day_counts.tolist()):
        total += n
        if total >= size:
            out.append((start, i + 1))
            start, total = i + 1, 0
    if start < len(day_counts):
        out.append((start, len(day_counts)))
    return out


def _exactly(rng: np.random.Generator, mask: np.ndarray, rate: float) -> np.ndarray:
    """``rate`` of the lines in ``mask``, as exactly as a whole number allows (the rare
    lapses of a chunk are a count, not a coin per line, so small provinces hold the rate)."""
    pool = np.flatnonzero(mask)
    out = np.zeros(len(mask), dtype=bool)
    out[rng.choice(pool, size=min(len(pool), round(rate * len(pool))), replace=False)] = True
    return out


@dataclass
class LineRates:
    unresponded: float
    never_share: float
    late_delivery: float
    above_listing: float
    late_payment: float
    never_paid_share: float
    cancelled: float
    above_award: float = 0.0  # C4: awarded lines in a window raised above the award price
    offline_above: float = 0.0  # C5: off-platform lines above the listing price
    partial_share: float = 0.45  # R4: lines a planted distributor delivers only in part


class Tally:
    """Sums over chunks, and the order-level cases; one per chunk in a worker, merged in order."""

    def __init__(self, market: Market, keep_cases: bool, rates: dict[str, float]) -> None:
        self.n_inst, self.n_products = market.n_inst, market.c.n_products
        self.units = np.zeros(market.n_pairs * 4)
        self.year_amount = np.zeros(market.n_inst * 3)
        self.year_online = np.zeros(market.n_inst * 3)
        # which drug products each institution ordered in the year (institution × product)
        self.drug_seen = np.zeros(market.n_inst * market.c.n_products, dtype=bool)
        self.orders = 0
        self.payments = 0
        # v1.1 rules: per pair, winning units of the last 60 days (P4) and high-priced
        # non-winning units not excluded (N1); per distributor, lines / packs due and
        # delivered (R4); per institution × variety, units of the last 90 days and of the
        # same days a year before (S2); per product, on-platform amounts likewise (C3).
        self.recent = np.zeros(market.n_pairs)
        self.high_nw = np.zeros(market.n_pairs)
        self.awarded = np.zeros(market.n_pairs)  # winning + backup units, none excluded (N1)
        n_co = len(market.p.company_code)
        self.r4_lines = np.zeros(n_co, dtype=np.int64)
        self.r4_qty = np.zeros(n_co, dtype=np.int64)
        self.r4_done = np.zeros(n_co, dtype=np.int64)
        self.var_units = np.zeros((2, market.n_inst * len(market.c.varieties)))
        self.prod_amount = np.zeros((2, market.c.n_products), dtype=np.int64)
        # order lines of the traced (institution, product) combos: id, inst, prod, packs,
        # received at (seconds, -1 if not received by as_of)
        self.traced: list[I64] = []

        def log(rule: str, note: str, rate: float | None) -> CaseLog:
            return CaseLog(rule, ORDER_FIELDS, rate, keep_cases, note)

        self.r1 = log("order.unresponded_48h", "answered 48–144 h after ordering, or never",
                      rates["order.unresponded_48h"])
        self.r2 = log("order.escalation_24h", "the late answers still open a day after the "
                      "delayed-response list", None)
        self.r3 = log("delivery.overdue", "confirmed in time, delivered 73–240 h after "
                      "ordering or not at all; late answers add to it",
                      rates["delivery.overdue"])
        self.c1 = log("price.above_listing", "unit price 3–30 % above the listing price",
                      rates["price.above_listing"])
        self.m1 = log("payment.overdue", "paid 1–90 days after the end of the month after "
                      "receipt, or never", rates["payment.overdue"])
        self.c4 = log("price.above_award", "awarded product bought 2–20 % above its award "
                      "price inside a window of its batch (also above its listing: C1)",
                      rates["price.above_award"])
        self.c5 = log("price.offline_above_listing", "off-platform line 5–40 % above the "
                      "listing price (clean ones at 85–100 %)",
                      rates["price.offline_above_listing"])

    def logs(self) -> list[CaseLog]:
        return [self.r1, self.r2, self.r3, self.c1, self.m1, self.c4, self.c5]

    def drug_products(self) -> I64:
        """Distinct drug products each institution ordered in the year of as_of."""
        return np.asarray(self.drug_seen.reshape(self.n_inst, -1).sum(axis=1), dtype=np.int64)

    def merge(self, other: Tally) -> None:
        self.units += other.units
        self.year_amount += other.year_amount
        self.year_online += other.year_online
        self.drug_seen |= other.drug_seen
        self.orders += other.orders
        self.payments += other.payments
        self.recent += other.recent
        self.high_nw += other.high_nw
        self.awarded += other.awarded
        self.r4_lines += other.r4_lines
        self.r4_qty += other.r4_qty
        self.r4_done += other.r4_done
        self.var_units += other.var_units
        self.prod_amount += other.prod_amount
        self.traced.extend(other.traced)
        for mine, theirs in zip(self.logs(), other.logs(), strict=True):
            mine.merge(theirs)


class Chunk:
    """One chunk of order lines: draws the columns, tallies, builds the arrow tables."""

    def __init__(self, m: Market, workdays: WorkDays, seed: int, number: int, days: tuple[int, int],
                 first_line: int, rates: LineRates) -> None:
        self.m, self.wd, self.rates = m, workdays, rates
        self.rng = stream(seed, "orders", number)
        self.first = first_line
        self.as_of_end = (m.as_of + 1) * DAY
        self._when(*days)
        self._who_what()
        self._how_much()
        self._events()
        self._payments()

    # -- drawing ---------------------------------------------------------------------------

    def _when(self, a: int, b: int) -> None:
        m, rng = self.m, self.rng
        day = np.repeat(m.days[a:b], m.day_counts[a:b])
        n = self.n = len(day)
        hour = np.searchsorted(m.hour_cum, rng.random(n), side="right")
        sec = np.maximum(hour * HOUR + rng.integers(0, HOUR, n), 1)  # never exactly midnight
        self.t = np.sort(day * DAY + sec)
        self.day = self.t // DAY

    def _who_what(self) -> None:
        m, rng, n = self.m, self.rng, self.n
        self.inst = np.minimum(np.searchsorted(m.inst_cum, rng.random(n), side="right"),
                               m.n_inst - 1)
        group = m.p.group[self.inst]
        v = np.empty(n, dtype=np.int64)
        u = rng.random(n)
        for g in range(m.var_cum.shape[0]):
            sel = group == g
            v[sel] = np.searchsorted(m.var_cum[g], u[sel], side="right")
        self.group = group
        # S2: an institution of a planted pair takes a substitute instead, lately.
        k = m.vbp_of_var[v]
        lately = np.flatnonzero((k >= 0) & (self.day >= m.recent_start))
        if len(lately):
            kk = k[lately]
            slot = (self.day[lately] >= m.start[kk, 1]).astype(np.int64)
            turn = lately[m.s2_designed[m.pair(slot, self.inst[lately], kk)]]
            turn = turn[rng.random(len(turn)) < 0.7]
            if len(turn):
                v[turn] = m.sub_table.choose(m.vbp_of_var[v[turn]], rng.random(len(turn)))
        self.prod = m.market.choose(v, rng.random(n))
        # C3: a product taking most of its variety's lines lately (a sales surge).
        boosted = np.flatnonzero((m.boost[v] >= 0) & (self.day >= m.recent_start))
        boosted = boosted[rng.random(len(boosted)) < 0.6]
        self.prod[boosted] = m.boost[v[boosted]]
        self.v = v
        k = m.vbp_of_var[v]
        vb = np.flatnonzero(k >= 0)
        self.vb, self.k = vb, k[vb]
        self._vbp_products()

    def _vbp_products(self) -> None:
        m, rng, kk = self.m, self.rng, self.k
        dd, ii = self.day[self.vb], self.inst[self.vb]
        post = dd >= m.start[kk, 0]
        slot = (dd >= m.start[kk, 1]).astype(np.int64)
        pair = m.pair(slot, ii, kk)
        q_nw, q_bk = m.q_nw[pair], m.q_bk[pair]
        supply = np.zeros(len(kk), dtype=bool)
        for e in m.supply:
            hit = (kk == e.k) & (dd >= e.start) & (dd <= e.end)
            supply |= hit if e.inst < 0 else hit & (ii == e.inst)
        q_nw = np.where(supply, 0.9, q_nw)
        q_bk = np.where(supply, 0.0, q_bk)
        u, u2, u3 = rng.random(len(kk)), rng.random(len(kk)), rng.random(len(kk))
        want_nw = (u < q_nw) & m.has_nw[kk]
        want_bk = ~want_nw & (u < q_nw + q_bk) & m.has_bk[kk]
        prod = np.where(u3 < 0.85, m.chosen_table.choose(kk * 8 + m.choice[pair], u2),
                        m.win_table.choose(kk, u2))
        prod[want_nw] = m.nw_table.choose(kk[want_nw], u2[want_nw])
        prod[want_bk] = m.bk_table.choose(kk[want_bk], u2[want_bk])
        self.prod[self.vb[post]] = prod[post]
        self.supply = supply
        # The cycle each line counts toward (-1: before the first or between cycles).
        self.window = np.full(len(kk), -1, dtype=np.int64)
        for s in (0, 1):
            inside = (dd >= m.start[kk, s]) & (dd <= m.end[kk, s])
            self.window[inside] = s

    def _how_much(self) -> None:
        m, rng, n, prod = self.m, self.rng, self.n, self.prod
        self.cat = m.prod_cat[prod]
        mean = np.asarray(GROUP_PACKS)[self.group] * m.pack_factor[prod]
        qty = np.maximum(np.round(mean * rng.lognormal(0.0, 0.8, n)), 1).astype(np.int64)
        u = rng.random(n)
        self.qty = np.where(self.cat == 2, 1 + (u < 0.12) + (u < 0.02), qty)
        off_p = np.where(self.cat == 0, m.off_drug[self.inst],
                         np.where(self.cat == 2, m.off_hv[self.inst], 0.0))
        not_vbp = np.ones(n, dtype=bool)
        not_vbp[self.vb] = False
        self.on = ~(not_vbp & (rng.random(n) < off_p))
        self.cancelled = self.on & (rng.random(n) < self.rates.cancelled)
        self.valid = ~self.cancelled
        self.listing = m.listing_price(prod, self.day)
        price = self.listing.copy()
        checked = self.on & self.valid
        self.over = _exactly(rng, checked, self.rates.above_listing)
        raised = np.round(self.listing * rng.uniform(1.03, 1.3, n) / 100).astype(np.int64) * 100
        price = np.where(self.over, np.maximum(raised, self.listing + 100), price)
        # C4: an awarded product inside a window of its batch, above its award price.
        self.award = m.award[prod]
        in_window = np.zeros(n, dtype=bool)
        in_window[self.vb] = self.window >= 0
        self.awarded_in_window = checked & in_window & (self.award > 0)
        self.over_award = _exactly(rng, self.awarded_in_window & ~self.over,
                                   self.rates.above_award)
        above = np.round(self.award * rng.uniform(1.02, 1.2, n) / 100).astype(np.int64) * 100
        price = np.where(self.over_award, np.maximum(above, self.award + 100), price)
        # Off the platform a hospital pays at most the listing price, unless planted (C5).
        self.off_listed = ~self.on & self.valid & m.listing_listed(prod, self.day)
        self.over_offline = _exactly(rng, self.off_listed, self.rates.offline_above)
        offline = np.floor(self.listing * rng.uniform(0.85, 1.0, n) / 100).astype(np.int64) * 100
        dearer = np.round(self.listing * rng.uniform(1.05, 1.4, n) / 100).astype(np.int64) * 100
        offline = np.where(self.over_offline, np.maximum(dearer, self.listing + 100), offline)
        self.price = np.where(self.on, price, np.maximum(offline, 100))
        self.amount = self.qty * self.price
        dist = np.where(rng.random(n) < 0.85, m.p.distributor[self.inst],
                        m.p.distributor2[self.inst])
        dist[self.vb] = m.p.distributor[self.inst[self.vb]]
        self.dist = np.where(~self.on & (rng.random(n) < 0.5), -1, dist)

    def _events(self) -> None:
        rng, n, r, t = self.rng, self.n, self.rates, self.t
        checked = self.on & self.valid
        u = rng.random(n)
        self.late_answer = checked & (u < r.unresponded)
        never = checked & (u < r.unresponded * r.never_share)
        self.late_delivery = checked & ~self.late_answer & (rng.random(n) < r.late_delivery)
        # On time within 36 h, late from 48 h + 1 min: no answer falls on the 48 h mark.
        delay = np.clip(rng.lognormal(np.log(4 * HOUR), 1.0, n), 300, 36 * HOUR)
        late = rng.uniform(RESPONSE_LIMIT + 60, 144 * HOUR, n)
        resp = t + np.where(self.late_answer, late, delay).astype(np.int64)
        resp += resp % DAY == 0  # the escalation deadline falls at midnight: never on it
        resp_null = never | (self.cancelled & (rng.random(n) < 0.5))
        deliv = resp + np.clip(rng.lognormal(np.log(18 * HOUR), 0.5, n), 2 * HOUR,
                               30 * HOUR).astype(np.int64)
        deliv = np.where(self.late_delivery,
                         t + rng.uniform(73 * HOUR, 240 * HOUR, n).astype(np.int64), deliv)
        deliv += (deliv - t) == DELIVERY_LIMIT  # a late answer may land a delivery on 72 h
        deliv_null = resp_null | self.cancelled | (self.late_delivery & (rng.random(n) < 0.25))
        # R4: a planted distributor delivers part of many lines (never less than one pack).
        part = self.m.low_delivery[np.maximum(self.dist, 0)] & (self.dist >= 0) & self.on \
            & (self.qty >= 2) & (rng.random(n) < r.partial_share)
        self.delivered = np.where(part, np.maximum(1, np.floor(
            self.qty * rng.uniform(0.3, 0.8, n))).astype(np.int64), self.qty)
        recv = deliv + np.clip(rng.lognormal(np.log(3 * HOUR), 1.0, n), 600,
                               48 * HOUR).astype(np.int64)
        # The extract is taken at the end of as_of: later events have not happened.
        end = self.as_of_end
        resp_null |= resp >= end
        deliv_null |= resp_null | (deliv >= end)
        recv_null = deliv_null | (recv >= end)
        self.resp, self.resp_null = resp, resp_null
        self.deliv, self.deliv_null = deliv, deliv_null
        self.recv, self.recv_null = recv, recv_null

    def _payments(self) -> None:
        rng, n, m = self.rng, self.n, self.m
        paid = self.valid & ~self.recv_null
        r_day = self.recv // DAY
        due = month_end_after(r_day)
        self.due = due
        late = paid & self.on & (rng.random(n) < self.rates.late_payment)
        never = late & (rng.random(n) < self.rates.never_paid_share)
        role = m.role[self.prod]
        split = paid & ((role == WINNING) | (role == BACKUP)) & (rng.random(n) < 0.5)
        fund = np.where(split, (self.amount * rng.uniform(0.5, 0.9, n) // 100) * 100, 0)
        fund_day = r_day + rng.integers(5, 26, n)
        on_time = r_day + 3 + (rng.random(n) * (due - r_day - 2)).astype(np.int64)
        hosp_day = np.where(late, due + 1 + rng.integers(0, 90, n), on_time)
        self.late_payment = late
        as_of = m.as_of
        a = np.flatnonzero(split & (fund_day <= as_of))
        b = np.flatnonzero(paid & ~never & (hosp_day <= as_of))
        self.pay_line = np.concatenate([a, b])
        self.pay_part = np.concatenate([np.ones(len(a), np.int64), np.full(len(b), 2)])
        self.pay_amount = np.concatenate([fund[a], self.amount[b] - fund[b]])
        self.pay_day = np.concatenate([fund_day[a], hosp_day[b]])
        self.pay_fund = np.concatenate([np.ones(len(a), bool), np.zeros(len(b), bool)])
        order = np.lexsort((self.pay_part, self.pay_line))
        for name in ("pay_line", "pay_part", "pay_amount", "pay_day", "pay_fund"):
            setattr(self, name, getattr(self, name)[order])
        in_time = self.pay_day <= due[self.pay_line]
        self.paid_by_due = np.bincount(self.pay_line[in_time], self.pay_amount[in_time], n)
        # settled by as_of: the day of the last payment (the engine's M1 value runs to it)
        settled = np.bincount(self.pay_line, self.pay_amount, n) >= self.amount
        last = np.full(n, as_of, dtype=np.int64)
        if len(self.pay_line):
            last_paid = np.full(n, -1, dtype=np.int64)
            np.maximum.at(last_paid, self.pay_line, self.pay_day)
            last = np.where(settled, last_paid, as_of)
        self.settled_day = last
        self.paid = paid

    # -- tallies -----------------------------------------------------------------------------

    def tally(self, tally: Tally) -> None:
        m = self.m
        vb, kk = self.vb, self.k
        ok = self.valid[vb] & (self.window >= 0)
        role = m.role[self.prod[vb]]
        cls = np.select([role == WINNING, role == BACKUP], [W, B], N)
        price_low = self.price[vb] * m.low_upp[kk] <= m.low_price[kk] * m.upp[self.prod[vb]]
        cheap = (role == NONWINNING) & m.equivalent[self.prod[vb]] & price_low
        cls = np.where(cheap | (self.supply & (role != WINNING)), X, cls)
        units = (self.qty[vb] * m.upp[self.prod[vb]]).astype(np.float64)
        idx = m.pair(self.window[ok], self.inst[vb][ok], kk[ok]) * 4 + cls[ok]
        tally.units += np.bincount(idx, units[ok], len(tally.units))
        year = self.valid & (self.day >= m.year_start)
        idx = self.inst[year] * 3 + self.cat[year]
        yuan = self.amount[year] / YUAN
        tally.year_amount += np.bincount(idx, yuan, len(tally.year_amount))
        tally.year_online += np.bincount(idx, yuan * self.on[year], len(tally.year_amount))
        drugs = year & (self.cat == 0)
        tally.drug_seen[self.inst[drugs] * m.c.n_products + self.prod[drugs]] = True
        tally.orders += self.n
        tally.payments += len(self.pay_line)
        self._tally_v11(tally, ok, role, cls, units)
        self._cases(tally)

    def _tally_v11(self, tally: Tally, ok: np.ndarray, role: I64, cls: I64, units: F64) -> None:
        """What the v1.1 rules are worked out from (see :class:`Tally`)."""
        m, vb, kk = self.m, self.vb, self.k
        pair = m.pair(np.maximum(self.window, 0), self.inst[vb], kk)
        window_end = np.minimum(m.as_of, m.end[kk, np.maximum(self.window, 0)])
        recent = ok & (role == WINNING) & (self.day[vb] > window_end - RECENT_DAYS_P4)
        tally.recent += np.bincount(pair[recent], units[recent], len(tally.recent))
        dear = self.price[vb] * m.low_upp[kk] > m.low_price[kk] * m.upp[self.prod[vb]]
        high = ok & (role != WINNING) & (role != BACKUP) & dear & ~self.supply
        tally.high_nw += np.bincount(pair[high], units[high], len(tally.high_nw))
        awarded = ok & ((role == WINNING) | (role == BACKUP))
        tally.awarded += np.bincount(pair[awarded], units[awarded], len(tally.awarded))
        # R4: on-platform lines of the year due (ordered ≥ 72 h before the end of as_of)
        due = (self.valid & self.on & (self.dist >= 0) & (self.day >= m.year_start)
               & (self.t <= self.as_of_end - DELIVERY_LIMIT))
        dist = self.dist[due]
        n_co = len(tally.r4_lines)
        tally.r4_lines += np.bincount(dist, minlength=n_co)
        tally.r4_qty += np.bincount(dist, self.qty[due], n_co).astype(np.int64)
        done = np.where(self.deliv_null[due], 0, np.minimum(self.delivered[due], self.qty[due]))
        tally.r4_done += np.bincount(dist, done, n_co).astype(np.int64)
        # S2 (every live line, on and off platform) and C3 (on-platform amounts)
        all_units = (self.qty * m.upp[self.prod]).astype(np.float64)
        n_var = len(m.c.varieties)
        for w, (lo, hi) in enumerate(((m.recent_start, m.as_of), (m.prev_start, m.prev_end))):
            inside = self.valid & (self.day >= lo) & (self.day <= hi)
            idx = self.inst[inside] * n_var + self.v[inside]
            tally.var_units[w] += np.bincount(idx, all_units[inside], len(tally.var_units[w]))
            sold = inside & self.on
            np.add.at(tally.prod_amount[w], self.prod[sold], self.amount[sold])
        traced = np.flatnonzero(self.valid & m.traced[self.inst * m.c.n_products + self.prod])
        if len(traced):
            got = ~self.recv_null[traced]
            tally.traced.append(np.stack([
                self.first + traced, self.inst[traced], self.prod[traced],
                np.where(got, self.delivered[traced], 0), np.where(got, self.recv[traced], -1)]))

    def _cases(self, tally: Tally) -> None:
        end, t = self.as_of_end, self.t
        checked = self.valid
        answered_at = np.where(self.resp_null, end, self.resp)
        r1 = checked & (answered_at - t > RESPONSE_LIMIT)
        self._log(tally.r1, r1, (answered_at - t) / HOUR, self.late_answer, self.resp_null)
        mark_day = (t + RESPONSE_LIMIT) // DAY
        deadline = (self.wd.add(mark_day, 1) + 2) * DAY  # end of list day + 24 h
        r2 = r1 & (answered_at > deadline)
        # value: hours since the list went out (the end of the list day), as the engine
        self._log(tally.r2, r2, (answered_at - (deadline - 24 * HOUR)) / HOUR, r2)
        delivered_at = np.where(self.deliv_null, end, self.deliv)
        r3 = checked & ~self.resp_null & (delivered_at - t > DELIVERY_LIMIT)
        self._log(tally.r3, r3, (delivered_at - t) / HOUR, self.late_delivery)
        c1 = checked & self.on & (self.price > self.listing + PRICE_TOLERANCE)
        self._log(tally.c1, c1, self.price / YUAN, self.over)  # value: the unit price paid
        c4 = self.awarded_in_window & self.on & (self.price > self.award + PRICE_TOLERANCE)
        self._log(tally.c4, c4, self.price / YUAN, self.over_award)
        c5 = self.off_listed & (self.price > self.listing + PRICE_TOLERANCE)
        self._log(tally.c5, c5, self.price / YUAN, self.over_offline)
        tally.c4.population += int(self.awarded_in_window.sum())
        tally.c5.population += int(self.off_listed.sum())
        m1 = self.paid & (self.due < self.m.as_of) & (self.paid_by_due < self.amount)
        self._log(tally.m1, m1, (self.settled_day - self.due).astype(np.float64),
                  self.late_payment)
        on_lines = int((checked & self.on).sum())
        for log in (tally.r1, tally.r2, tally.r3, tally.c1):
            log.population += on_lines
        tally.m1.population += int((self.paid & self.on & (self.due < self.m.as_of)).sum())

    def _log(self, log: CaseLog, hit: np.ndarray, value: F64, designed: np.ndarray,
             critical: np.ndarray | None = None) -> None:
        idx = np.flatnonzero(hit)
        keys: list[CaseKey] | None = None
        if log.keep:
            keys = [(f"{LINE_PREFIX}{self.first + i:0{LINE_DIGITS}d}",) for i in idx.tolist()]
        log.add_many(keys, value[idx].tolist(), int(designed[idx].sum()),
                     0 if critical is None else int(critical[idx].sum()))

    # -- tables ------------------------------------------------------------------------------

    def orders(self, inst_codes: pa.Array, prod_codes: pa.Array, company_codes: pa.Array
               ) -> pa.Table:
        n = self.n
        numbers = self.first + np.arange(n, dtype=np.int64)
        return tb.table("orders", {
            "order_line_id": tb.prefixed(LINE_PREFIX, numbers, LINE_DIGITS),
            "institution_code": tb.pick(inst_codes, self.inst),
            "product_code": tb.pick(prod_codes, self.prod),
            "distributor_code": tb.pick(company_codes, self.dist),
            "ordered_at": tb.stamps(self.t),
            "qty_packs": tb.ints(self.qty),
            "unit_price": tb.money(self.price),
            "amount": tb.money(self.amount),
            "on_platform": pa.array(self.on),
            "status": tb.pick(pa.array(["ordered", "cancelled"]), self.cancelled.astype(np.int64)),
            "responded_at": tb.stamps(self.resp, self.resp_null),
            "delivered_packs": tb.ints(self.delivered, self.deliv_null),
            "delivered_at": tb.stamps(self.deliv, self.deliv_null),
            "received_at": tb.stamps(self.recv, self.recv_null),
        })

    def payments(self) -> pa.Table:
        numbers = (self.first + self.pay_line) * 10 + self.pay_part
        return tb.table("payments", {
            "payment_id": tb.prefixed("PY", numbers, 11),
            "order_line_id": tb.prefixed(LINE_PREFIX, self.first + self.pay_line, LINE_DIGITS),
            "amount": tb.money(self.pay_amount),
            "paid_at": tb.dates(self.pay_day),
            "channel": tb.pick(pa.array(["hospital", "fund_direct"]),
                               self.pay_fund.astype(np.int64)),
        })
