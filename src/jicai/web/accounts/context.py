"""The navigation bar: what the signed-in user may open, by capability and scope."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jicai.web.accounts.roles import Capability, ScopeKind, can
from jicai.web.accounts.scope import kind_of

# (url name, label, who sees it: scope kinds, or a capability)
_ITEMS: list[tuple[str, Any, set[ScopeKind] | Capability]] = [
    ("home", _("Home"), {ScopeKind.REGION, ScopeKind.INSTITUTION, ScopeKind.COMPANY}),
    ("filings:windows", _("Demand filing"), {ScopeKind.REGION, ScopeKind.INSTITUTION}),
    ("tickets:list", _("Supply problems"),
     {ScopeKind.REGION, ScopeKind.INSTITUTION, ScopeKind.COMPANY}),
    ("purchases:list", _("Off-platform purchases"), {ScopeKind.REGION, ScopeKind.INSTITUTION}),
    ("agreements:list", _("Agreements"),
     {ScopeKind.REGION, ScopeKind.INSTITUTION, ScopeKind.COMPANY}),
    ("alerts:inbox", _("Alerts"), {ScopeKind.REGION, ScopeKind.INSTITUTION, ScopeKind.COMPANY}),
    ("dashboards:overview", _("Dashboard"), {ScopeKind.REGION}),
    ("monitoring:runs", _("Monitor runs"), Capability.RUN_MONITOR),
    ("audit:log", _("Audit log"), Capability.VIEW_AUDIT),
    ("accounts:users", _("Users"), Capability.MANAGE_USERS),
    ("api-1.0.0:openapi-view", _("API"), {ScopeKind.REGION, ScopeKind.INSTITUTION,
                                          ScopeKind.COMPANY}),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    kind = kind_of(user) if user is not None else None  # type: ignore[arg-type]
    if kind is None:
        return {"nav": []}
    items = []
    for name, label, who in _ITEMS:
        visible = can(user, who) if isinstance(who, Capability) else kind in who  # type: ignore[arg-type]
        if visible:
            url = reverse(name)
            items.append({"url": url, "label": label,
                          "active": request.path == url if name == "home"
                          else request.path.startswith(url)})
    return {"nav": items}
