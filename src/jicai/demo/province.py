"""Regions, institutions and companies of the synthetic province."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from jicai.demo import catalogue as cat
from jicai.demo import personas
from jicai.demo.scale import Scale

# 统一社会信用代码 (GB 32100-2015) and organisation code (GB 11714) check digits.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_VALUE = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}

# (kind, grade) → (group index in catalogue.GROUPS, median relative order volume)
_PROFILE: dict[tuple[str, int], tuple[int, float]] = {
    ("public_hospital", 3): (0, 120.0), ("public_hospital", 2): (1, 30.0),
    ("public_hospital", 1): (2, 6.0), ("military", 3): (0, 40.0), ("military", 2): (1, 15.0),
    ("private_hospital", 2): (1, 8.0), ("private_hospital", 1): (2, 3.0),
    ("private_hospital", 0): (2, 1.5), ("primary_care", 1): (2, 4.0),
    ("primary_care", 0): (2, 1.5), ("village_clinic", 0): (3, 0.5),
    ("retail_pharmacy", 0): (4, 1.2),
}


def uscc(rng: np.random.Generator, region: str) -> str:
    """A unified social credit code with valid check digits: 9 1 + region + org code + check."""
    body = "".join(rng.choice(list("0123456789"), 6)) + "".join(
        rng.choice(list(_USCC_ALPHABET), 2))
    rest = 11 - sum(w * _ORG_VALUE[c] for w, c in zip(_ORG_WEIGHTS, body, strict=True)) % 11
    org = body + ("X" if rest == 10 else "0" if rest == 11 else str(rest))
    first17 = "91" + region + org
    total = sum(w * _USCC_ALPHABET.index(c) for w, c in zip(_USCC_WEIGHTS, first17, strict=True))
    return first17 + _USCC_ALPHABET[(31 - total % 31) % 31]


@dataclass
class Province:
    # regions
    region_code: list[str] = field(default_factory=list)
    region_name: list[str] = field(default_factory=list)
    region_parent: list[str | None] = field(default_factory=list)
    region_level: list[str] = field(default_factory=list)
    # institutions
    inst_code: list[str] = field(default_factory=list)
    inst_name: list[str] = field(default_factory=list)
    inst_region: list[str] = field(default_factory=list)
    inst_kind: list[str] = field(default_factory=list)
    inst_grade: list[int] = field(default_factory=list)
    inst_consortium: list[str | None] = field(default_factory=list)
    inst_city: list[int] = field(default_factory=list)
    # companies
    company_code: list[str] = field(default_factory=list)
    company_name: list[str] = field(default_factory=list)
    company_role: list[str] = field(default_factory=list)
    drug_makers: list[int] = field(default_factory=list)
    device_makers: list[int] = field(default_factory=list)
    provincial_distributors: list[int] = field(default_factory=list)
    city_distributors: dict[int, list[int]] = field(default_factory=dict)
    # derived per institution (filled by _finish())
    group: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    weight: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    distributor: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    distributor2: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    _company_codes: set[str] = field(default_factory=set, repr=False)

    @property
    def n_inst(self) -> int:
        return len(self.inst_code)

    def region(self, code: str, name: str, parent: str | None, level: str) -> str:
        self.region_code.append(code)
        self.region_name.append(name)
        self.region_parent.append(parent)
        self.region_level.append(level)
        return code

    def company(self, rng: np.random.Generator, region: str, name: str, role: str,
                fixed: personas.Persona | None = None) -> int:
        self._company_codes.update(p.code for p in personas.PERSONAS)
        code = uscc(rng, region)  # drawn even for a persona: the streams stay aligned
        while code in self._company_codes:
            code = uscc(rng, region)
        if fixed is not None:
            code, name = fixed.code, fixed.name
        self._company_codes.add(code)
        self.company_code.append(code)
        self.company_name.append(name)
        self.company_role.append(role)
        return len(self.company_code) - 1


class _Serials:
    """Institution codes: H (P for a pharmacy) + region + a 5-digit serial with gaps."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.last: dict[str, int] = {}

    def next(self, region: str, letter: str) -> str:
        n = self.last.get(region, 0) + int(self.rng.integers(1, 40))
        self.last[region] = n
        return f"{letter}{region}{n:05d}"


