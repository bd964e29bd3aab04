"""``{{ event.action|action_label }}``, ``record_label``, ``actor_label`` and ``{% changes event as rows %}`` for audit pages."""

from __future__ import annotations

from typing import Any

from django import template

from jicai.web.audit import labels

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    return labels.action_label(code)


@register.filter
def record_label(target_type: str) -> str:
    return labels.record_label(target_type)


@register.filter
def actor_label(name: str) -> str:
    return labels.actor_label(name)


@register.simple_tag
def changes(event: Any) -> list[tuple[str, str, str]]:
    return labels.changes(event.target_type, event.before, event.after)
