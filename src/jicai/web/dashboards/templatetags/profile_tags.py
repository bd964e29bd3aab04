"""``{{ run.profile|profile_name }}``: a policy profile's name (河南省 / Henan) in the
page's language, never its id (``henan``), which a person does not read."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=16)
def _names(profile_id: str) -> tuple[str, str]:
    from jicai.errors import JicaiError
    from jicai.policy.profiles import load_profile

    try:
        profile = load_profile(profile_id)
    except (JicaiError, OSError, ValueError):  # a bureau's own file since moved: keep the id
        return profile_id, profile_id
    return profile.name, profile.name_en


@register.filter
def profile_name(profile_id: str | None) -> str:
    if not profile_id:
        return ""
    zh, en = _names(str(profile_id))
    return zh if (get_language() or "zh").startswith("zh") else en


@register.filter
def run_source(source: str | None) -> str:
    """Where a run's alerts came from (``warehouse <snapshot>`` / ``file alerts.csv``),
    in the page's language."""
    if not source:
        return ""
    kind, _, rest = str(source).partition(" ")
    zh = (get_language() or "zh").startswith("zh")
    if kind == "warehouse":
        return f"数据仓库快照 {rest}" if zh else f"warehouse snapshot {rest}"
    if kind == "file":
        return f"文件 {rest}" if zh else f"file {rest}"
    return str(source)


@register.filter
def scope_name(code: str | None) -> str:
    """An institution's or a region's name for its code (a person reads names)."""
    if not code:
        return ""
    from jicai.web.reference.models import Institution, Region

    for model in (Institution, Region):
        obj = model.objects.filter(pk=code).only("name").first()
        if obj is not None:
            return str(obj.name)
    return str(code)
