"""Who buys what, when, and how much: the decisions taken before any order line is drawn.

Order lines are drawn independently: a day (seasonality, working days), an
institution (lognormal volume by kind and grade), a variety (Zipf popularity,
restricted to what the institution's kind uses), then a product. For a VBP
variety inside a cycle the product depends on the (cycle, institution, variety)
*pair*: mostly the winning product of the company the institution chose, a
little backup, and non-winning products at the pair's rate — high for the pairs
planted as substitution (S1), and for pairs inside a supply-problem exemption.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from jicai.demo import catalogue as cat
from jicai.demo.days import I64, WorkDays, day_no, from_day_no
from jicai.demo.products import BACKUP, NONWINNING, WINNING, YUAN, Catalogue
from jicai.demo.province import Province
from jicai.demo.rand import zipf_weights

F64 = NDArray[np.float64]
CATEGORIES = ("drug", "consumable", "hv_consumable")
NEVER = np.iinfo(np.int64).max // 4  # a day after every day
# Orders per month relative to the mean: winter peak, Spring Festival and National Day dips.
MONTH_FACTOR = (1.05, 0.85, 1.0, 0.97, 0.97, 1.0, 0.98, 0.97, 1.0, 0.92, 1.0, 1.12)
HOUR_WEIGHT = (0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 1, 3, 8, 10, 9, 7, 3, 4, 8, 9, 8, 5, 2, 1.5, 1, 0.8,
               0.5, 0.3)
# Median packages per order line by institution group (tertiary … pharmacy).
GROUP_PACKS = (60.0, 25.0, 8.0, 3.0, 6.0)
RECENT_DAYS = 90  # S2 and C3 compare the last 90 days with the same days a year before
WELL_USED = 30.0  # expected lines in a cycle above which a big hospital buys some non-winning
USED = 12.0  # expected lines in a cycle above which a pair may be planted (S1, supply problem)


class CumTable:
    """A categorical choice inside groups: ``items[searchsorted(F, key + u)]``.

    Each group's cumulative weights run over (key, key + 1]; a draw ``u`` in [0, 1)
    for group ``key`` therefore lands on one of that group's items.
    """

    def __init__(self, groups: list[list[int]], weights: list[list[float]]) -> None:
        edges: list[F64] = []
        items: list[int] = []
        self.has = np.zeros(len(groups), dtype=bool)
        for key, (its, ws) in enumerate(zip(groups, weights, strict=True)):
            w = np.asarray(ws, dtype=np.float64)
            if not its or w.sum() <= 0:
                continue
            c = np.cumsum(w) / w.sum()
            c[-1] = 1.0
            edges.append(key + c)
            items.extend(its)
            self.has[key] = True
        self.edges = np.concatenate(edges) if edges else np.zeros(0)
        self.items = np.asarray(items, dtype=np.int64)

    def choose(self, key: I64, u: F64) -> I64:
        return self.items[np.searchsorted(self.edges, key + u, side="right")]


@dataclass
class Exemption:
    inst: int  # -1 = every institution
    k: int  # VBP variety index
    start: int  # day
    end: int  # day
    kind: str


def year_earlier(d: date) -> date:
    """The same day one calendar year earlier; 29 February becomes 28 February."""
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return date(d.year - 1, 2, 28)


class Market:
    def __init__(self, province: Province, catalogue: Catalogue, lines: int, as_of: int,
                 window_start: int, workdays: WorkDays, rng: np.random.Generator,
                 rates: dict[str, float]) -> None:
        self.p, self.c = province, catalogue
        self.as_of = as_of
        self.year = from_day_no(as_of).year  # "amounts of a year" are of this one
        self.year_start = day_no(date(self.year, 1, 1))
        self.n_inst = province.n_inst
        self._days(lines, window_start, workdays, rng)
        self._institutions(rates, rng)
        self._products()
        self._varieties(rng)
        self._vbp()
        self._pairs(rates, rng)
        self._surges(rates, rng)

    # -- when ----------------------------------------------------------------------------

    def _days(self, lines: int, first: int, workdays: WorkDays, rng: np.random.Generator) -> None:
        self.days: I64 = np.arange(first, self.as_of + 1, dtype=np.int64)
        months = self.days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12
        w = np.where(workdays.is_workday(self.days), 1.0, 0.22) * np.asarray(MONTH_FACTOR)[months]
        self.day_p = w / w.sum()
        self.day_counts: I64 = rng.multinomial(lines, self.day_p).astype(np.int64)
        hours = np.asarray(HOUR_WEIGHT)
        self.hour_cum = np.cumsum(hours) / hours.sum()

    def share_of_days(self, start: int, end: int) -> float:
        """Expected share of all lines ordered on days start … end."""
        lo, hi = start - self.days[0], min(end, self.as_of) - self.days[0]
        return float(self.day_p[max(lo, 0): max(hi + 1, 0)].sum())

    # -- who -----------------------------------------------------------------------------

    def _institutions(self, rates: dict[str, float], rng: np.random.Generator) -> None:
        p = self.p
        self.inst_p = p.weight / p.weight.sum()
        self.inst_cum = np.cumsum(self.inst_p)
        self.inst_cum[-1] = 1.0
        # Off-platform buying: planted for some hospitals (O1), a trace at big ones.
        hospitals = np.flatnonzero(p.group <= 1)
        k = max(1, round(rates["online.rate_low"] * len(hospitals)))
        planted = rng.choice(hospitals, size=min(k, len(hospitals)), replace=False)
        self.off_drug = np.where(p.group == 0, 0.005, 0.0)
        self.off_hv = np.zeros(self.n_inst)
        self.off_drug[planted] = rng.uniform(0.3, 0.5, len(planted))
        hv = planted[: max(1, len(planted) // 2)]
        self.off_hv[hv] = rng.uniform(0.3, 0.6, len(hv))
        self.o1_designed = np.zeros(self.n_inst, dtype=bool)
        self.o1_designed[planted] = True
        self.o1_population = len(hospitals)

    # -- what ----------------------------------------------------------------------------

    def _products(self) -> None:
        c = self.c
        self.upp = np.asarray(c.upp, dtype=np.int64)
        self.role = np.asarray(c.role, dtype=np.int64)
        self.prod_variety = np.asarray(c.variety, dtype=np.int64)
        self.equivalent = np.asarray(c.equivalent, dtype=bool)
        cats = [CATEGORIES.index(v.item.category) for v in c.varieties]
        self.prod_cat = np.asarray(cats, dtype=np.int64)[self.prod_variety]
        base = np.asarray(c.base_price, dtype=np.float64) / YUAN
        self.pack_factor = np.clip((30.0 / base) ** 0.4, 0.05, 4.0)
        # Listing rows sorted by (product, day): the price in effect is a searchsorted away.
        lp = np.asarray(c.list_product, dtype=np.int64)
        ld = np.asarray(c.list_day, dtype=np.int64)
        order = np.lexsort((ld, lp))
        self.list_key = lp[order] * 1_000_000 + ld[order]
        self.list_price = np.asarray(c.list_price, dtype=np.int64)[order]
        self.list_listed = np.asarray([c.list_status[i] == "listed" for i in order], dtype=bool)
        groups = [v.products for v in c.varieties]
        self.market = CumTable(groups, [[c.share[p] for p in g] for g in groups])

    def listing_price(self, product: I64, day: I64) -> I64:
        i = np.searchsorted(self.list_key, product * 1_000_000 + day, side="right") - 1
        return self.list_price[i]

    def listing_listed(self, product: I64, day: I64) -> NDArray[np.bool_]:
        """Whether the listing in effect on the day has status ``listed``."""
        i = np.searchsorted(self.list_key, product * 1_000_000 + day, side="right") - 1
        return self.list_listed[i]

    def _varieties(self, rng: np.random.Generator) -> None:
        items = [v.item for v in self.c.varieties]
        n = len(items)
        rank = rng.permutation(n)
        w = zipf_weights(n, 1.0)[rank]
        for v, item in enumerate(items):
            if self.c.varieties[v].batch >= 0:
                w[v] *= 4.0
            if item.category == "hv_consumable":
                w[v] *= 0.15
            elif item.category == "consumable":
                w[v] *= 0.6
            if item.tier == "spec" or item.negotiated:
                w[v] *= 0.5
        g_count = len(cat.GROUPS)
        pv = np.zeros((g_count, n))
        for v, item in enumerate(items):
            for g in cat.TIERS[item.tier]:
                pv[g, v] = w[v] * (0.3 if item.tier == "hv" and g == 1 else 1.0)
        self.var_p = pv / pv.sum(axis=1, keepdims=True)
        self.var_cum = np.cumsum(self.var_p, axis=1)
        self.var_cum[:, -1] = 1.0

    # -- VBP varieties and their cycles -------------------------------------------------------

    def _vbp(self) -> None:
        c = self.c
        self.vbp = [v for v, var in enumerate(c.varieties) if var.batch >= 0]
        self.K = len(self.vbp)
        self.vbp_of_var = np.full(len(c.varieties), -1, dtype=np.int64)
        self.vbp_of_var[self.vbp] = np.arange(self.K)
        self.start = np.full((self.K, 2), NEVER, dtype=np.int64)
        self.end = np.full((self.K, 2), -1, dtype=np.int64)
        for k, v in enumerate(self.vbp):
            for s, (a, b) in enumerate(cat.BATCHES[c.varieties[v].batch].cycles):
                self.start[k, s], self.end[k, s] = day_no(a), day_no(b)
        def by(role: int) -> list[list[int]]:
            return [[p for p in c.varieties[v].products if c.role[p] == role] for v in self.vbp]

        self.winning, self.backup, self.nonwinning = by(WINNING), by(BACKUP), by(NONWINNING)
        self.has_nw = np.array([len(x) > 0 for x in self.nonwinning])
        self.has_bk = np.array([len(x) > 0 for x in self.backup])
        share = c.share
        self.win_table = CumTable(self.winning, [[share[p] for p in g] for g in self.winning])
        self.bk_table = CumTable(self.backup, [[share[p] for p in g] for g in self.backup])
        self.nw_table = CumTable(self.nonwinning, [[share[p] for p in g] for g in self.nonwinning])
        # The chosen company's winning products: group k * 8 + winner number.
        groups: list[list[int]] = [[] for _ in range(self.K * 8)]
        for k, v in enumerate(self.vbp):
            for j, company in enumerate(c.varieties[v].winners):
                groups[k * 8 + j] = [p for p in self.winning[k] if c.company[p] == company]
        self.chosen_table = CumTable(groups, [[1.0] * len(g) for g in groups])
        self.n_winners = np.array([len(c.varieties[v].winners) for v in self.vbp], dtype=np.int64)
        # The lowest winning price per minimum unit, as (price, units) for exact comparison.
        self.low_price = np.zeros(self.K, dtype=np.int64)
        self.low_upp = np.ones(self.K, dtype=np.int64)
        for k in range(self.K):
            best = min(self.winning[k], key=lambda p: c.award_price[p] / c.upp[p])
            self.low_price[k], self.low_upp[k] = c.award_price[best], c.upp[best]

    def pair(self, slot: I64 | int, inst: I64 | int, k: I64 | int) -> I64:
        """Index of a (cycle slot, institution, VBP variety) pair."""
        index = (np.asarray(slot) * self.n_inst + np.asarray(inst)) * self.K + np.asarray(k)
        return np.asarray(index, dtype=np.int64)

    @property
    def n_pairs(self) -> int:
        return 2 * self.n_inst * self.K

    def expected_lines(self) -> F64:
        """Expected lines of each pair inside its cycle window (up to as_of)."""
        lam = np.zeros(self.n_pairs)
        groups = self.p.group
        for k, v in enumerate(self.vbp):
            for s in range(2):
                if self.start[k, s] == NEVER or self.start[k, s] > self.as_of:
                    continue
                share = self.share_of_days(int(self.start[k, s]), int(self.end[k, s]))
                idx = self.pair(s, np.arange(self.n_inst), k)
                lam[idx] = self.lines * share * self.inst_p * self.var_p[groups, v]
        return lam

    @property
    def lines(self) -> int:
        return int(self.day_counts.sum())

    # -- pairs: which product a line of a VBP variety gets ------------------------------------

    def _pairs(self, rates: dict[str, float], rng: np.random.Generator) -> None:
        n = self.n_pairs
        lam = self.expected_lines()
        self.lam = lam
        g = np.tile(np.repeat(self.p.group, self.K), 2)
        k_of = np.tile(np.arange(self.K), 2 * self.n_inst)
        has_nw, has_bk = self.has_nw[k_of], self.has_bk[k_of]
        self.q_nw = np.where((g == 0) & (lam >= WELL_USED), rng.uniform(0.02, 0.10, n), 0.0)
        self.q_bk = np.where(has_bk & (g <= 1) & (lam >= WELL_USED), 0.03, 0.0)
        self.choice = (rng.random(n) * self.n_winners[k_of]).astype(np.int64)
        clinical = self.clinical_k()
        eligible = np.flatnonzero((lam >= USED) & (g <= 2) & has_nw & (k_of != clinical))
        count = min(len(eligible), max(1, round(rates["share.nonwinning_high"] * len(eligible))))
        # Big buyers are the likelier to keep to the originator; more lines, a surer share.
        subst = rng.choice(eligible, size=count, replace=False, p=lam[eligible] / lam[eligible].sum())
        self.q_nw[subst] = rng.uniform(0.8, 0.95, len(subst))
        self.q_bk[subst] = 0.0
        self.s1_designed = np.zeros(n, dtype=bool)
        self.s1_designed[subst] = True
        self.s1_population = len(eligible)
        # N1: an institution outside any consortium that files nothing for the variety and
        # buys only non-winning products (it takes no part in the cycle: no agreed volume).
        inst_of = (np.arange(n) // self.K) % self.n_inst
        alone = np.array([x is None for x in self.p.inst_consortium])[inst_of]
        pool = eligible[~self.s1_designed[eligible] & alone[eligible]]
        count = min(len(pool), max(1, round(rates["purchase.nonwinning_only"] * len(pool))))
        only = rng.choice(pool, size=count, replace=False) if count else np.zeros(0, np.int64)
        self.q_nw[only] = 1.0
        self.q_bk[only] = 0.0
        self.n1_designed = np.zeros(n, dtype=bool)
        self.n1_designed[only] = True
        self.n1_population = len(pool)
        self._supply(lam, g, has_nw, k_of, rng)

    def clinical_k(self) -> int:
        names = [self.c.varieties[v].item.name for v in self.vbp]
        return names.index(cat.CLINICAL_CHANGE_ITEM) if cat.CLINICAL_CHANGE_ITEM in names else -1

    def _supply(self, lam: F64, g: I64, has_nw: NDArray[np.bool_], k_of: I64,
                rng: np.random.Generator) -> None:
        """Supply-problem exemptions: the institution buys non-winning meanwhile (excluded)."""
        self.supply: list[Exemption] = []
        free = (lam >= USED) & (g <= 1) & has_nw & ~self.s1_designed & ~self.n1_designed \
            & (k_of != self.clinical_k())
        eligible = np.flatnonzero(free)
        count = int(np.clip(round(0.01 * len(eligible)), 1, 8)) if len(eligible) else 0
        for pair in sorted(int(x) for x in rng.choice(eligible, size=count, replace=False)):
            slot, rest = divmod(pair, self.n_inst * self.K)
            inst, k = divmod(rest, self.K)
            lo, hi = int(self.start[k, slot]) + 10, min(int(self.end[k, slot]), self.as_of) - 25
            if hi <= lo:
                continue
            start = int(rng.integers(lo, hi))
            self.supply.append(Exemption(inst, k, start, min(start + int(rng.integers(20, 46)),
                                                             hi + 20), "supply_problem"))
        july = day_no(date(2025, 7, 1))
        wide = [k for k in range(self.K) if self.nonwinning[k] and k != self.clinical_k()
                and ((self.start[k] <= july) & (self.end[k] >= july + 40)).any()]
        if wide:
            k = wide[int(rng.integers(len(wide)))]
            self.supply.append(Exemption(-1, k, july + 5, july + 29, "supply_problem"))

    # -- surges: substitutes (S2) and sales (C3) in the last 90 days --------------------------

    def _surges(self, rates: dict[str, float], rng: np.random.Generator) -> None:
        """S2: pairs of a cycle in execution whose institution turns to substitutes (another
        variety of the same ATC level-4 class) in the last 90 days; C3: ordinary products
        that take most of their variety's lines in those days."""
        c = self.c
        self.recent_start = self.as_of - RECENT_DAYS + 1
        # Substitute varieties of each VBP drug variety: ordinary drugs of its ATC class.
        self.substitutes: list[list[int]] = []
        for v in self.vbp:
            item = c.varieties[v].item
            self.substitutes.append([
                u for u, other in enumerate(c.varieties) if other.batch < 0 and u != v
                and item.category == "drug" and other.item.category == "drug"
                and other.item.cls == item.cls])
        n = self.n_pairs
        every = np.arange(n)
        slot, inst, k = every // (self.n_inst * self.K), (every // self.K) % self.n_inst, \
            every % self.K
        g = self.p.group[inst]
        running = (self.start[k, slot] <= self.recent_start) & (self.as_of <= self.end[k, slot])
        has_sub = np.array([len(x) > 0 for x in self.substitutes])[k] if self.K else running
        eligible = np.flatnonzero(running & has_sub & (g == 0) & (self.lam >= WELL_USED)
                                  & ~self.s1_designed & ~self.n1_designed)
        count = min(len(eligible), max(1, round(rates["substitute.abnormal_growth"]
                                                * len(eligible)))) if len(eligible) else 0
        self.s2_designed = np.zeros(n, dtype=bool)
        self.s2_designed[rng.choice(eligible, size=count, replace=False)] = True
        self.s2_population = len(eligible)
        self.sub_table = CumTable(self.substitutes, [[1.0] * len(x) for x in self.substitutes])
        # C3 sales growth: one product of some ordinary varieties with several makers.
        self.boost = np.full(len(c.varieties), -1, dtype=np.int64)
        candidates = [u for u, var in enumerate(c.varieties) if var.batch < 0
                      and sum(c.share[p] > 0 for p in var.products) >= 3]
        count = min(len(candidates), max(1, round(rates["price.risk"] * len(candidates))))
        for u in sorted(int(x) for x in rng.choice(candidates, size=count, replace=False)):
            live = [p for p in c.varieties[u].products if c.share[p] > 0]
            self.boost[u] = live[-1]  # a small maker's product
        self.c3_population = len(candidates)
        prev_lo, prev_hi = (year_earlier(from_day_no(d)) for d in (self.recent_start, self.as_of))
        self.prev_start, self.prev_end = day_no(prev_lo), day_no(prev_hi)
        # C4: award price per pack of each awarded product (0 for the others).
        self.award = np.asarray(c.award_price, dtype=np.int64)
        # R4: city distributors that deliver only part of many lines (at least one).
        local = [d for ds in self.p.city_distributors.values() for d in ds]
        count = min(len(local), max(1, round(rates["supplier.delivery_rate_low"] * len(local))))
        self.low_delivery = np.zeros(len(self.p.company_code), dtype=bool)
        self.low_delivery[rng.choice(local, size=count, replace=False)] = True
        self.r4_population = len(local) + len(self.p.provincial_distributors)
        # institutions reporting traceability and their traced (institution × product)
        # combos: set by trace.choose_reporting before any line is drawn
        self.reporting = np.zeros(self.n_inst, dtype=bool)
        self.traced = np.zeros(self.n_inst * c.n_products, dtype=bool)
