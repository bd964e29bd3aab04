"""Rules are registered units: id, clause, message, settings, computation.

A rule module declares its rules with :func:`rule`; the runner iterates over
:data:`RULES` and knows no rule by name. A rule that the policies define but
that needs data outside contract v1 is :func:`declared` (known to profiles,
documented, never computed) so that a profile naming it is valid and the run
says plainly why it was not evaluated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from jicai.engine.context import Context

Compute = Callable[["Context", Mapping[str, Any]], "ir.Table"]
# A message template (see jicai.engine.messages), or one per severity.
Message = str | Mapping[str, str]


@dataclass(frozen=True)
class Rule:
    id: str  # e.g. "progress.behind_schedule"
    code: str  # e.g. "P1"
    title_zh: str
    title_en: str
    clause: str  # every clause rules.md cites for it
    needs: tuple[str, ...]  # contract tables without which the rule is off
    settings: Mapping[str, type] = field(default_factory=dict)
    compute: Compute | None = None
    message: Message = ""
    why_unavailable: str = ""
    uses_calendar: bool = False  # counts in working days: needs the official calendar

    @property
    def available(self) -> bool:
        return self.compute is not None


RULES: dict[str, Rule] = {}

# The columns every rule computation returns (besides extra ones its message uses).
ALERT_FIELDS = ("severity", "institution_code", "batch_code", "cycle_no", "variety_code",
                "product_code", "ref", "value", "threshold")


def rule(*, id: str, code: str, title_zh: str, title_en: str, clause: str,
         needs: tuple[str, ...], settings: Mapping[str, type] | None = None,
         message: Message, uses_calendar: bool = False) -> Callable[[Compute], Compute]:
    """Register the decorated function as the computation of rule ``id``."""

    def register(fn: Compute) -> Compute:
        if id in RULES:  # pragma: no cover - a programming error
            raise ValueError(f"rule {id} registered twice")
        RULES[id] = Rule(id, code, title_zh, title_en, clause, needs, dict(settings or {}),
                         fn, message, uses_calendar=uses_calendar)
        return fn

    return register


def declared(*, id: str, code: str, title_zh: str, title_en: str, clause: str,
             settings: Mapping[str, type], why_zh: str) -> None:
    RULES[id] = Rule(id, code, title_zh, title_en, clause, (), dict(settings),
                     why_unavailable=why_zh)


def load_all() -> dict[str, Rule]:
    """Import every rule module (each registers its rules) and return the registry."""
    from jicai.engine import (  # noqa: F401  (imported for their registrations)
        agreements,
        demand,
        filings,
        listing,
        online,
        orders,
        payments,
        prescribers,
        prices,
        progress,
        purchases,
        substitutes,
        suppliers,
        tickets,
        trace,
    )

    order = {code: i for i, code in enumerate(SPEC_ORDER)}
    ordered = sorted(RULES.values(), key=lambda r: order.get(r.code, len(order)))
    RULES.clear()
    RULES.update((r.id, r) for r in ordered)
    return RULES


# The order of the rule tables in rules.md (the v1 table, then "Rules added in contract
# v1.1" without C3 and S2, which the v1 table lists already).
SPEC_ORDER = ("P1", "P2", "P3", "S1", "D1", "D2", "A1", "O1", "R1", "R2", "R3", "F1", "F2", "F3",
              "M1", "T1", "T2", "T3", "C1", "C2", "C3", "S2",
              "P4", "D3", "N1", "L1", "C4", "C5", "R4", "T4", "H1", "H2", "H3", "K1")
