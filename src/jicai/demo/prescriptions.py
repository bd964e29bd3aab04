"""Prescription lines (contract v1.1 ``prescriptions``) and the K1 cases they give.

**Sampling.** Prescriptions are the hospitals' own records, as many as their
patients: the demo writes those of a few hospitals that report them — the two
persona hospitals (``personas.py``) and about one tertiary or secondary hospital
in :data:`PRESCRIBING_SHARE` — for the VBP drug varieties they buy, over the
last :data:`DAYS` days, about :data:`LINES_PER_ORDER_LINE` × the order lines in
all (at least :data:`MIN_LINES`). They are not derived from the order lines.

Each hospital has doctors in the departments that prescribe each variety (by
ATC class); a clean doctor prescribes the winning products (a little backup and
non-winning); a planted doctor (K1, rate in ``generate.RATES``) gives 60–95 % of
a variety's units to high-priced non-winning products.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from jicai.demo import catalogue as cat
from jicai.demo import personas
from jicai.demo import tables as tb
from jicai.demo.days import DAY, HOUR, day_no
from jicai.demo.market import NEVER, Market
from jicai.demo.products import BACKUP, WINNING
from jicai.demo.summary import CaseLog

PRESCRIBING_SHARE = 0.15
DAYS = 150
LINES_PER_ORDER_LINE = 0.05
MIN_LINES = 3_000
K1_THRESHOLD, K1_MIN_UNITS = 0.5, 100
# ATC prefix → the department that prescribes it (longest prefix first)
DEPARTMENTS = (("A10", "内分泌科"), ("A02", "消化内科"), ("A07", "消化内科"), ("B01", "心血管内科"),
               ("C", "心血管内科"), ("J05", "感染科"), ("J01", "呼吸与危重症医学科"),
               ("N", "神经内科"), ("R", "呼吸与危重症医学科"), ("M", "骨科"), ("B03", "内分泌科"),
               ("Z", "中医科"))


def department_of(cls: str) -> str:
    for prefix, name in DEPARTMENTS:
        if cls.startswith(prefix):
            return name
    return "全科医学科"


def make_prescriptions(m: Market, rng: np.random.Generator, rates: dict[str, float]
                       ) -> tuple[pa.Table, CaseLog]:
    c, p = m.c, m.p
    hospitals = np.flatnonzero(p.group <= 1)
    fixed = [p.inst_code.index(x.code) for x in (personas.HOSPITAL, personas.HOSPITAL_2)
             if x.code in p.inst_code]
    rest = [int(i) for i in rng.permutation(hospitals) if int(i) not in fixed]
    chosen = fixed + rest[: max(1, round(PRESCRIBING_SHARE * len(hospitals)))]
    budget = max(MIN_LINES, round(LINES_PER_ORDER_LINE * m.lines))
    # VBP drug varieties in a cycle running at as_of, with non-winning products to choose
    running = [k for k in range(m.K) if c.varieties[m.vbp[k]].item.category == "drug"
               and ((m.start[k] <= m.as_of) & (m.end[k] >= m.as_of) & (m.start[k] != NEVER)).any()]
    weights = p.weight[chosen] / p.weight[chosen].sum()
    per_inst = np.maximum(1, np.round(budget * weights)).astype(np.int64)
    first_day = m.as_of - DAYS + 1
    cols: dict[str, list[object]] = {n: [] for n in (
        "institution_code", "department", "doctor_code", "product", "at", "units", "planted")}
    doctors: list[tuple[int, str, int]] = []  # (inst, doctor code, variety k)
    for i in chosen:
        serial = 0
        for k in running:
            for _ in range(int(rng.integers(2, 5))):  # doctors prescribing the variety
                serial += 1
                doctors.append((i, f"YS{p.inst_code[i][1:]}{serial:03d}", k))
    planted = set(rng.choice(len(doctors), size=min(len(doctors), max(1, round(
        rates["prescriber.nonwinning_high"] * len(doctors)))), replace=False).tolist())
    by_inst: dict[int, list[int]] = {}
    for d, (i, _code, _k) in enumerate(doctors):
        by_inst.setdefault(i, []).append(d)
    for i, lines in zip(chosen, per_inst.tolist(), strict=True):
        mine = by_inst.get(i, [])
        if not mine:
            continue
        picks = rng.choice(mine, size=lines)
        for d in picks.tolist():
            _i, code, k = doctors[d]
            item = c.varieties[m.vbp[k]].item
            heavy = d in planted
            u = rng.random()
            nw = m.nonwinning[k]
            if nw and u < (rng.uniform(0.6, 0.95) if heavy else 0.05):
                q = nw[int(rng.integers(len(nw)))]
            elif m.backup[k] and u > 0.97:
                q = m.backup[k][int(rng.integers(len(m.backup[k])))]
            else:
                q = m.winning[k][int(rng.integers(len(m.winning[k])))]
            cols["institution_code"].append(p.inst_code[i])
            cols["department"].append(department_of(item.cls))
            cols["doctor_code"].append(code)
            cols["product"].append(q)
            day = int(rng.integers(first_day, m.as_of + 1))
            cols["at"].append(day * DAY + 8 * HOUR + int(rng.integers(0, 10 * HOUR)))
            cols["units"].append(int(m.upp[q]) * int(rng.integers(1, 4)))
            cols["planted"].append(heavy)
    at = np.asarray(cols["at"], dtype=np.int64)
    order = np.argsort(at, kind="stable")
    prod = np.asarray(cols["product"], dtype=np.int64)[order]
    n = len(order)
    table = tb.table("prescriptions", {
        "prescription_line_id": tb.prefixed("CF", np.arange(1, n + 1, dtype=np.int64), 12),
        "institution_code": [cols["institution_code"][j] for j in order],
        "department": [cols["department"][j] for j in order],
        "doctor_code": [cols["doctor_code"][j] for j in order],
        "product_code": tb.pick(pa.array(c.code), prod),
        "prescribed_at": tb.stamps(at[order]),
        "units": tb.ints(np.asarray(cols["units"], dtype=np.int64)[order]),
    })
    return table, _k1(m, doctors, planted, table, rates, len(doctors))


def _k1(m: Market, doctors: list[tuple[int, str, int]], planted: set[int], table: pa.Table,
        rates: dict[str, float], population: int) -> CaseLog:
    """K1 per (batch, cycle in execution, institution, doctor, variety), as written."""
    c = m.c
    log = CaseLog("prescriber.nonwinning_high", ("batch_code", "cycle_no", "institution_code",
                                                 "ref", "variety_code"),
                  rates["prescriber.nonwinning_high"],
                  note="value = share of units that are high-priced non-winning products")
    log.population = population
    code_of = {code: q for q, code in enumerate(c.code)}
    price_now = m.listing_price(np.arange(c.n_products, dtype=np.int64),
                                np.full(c.n_products, m.as_of, dtype=np.int64))
    designed = {(m.p.inst_code[i], code, k) for d, (i, code, k) in enumerate(doctors)
                if d in planted}
    sums: dict[tuple[str, int, str, str, int], list[int]] = {}
    for row in table.to_pylist():
        q = code_of[row["product_code"]]
        k = int(m.vbp_of_var[c.variety[q]])
        d = day_no(row["prescribed_at"].date())
        for slot in (0, 1):
            start, end = int(m.start[k, slot]), int(m.end[k, slot])
            if start == NEVER or not (start <= m.as_of <= end) or not (start <= d <= end):
                continue
            batch = cat.BATCHES[c.varieties[m.vbp[k]].batch].code
            key = (batch, slot + 1, row["institution_code"], row["doctor_code"], k)
            got = sums.setdefault(key, [0, 0])
            got[0] += row["units"]
            awarded = c.role[q] in (WINNING, BACKUP)
            dear = int(price_now[q]) * int(m.low_upp[k]) > int(m.low_price[k]) * int(m.upp[q])
            if not awarded and dear:
                got[1] += row["units"]
    for (batch, cycle, inst, doctor, k), (total, high) in sorted(sums.items()):
        if high >= K1_MIN_UNITS and high / total > K1_THRESHOLD + 1e-9:
            log.add((batch, cycle, inst, doctor, c.varieties[m.vbp[k]].code), high / total,
                    (inst, doctor, k) in designed)
    return log
