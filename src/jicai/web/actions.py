"""How a page runs a workflow action: POST only, refusals shown, never a half change."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from jicai.web.workflow import WorkflowError


def run_action(request: HttpRequest, action: Callable[[], object], done: str,
               back: str) -> HttpResponse:
    """Run ``action``; on success say ``done``, on a WorkflowError show why; go to ``back``.

    PermissionDenied and Http404 pass through (403 and 404 pages).
    """
    try:
        action()
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(back)
