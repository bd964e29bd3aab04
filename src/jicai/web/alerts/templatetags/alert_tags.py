"""``{{ alert.rule_id|rule_title }}``: the rule's title in the page's language;
``{% clause "ticket.reply_overdue" %}``: the clause the profile in force cites for it."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()


@lru_cache(maxsize=1)
def _titles() -> dict[str, tuple[str, str]]:
    try:
        from jicai.web.monitoring.bridge import rule_titles

        return rule_titles()
    except ImportError:  # the engine is optional for the inbox
        return {}


@register.filter
def rule_title(rule_id: str) -> str:
    zh, en = _titles().get(rule_id, (rule_id, rule_id))
    return zh if (get_language() or "zh").startswith("zh") else en


@lru_cache(maxsize=1)
def _codes() -> dict[str, str]:
    try:
        from jicai.web.monitoring.bridge import rule_codes

        return rule_codes()
    except ImportError:
        return {}


@register.filter
def rule_code(rule_id: str) -> str:
    """The rule's short code (规则 R1), which officers and rules.md use; never the id."""
    return _codes().get(rule_id, "")


_RULE_STATUS = {"ran": _("ran"), "off": _("off: a table it needs is missing"),
                "unavailable": _("not available")}


@register.filter
def severity_label(value: str) -> str:
    from jicai.web.alerts.models import Severity

    return str(dict(Severity.choices).get(value, value))


@register.filter
def rule_status(value: str) -> str:
    """A rule's status in a monitor run (ran / off / unavailable) in words."""
    return str(_RULE_STATUS.get(value, value))


_MISSING = "missing tables: "


def _table_name(name: str) -> str:
    from jicai.contract.schemas import STORED_TABLES

    table = STORED_TABLES.get(name)
    return table.zh if table is not None and (get_language() or "zh").startswith("zh") \
        else name


@register.filter
def table_rows(rows: dict[str, int] | None) -> str:
    """``{"tickets": 3}`` as a reader says it: ``供应问题反馈 3`` (the contract's name)."""
    sep = "，" if (get_language() or "zh").startswith("zh") else ", "
    return sep.join(f"{_table_name(k)} {v}" for k, v in (rows or {}).items())


@register.filter
def rule_note(note: str | None, status: str | None = None) -> str:
    """The engine's note on a rule in a run, in the page's language: the tables an 'off'
    rule lacked by their contract names (采购订单明细, not ``orders``); else as written."""
    text = str(note or "")
    if status != "off" or _MISSING not in text:
        return text
    names = [t.strip() for t in text.split(_MISSING, 1)[1].split(",") if t.strip()]
    if (get_language() or "zh").startswith("zh"):
        return "缺少数据表：" + "、".join(_table_name(t) for t in names)
    return _MISSING + ", ".join(names)


@lru_cache(maxsize=8)
def _clauses(profile: str) -> dict[str, str]:
    from jicai.engine.registry import RULES, load_all
    from jicai.policy.profiles import load_profile

    load_all()
    on = load_profile(profile).rules
    # The profile's own clause where it has the rule on; otherwise the notice the duty
    # comes from, marked as a reference (参照), since this profile does not cite it.
    out = {rid: f"参照 {r.clause}" for rid, r in RULES.items()}
    out.update({rid: cfg.clause for rid, cfg in on.items()})
    return out


@register.filter
def clause_text(text: str) -> str:
    """A clause as cited (``HENAN 二(八)``) in the page's language (``河南 二(八)``)."""
    if not text or not (get_language() or "zh").startswith("zh"):
        return text or ""
    from jicai.policy.notices import clause_zh

    return clause_zh(text).replace("参照 ", "参照")


@register.simple_tag
def clause(rule_id: str) -> str:
    """The clause of the profile in force (settings.JICAI_PROFILE) for ``rule_id``."""
    from django.conf import settings

    text = _clauses(settings.JICAI_PROFILE).get(rule_id, "")
    if (get_language() or "zh").startswith("zh"):
        return clause_text(text)
    return text.replace("参照 ", "cf. ")


@register.filter
def figure(value: float | None, rule_id: str | None = None) -> str:
    """A figure as a reader writes it: ``{{ a.value|figure:a.rule_id }}`` gives the
    rule's unit (ratios as a percentage with one decimal, hours, days, working days,
    yuan); without a rule, the number as the monitor gives it."""
    if value is None:
        return "—"
    unit = _UNITS.get(rule_id or "")
    zh = (get_language() or "zh").startswith("zh")
    if unit == "ratio":
        return f"{value * 100:,.1f}%"
    if unit == "yuan":
        return f"{value:,.2f} 元" if zh else f"{value:,.2f} yuan"
    if unit == "hours":
        return f"{value:,.1f} 小时" if zh else f"{value:,.1f} h"
    if unit in ("days", "workdays"):
        n = f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
        if unit == "days":
            return f"{n} 天" if zh else f"{n} days"
        return f"{n} 个工作日" if zh else f"{n} working days"
    return f"{value:,.4f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"


# The unit of each rule's value and threshold (rules.md: "a ratio as a decimal, hours,
# days, yuan"); rules whose figure is a count, or mixed (price.risk), are left plain.
_UNITS: dict[str, str] = {
    **dict.fromkeys(("progress.behind_schedule", "progress.incomplete_at_end",
                     "progress.forecast_short", "share.nonwinning_high",
                     "demand.below_history", "online.rate_low", "filing.amount_over_limit",
                     "filing.items_over_limit", "supplier.delivery_rate_low",
                     "trace.receipt_unscanned", "prescriber.nonwinning_high",
                     "substitute.abnormal_growth"), "ratio"),
    **dict.fromkeys(("order.unresponded_48h", "order.escalation_24h", "delivery.overdue"),
                    "hours"),
    **dict.fromkeys(("payment.overdue", "ticket.resolution_overdue", "agreement.unsigned"),
                    "days"),
    **dict.fromkeys(("filing.late", "ticket.reply_overdue", "ticket.commitment_too_long"),
                    "workdays"),
    **dict.fromkeys(("price.above_listing", "price.nonwinning_above_cap", "price.above_award",
                     "price.offline_above_listing", "listing.spec_outside_supply_list"),
                    "yuan"),
}