def _names(rng: np.random.Generator, n: int) -> list[str]:
    """n distinct two-character place names."""
    pool = [a + b for a in cat.PLACE_FIRST for b in cat.PLACE_SECOND]
    picks = rng.choice(len(pool), size=min(n, len(pool)), replace=False)
    return [pool[i] for i in picks]


def build_province(scale: Scale, rng: np.random.Generator) -> Province:
    p = Province()
    serials = _Serials(rng)
    prov = p.region(cat.PROVINCE_CODE, cat.PROVINCE_NAME, None, "province")
    county_names = iter(_names(rng, scale.cities * scale.counties))

    fixed = {personas.HOSPITAL.name: personas.HOSPITAL.code,
             personas.HOSPITAL_2.name: personas.HOSPITAL_2.code}

    def add(code_region: str, name: str, kind: str, grade: int, city: int,
            consortium: str | None = None) -> str:
        code = serials.next(code_region, "P" if kind == "retail_pharmacy" else "H")
        code = fixed.get(name, code)
        p.inst_code.append(code)
        p.inst_name.append(name)
        p.inst_region.append(code_region)
        p.inst_kind.append(kind)
        p.inst_grade.append(grade)
        p.inst_consortium.append(consortium)
        p.inst_city.append(city)
        return code

    def pharmacies(region: str, place: str, city: int) -> None:
        for k in range(scale.pharmacies):
            brand = cat.PHARMACY_BRANDS[int(rng.integers(len(cat.PHARMACY_BRANDS)))]
            street = cat.STREETS[k % len(cat.STREETS)]
            add(region, f"{brand}（{place}{street}店）", "retail_pharmacy", 0, city)

    for ci in range(scale.cities):
        city = cat.CITY_NAMES[ci] + "市"
        city_code = p.region(f"39{ci + 1:02d}00", city, prov, "city")
        seat = ""
        for di in range(scale.districts):
            name = cat.DISTRICT_NAMES[(ci + di) % len(cat.DISTRICT_NAMES)]
            code = p.region(f"39{ci + 1:02d}{di + 2:02d}", name, city_code, "county")
            seat = seat or code
            add(code, f"{city}{name}人民医院", "public_hospital", 2, ci)
            for k in range(scale.communities):
                street = cat.STREETS[(k + di) % len(cat.STREETS)].removesuffix("路")
                add(code, f"{city}{name}{street}街道社区卫生服务中心", "primary_care",
                    int(k == 0), ci)
            pharmacies(code, name, ci)
        hospitals = [("第一人民医院", 3), ("中心医院", 3), ("中医院", 3), ("妇幼保健院", 2),
                     ("第二人民医院", 2), ("第三人民医院", 2)]
        if ci == 0:  # the capital: provincial hospitals
            for name in ("中州大学第一附属医院", f"{cat.PROVINCE_NAME}人民医院",
                         f"{cat.PROVINCE_NAME}肿瘤医院", f"{cat.PROVINCE_NAME}中医院"):
                add(seat, name, "public_hospital", 3, ci)
            add(seat, f"武警{cat.PROVINCE_NAME}总队医院", "military", 2, ci)
            if scale.cities > 4:
                add(seat, "中国人民解放军联勤保障部队第九九六医院", "military", 3, ci)
        for name, grade in hospitals[: scale.city_hospitals]:
            add(seat, city + name, "public_hospital", grade, ci)
        for k in range(scale.private_hospitals):
            brand = cat.PRIVATE_BRANDS[(ci + k) % len(cat.PRIVATE_BRANDS)]
            kind = cat.PRIVATE_KINDS[k % len(cat.PRIVATE_KINDS)]
            add(seat, f"{cat.CITY_NAMES[ci]}{brand}{kind}", "private_hospital", int(k < 2) + 1, ci)
        for ki in range(scale.counties):
            place = next(county_names)
            is_city = ki % 4 == 3
            county = place + ("市" if is_city else "县")
            code = p.region(f"39{ci + 1:02d}{(81 + ki // 4) if is_city else (21 + ki):02d}",
                            county, city_code, "county")
            lead = add(code, f"{county}人民医院", "public_hospital", 3 if is_city else 2, ci)
            add(code, f"{county}中医院", "public_hospital", 2, ci)
            add(code, f"{county}妇幼保健院", "public_hospital", 1, ci)
            towns = _names(rng, scale.townships)
            for ti, town in enumerate(towns):
                member = lead if rng.random() < 0.8 else None
                suffix = "镇中心卫生院" if ti == 0 else ("镇卫生院" if ti % 3 else "乡卫生院")
                add(code, f"{county}{town}{suffix}", "primary_care", int(ti == 0), ci, member)
            for vi, village in enumerate(_names(rng, scale.villages)):
                town = towns[vi % len(towns)]
                add(code, f"{county}{town}镇{village}村卫生室", "village_clinic", 0, ci, lead)
            pharmacies(code, county, ci)

    _companies(p, scale, rng)
    _finish(p, rng)
    return p


