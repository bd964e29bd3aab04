"""Picking rows out of a run's figures for a region and a period: the region itself, the
regions one level down, its institutions, its varieties, and worst-first lists.

Selection only filters and sorts what the figures files hold; ties are broken by the
code, so a list is the same on every run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jicai.errors import JicaiError
from jicai.reports.run_data import RunData

CHILD = {"province": "city", "city": "county", "county": None}
Row = dict[str, Any]


@dataclass
class Scope:
    """The region a document covers, within one run and one period."""

    run: RunData
    code: str
    level: str
    period: str

    @property
    def name(self) -> str:
        return self.run.names.region(self.code)

    @property
    def child_level(self) -> str | None:
        return CHILD[self.level]

    def own(self, period: str | None = None) -> Row:
        return self.run.figure(self.level, self.code, period or self.period)

    def children(self) -> list[Row]:
        lv = self.child_level
        if lv is None:
            return []
        return sorted(self.run.figure_rows(scope=lv, period=self.period,
                                           region_code=self.code), key=lambda r: r["code"])

    def institutions(self) -> list[Row]:
        names = self.run.names
        return sorted((r for r in self.run.figure_rows(scope="institution", period=self.period)
                       if names.within(r.get("region_code") or "", self.code)),
                      key=lambda r: r["code"])

    def varieties(self) -> list[Row]:
        return sorted(self.run.figure_rows(scope="variety", period=self.period,
                                           region_code=self.code), key=lambda r: r["code"])

    def months(self, upto: str | None = None) -> list[Row]:
        """The region's month rows of the year, up to the month ``upto`` (inclusive)."""
        rows = sorted(self.run.figure_rows(scope=self.level, period_kind="month",
                                           codes={self.code}), key=lambda r: r["period"])
        return [r for r in rows if upto is None or r["period"] <= upto]

    def ranking(self, ranking: str, scope: str | None = None) -> list[Row]:
        """Rows of ``rankings.parquet`` for this period, one level down, best first."""
        lv = scope or self.child_level
        rows = [r for r in self.run.ranked(ranking, self.period) if r["scope"] == lv
                and (lv in ("institution", "company")
                     or r["region_code"] == self.code)]
        if lv == "institution":
            rows = [r for r in rows if self.run.names.within(r.get("region_code") or "",
                                                             self.code)]
        return sorted(rows, key=lambda r: r["rank"])


def scope_for(run: RunData, region: str | None, period: str) -> Scope:
    names = run.names
    code = region or names.province()
    if code is None or code not in names.regions:
        raise JicaiError(f"区划代码 {region} 不在仓库的行政区划表中",
                         f"region {region} is not in the warehouse's regions table")
    return Scope(run, code, names.regions[code].level, period)


def worst(rows: list[Row], key: str, *, high_is_bad: bool, n: int = 5,
          where: Callable[[Row], bool] | None = None) -> list[Row]:
    """The ``n`` worst rows by ``key`` (rows without the figure are left out)."""
    got = [r for r in rows if r.get(key) is not None and (where is None or where(r))]
    if high_is_bad:
        got.sort(key=lambda r: (-float(r[key]), r["code"]))
    else:
        got.sort(key=lambda r: (float(r[key]), r["code"]))
    return got[:n]
