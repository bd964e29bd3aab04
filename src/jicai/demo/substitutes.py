"""Substitute products (contract v1.1 ``substitutes``) and the S2 cases they give.

A VBP drug variety's substitutes are the products of the ordinary drug varieties
of the same ATC level-4 class (苯磺酸氨氯地平片 → 硝苯地平控释片, 非洛地平缓释片 …):
the same chemical subgroup, the usual reading of 可替代 in a bureau's list.
Consumables get none. The lapse (S2) is planted in ``market.py``: for a few
(institution, variety) pairs of a cycle in execution, 70 % of the variety's lines
of the last 90 days go to a substitute instead.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from jicai.demo import tables as tb
from jicai.demo.market import Market
from jicai.demo.orders import Tally
from jicai.demo.summary import PAIR_FIELDS, CaseLog
from jicai.demo.volumes import Volumes

S2_THRESHOLD, S2_MIN_UNITS = 0.3, 100  # henan: growth above 30 %, at least 100 units before


def substitutes_table(m: Market) -> pa.Table:
    c = m.c
    variety, product, note = [], [], []
    for k, subs in enumerate(m.substitutes):
        own = c.varieties[m.vbp[k]]
        for u in subs:
            for q in c.varieties[u].products:
                variety.append(own.code)
                product.append(c.code[q])
                note.append(f"同属 ATC {own.item.cls} 类，临床可替代{own.item.name}")
    return tb.table("substitutes", {"variety_code": variety, "product_code": product,
                                    "note": note})


def s2_cases(m: Market, tally: Tally, volumes: Volumes, rate: float) -> CaseLog:
    """Per (institution, variety) with an agreed volume in a cycle in execution: substitute
    units of the last 90 days against the same days a year before."""
    log = CaseLog("substitute.abnormal_growth", PAIR_FIELDS, rate,
                  note="value = growth of substitute units, last 90 days vs a year before")
    log.population = m.s2_population
    pr = volumes.pairs
    assert pr is not None
    n_var = len(m.c.varieties)
    cur, prev = (tally.var_units[w].reshape(m.n_inst, n_var) for w in (0, 1))
    executing = (pr.start <= m.as_of) & (pr.end >= m.as_of)
    for i in np.flatnonzero(executing):
        subs = m.substitutes[pr.k[i]]
        if not subs:
            continue
        a, b = cur[pr.inst[i], subs].sum(), prev[pr.inst[i], subs].sum()
        if b >= S2_MIN_UNITS and a / b - 1 > S2_THRESHOLD + 1e-9:
            log.add(pr.key(i), float(a / b - 1), bool(m.s2_designed[pr.pair[i]]))
    return log

