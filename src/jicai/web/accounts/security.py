"""What 等保 2.0's 安全审计 asks of sign-ins: every sign-in, failed sign-in, sign-out,
refusal (403) and export leaves an audit event with who, when and from where.

Signals connect in :meth:`AccountsConfig.ready`; the 403 handler is
``jicai.web.urls.handler403``; exports call :func:`record_export`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.views.defaults import permission_denied

from jicai.web.audit.record import Actor, record


def _ip(request: HttpRequest | None) -> str | None:
    return (request.META.get("REMOTE_ADDR") or None) if request is not None else None


def _scope(user: Any) -> str:
    if getattr(user, "region", None) is not None:
        return str(user.region.path)
    if getattr(user, "institution", None) is not None:
        return str(user.institution.region.path)
    return ""


def on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(Actor(user, _ip(request)), "accounts.login", user, before=None, after=None,
           scope_path=_scope(user))


def on_logout(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(Actor(user, _ip(request)), "accounts.logout", user, before=None, after=None,
               scope_path=_scope(user))


def on_login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None,
                    **kwargs: Any) -> None:
    # The username tried is kept (the password never is); the account may not exist.
    name = str(credentials.get("username") or "")[:150]
    record(Actor(None, _ip(request), via="sign-in"), "accounts.login_failed",
           ("accounts.user", name), before=None, after={"username": name})


def refused(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 403 page, after recording the refusal (who tried what, from where)."""
    user = getattr(request, "user", None)
    actor = Actor(user if user is not None and user.is_authenticated else None, _ip(request),
                  via="web")
    record(actor, "access.denied", ("url", request.path[:200]), before=None,
           after={"method": request.method, "path": request.path[:500]},
           scope_path=_scope(actor.user) if actor.user is not None else "")
    return permission_denied(request, exception or PermissionDenied())


def record_export(request: HttpRequest, filename: str, rows: int | None = None) -> None:
    """One event per download: which file, with which filters, for whom."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    record(Actor.of(request), "export.download", ("file", filename[:200]), before=None,
           after={"query": request.GET.urlencode()[:500], "rows": rows},
           scope_path=_scope(user))
