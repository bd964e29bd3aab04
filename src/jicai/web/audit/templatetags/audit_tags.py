"""``{{ event.action|action_label }}`` and ``{% changes event as rows %}`` for audit pages."""

from __future__ import annotations

from typing import Any

from django import template

from jicai.web.audit import labels

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    return labels.action_label(code)


@register.simple_tag
def changes(event: Any) -> list[tuple[str, str, str]]:
    return labels.changes(event.target_type, event.before, event.after)
