"""What a demo run wrote, and the lapses the monitor should find in it.

A :class:`Planted` is the *expected alert set* of one rule at ``DEMO_AS_OF``:
every case the rule's definition in ``rules.md`` yields on the generated data —
the lapses planted on purpose and the few that follow from them or arise by
chance (a late answer is usually a late delivery too). ``designed`` counts the
planted ones; ``designed / population`` is the planted rate, to compare with
``RATES``.

A case key holds the alert columns named in ``fields`` (``ref`` as in
``alerts.csv``: the order line, filing, ticket, company or category). Values are
the measured figure, so a profile with another threshold can filter: the
``demand.below_history`` cases are those below ratio 1.0 (national, henan); at
ganzhou's 0.8 the alerts are the cases with a value below 0.8. Order-line cases
are listed up to 2 M lines (``EXACT_CASES_MAX_LINES``) and only counted above.

Thresholds are the defaults of ``rules.md``: tolerance 0, non-winning share 0.5,
delivery 72 h, online rate 0.90 (drug) / 0.80 (hv), filing limits 1 % / 5 % / 5 %.
Backup is not counted as winning; where counting it (jilin) would drop a progress
case, ``DemoSummary.notes`` says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

CaseKey = tuple[str | int, ...]

ORDER_FIELDS = ("ref",)
PAIR_FIELDS = ("batch_code", "cycle_no", "institution_code", "variety_code")


@dataclass(frozen=True)
class Planted:
    rule_id: str
    fields: tuple[str, ...]  # the alert columns a case key is made of
    count: int  # cases expected
    designed: int  # of which planted on purpose
    population: int  # what the rate is a share of (lines, pairs, institutions, …)
    rate: float | None  # the configured rate, None where the cases follow from other lapses
    cases: Mapping[CaseKey, float] | None  # case → measured value; None: too many to list
    critical: int = 0  # cases that are critical (order.unresponded_48h: never answered)
    note: str = ""

    @property
    def planted_rate(self) -> float:
        return self.designed / self.population if self.population else math.nan

    def keys(self) -> frozenset[CaseKey]:
        if self.cases is None:
            raise ValueError(f"{self.rule_id}: cases are only counted in runs over 2 M lines")
        return frozenset(self.cases)

    def to_dict(self) -> dict[str, object]:
        return {
            "rule_id": self.rule_id, "fields": list(self.fields), "count": self.count,
            "designed": self.designed, "population": self.population, "rate": self.rate,
            "planted_rate": None if math.isnan(self.planted_rate) else self.planted_rate,
            "critical": self.critical, "note": self.note,
            "cases": None if self.cases is None else [
                [*key, value] for key, value in sorted(self.cases.items(), key=str)],
        }


@dataclass
class CaseLog:
    """Collects the cases of one rule, chunk by chunk."""

    rule_id: str
    fields: tuple[str, ...]
    rate: float | None
    keep: bool = True
    note: str = ""
    count: int = 0
    designed: int = 0
    population: int = 0
    critical: int = 0
    cases: dict[CaseKey, float] = field(default_factory=dict)

    def add(self, key: CaseKey, value: float, designed: bool, critical: bool = False) -> None:
        self.count += 1
        self.designed += designed
        self.critical += critical
        if self.keep:
            self.cases[key] = float(value)

    def add_many(self, keys: list[CaseKey] | None, values: Sequence[float],
                 designed: int, critical: int = 0) -> None:
        """Many cases at once; ``keys`` may be None when cases are not kept."""
        self.count += len(values)
        self.designed += designed
        self.critical += critical
        if self.keep and keys is not None:
            self.cases.update(zip(keys, (float(v) for v in values), strict=True))

    def merge(self, other: CaseLog) -> None:
        self.count += other.count
        self.designed += other.designed
        self.population += other.population
        self.critical += other.critical
        self.cases.update(other.cases)

    def build(self) -> Planted:
        return Planted(self.rule_id, self.fields, self.count, self.designed, self.population,
                       self.rate, dict(self.cases) if self.keep else None, self.critical,
                       self.note)


@dataclass(frozen=True)
class DemoSummary:
    out_dir: Path
    fmt: str
    seed: int
    requested_lines: int
    as_of: date
    rows: Mapping[str, int]  # rows written per contract table
    files: Mapping[str, tuple[Path, ...]]  # the files of each table
    planted: Mapping[str, Planted]  # rule id → the alerts the data should raise at as_of
    exempted: Mapping[str, Planted]  # rule id → cases an exemption silences
    notes: tuple[str, ...] = ()

    @property
    def lines(self) -> int:
        return self.rows.get("orders", 0)

    def to_dict(self) -> dict[str, object]:
        return {
            "out_dir": str(self.out_dir), "format": self.fmt, "seed": self.seed,
            "requested_lines": self.requested_lines, "as_of": self.as_of.isoformat(),
            "rows": dict(self.rows),
            "files": {k: [str(p) for p in v] for k, v in self.files.items()},
            "planted": {k: v.to_dict() for k, v in self.planted.items()},
            "exempted": {k: v.to_dict() for k, v in self.exempted.items()},
            "notes": list(self.notes),
        }
