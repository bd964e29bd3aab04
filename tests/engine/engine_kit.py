"""Helpers for the engine tests: row builders, rules.md default settings, alert comparison.

Every expected figure in ``tests/engine`` is worked out by hand from
``shared/spec/rules.md`` (and the policy texts it cites) and written beside the
data in a comment; these helpers only shape rows and compare.

The tiny province of ``tests/builders.py`` is the base of every data set:
H1 (lead of a consortium), H2, H3 (member of H1); V1 阿托伐他汀钙片 with PW
winning (10 units/pack, award 10.00 → 1.00 per unit), PB backup (award 12.00),
PN non-winning, PQ non-winning quality-equivalent; V2 冠脉支架 (hv_consumable,
1 unit/pack) with CW winning (award 700.00); B1 cycle 1 = 2025-01-01 … 2025-12-31
(365 days), B2 cycle 1 = 2025-03-01 … 2026-02-28 (365 days); agreed volumes
B1/H1/V1/M1 1 000 units and B2/H2/V2/M1 100 units.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from builders import DS, M1, M2, base_tables, order, write
from jicai.engine.run import MonitorResult, run_monitor
from jicai.policy.profiles import Profile, load_profile, parse_profile
from jicai.warehouse.store import Warehouse

__all__ = [
    "DEFAULTS", "DS", "M1", "M2", "NO_PROGRESS", "Engine", "Run", "agreed", "agreement",
    "alert_rows", "assert_alerts", "base_tables", "demand", "exemption", "filing", "history",
    "line", "listing", "make_profile", "payment", "product", "province", "ticket",
]

# rules.md, "Profiles and their defaults" (and the built-in profiles' settings for the
# rules whose numbers are fixed by the documents: 48 h, 24 h, 2/5/7 working days, 30 days,
# the 0.005 yuan rounding tolerance of C1, the 2 months of P3).
DEFAULTS: dict[str, dict[str, Any]] = {
    "progress.behind_schedule": {"tolerance": 0.0},
    "progress.incomplete_at_end": {},
    "entry.not_entered": {"months_after_start": 2},
    "share.nonwinning_high": {"threshold": 0.5},
    "demand.below_history": {"ratio": 1.0},
    "demand.missing": {},
    "agreement.unsigned": {"days": 30},
    "online.rate_low": {"drug": 0.9, "hv_consumable": 0.8},
    "order.unresponded_48h": {"hours": 48.0},
    "order.escalation_24h": {"hours": 24.0, "list_hours": 48.0},
    "delivery.overdue": {"hours": 72.0},
    "filing.late": {"working_days": 7},
    "filing.amount_over_limit": {"drug": 0.01, "consumable": 0.05},
    "filing.items_over_limit": {"drug_items": 0.05},
    "payment.overdue": {},
    "ticket.reply_overdue": {"working_days": 2},
    "ticket.commitment_too_long": {"working_days": 5},
    "ticket.resolution_overdue": {},
    "price.above_listing": {"tolerance": 0.005},
    "price.nonwinning_above_cap": {},
    # contract v1.1 rules of the rules-B family (rules.md, "Profiles and their defaults")
    "price.risk": {"yellow_rises": 2, "red_rises": 3, "yellow_growth": 0.5,
                   "red_growth": 1.0, "window_days": 90, "min_amount": 10000.0},
    "substitute.abnormal_growth": {"threshold": 0.3, "window_days": 90, "min_units": 100},
    "trace.duplicate_dispense": {},
    "trace.receipt_unscanned": {"threshold": 0.95, "min_packs": 10, "reporting_only": False},
    "trace.dispensed_over_received": {"tolerance_packs": 0},
    "prescriber.nonwinning_high": {"threshold": 0.5, "min_units": 100},
    # contract v1.1 rules of the rules-A family (rules.md, "Profiles and their defaults";
    # P4's tolerance is the schedule tolerance row, C4/C5 the 0.005 yuan of C1)
    "progress.forecast_short": {"tolerance": 0.0, "min_days": 60, "recent_days": 60},
    "demand.actual_deviates": {"deviation": 0.3},
    "purchase.nonwinning_only": {},
    "listing.spec_outside_supply_list": {},
    "price.above_award": {"tolerance": 0.005},
    "price.offline_above_listing": {"tolerance": 0.005},
    "supplier.delivery_rate_low": {"threshold": 0.9, "min_lines": 20, "delivery_hours": 72.0},
    "supplier.tickets_concentrated": {"window_days": 90, "min_institutions": 3},
}


def make_profile(rules: Iterable[str] | Mapping[str, Mapping[str, Any]], *,
                 backup_counts: bool = False) -> Profile:
    """A profile switching on just ``rules`` with the rules.md defaults (overridable)."""
    wanted: dict[str, dict[str, Any]] = {}
    if isinstance(rules, Mapping):
        for rid, over in rules.items():
            wanted[rid] = {**DEFAULTS[rid], **over}
    else:
        for rid in rules:
            wanted[rid] = dict(DEFAULTS[rid])
    data = {
        "profile": {"id": "test", "name": "测试"},
        "calculation": {"backup_counts_as_winning": backup_counts},
        "rules": {rid: {"clause": f"TEST {rid}", **s} for rid, s in wanted.items()},
    }
    return parse_profile(data, "test")


# --- rows -------------------------------------------------------------------------------


# For a rule that does not read agreed_volumes: without that table the run skips the
# progress table and the prepayment figures (about 0.65 s of CPU a run), which keeps the
# whole of tests/engine within its time budget. The rule under test sees the same data.
NO_PROGRESS = ("agreed_volumes",)


def province(drop: Iterable[str] = (), **rows: Sequence[dict[str, Any]]
             ) -> dict[str, list[dict[str, Any]]]:
    """``builders.base_tables()`` with ``rows`` appended per table (new tables created),
    and the tables named in ``drop`` left out of the folder."""
    tables = base_tables()
    for name, extra in rows.items():
        tables.setdefault(name, []).extend(extra)
    for name in drop:
        del tables[name]
    return tables


def line(line_id: str, inst: str, product: str, ordered_at: str, packs: int,
         price: str = "10.00", **kw: Any) -> dict[str, Any]:
    """An order line with an explicit id (on-platform, status ordered unless given)."""
    return order(inst, product, ordered_at, packs, price, order_line_id=line_id, **kw)


def product(code: str, variety: str, category: str = "drug", units_per_pack: int = 1,
            **kw: Any) -> dict[str, Any]:
    row = {"product_code": code, "generic_name": f"测试品{code}", "variety_code": variety,
           "category": category, "dosage_form": None, "spec": "1", "pack": "1/盒",
           "units_per_pack": units_per_pack, "company_code": M1,
           "quality_equivalent": False, "is_negotiated": False, "is_hk_macau": False}
    row.update(kw)
    return row


def agreed(batch: str, inst: str, variety: str, units: int, company: str = M1
           ) -> dict[str, Any]:
    return {"batch_code": batch, "cycle_no": 1, "institution_code": inst,
            "variety_code": variety, "company_code": company, "agreed_units": units}


def exemption(inst: str | None, variety: str, start: str, end: str, kind: str
              ) -> dict[str, Any]:
    return {"institution_code": inst, "variety_code": variety, "start_date": start,
            "end_date": end, "kind": kind}


def demand(batch: str, inst: str, variety: str, units: int, filed_at: str,
           explanation: str | None = None) -> dict[str, Any]:
    return {"batch_code": batch, "cycle_no": 1, "institution_code": inst,
            "variety_code": variety, "reported_units": units, "filed_at": filed_at,
            "explanation": explanation}


def history(inst: str, variety: str, year: int, units: int) -> dict[str, Any]:
    return {"institution_code": inst, "variety_code": variety, "year": year, "units": units}


def agreement(batch: str, inst: str, company: str, signed_at: str | None) -> dict[str, Any]:
    return {"batch_code": batch, "cycle_no": 1, "institution_code": inst,
            "company_code": company, "distributor_code": DS, "signed_at": signed_at}


def payment(pid: str, line_id: str, amount: str, paid_at: str, channel: str = "hospital"
            ) -> dict[str, Any]:
    return {"payment_id": pid, "order_line_id": line_id, "amount": amount,
            "paid_at": paid_at, "channel": channel}


def filing(fid: str, inst: str, amount: str, purchased_at: str, filed_at: str, *,
           category: str = "drug", product_code: str | None = None,
           product_name: str = "某备案药品", **kw: Any) -> dict[str, Any]:
    row = {"filing_id": fid, "institution_code": inst, "product_code": product_code,
           "product_name": product_name, "category": category, "qty": 1, "amount": amount,
           "purchased_at": purchased_at, "filed_at": filed_at, "is_negotiated": False,
           "is_hk_macau": False, "reason": None}
    row.update(kw)
    return row


def ticket(tid: str, reported_at: str, replied_at: str | None = None,
           committed_by: str | None = None, resolved_at: str | None = None,
           inst: str = "H1") -> dict[str, Any]:
    return {"ticket_id": tid, "institution_code": inst, "product_code": "PW",
            "company_code": M1, "reported_at": reported_at, "replied_at": replied_at,
            "committed_by": committed_by, "resolved_at": resolved_at}


def listing(prod: str, effective: str, price: str, cap: str | None = None,
            status: str = "listed") -> dict[str, Any]:
    return {"product_code": prod, "effective_date": effective, "price": price,
            "status": status, "price_cap": cap}


# --- comparing --------------------------------------------------------------------------

Key = tuple[Any, ...]


def alert_rows(alerts: Sequence[Mapping[str, Any]], rule_id: str,
               key: Sequence[str] = ("institution_code", "ref", "severity")
               ) -> list[tuple[Any, ...]]:
    """The alerts of ``rule_id`` as (key fields…, value, threshold), sorted."""
    rows = [(*(a[k] for k in key), a["value"], a["threshold"])
            for a in alerts if a["rule_id"] == rule_id]
    return sorted(rows, key=lambda r: tuple("" if v is None else str(v) for v in r[:-2]))


def assert_alerts(alerts: Sequence[Mapping[str, Any]], rule_id: str,
                  expected: Iterable[tuple[Any, ...]],
                  key: Sequence[str] = ("institution_code", "ref", "severity")) -> None:
    """Exactly the ``expected`` alerts of ``rule_id``: key fields equal, figures to 1e-6.

    The engine rounds value and threshold to 6 decimals, so the hand-worked exact
    figures (written as fractions) are compared within 1e-6.
    """
    got = alert_rows(alerts, rule_id, key)
    want = sorted(expected, key=lambda r: tuple("" if v is None else str(v) for v in r[:-2]))
    assert [r[:-2] for r in got] == [tuple(r[:-2]) for r in want], (
        f"{rule_id}: alerts differ\n got: {got}\nwant: {want}")
    for g, w in zip(got, want, strict=True):
        for gv, wv, what in ((g[-2], w[-2], "value"), (g[-1], w[-1], "threshold")):
            assert gv is not None and math.isclose(gv, wv, rel_tol=0, abs_tol=1e-6), (
                f"{rule_id} {g[:-2]}: {what} {gv} != {wv}")


def as_date(d: str | date) -> date:
    return d if isinstance(d, date) else date.fromisoformat(d)


# --- running ---------------------------------------------------------------------------


@dataclass
class Run:
    alerts: list[dict[str, Any]]
    progress: list[dict[str, Any]]
    result: MonitorResult

    def of(self, rule_id: str) -> list[dict[str, Any]]:
        return [a for a in self.alerts if a["rule_id"] == rule_id]

    def row(self, batch: str, inst: str, variety: str) -> dict[str, Any]:
        rows = [p for p in self.progress if (p["batch_code"], p["institution_code"],
                                             p["variety_code"]) == (batch, inst, variety)]
        assert len(rows) == 1, f"progress rows for {batch}/{inst}/{variety}: {rows}"
        return rows[0]

    def status(self, rule_id: str) -> str:
        return next(r.status for r in self.result.rules if r.rule_id == rule_id)


class Engine:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.n = 0

    def load(self, tables: Mapping[str, list[dict[str, Any]]] | None = None) -> Warehouse:
        self.n += 1
        folder = write(dict(tables if tables is not None else province()),
                       self.tmp / f"data{self.n}")
        wh = Warehouse(self.tmp / f"home{self.n}")
        wh.import_folder(folder)
        return wh

    def run(self, wh: Warehouse, as_of: str | date,
            rules: Iterable[str] | Mapping[str, Mapping[str, Any]] | Profile, *,
            backup_counts: bool = False) -> Run:
        profile = rules if isinstance(rules, Profile) else make_profile(
            rules, backup_counts=backup_counts)
        # the rules' tests read alerts and progress; the figures have their own tests
        result = run_monitor(wh, as_date(as_of), profile, figures=False)
        for r in result.rules:
            assert r.status in ("ran", "unavailable"), f"{r.rule_id} did not run: {r.note}"
        return Run(result.alerts.to_pylist(), result.progress.to_pylist(), result)

    def run_profile(self, wh: Warehouse, as_of: str | date, name: str) -> Run:
        return self.run(wh, as_of, load_profile(name))

    def monitor(self, as_of: str | date,
                rules: Iterable[str] | Mapping[str, Mapping[str, Any]], *,
                backup_counts: bool = False, drop: Iterable[str] = (),
                **rows: list[dict[str, Any]]) -> Run:
        return self.run(self.load(province(drop, **rows)), as_of, rules,
                        backup_counts=backup_counts)
