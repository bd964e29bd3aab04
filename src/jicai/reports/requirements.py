"""What each indicator is held against under a profile: the threshold and its clause.

The documents set an institution's figure beside the profile's requirement
(GANZHOU 附件1: 网采率 ≥ 90 % / 80 %; HENAN 二(九) and JILIN 第二十一条: non-winning
share ≤ 50 %; …). A requirement comes from a rule the profile switches on, with
that rule's own setting and clause; without the rule there is no requirement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jicai.policy.notices import clause_zh
from jicai.policy.profiles import Profile
from jicai.reports.numbers import pct


@dataclass(frozen=True)
class Requirement:
    op: str  # ">=" or "<="; "schedule": completion at least the schedule
    value: float | None  # None with op "schedule"
    clause: str
    rule_id: str

    def text(self, schedule: float | None = None) -> str:
        if self.op == "schedule":
            return f"≥ 序时进度 {pct(schedule)}" if schedule is not None else "≥ 序时进度"
        return f"{'≥' if self.op == '>=' else '≤'} {pct(self.value)}"

    def met(self, v: float | None, schedule: float | None = None) -> bool | None:
        """Whether ``v`` meets it; None when either side is missing."""
        if v is None:
            return None
        if self.op == "schedule":
            return None if schedule is None else v >= schedule - 1e-9
        assert self.value is not None
        return v >= self.value - 1e-9 if self.op == ">=" else v <= self.value + 1e-9


def requirements(profile: Profile) -> dict[str, Requirement]:
    """Indicator id → its requirement under ``profile`` (only for rules switched on)."""
    out: dict[str, Requirement] = {}

    def on(rule_id: str) -> dict[str, Any] | None:
        cfg = profile.rules.get(rule_id)
        # documents are read in Chinese: the notices by their Chinese short names
        return None if cfg is None else {"clause": clause_zh(cfg.clause), **cfg.settings}

    if (r := on("progress.behind_schedule")) is not None:
        out["completion"] = Requirement("schedule", None, r["clause"], "progress.behind_schedule")
    if (r := on("entry.not_entered")) is not None:
        out["entry_rate"] = Requirement(">=", 1.0, r["clause"], "entry.not_entered")
    if (r := on("share.nonwinning_high")) is not None:
        out["nonwinning_share"] = Requirement("<=", float(r["threshold"]), r["clause"],
                                              "share.nonwinning_high")
    if (r := on("online.rate_low")) is not None:
        out["online_rate_drug"] = Requirement(">=", float(r["drug"]), r["clause"],
                                              "online.rate_low")
        out["online_rate_hv"] = Requirement(">=", float(r["hv_consumable"]), r["clause"],
                                            "online.rate_low")
    if (r := on("order.unresponded_48h")) is not None:
        out["response_48h_rate"] = Requirement(">=", 1.0, r["clause"], "order.unresponded_48h")
    if (r := on("supplier.delivery_rate_low")) is not None:
        out["delivery_rate"] = Requirement(">=", float(r["threshold"]), r["clause"],
                                           "supplier.delivery_rate_low")
    if (r := on("delivery.overdue")) is not None:
        out["timely_delivery_rate"] = Requirement(">=", 1.0, r["clause"], "delivery.overdue")
    if (r := on("payment.overdue")) is not None:
        out["payment_on_time_rate"] = Requirement(">=", 1.0, r["clause"], "payment.overdue")
    if (r := on("filing.amount_over_limit")) is not None:
        out["filing_amount_share_drug"] = Requirement("<=", float(r["drug"]), r["clause"],
                                                      "filing.amount_over_limit")
        out["filing_amount_share_consumable"] = Requirement(
            "<=", float(r["consumable"]), r["clause"], "filing.amount_over_limit")
    if (r := on("filing.items_over_limit")) is not None:
        out["filing_item_share"] = Requirement("<=", float(r["drug_items"]), r["clause"],
                                               "filing.items_over_limit")
    return out


def nonwinning_threshold(profile: Profile) -> float:
    """S1's threshold, or 0.5 where the profile has none (figures.md, nonwinning_over)."""
    cfg = profile.rules.get("share.nonwinning_high")
    return float(cfg.settings["threshold"]) if cfg else 0.5
