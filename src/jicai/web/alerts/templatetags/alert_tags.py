"""``{{ alert.rule_id|rule_title }}``: the rule's title in the page's language."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.translation import get_language

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


@register.filter
def figure(value: float | None) -> str:
    """A figure as the monitor gives it: ratios as decimals, hours, days, yuan."""
    if value is None:
        return "—"
    return f"{value:,.4f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
