"""Products, varieties, VBP awards and listing prices of the synthetic province.

Codes follow the national formats: a drug code is 23 characters — X (Western) or
Z (traditional), a 5-character class, a 4-character generic-name code, a
4-character dosage-form code, 4 characters of spec and pack, a 5-digit maker —
and its first 14 characters (name and dosage form) are the variety; a consumable
code is C and 19 digits — 6 of category, 3 of generic name (its first 10
characters are the variety), 3 of material, 2 of spec and 5 of maker.

Money is held as ``int64`` ten-thousandths of a yuan (the contract's 4 decimals),
so every sum is exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
from numpy.typing import NDArray

from jicai.demo import catalogue as cat
from jicai.demo import personas
from jicai.demo.days import day_no
from jicai.demo.province import Province
from jicai.demo.rand import zipf_weights
from jicai.demo.scale import Scale

YUAN = 10_000  # money unit: 1/10 000 yuan
LISTED_SINCE = date(2023, 1, 1)  # every product's first listing row
NONE, WINNING, BACKUP, NONWINNING = 0, 1, 2, 3
# A winning company's spec or pack left off the batch's supply list (L1): not awarded,
# never ordered; listed until the batch starts, then suspended — unless planted.
OUTSIDE = 4


def _cents(yuan: NDArray[np.float64] | float) -> NDArray[np.int64]:
    """Yuan rounded to the cent (at least 0.01), in money units."""
    return np.maximum(np.round(np.asarray(yuan) * 100), 1).astype(np.int64) * (YUAN // 100)


@dataclass
class Variety:
    code: str
    item: cat.Item
    batch: int = -1  # index in catalogue.BATCHES, -1 for an ordinary variety
    products: list[int] = field(default_factory=list)
    winners: list[int] = field(default_factory=list)  # winning companies (company index)
    cheap_equivalent: int = -1  # a non-winning product priced at or below the winners


@dataclass
class Catalogue:
    varieties: list[Variety] = field(default_factory=list)
    # products (one row per SKU)
    code: list[str] = field(default_factory=list)
    variety: list[int] = field(default_factory=list)
    spec: list[str] = field(default_factory=list)
    pack: list[str] = field(default_factory=list)
    upp: list[int] = field(default_factory=list)
    company: list[int] = field(default_factory=list)
    equivalent: list[bool] = field(default_factory=list)
    hk_macau: list[bool] = field(default_factory=list)
    role: list[int] = field(default_factory=list)  # NONE / WINNING / BACKUP / NONWINNING
    base_price: list[int] = field(default_factory=list)  # per pack, before any VBP
    award_price: list[int] = field(default_factory=list)  # per pack, 0 unless awarded
    share: list[float] = field(default_factory=list)  # market share within the variety
    # listing rows
    list_product: list[int] = field(default_factory=list)
    list_day: list[int] = field(default_factory=list)
    list_price: list[int] = field(default_factory=list)
    list_status: list[str] = field(default_factory=list)
    list_cap: list[int] = field(default_factory=list)  # -1 = no cap

    # L1: the spare specs of winning companies (product → still listed at as_of)
    spare: dict[int, bool] = field(default_factory=dict)
    # C3: products given consecutive listing-price rises in the last year (product → rises)
    rises: dict[int, int] = field(default_factory=dict)

    @property
    def n_products(self) -> int:
        return len(self.code)

    def listing(self, product: int, day: date, price: int, status: str = "listed",
                cap: int = -1) -> None:
        self.list_product.append(product)
        self.list_day.append(day_no(day))
        self.list_price.append(price)
        self.list_status.append(status)
        self.list_cap.append(cap)


def _variety_code(item: cat.Item, serial: int) -> str:
    name = (serial * 37 + 11) % 1000
    if item.category == "drug":
        letter, cls = ("Z", item.cls[1:]) if item.cls.startswith("Z") else ("X", item.cls)
        return f"{letter}{cls}A{name:03d}{cat.FORMS[item.form or ''][0]}"
    return f"C{item.cls}{name:03d}"


def _product_code(variety: str, item: cat.Item, spec: int, pack: int, company: int) -> str:
    maker = (company * 131 + 7) % 100_000
    if item.category == "drug":
        return f"{variety}{spec + 1:02d}{pack + 1:02d}{maker:05d}"
    return f"{variety}{spec + 1:03d}{pack + 1:02d}{maker:05d}"


def _pack_text(item: cat.Item, upp: int) -> str:
    if item.form is not None:
        word = cat.FORMS[item.form][1]
    elif item.category == "hv_consumable":
        word = "套" if "关节" in item.name else "个"
    else:
        word = "支"
    return f"{upp}{word}/盒"


def build_catalogue(scale: Scale, province: Province, rng: np.random.Generator,
                    rates: dict[str, float], as_of: date) -> Catalogue:
    c = Catalogue()
    makers = {"drug": province.drug_makers, "device": province.device_makers}
    every_maker = province.drug_makers + province.device_makers
    maker = province.company_code.index(personas.MANUFACTURER.code)
    device = province.company_code.index(personas.MANUFACTURER_2.code)
    serial = 0
    for bi, batch in enumerate(cat.BATCHES):
        for rank, name in enumerate(batch.items[: scale.vbp_per_batch]):
            item = cat.VBP_ITEMS[name]
            pool = makers["drug" if item.category == "drug" else "device"]
            # The persona manufacturers win: the drug maker the first varieties of each
            # drug batch, the device maker the first variety of each consumable batch.
            force = (maker if rank < personas.MANUFACTURER_WINS_PER_BATCH else -1) \
                if item.category == "drug" else (device if rank == 0 else -1)
            _vbp_variety(c, item, _variety_code(item, serial), bi, scale, pool, every_maker, rng,
                         force)
            serial += 1
    others = list(cat.OTHER_ITEMS)
    chosen = sorted(rng.choice(len(others), size=min(scale.other_items, len(others)),
                               replace=False))
    for k in chosen:
        item = others[int(k)]
        pool = makers["drug" if item.category == "drug" else "device"]
        _ordinary_variety(c, item, _variety_code(item, serial), scale, pool, every_maker, rng)
        serial += 1
    _plant_above_cap(c, rng, rates["price.nonwinning_above_cap"])
    hk = [p for p in range(c.n_products) if c.role[p] == NONE
          and c.varieties[c.variety[p]].item.tier in ("spec", "hv")]
    for p in rng.choice(hk, size=min(2, len(hk)), replace=False) if hk else []:
        c.hk_macau[int(p)] = True
    _spare_specs(c, rng, rates["listing.spec_outside_supply_list"], as_of)
    _plant_rises(c, rng, rates["price.risk"])
    return c


def executing(batch: int, as_of: date) -> bool:
    """Whether a cycle of the batch runs at ``as_of`` (start ≤ as_of ≤ end)."""
    return any(a <= as_of <= b for a, b in cat.BATCHES[batch].cycles)


def _spare_specs(c: Catalogue, rng: np.random.Generator, rate: float, as_of: date) -> None:
    """L1: about half the winning companies with a spec or pack left unawarded list it too.

    A clean one is suspended (暂停挂网) on the batch's first day; the planted ones (``rate``
    of those of a batch in execution at ``as_of``, at least one) stay listed. Nobody orders
    a spare spec.
    """
    made: list[int] = []
    for v, variety in enumerate(list(c.varieties)):
        if variety.batch < 0:
            continue
        item = variety.item
        for company in variety.winners:
            if rng.random() >= 0.5:
                continue
            taken = {c.code[p] for p in variety.products}
            free = [(s, k) for s in range(len(item.specs)) for k in range(len(item.packs))
                    if _product_code(variety.code, item, s, k, company) not in taken]
            if not free:
                continue
            s, k = free[int(rng.integers(len(free)))]
            upp = item.packs[k]
            idx = c.n_products
            c.code.append(_product_code(variety.code, item, s, k, company))
            c.variety.append(v)
            c.spec.append(item.specs[s])
            c.pack.append(_pack_text(item, upp))
            c.upp.append(upp)
            c.company.append(company)
            c.equivalent.append(item.category == "drug")
            c.hk_macau.append(False)
            c.role.append(OUTSIDE)
            c.base_price.append(int(_cents(item.unit_price * upp * rng.uniform(0.8, 1.4))))
            c.award_price.append(0)
            c.share.append(0.0)
            variety.products.append(idx)
            c.listing(idx, LISTED_SINCE, c.base_price[idx])
            made.append(idx)
    live = [q for q in made if executing(c.varieties[c.variety[q]].batch, as_of)]
    if not live:
        return
    keep = set(rng.choice(live, size=max(1, round(rate * len(live))), replace=False).tolist())
    for idx in made:
        c.spare[idx] = idx in keep
        if idx not in keep:
            start = cat.BATCHES[c.varieties[c.variety[idx]].batch].cycles[0][0]
            c.listing(idx, start, c.base_price[idx], "suspended")


RISE_DAYS = ((2025, 2, 10), (2025, 5, 12), (2025, 8, 18))  # C3: the dates of planted rises


def _plant_rises(c: Catalogue, rng: np.random.Generator, rate: float) -> None:
    """C3: ``rate`` of the ordinary products whose listing never moved (at least one) rise
    two or three times in 2025 (yellow or red); as many rise once (no flag)."""
    rows = np.bincount(np.asarray(c.list_product, dtype=np.int64), minlength=c.n_products)
    still = [p for p in range(c.n_products) if c.role[p] == NONE and c.share[p] > 0
             and rows[p] == 1]
    if not still:
        return
    k = min(len(still), max(1, round(rate * len(still))))
    picks = rng.choice(still, size=min(len(still), 2 * k), replace=False)
    for j, p in enumerate(int(x) for x in picks):
        n = 1 if j >= k else 2 + int(rng.random() < 0.35)
        price = c.base_price[p]
        for y, mo, d in RISE_DAYS[-n:]:
            price = int(_cents(price / YUAN * rng.uniform(1.03, 1.12)))
            c.listing(p, date(y, mo, d), price)
        c.rises[p] = n


def _add_products(c: Catalogue, v: int, item: cat.Item, company: int, k: int,
                  rng: np.random.Generator) -> list[int]:
    combos = [(s, p) for s in range(len(item.specs)) for p in range(len(item.packs))]
    picks = rng.choice(len(combos), size=min(k, len(combos)), replace=False)
    out = []
    for j in sorted(int(x) for x in picks):
        s, pk = combos[j]
        upp = item.packs[pk]
        idx = c.n_products
        c.code.append(_product_code(c.varieties[v].code, item, s, pk, company))
        c.variety.append(v)
        c.spec.append(item.specs[s])
        c.pack.append(_pack_text(item, upp))
        c.upp.append(upp)
        c.company.append(company)
        c.equivalent.append(False)
        c.hk_macau.append(False)
        c.role.append(NONE)
        c.base_price.append(int(_cents(item.unit_price * upp * rng.uniform(0.8, 1.4))))
        c.award_price.append(0)
        c.share.append(0.0)
        c.varieties[v].products.append(idx)
        out.append(idx)
    return out


def _companies_for(pool: list[int], every: list[int], n: int,
                   rng: np.random.Generator) -> list[int]:
    source = pool if len(pool) >= n else every
    return [source[int(i)] for i in rng.choice(len(source), size=min(n, len(source)),
                                                replace=False)]


def _ordinary_variety(c: Catalogue, item: cat.Item, code: str, scale: Scale, pool: list[int],
                      every: list[int], rng: np.random.Generator) -> None:
    v = len(c.varieties)
    c.varieties.append(Variety(code, item))
    busy = 2.5 if item.tier == "basic" else 1.0
    most = int(scale.makers * busy)
    n = int(rng.integers(max(1, most // 2), most + 1))
    shares = zipf_weights(n, 1.1)
    for rank, company in enumerate(_companies_for(pool, every, n, rng)):
        products = _add_products(c, v, item, company, int(rng.integers(1, 4)), rng)
        for p in products:
            c.share[p] = shares[rank] / len(products)
            c.equivalent[p] = item.category == "drug" and not item.cls.startswith("Z") \
                and rng.random() < 0.5
            c.listing(p, LISTED_SINCE, c.base_price[p])
        if item.negotiated:
            break  # a negotiated drug has one maker
    _price_moves(c, v, rng)


def _price_moves(c: Catalogue, v: int, rng: np.random.Generator) -> None:
    """Some ordinary products get a price cut in 2025; a few dormant ones leave the list."""
    for p in c.varieties[v].products:
        u = rng.random()
        if u < 0.1:
            day = date(2025, int(rng.integers(3, 11)), int(rng.integers(1, 29)))
            c.listing(p, day, int(_cents(c.base_price[p] / YUAN * rng.uniform(0.8, 0.95))))
        elif u < 0.13 and len(c.varieties[v].products) > 1:
            c.share[p] = 0.0  # never ordered
            day = date(2025, int(rng.integers(2, 11)), int(rng.integers(1, 29)))
            c.listing(p, day, c.base_price[p], "suspended" if u < 0.115 else "delisted")


def _vbp_variety(c: Catalogue, item: cat.Item, code: str, batch: int, scale: Scale,
                 pool: list[int], every: list[int], rng: np.random.Generator,
                 force: int = -1) -> None:
    v = len(c.varieties)
    variety = Variety(code, item, batch)
    c.varieties.append(variety)
    start = cat.BATCHES[batch].cycles[0][0]
    drug = item.category == "drug"
    if drug:
        n_win = int(rng.choice([1, 2, 3, 4], p=[0.25, 0.3, 0.25, 0.2]))
        cut = rng.uniform(0.15, 0.45)
    else:
        n_win = int(rng.integers(2, 5)) if item.tier == "hv" else int(rng.integers(1, 4))
        cut = rng.uniform(0.1, 0.3) if item.tier == "hv" else rng.uniform(0.3, 0.6)
    n_backup = int(rng.random() < 0.4)
    n_non = int(rng.integers(1, scale.nonwinners + 1))
    companies = _companies_for(pool, every, n_win + n_backup + n_non, rng)
    if force >= 0:  # a persona company wins (personas.py)
        companies = [force, *(x for x in companies if x != force)][: len(companies)]
    n_win = min(n_win, max(1, len(companies) - n_non - n_backup))
    variety.winners = companies[:n_win]
    win_unit: list[float] = []
    for k, company in enumerate(companies):
        role = WINNING if k < n_win else BACKUP if k < n_win + n_backup else NONWINNING
        products = _add_products(c, v, item, company, 1 if role != WINNING else 2, rng)
        for p in products:
            c.role[p] = role
            c.equivalent[p] = drug and (role != NONWINNING or rng.random() < 0.6)
            c.listing(p, LISTED_SINCE, c.base_price[p])
            if role == NONWINNING:
                continue
            factor = cut * rng.uniform(0.9, 1.1) * (rng.uniform(1.05, 1.3) if role == BACKUP
                                                    else 1.0)
            c.award_price[p] = int(_cents(item.unit_price * c.upp[p] * factor))
            c.listing(p, start, c.award_price[p])
            if role == WINNING:
                win_unit.append(c.award_price[p] / c.upp[p])
    # Before VBP the market is led by the non-winning originator; shares are by company.
    shares = zipf_weights(len(companies), 0.8)[::-1]
    for p in variety.products:
        rank = companies.index(c.company[p])
        c.share[p] = float(shares[rank])
    lowest, highest = min(win_unit), max(win_unit)
    non = [p for p in variety.products if c.role[p] == NONWINNING]
    cheap = non[-1] if drug and len(non) >= 2 and rng.random() < 0.5 else -1
    for p in non:
        cap = int(_cents(highest * rng.uniform(1.5, 2.0) * c.upp[p] / YUAN))
        if p == cheap:
            c.equivalent[p] = True
            variety.cheap_equivalent = p
            price = int(_cents(lowest * 0.85 * c.upp[p] / YUAN))
        else:
            price = min(c.base_price[p], int(_cents(cap / YUAN * rng.uniform(0.8, 1.0))))
        c.listing(p, start, price, cap=cap)


def _plant_above_cap(c: Catalogue, rng: np.random.Generator, rate: float) -> None:
    """Raise some capped non-winning listings above their cap (at least one)."""
    rows = [r for r, cap in enumerate(c.list_cap)
            if cap >= 0 and c.varieties[c.variety[c.list_product[r]]].cheap_equivalent
            != c.list_product[r]]
    k = max(1, round(rate * len(rows))) if rows else 0
    for r in sorted(int(x) for x in rng.choice(rows, size=k, replace=False)):
        c.list_price[r] = int(_cents(c.list_cap[r] / YUAN * rng.uniform(1.05, 1.4)))
