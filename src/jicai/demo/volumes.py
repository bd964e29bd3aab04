"""Demand filings, history, agreed volumes, agreements and exemptions, from what was bought.

The order lines come first; these tables are set afterwards so that each
(cycle, institution, variety) *pair* says exactly what was planted. Every pair
that bought the variety inside a cycle's window takes part in that cycle. For a
clean pair the agreed volume is set below what its pace of winning purchases
supports (completion 1.33–2.5 × schedule, so that a slower recent pace seldom
makes a P4 forecast short); for a pair planted behind schedule (or
incomplete at the end) it is set above. Reported demand is the agreed volume
over the share the number of winners allows (50–80 %), and history sits just
below the report — except where a low report or a missing one is planted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from jicai.demo import catalogue as cat
from jicai.demo import tables as tb
from jicai.demo.days import DAY, HOUR, I64, day_no, year_of
from jicai.demo.market import NEVER, Exemption, Market
from jicai.demo.orders import Tally
from jicai.demo.summary import PAIR_FIELDS, CaseKey, CaseLog

AGREEMENT_DAYS = 30  # A1
MIN_DAYS, RECENT_DAYS = 60, 60  # P4: days of the window elapsed; days of the recent pace: three-party agreements within 30 days of the start
EXPLAIN_LOW = "受临床用药结构调整影响，预计用量下降"
EXPLAIN_MID = "部分慢病患者下沉至基层医疗机构就诊"


def plus_two_months(day: I64) -> I64:
    """The same day of the month two months later (clipped to the month's end)."""
    d = day.astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    target = (month + 2).astype("datetime64[D]") + (d - month.astype("datetime64[D]"))
    last = (month + 3).astype("datetime64[D]") - 1
    return np.asarray(np.minimum(target, last), dtype="datetime64[D]").astype(np.int64)


@dataclass
class Volumes:
    pairs: _Pairs | None = None
    filed: np.ndarray | None = None  # pairs of ``pairs`` with a demand filing
    tables: dict[str, pa.Table] = field(default_factory=dict)
    logs: dict[str, CaseLog] = field(default_factory=dict)
    exempted: dict[str, CaseLog] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class _Pairs:
    """The participating pairs, as aligned arrays, and how to name them."""

    def __init__(self, m: Market, tally: Tally, rng: np.random.Generator,
                 rates: dict[str, float]) -> None:
        self.m = m
        self.batch_codes = [cat.BATCHES[m.c.varieties[v].batch].code for v in m.vbp]
        self.var_codes = [m.c.varieties[v].code for v in m.vbp]
        units = tally.units.reshape(-1, 4)
        every = np.arange(m.n_pairs)
        slot, inst, k = every // (m.n_inst * m.K), (every // m.K) % m.n_inst, every % m.K
        start, end = m.start[k, slot], m.end[k, slot]
        exists = (start != NEVER) & (start <= m.as_of)
        entry = exists & (m.as_of >= plus_two_months(np.where(exists, start, 0)))
        total = units.sum(axis=1)
        buying = exists & (total > 0)
        group = m.p.group[inst]
        usable = m.var_p[group, np.asarray(m.vbp)[k]] > 0
        # Winning products never entered: agreed volumes for pairs that bought nothing.
        candidates = np.flatnonzero(exists & entry & (total == 0) & (group <= 1) & usable
                                    & (k != m.clinical_k()))
        base = int((buying & entry).sum())
        n3 = min(len(candidates), max(1, round(rates["entry.not_entered"] * base)))
        never = rng.choice(candidates, size=n3, replace=False) if n3 else np.zeros(0, np.int64)
        # An N1 pair (market.py) files nothing and takes no part: no agreed volume.
        part = buying & ~m.n1_designed
        part[never] = True
        idx = np.flatnonzero(part)
        self.pair, self.slot, self.inst, self.k = idx, slot[idx], inst[idx], k[idx]
        self.start, self.end = start[idx], end[idx]
        self.W, self.B, self.N = units[idx, 0], units[idx, 1], units[idx, 2]
        self.total = units[idx].sum(axis=1)  # every unit of the variety (D3's actual)
        self.recent = tally.recent[idx]  # winning units of the last 60 days (P4)
        self.entry = entry[idx]
        self.never = np.isin(idx, never)
        self.p3_population = base
        span = (self.end - self.start + 1).astype(np.float64)
        self.schedule = (np.minimum(m.as_of, self.end) - self.start + 1) / span
        self.running = (self.start <= m.as_of) & (m.as_of < self.end)
        self.ended = m.as_of >= self.end
        self.n = len(idx)

    def key(self, i: int | np.integer) -> CaseKey:
        return (self.batch_codes[self.k[i]], int(self.slot[i]) + 1,
                self.m.p.inst_code[self.inst[i]], self.var_codes[self.k[i]])

    def columns(self, rows: I64) -> dict[str, pa.Array]:
        """batch_code, cycle_no, institution_code, variety_code of the given pairs."""
        return {
            "batch_code": tb.pick(pa.array(self.batch_codes), self.k[rows]),
            "cycle_no": tb.ints(self.slot[rows] + 1),
            "institution_code": tb.pick(pa.array(self.m.p.inst_code), self.inst[rows]),
            "variety_code": tb.pick(pa.array(self.var_codes), self.k[rows]),
        }


def _choose(rng: np.random.Generator, mask: np.ndarray, rate: float) -> np.ndarray:
    """A random subset of ``mask`` of about ``rate`` of its size (at least one if any)."""
    pool = np.flatnonzero(mask)
    count = min(len(pool), max(1, round(rate * len(pool)))) if len(pool) else 0
    out = np.zeros(len(mask), dtype=bool)
    out[rng.choice(pool, size=count, replace=False)] = True
    return out


@dataclass
class _Plan:
    """Which pairs are planted behind, and the clinical-change exemptions that cover some."""

    p1: np.ndarray
    p2: np.ndarray
    behind: np.ndarray
    clinical: list[Exemption]
    p4: np.ndarray | None = None  # planted: on schedule, but the recent pace falls short
    d3: np.ndarray | None = None  # planted: an ended cycle's demand reported far too low
    p4_population: int = 0  # the pairs the P4 and D3 rates are shares of
    d3_population: int = 0


def _plan_progress(m: Market, pr: _Pairs, rng: np.random.Generator,
                   rates: dict[str, float]) -> _Plan:
    clinical_k = m.clinical_k()
    free = (pr.W > 0) & ~m.s1_designed[pr.pair] & ~pr.never & (pr.k != clinical_k)
    p1 = _choose(rng, free & pr.running, rates["progress.behind_schedule"])
    p2 = _choose(rng, free & pr.ended, rates["progress.incomplete_at_end"])
    # The variety cut by the key-monitoring list: many of its pairs fall behind, exempted.
    behind = p1 | p2 | (rng.random(pr.n) < 0.4) & (pr.k == clinical_k) & (pr.W > 0)
    clinical: list[Exemption] = []
    if clinical_k >= 0:
        a, b = cat.CLINICAL_CHANGE_WINDOW
        clinical.append(Exemption(-1, clinical_k, day_no(a), day_no(b), "clinical_change"))
    # And one hospital whose department closed: exempted for a cycle that has ended.
    for i in np.flatnonzero(_choose(rng, free & pr.ended & ~p2, 0.0)):
        behind[i] = True
        clinical.append(Exemption(int(pr.inst[i]), int(pr.k[i]), int(pr.start[i]),
                                  int(pr.end[i]), "clinical_change"))
    return _Plan(p1, p2, behind, clinical)


def _reported(m: Market, pr: _Pairs, plan: _Plan, rng: np.random.Generator,
              rates: dict[str, float]) -> tuple[I64, I64]:
    """Reported demand and agreed volume (reported × 50–80 % by the number of winners)."""
    behind = plan.behind
    n_win = m.n_winners[pr.k]
    tenths = np.where(n_win >= 4, 8, 4 + n_win)  # 1 → 50 %, 2 → 60 %, 3 → 70 %, 4+ → 80 %
    ratio = tenths / 10
    pace = pr.W / pr.schedule  # winning units a whole cycle at this pace would bring
    clean = np.maximum(np.ceil(1 / ratio), np.floor(pace * rng.uniform(0.4, 0.75, pr.n) / ratio))
    # After the cycle a clean report is within 20 % of what was bought (D3), yet agreed
    # stays ≥ 10 % below the winning units (P2).
    near = np.minimum(np.round(pr.total * rng.uniform(0.8, 1.2, pr.n)),
                      np.floor(pr.W / (1.1 * ratio)))
    clean = np.where(pr.ended, np.maximum(np.ceil(1 / ratio), near), clean)
    late_target = (pr.W + pr.B) / (pr.schedule * rng.uniform(0.45, 0.85, pr.n))
    reported = np.where(behind, np.ceil((late_target + 1) / ratio), clean)
    upp = np.array([m.c.upp[m.winning[k][0]] for k in range(m.K)])[pr.k]
    never = np.ceil(np.maximum(m.lam[pr.pair], 3) * 10 * upp / ratio)
    reported = np.where(pr.never, never, reported).astype(np.int64)
    # D3 planted: an ended cycle's demand reported at 40–65 % of what was then bought.
    free = pr.ended & ~behind & ~pr.never & (pr.total >= 10) & (pr.k != m.clinical_k())
    plan.d3 = _choose(rng, free, rates["demand.actual_deviates"])
    plan.d3_population = int(free.sum())
    low = np.maximum(np.ceil(1 / ratio), np.round(pr.total * rng.uniform(0.4, 0.65, pr.n)))
    reported = np.where(plan.d3, low, reported).astype(np.int64)
    # P4 planted: on schedule, but the last 60 days' pace will not reach the volume:
    # agreed in (winning + recent pace × days left, winning / schedule].
    left = (pr.end - m.as_of).astype(np.float64)
    lo = pr.W + pr.recent / RECENT_DAYS * left
    hi = np.floor(pr.W / pr.schedule)
    elapsed = m.as_of - pr.start + 1
    room = pr.running & ~behind & ~pr.never & (elapsed >= MIN_DAYS) & (pr.k != m.clinical_k()) \
        & (pr.W > 0) & (hi - np.floor(lo) >= 3)
    plan.p4 = _choose(rng, room, rates["progress.forecast_short"])
    plan.p4_population = int(room.sum())
    target = np.floor(lo) + 1 + np.floor((hi - np.floor(lo) - 1) * rng.uniform(0.2, 0.8, pr.n))
    forecast = np.ceil(target * 10 / tenths)
    reported = np.where(plan.p4, forecast, reported).astype(np.int64)
    return reported, reported * tenths // 10


def derive_volumes(m: Market, tally: Tally, rng: np.random.Generator,
                   rates: dict[str, float]) -> Volumes:
    pr = _Pairs(m, tally, rng, rates)
    plan = _plan_progress(m, pr, rng, rates)
    reported, agreed = _reported(m, pr, plan, rng, rates)
    out = Volumes(pr)
    out.tables["agreed_volumes"], companies = _agreed(m, pr, agreed, rng)
    out.logs, out.filed = _demand(pr, reported, rng, rates, out.tables)
    out.logs.update(_progress_cases(m, pr, plan, agreed, rates, out))
    out.logs.update(_v11_cases(m, pr, plan, reported, agreed, tally, out.filed, rates))
    out.tables["agreements"], out.logs["agreement.unsigned"] = _agreements(
        m, pr, companies, rng, rates)
    every = m.supply + plan.clinical
    out.tables["exemptions"] = tb.table("exemptions", {
        "institution_code": [None if e.inst < 0 else m.p.inst_code[e.inst] for e in every],
        "variety_code": [pr.var_codes[e.k] for e in every],
        "start_date": tb.dates(np.array([e.start for e in every], np.int64)),
        "end_date": tb.dates(np.array([e.end for e in every], np.int64)),
        "kind": [e.kind for e in every],
    })
    return out


def _demand(pr: _Pairs, reported: I64, rng: np.random.Generator, rates: dict[str, float],
            tables: dict[str, pa.Table]) -> tuple[dict[str, CaseLog], np.ndarray]:
    """Demand filings and history, with the missing and low reports planted (D1, D2)."""
    # Only institutions outside a consortium miss a filing: a lead may file for the members
    # of a tight consortium (HENAN 二(一)), so a member's silence is not clearly a lapse.
    alone = np.array([c is None for c in pr.m.p.inst_consortium])[pr.inst]
    d2 = _choose(rng, alone, rates["demand.missing"])
    low = _choose(rng, ~d2, rates["demand.below_history"] / 2)
    mid = _choose(rng, ~d2 & ~low & (reported >= 30), rates["demand.below_history"] / 2)
    history = np.floor(reported / rng.uniform(1.0, 1.15, pr.n))
    history = np.where(low, np.floor(reported / rng.uniform(0.4, 0.75, pr.n)) + 1, history)
    above = reported + np.maximum(1, np.floor(reported * rng.uniform(0.03, 0.2, pr.n)))
    history = np.where(mid, above, history).astype(np.int64)
    # A tenth of the clean pairs are new to the variety: no history.
    has_history = (low | mid | d2 | (rng.random(pr.n) < 0.9)) & (history > 0)
    filed = np.flatnonzero(~d2)
    day = pr.start[filed] - rng.integers(30, 76, len(filed))
    say = rng.random(len(filed)) < 0.5
    tables["demand_filings"] = tb.table("demand_filings", {
        **pr.columns(filed),
        "reported_units": tb.ints(reported[filed]),
        "filed_at": tb.stamps(day * DAY + 9 * HOUR + rng.integers(0, 8 * HOUR, len(filed))),
        "explanation": tb.texts([EXPLAIN_LOW if lo and s else EXPLAIN_MID if mi and s else None
                                 for lo, mi, s in zip(low[filed], mid[filed], say, strict=True)]),
    })
    rows = np.flatnonzero(has_history)
    tables["historical_volumes"] = tb.table("historical_volumes", {
        "institution_code": pr.columns(rows)["institution_code"],
        "variety_code": pr.columns(rows)["variety_code"],
        "year": tb.ints(year_of(pr.start[rows]) - 1),
        "units": tb.ints(history[rows]),
    })
    below = CaseLog("demand.below_history", PAIR_FIELDS, rates["demand.below_history"],
                    note="value = reported / history; the ganzhou profile (0.8) takes those below 0.8")
    missing = CaseLog("demand.missing", PAIR_FIELDS, rates["demand.missing"],
                      note="value = historical units")
    below.population, missing.population = pr.n, int(alone.sum())
    history_of = np.where(has_history, history, 0)
    for i in np.flatnonzero(~d2 & (reported < history_of)):
        below.add(pr.key(i), reported[i] / history_of[i], bool(low[i] | mid[i]))
    for i in np.flatnonzero(d2 & (history_of > 0)):
        missing.add(pr.key(i), float(history_of[i]), True)
    return {"demand.below_history": below, "demand.missing": missing}, ~d2


def _progress_cases(m: Market, pr: _Pairs, plan: _Plan, agreed: I64, rates: dict[str, float],
                    out: Volumes) -> dict[str, CaseLog]:
    """P1–P3 and S1 on the pairs as written; clinical-change cases go to ``out.exempted``."""
    rules = ("progress.behind_schedule", "progress.incomplete_at_end", "entry.not_entered")
    logs = {r: CaseLog(r, PAIR_FIELDS, rates[r]) for r in rules}
    out.exempted = {r: CaseLog(r, PAIR_FIELDS, None,
                               note="silenced by a clinical_change exemption") for r in rules}
    silenced = np.zeros(pr.n, dtype=bool)
    for e in plan.clinical:
        hit = (pr.k == e.k) & (e.start <= np.minimum(m.as_of, pr.end)) & (e.end >= pr.start)
        silenced |= hit if e.inst < 0 else hit & (pr.inst == e.inst)

    def hits(credited: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        completion = credited / np.maximum(agreed, 1)
        return {
            rules[0]: (pr.running & (completion < pr.schedule), completion, plan.p1),
            rules[1]: (pr.ended & (completion < 1), completion, plan.p2),
            # value as the engine reports it: the credited units measured (none)
            rules[2]: (pr.entry & (agreed > 0) & (credited == 0), credited * 1.0, pr.never),
        }

    national, jilin = hits(pr.W), hits(pr.W + pr.B)  # jilin counts backup as winning
    for rule, (hit, value, designed) in national.items():
        for i in np.flatnonzero(hit):
            (out.exempted if silenced[i] else logs)[rule].add(pr.key(i), value[i],
                                                              bool(designed[i]))
        dropped = int((hit & ~jilin[rule][0] & ~silenced).sum())
        if dropped:
            out.notes.append(f"{rule}: {dropped} case(s) not raised where backup counts as "
                             "winning (jilin): the pair bought backup only")
    clinical_k = m.clinical_k()
    logs[rules[0]].population = int((pr.running & (pr.k != clinical_k)).sum())
    logs[rules[1]].population = int((pr.ended & (pr.k != clinical_k)).sum())
    logs[rules[2]].population = pr.p3_population
    share_log = CaseLog("share.nonwinning_high", PAIR_FIELDS, rates["share.nonwinning_high"],
                        note="value = non-winning share; excluded purchases left out")
    share_log.population = m.s1_population
    denominator = pr.W + pr.B + pr.N
    share = pr.N / np.maximum(denominator, 1)
    for i in np.flatnonzero((denominator > 0) & (share > 0.5)):
        share_log.add(pr.key(i), share[i], bool(m.s1_designed[pr.pair[i]]))
    return {**logs, "share.nonwinning_high": share_log}


def _silenced(m: Market, pr: _Pairs, plan: _Plan) -> np.ndarray:
    """Pairs whose window a clinical_change exemption overlaps."""
    silenced = np.zeros(pr.n, dtype=bool)
    for e in plan.clinical:
        hit = (pr.k == e.k) & (e.start <= np.minimum(m.as_of, pr.end)) & (e.end >= pr.start)
        silenced |= hit if e.inst < 0 else hit & (pr.inst == e.inst)
    return silenced


def _v11_cases(m: Market, pr: _Pairs, plan: _Plan, reported: I64, agreed: I64, tally: Tally,
               filed: np.ndarray, rates: dict[str, float]) -> dict[str, CaseLog]:
    """P4 and D3 on the participating pairs, N1 on every pair, as the data were written."""
    silenced = _silenced(m, pr, plan)
    assert plan.p4 is not None and plan.d3 is not None
    p4 = CaseLog("progress.forecast_short", PAIR_FIELDS, rates["progress.forecast_short"],
                 note="value = projected completion at the last 60 days' pace (backup not "
                      "credited: the profiles with P4 do not count it)")
    completion = pr.W / np.maximum(agreed, 1)
    left = (pr.end - m.as_of).astype(np.float64)
    projected = (pr.W + pr.recent / RECENT_DAYS * left) / np.maximum(agreed, 1)
    elapsed = np.minimum(m.as_of, pr.end) - pr.start + 1
    live = (pr.start <= m.as_of) & (m.as_of <= pr.end) & ~silenced & (agreed > 0) \
        & (elapsed >= MIN_DAYS)
    p4.population = plan.p4_population
    for i in np.flatnonzero(live & (completion >= pr.schedule) & (projected < 1 - 1e-9)):
        p4.add(pr.key(i), float(projected[i]), bool(plan.p4[i]))
    d3 = CaseLog("demand.actual_deviates", PAIR_FIELDS, rates["demand.actual_deviates"],
                 note="value = actual / reported units after the cycle (deviation 0.3)")
    after = pr.ended & filed & ~silenced
    d3.population = plan.d3_population
    ratio = pr.total / np.maximum(reported, 1)
    for i in np.flatnonzero(after & (np.abs(ratio - 1) > 0.3 + 1e-9)):
        d3.add(pr.key(i), float(ratio[i]), bool(plan.d3[i]))
    n1 = CaseLog("purchase.nonwinning_only", PAIR_FIELDS, rates["purchase.nonwinning_only"],
                 note="value = high-priced non-winning units; no filing, no agreed volume")
    n1.population = m.n1_population
    has_filing = np.zeros(m.n_pairs, dtype=bool)
    has_filing[pr.pair[filed]] = True
    every = np.arange(m.n_pairs)
    slot, k = every // (m.n_inst * m.K), every % m.K
    started = (m.start[k, slot] != NEVER) & (m.start[k, slot] <= m.as_of)
    for j in np.flatnonzero(started & (tally.awarded == 0) & (tally.high_nw > 0) & ~has_filing):
        inst = (j // m.K) % m.n_inst
        key = (cat.BATCHES[m.c.varieties[m.vbp[k[j]]].batch].code, int(slot[j]) + 1,
               m.p.inst_code[inst], m.c.varieties[m.vbp[k[j]]].code)
        n1.add(key, float(tally.high_nw[j]), bool(m.n1_designed[j]))
    return {p4.rule_id: p4, d3.rule_id: d3, n1.rule_id: n1}


def _agreed(m: Market, pr: _Pairs, agreed: I64, rng: np.random.Generator
            ) -> tuple[pa.Table, I64]:
    """agreed_volumes rows: the chosen winner, and for some a second one sharing 30 %."""
    n_win = m.n_winners[pr.k]
    first = m.choice[pr.pair]
    split = (n_win >= 2) & (rng.random(pr.n) < 0.25) & (agreed >= 2)
    a1 = np.where(split, np.round(agreed * 0.7), agreed).astype(np.int64)
    rows = np.concatenate([np.arange(pr.n), np.flatnonzero(split)])
    choice = np.concatenate([first, ((first + 1) % n_win)[split]])
    units = np.concatenate([a1, (agreed - a1)[split]])
    order = np.lexsort((choice, rows))
    rows, choice, units = rows[order], choice[order], units[order]
    winners = [m.c.varieties[v].winners for v in m.vbp]
    company = np.array([winners[k][j] for k, j in zip(pr.k[rows], choice, strict=True)],
                       dtype=np.int64)
    table = tb.table("agreed_volumes", {
        **pr.columns(rows),
        "company_code": tb.pick(pa.array(m.p.company_code), company),
        "agreed_units": tb.ints(units),
    })
    # (pair row, company) of every agreed-volume row, for the agreements
    return table, np.stack([rows, company], axis=1)


def _agreements(m: Market, pr: _Pairs, companies: I64, rng: np.random.Generator,
                rates: dict[str, float]) -> tuple[pa.Table, CaseLog]:
    """One three-party agreement per (batch, cycle, institution, winning company)."""
    rows, company = companies[:, 0], companies[:, 1]
    batch = np.array([m.c.varieties[v].batch for v in m.vbp], dtype=np.int64)[pr.k[rows]]
    key = np.stack([batch, pr.slot[rows], pr.inst[rows], company], axis=1)
    key, first = np.unique(key, axis=0, return_index=True)
    start = pr.start[rows[first]]
    n = len(key)
    late = _choose(rng, np.ones(n, bool), rates["agreement.unsigned"])
    mode = rng.integers(0, 3, n)  # 0: no agreement, 1: not signed, 2: signed late
    signed = start + rng.integers(-25, AGREEMENT_DAYS - 4, n)
    signed = np.where(late & (mode == 2), start + rng.integers(AGREEMENT_DAYS + 1, 91, n), signed)
    unsigned = (late & (mode == 1)) | (signed > m.as_of)
    present = ~(late & (mode == 0))
    log = CaseLog("agreement.unsigned", ("batch_code", "cycle_no", "institution_code", "ref"),
                  rates["agreement.unsigned"], note="no agreement, unsigned, or signed 31–90 "
                  "days after the start")
    log.population = n
    ok = present & ~unsigned & (signed <= start + AGREEMENT_DAYS)
    for j in np.flatnonzero((m.as_of > start + AGREEMENT_DAYS) & ~ok):
        b, s, i, co = (int(x) for x in key[j])
        # value: days from the start to the signature, or to as_of while unsigned
        until = signed[j] if present[j] and not unsigned[j] else m.as_of
        log.add((cat.BATCHES[b].code, s + 1, m.p.inst_code[i], m.p.company_code[co]),
                float(until - start[j]), bool(late[j]))
    kept = np.flatnonzero(present)
    table = tb.table("agreements", {
        "batch_code": [cat.BATCHES[int(b)].code for b in key[kept, 0]],
        "cycle_no": tb.ints(key[kept, 1] + 1),
        "institution_code": tb.pick(pa.array(m.p.inst_code), key[kept, 2]),
        "company_code": tb.pick(pa.array(m.p.company_code), key[kept, 3]),
        "distributor_code": tb.pick(pa.array(m.p.company_code), m.p.distributor[key[kept, 2]]),
        "signed_at": tb.dates(signed[kept], unsigned[kept]),
    })
    return table, log
