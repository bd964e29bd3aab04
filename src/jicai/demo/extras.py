"""Off-platform filings (备案采购) and supply-problem tickets (供应问题反馈).

Filings are made by hospitals for purchases of the year of ``as_of``, sized
against what each hospital ordered that year: clean ones stay far below the
limits (≤ 0.4 % of the drug amount, ≤ 1.5 % of the consumable amount, filed
items ≤ 2 % of the drug products ordered), planted ones exceed the amount limit
several times over. Negotiated and HK/Macau purchases are filed too, large, as
the limits exempt them. Deadlines count working days of the official calendar.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from jicai.demo import catalogue as cat
from jicai.demo import personas
from jicai.demo import tables as tb
from jicai.demo.days import DAY, HOUR, I64, WorkDays
from jicai.demo.market import CATEGORIES, Market
from jicai.demo.orders import Tally
from jicai.demo.products import OUTSIDE, WINNING, YUAN
from jicai.demo.summary import CaseLog

FILING_DAYS = 7  # F1
DRUG_LIMIT, ITEMS_LIMIT, CONSUMABLE_LIMIT = 0.01, 0.05, 0.05  # F2, F3 (guangdong)
REPLY_DAYS, COMMIT_DAYS = 2, 5  # T1, T2 (henan)
T4_DAYS, T4_INSTITUTIONS = 90, 3  # T4 (jilin): window and distinct institutions


class _Rows:
    def __init__(self) -> None:
        self.cols: dict[str, list[object]] = {n: [] for n in (
            "institution_code", "product_code", "product_name", "category", "qty", "amount",
            "purchased_at", "is_negotiated", "is_hk_macau", "reason")}

    def add(self, **row: object) -> None:
        for k, v in row.items():
            self.cols[k].append(v)


def make_filings(m: Market, tally: Tally, wd: WorkDays, rng: np.random.Generator,
                 rates: dict[str, float]) -> tuple[pa.Table, dict[str, CaseLog]]:
    c, p = m.c, m.p
    rows = _Rows()
    amount = tally.year_amount.reshape(-1, 3)
    online = tally.year_online.reshape(-1, 3)
    distinct = tally.drug_products()
    filers = np.flatnonzero((p.group <= 1) & (amount.sum(axis=1) > 0))
    planted = set(rng.choice(filers, size=min(len(filers), max(1, round(
        rates["filing.amount_over_limit"] * len(filers)))), replace=False).tolist())
    first_day = m.year_start + 1
    listed_drugs = [q for q in range(c.n_products) if m.prod_cat[q] == 0 and c.share[q] == 0
                    and c.role[q] != OUTSIDE]
    negotiated = [q for q in range(c.n_products) if c.varieties[c.variety[q]].item.negotiated]
    hk = [q for q in range(c.n_products) if c.hk_macau[q]]
    designed: set[tuple[str, str]] = set()

    def file(i: int, budget: float, names: list[tuple[int, str]], category: str,
             exempt: str = "") -> None:
        """Spread ``budget`` yuan over the items, one to three purchases each."""
        shares = rng.dirichlet(np.ones(len(names)))
        for (product, name), share in zip(names, shares, strict=True):
            times = int(rng.integers(1, 4))
            for part in rng.dirichlet(np.ones(times)):
                target = budget * share * part * YUAN  # money units
                price = c.base_price[product] if product >= 0 else int(rng.integers(20, 800)) * YUAN
                if price > target:  # never let one unit overshoot the budget
                    price = max(100, int(target) // 100 * 100)
                qty = max(1, round(target / price))
                rows.add(institution_code=p.inst_code[i],
                         product_code=c.code[product] if product >= 0 else None,
                         product_name=name, category=category, qty=float(qty),
                         amount=qty * price,
                         purchased_at=int(rng.integers(first_day, m.as_of)),
                         is_negotiated=exempt == "negotiated",
                         is_hk_macau=exempt == "hk",
                         reason=cat.FILING_REASONS[int(rng.integers(len(cat.FILING_REASONS)))])

    for i in filers.tolist():
        hit = i in planted
        items = min(int(0.02 * distinct[i]), 1 + int(rng.poisson(1.5)))
        drug_hit = hit and items > 0 and rng.random() < 0.6
        if hit:
            designed.add((p.inst_code[i], "drug" if drug_hit else "consumable"))
        if items > 0:
            budget = (amount[i, 0] * rng.uniform(0.02, 0.05) if drug_hit
                      else online[i, 0] * rng.uniform(0.001, 0.004))
            names = []
            for _ in range(items):
                if listed_drugs and rng.random() < 0.3:
                    q = listed_drugs[int(rng.integers(len(listed_drugs)))]
                    names.append((q, c.varieties[c.variety[q]].item.name))
                else:
                    names.append((-1, cat.UNLISTED_DRUGS[int(rng.integers(
                        len(cat.UNLISTED_DRUGS)))]))
            names = list(dict.fromkeys(names))
            file(i, budget, names, "drug")
        cons = amount[i, 1] + amount[i, 2]
        if cons > 0 and ((hit and not drug_hit) or rng.random() < 0.5):
            share = rng.uniform(0.08, 0.15) if hit and not drug_hit else rng.uniform(0.002, 0.015)
            base = cons if hit and not drug_hit else online[i, 1] + online[i, 2]
            name = cat.UNLISTED_CONSUMABLES[int(rng.integers(len(cat.UNLISTED_CONSUMABLES)))]
            file(i, base * share, [(-1, name)], "consumable")
        if p.group[i] == 0 and negotiated and rng.random() < 0.5:
            q = negotiated[int(rng.integers(len(negotiated)))]
            name = c.varieties[c.variety[q]].item.name
            file(i, amount[i, 0] * rng.uniform(0.02, 0.04), [(q, name)], "drug", "negotiated")
        if p.group[i] == 0 and hk and rng.random() < 0.3:
            q = hk[int(rng.integers(len(hk)))]
            category = CATEGORIES[m.prod_cat[q]]
            name = c.varieties[c.variety[q]].item.name
            file(i, amount[i, 0] * rng.uniform(0.01, 0.02), [(q, name)], category, "hk")
    return _finish_filings(m, rows, wd, rng, rates, distinct, amount, online, designed)


def _finish_filings(m: Market, rows: _Rows, wd: WorkDays, rng: np.random.Generator,
                    rates: dict[str, float], distinct: I64, amount: np.ndarray,
                    online: np.ndarray, designed: set[tuple[str, str]]
                    ) -> tuple[pa.Table, dict[str, CaseLog]]:
    cols = rows.cols
    n = len(cols["amount"])
    purchased = np.asarray(cols["purchased_at"], dtype=np.int64)
    late = rng.random(n) < rates["filing.late"]
    wait = np.where(late, rng.integers(FILING_DAYS + 1, 31, n), rng.integers(1, FILING_DAYS + 1, n))
    filed = wd.add(purchased, wait)
    kept = np.flatnonzero(filed <= m.as_of)  # not filed yet at as_of: not in the extract
    order = kept[np.argsort(purchased[kept], kind="stable")]
    ids = [f"BA{m.year}{j:06d}" for j in range(len(order))]  # 备案

    def col(name: str) -> list[object]:
        return [cols[name][j] for j in order]

    table = tb.table("filings", {
        "filing_id": ids, "institution_code": col("institution_code"),
        "product_code": col("product_code"), "product_name": col("product_name"),
        "category": col("category"), "qty": col("qty"),
        "amount": tb.money(np.asarray(col("amount"), dtype=np.int64)),
        "purchased_at": tb.dates(purchased[order]), "filed_at": tb.dates(filed[order]),
        "is_negotiated": col("is_negotiated"), "is_hk_macau": col("is_hk_macau"),
        "reason": col("reason"),
    })
    f1 = CaseLog("filing.late", ("ref",), rates["filing.late"],
                 note=f"filed {FILING_DAYS + 1}–30 working days after the purchase")
    f1.population = len(order)
    due = wd.add(purchased[order], FILING_DAYS)
    taken = wd.taken(purchased[order], filed[order])  # the value the engine reports
    for j in np.flatnonzero(filed[order] > due):
        f1.add((ids[j],), float(taken[j]), bool(late[order][j]))
    return table, {"filing.late": f1, **_limits(m, table, rates, distinct, amount, online,
                                                          designed)}


def _limits(m: Market, filings: pa.Table, rates: dict[str, float],
            distinct: I64, amount: np.ndarray, online: np.ndarray,
            designed: set[tuple[str, str]]) -> dict[str, CaseLog]:
    """F2 and F3 per institution on the filings as written."""
    code_of = {code: i for i, code in enumerate(m.p.inst_code)}
    f2 = CaseLog("filing.amount_over_limit", ("institution_code", "ref"),
                 rates["filing.amount_over_limit"],
                 note="value = filed / ordered amount of the year (drug 1 %, consumable 5 %)")
    f3 = CaseLog("filing.items_over_limit", ("institution_code", "ref"), None,
                 note="none planted: filed drug items stay at 2 % of the drug products ordered")
    drug = np.zeros(m.n_inst)
    cons = np.zeros(m.n_inst)
    items: dict[int, set[str]] = {}
    for row in filings.to_pylist():
        i = code_of[row["institution_code"]]
        if row["is_negotiated"] or row["is_hk_macau"]:
            continue
        value = float(row["amount"])
        if row["category"] == "drug":
            drug[i] += value
            items.setdefault(i, set()).add(row["product_code"] or row["product_name"])
        else:
            cons[i] += value
    filers = sorted(set(code_of[c] for c in filings.column("institution_code").to_pylist()))
    f2.population = f3.population = len(filers)
    for i in filers:
        code = m.p.inst_code[i]
        for ref, filed, total, on_platform, limit in (
                ("drug", drug[i], amount[i, 0], online[i, 0], DRUG_LIMIT),
                ("consumable", cons[i], amount[i, 1:].sum(), online[i, 1:].sum(),
                 CONSUMABLE_LIMIT)):
            over = total > 0 and filed / total > limit
            if over != (on_platform > 0 and filed / on_platform > limit):
                f2.note += f"; {code} {ref} differs if only on-platform orders count"
            if over:
                f2.add((code, ref), filed / total, (code, ref) in designed)
        if i in items and len(items[i]) / max(int(distinct[i]), 1) > ITEMS_LIMIT:
            f3.add((code, "drug"), len(items[i]) / max(int(distinct[i]), 1), False)
    return {"filing.amount_over_limit": f2, "filing.items_over_limit": f3}


def make_tickets(m: Market, wd: WorkDays, rng: np.random.Generator, rates: dict[str, float]
                 ) -> tuple[pa.Table, dict[str, CaseLog]]:
    p, c = m.p, m.c
    reporters = np.flatnonzero(p.group <= 2)
    weights = p.weight[reporters] / p.weight[reporters].sum()
    n = max(25, round(0.6 * int((p.group <= 1).sum())))
    inst = rng.choice(reporters, size=n, p=weights)
    winning = [q for q in range(c.n_products) if c.role[q] == WINNING]
    product = np.asarray(winning, dtype=np.int64)[rng.integers(0, len(winning), n)]
    workdays = wd.days[(wd.days >= m.days[0]) & (wd.days <= m.as_of)]
    day = workdays[rng.integers(0, len(workdays), n)]
    # T4: supply problems concentrate on a few winning companies — the device-maker persona
    # first — reported by 3–5 institutions in the last 90 days.
    makers = sorted({c.company[q] for q in winning})
    persona = p.company_code.index(personas.MANUFACTURER_2.code)
    k = min(len(makers), max(1, round(rates["supplier.tickets_concentrated"] * len(makers))))
    others = [x for x in makers if x != persona]
    chosen = ([persona] if persona in makers else []) + [
        others[int(j)] for j in rng.choice(len(others), size=len(others), replace=False)]
    lately = workdays[(workdays >= m.as_of - T4_DAYS + 10) & (workdays <= m.as_of - 3)]
    extra_inst: list[int] = []
    extra_product: list[int] = []
    extra_day: list[int] = []
    for company in chosen[:k]:
        own = [q for q in winning if c.company[q] == company]
        many = int(rng.integers(3, 6))
        extra_inst.extend(rng.choice(reporters, size=many, replace=False, p=weights).tolist())
        extra_product.extend(own[int(j)] for j in rng.integers(0, len(own), many))
        extra_day.extend(lately[rng.integers(0, len(lately), many)].tolist())
    inst = np.concatenate([inst, np.asarray(extra_inst, dtype=np.int64)])
    product = np.concatenate([product, np.asarray(extra_product, dtype=np.int64)])
    day = np.concatenate([day, np.asarray(extra_day, dtype=np.int64)])
    order = np.argsort(day, kind="stable")
    inst, product, day = inst[order], product[order], day[order]
    n = len(day)
    t4_designed = {p.company_code[x] for x in chosen[:k]}
    reported = day * DAY + 8 * HOUR + rng.integers(0, 9 * HOUR, n)
    late = rng.random(n) < rates["ticket.reply_overdue"]
    silent = late & (rng.random(n) < 0.3)
    wait = np.where(late, rng.integers(REPLY_DAYS + 1, 11, n), rng.integers(0, REPLY_DAYS + 1, n))
    reply_day = np.where(wait > 0, wd.add(day, np.maximum(wait, 1)), day)
    replied = np.where(wait > 0, reply_day * DAY + 8 * HOUR + rng.integers(0, 10 * HOUR, n),
                       reported + rng.integers(HOUR // 2, 6 * HOUR, n))
    reply_day = replied // DAY
    long = rng.random(n) < rates["ticket.commitment_too_long"]
    commit = wd.add(reply_day, np.where(long, rng.integers(COMMIT_DAYS + 1, 16, n),
                                        rng.integers(1, COMMIT_DAYS + 1, n)))
    overdue = rng.random(n) < rates["ticket.resolution_overdue"]
    unresolved = overdue & (rng.random(n) < 0.3)
    fixed_day = np.where(overdue, commit + rng.integers(1, 21, n),
                         reply_day + (rng.random(n) * (commit - reply_day + 1)).astype(np.int64))
    resolved = np.maximum(fixed_day * DAY + 9 * HOUR + rng.integers(0, 9 * HOUR, n), replied + 60)
    end = (m.as_of + 1) * DAY
    no_reply = silent | (replied >= end)
    no_fix = no_reply | unresolved | (resolved >= end)
    ids = [f"GY{m.year}{j:06d}" for j in range(n)]  # 供应问题
    table = tb.table("tickets", {
        "ticket_id": ids,
        "institution_code": tb.pick(pa.array(p.inst_code), inst),
        "product_code": tb.pick(pa.array(c.code), product),
        "company_code": tb.pick(pa.array(p.company_code),
                                np.asarray(c.company, dtype=np.int64)[product]),
        "reported_at": tb.stamps(reported),
        "replied_at": tb.stamps(replied, no_reply),
        "committed_by": tb.dates(commit, no_reply),
        "resolved_at": tb.stamps(resolved, no_fix),
    })
    logs = {
        "ticket.reply_overdue": CaseLog("ticket.reply_overdue", ("ref",),
                                        rates["ticket.reply_overdue"],
                                        note="replied 3–10 working days later, or never"),
        "ticket.commitment_too_long": CaseLog("ticket.commitment_too_long", ("ref",),
                                              rates["ticket.commitment_too_long"],
                                              note="fix promised 6–15 working days after the reply"),
        "ticket.resolution_overdue": CaseLog("ticket.resolution_overdue", ("ref",),
                                             rates["ticket.resolution_overdue"],
                                             note="fixed 1–20 days after the promised date, or not"),
    }
    due = wd.add(day, REPLY_DAYS)
    t1 = np.where(no_reply, m.as_of > due, reply_day > due)
    t2 = ~no_reply & (commit > wd.add(reply_day, COMMIT_DAYS))
    t3 = ~no_reply & np.where(no_fix, m.as_of > commit, resolved // DAY > commit)
    # values as the engine reports them: working days taken to reply (to as_of while
    # open) and from the reply to the promise; calendar days past the promised fix
    past_reply = wd.taken(day, np.where(no_reply, m.as_of, reply_day))
    past_commit = wd.taken(reply_day, commit)
    past_fix = np.where(no_fix, m.as_of, resolved // DAY) - commit
    t4 = CaseLog("supplier.tickets_concentrated", ("ref",), rates["supplier.tickets_concentrated"],
                 note=f"value = institutions reporting in the last {T4_DAYS} days (≥ 3)")
    t4.population = len(makers)
    maker_of = np.asarray(c.company, dtype=np.int64)[product]
    recent = day >= m.as_of - T4_DAYS + 1
    for x in sorted(set(maker_of[recent].tolist())):
        count = len(set(inst[recent & (maker_of == x)].tolist()))
        if count >= T4_INSTITUTIONS:
            t4.add((p.company_code[x],), float(count), p.company_code[x] in t4_designed)
    logs[t4.rule_id] = t4
    for rule, hit, value, designed in (("ticket.reply_overdue", t1, past_reply, late),
                                       ("ticket.commitment_too_long", t2, past_commit, long),
                                       ("ticket.resolution_overdue", t3, past_fix, overdue)):
        logs[rule].population = n
        for j in np.flatnonzero(hit):
            logs[rule].add((ids[j],), float(value[j]), bool(designed[j]))
    return table, logs
