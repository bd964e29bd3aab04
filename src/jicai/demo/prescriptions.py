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
from jicai.demo.days import DAY, HOUR
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
    # doctors: each prescribes one variety at one hospital (2–4 per variety and hospital)
    d_inst: list[int] = []
    d_k: list[int] = []
    d_code: list[str] = []
    for i in chosen:
        serial = 0
        for k in running:
            for _ in range(int(rng.integers(2, 5))):
                serial += 1
                d_inst.append(i)
                d_k.append(k)
                d_code.append(f"YS{p.inst_code[i][1:]}{serial:03d}")
    n_doc = len(d_code)
    doc_inst, doc_k = np.asarray(d_inst, np.int64), np.asarray(d_k, np.int64)
    heavy = np.zeros(n_doc, dtype=bool)
    heavy[rng.choice(n_doc, size=min(n_doc, max(1, round(
        rates["prescriber.nonwinning_high"] * n_doc))), replace=False)] = True
    nw_share = np.where(heavy, rng.uniform(0.6, 0.95, n_doc), 0.05)
    # lines: a doctor of the hospital, a product, a day of the last DAYS days, 1–3 packs
    doctor = np.concatenate([rng.choice(np.flatnonzero(doc_inst == i), size=int(n))
                             for i, n in zip(chosen, per_inst.tolist(), strict=True)])
    n = len(doctor)
    k = doc_k[doctor]
    u, u2 = rng.random(n), rng.random(n)
    prod = m.win_table.choose(k, u2)
    backup = m.has_bk[k] & (u > 0.97)
    prod[backup] = m.bk_table.choose(k[backup], u2[backup])
    nonwinning = m.has_nw[k] & (u < nw_share[doctor])
    prod[nonwinning] = m.nw_table.choose(k[nonwinning], u2[nonwinning])
    day = rng.integers(m.as_of - DAYS + 1, m.as_of + 1, n)
    at = day * DAY + 8 * HOUR + rng.integers(0, 10 * HOUR, n)
    units = m.upp[prod] * rng.integers(1, 4, n)
    order = np.argsort(at, kind="stable")
    doctor, prod, at, units = doctor[order], prod[order], at[order], units[order]
    departments = [department_of(c.varieties[m.vbp[x]].item.cls) for x in d_k]
    table = tb.table("prescriptions", {
        "prescription_line_id": tb.prefixed("CF", np.arange(1, n + 1, dtype=np.int64), 12),
        "institution_code": tb.pick(pa.array(p.inst_code), doc_inst[doctor]),
        "department": tb.pick(pa.array(departments, pa.string()), doctor),
        "doctor_code": tb.pick(pa.array(d_code, pa.string()), doctor),
        "product_code": tb.pick(pa.array(c.code), prod),
        "prescribed_at": tb.stamps(at),
        "units": tb.ints(units),
    })
    log = CaseLog("prescriber.nonwinning_high", ("batch_code", "cycle_no", "institution_code",
                                                 "ref", "variety_code"),
                  rates["prescriber.nonwinning_high"],
                  note="value = share of units that are high-priced non-winning products")
    log.population = n_doc
    _k1(m, log, doctor, prod, at // DAY, units, doc_inst, doc_k, d_code, heavy)
    return table, log


def _k1(m: Market, log: CaseLog, doctor: np.ndarray, prod: np.ndarray, day: np.ndarray,
        units: np.ndarray, doc_inst: np.ndarray, doc_k: np.ndarray, d_code: list[str],
        heavy: np.ndarray) -> None:
    """K1 per (batch, cycle in execution, institution, doctor, variety), as written: a doctor
    prescribes one variety, so the doctor is the key."""
    c = m.c
    n_doc = len(d_code)
    k = doc_k[doctor]
    # the cycle of the variety in execution at as_of (there is one: ``running`` above)
    slot = np.where((m.start[k, 1] <= m.as_of) & (m.as_of <= m.end[k, 1]), 1, 0)
    inside = (day >= m.start[k, slot]) & (day <= np.minimum(m.end[k, slot], m.as_of))
    price_now = m.listing_price(prod, np.full(len(prod), m.as_of, dtype=np.int64))
    role = m.role[prod]
    dear = price_now * m.low_upp[k] > m.low_price[k] * m.upp[prod]
    high = inside & (role != WINNING) & (role != BACKUP) & dear
    total = np.bincount(doctor[inside], units[inside], n_doc)
    got = np.bincount(doctor[high], units[high], n_doc)
    for d in np.flatnonzero((got >= K1_MIN_UNITS) & (got / np.maximum(total, 1) > K1_THRESHOLD
                                                       + 1e-9)).tolist():
        kk = int(doc_k[d])
        s = 1 if m.start[kk, 1] <= m.as_of <= m.end[kk, 1] else 0
        batch = cat.BATCHES[c.varieties[m.vbp[kk]].batch].code
        log.add((batch, s + 1, m.p.inst_code[int(doc_inst[d])], d_code[d],
                 c.varieties[m.vbp[kk]].code), float(got[d] / total[d]), bool(heavy[d]))