def _companies(p: Province, scale: Scale, rng: np.random.Generator) -> None:
    brands = list(cat.COMPANY_BRANDS)
    for k in range(scale.manufacturers):
        place, region = cat.COMPANY_PLACES[int(rng.integers(len(cat.COMPANY_PLACES)))]
        brand = brands[k % len(brands)] + ("" if k < len(brands) else brands[(k * 7) % len(brands)])
        device = k % 5 == 4
        kinds = cat.DEVICE_MAKER_KINDS if device else cat.DRUG_MAKER_KINDS
        role = "both" if k % 11 == 5 else "manufacturer"
        persona = {0: personas.MANUFACTURER, 4: personas.MANUFACTURER_2}.get(k)
        idx = p.company(rng, region, place + brand + kinds[int(rng.integers(len(kinds)))], role,
                        persona)
        (p.device_makers if device else p.drug_makers).append(idx)
    for k in range(3):
        brand = brands[(k * 13 + 3) % len(brands)]
        p.provincial_distributors.append(p.company(
            rng, cat.PROVINCE_CODE, f"{cat.PROVINCE_SHORT}{brand}{cat.DISTRIBUTOR_KINDS[2]}",
            "distributor", personas.DISTRIBUTOR if k == 0 else None))
    for ci in range(scale.cities):
        local = p.city_distributors.setdefault(ci, [])
        for k in range(scale.distributors):
            brand = brands[(ci * 3 + k * 5 + 1) % len(brands)]
            kind = cat.DISTRIBUTOR_KINDS[k % 2]
            local.append(p.company(
                rng, f"39{ci + 1:02d}00", f"{cat.CITY_NAMES[ci]}{brand}{kind}", "distributor"))


def _finish(p: Province, rng: np.random.Generator) -> None:
    """Order volume weights and the two distributors each institution orders through."""
    n = p.n_inst
    profiles = [_PROFILE[(k, g)] for k, g in zip(p.inst_kind, p.inst_grade, strict=True)]
    p.group = np.array([g for g, _ in profiles], dtype=np.int64)
    median = np.array([m for _, m in profiles])
    p.weight = median * rng.lognormal(0.0, 0.6, n)
    first = np.empty(n, np.int64)
    second = np.empty(n, np.int64)
    provincial = p.provincial_distributors
    for i in range(n):
        local = p.city_distributors[p.inst_city[i]]
        # Big hospitals are served by a provincial distributor, the rest by a city one.
        main = provincial if p.group[i] <= 1 else local
        other = local if p.group[i] <= 1 else provincial
        first[i] = main[int(rng.integers(len(main)))]
        second[i] = other[int(rng.integers(len(other)))]
    # The persona hospitals order through the persona distributor (personas.py).
    for persona in (personas.HOSPITAL, personas.HOSPITAL_2):
        if persona.code in p.inst_code:
            first[p.inst_code.index(persona.code)] = p.provincial_distributors[0]
    p.distributor, p.distributor2 = first, second
