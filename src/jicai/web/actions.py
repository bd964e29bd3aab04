"""How a page runs a workflow action: POST only, refusals shown, never a half change."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from jicai.web.workflow import WorkflowError


def run_action(request: HttpRequest, action: Callable[[], object], done: str,
               back: str, draft: str | None = None) -> HttpResponse:
    """Run ``action``; on success say ``done``, on a WorkflowError show why; go to ``back``.

    With ``draft``, a refused form's fields are kept under that name (see
    :func:`take_draft`), so what the user typed is on the page again beside the
    reason. PermissionDenied and Http404 pass through (403 and 404 pages).
    """
    try:
        action()
    except WorkflowError as exc:
        messages.error(request, str(exc))
        if draft is not None:
            keep_draft(request, draft, request.POST)
    else:
        messages.success(request, done)
    return redirect(back)


def keep_draft(request: HttpRequest, name: str, data: Mapping[str, Any]) -> None:
    """Keep a refused form's text fields for the next page the user sees."""
    request.session[f"draft:{name}"] = {k: str(v) for k, v in data.items()
                                        if k != "csrfmiddlewaretoken"}


def take_draft(request: HttpRequest, name: str) -> dict[str, str] | None:
    """The fields kept by :func:`keep_draft` (once), or None."""
    draft: dict[str, str] | None = request.session.pop(f"draft:{name}", None)
    return draft
