"""Labels and kinds of the figures' columns, taken from the figures engine's one list.

``jicai.engine.measures.COLUMNS`` names every indicator column (id, 中文, kind);
documents take their headers and formats from there and never keep a copy.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jicai.engine.measures.columns import SCOPE_ZH, STATUS_ZH
from jicai.reports import numbers

__all__ = ["EXEMPTION_ZH", "LEVEL_ZH", "SCOPE_ZH", "SEVERITY_ZH", "STATUS_ZH", "excel_format",
           "exemption", "kind", "rule_title", "text", "zh"]
EXEMPTION_ZH = {"clinical_change": "临床使用调整", "supply_problem": "供应问题"}
SEVERITY_ZH = {"info": "提示", "warning": "预警", "critical": "严重"}
LEVEL_ZH = {"province": "全省", "city": "所在市", "county": "所在县区"}


@cache
def _columns() -> dict[str, Any]:
    from jicai.engine.measures.columns import BY_ID

    return dict(BY_ID)


def zh(column: str) -> str:
    return str(_columns()[column].zh)


def kind(column: str) -> str:
    """ratio, count, units, amount or days."""
    return str(_columns()[column].kind)


def text(column: str, value: Any) -> str:
    """``value`` of ``column`` written as a bureau writes it."""
    k = kind(column)
    if k == "ratio":
        return numbers.pct(value)
    if k == "amount":
        return numbers.yuan(value)
    if k == "days":
        return numbers.number(value)
    return numbers.count(value)


def excel_format(column: str) -> str:
    return str(_columns()[column].fmt)


def exemption(value: str | None) -> str:
    if not value:
        return ""
    return "、".join(EXEMPTION_ZH.get(v, v) for v in value.split(";"))


@cache
def rule_title(rule_id: str) -> str:
    from jicai.engine.registry import RULES, load_all

    load_all()
    r = RULES.get(rule_id)
    return f"{r.code} {r.title_zh}" if r else rule_id
