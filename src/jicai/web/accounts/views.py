"""Sign-in, the landing page, API tokens, and the administrator's user list."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jicai.web import clock
from jicai.web.accounts import services
from jicai.web.accounts.duties import duties_for
from jicai.web.accounts.forms import PasswordResetForm, RescopeForm, UserForm
from jicai.web.accounts.models import ApiToken
from jicai.web.accounts.permissions import current, get_scoped, require
from jicai.web.accounts.roles import Capability
from jicai.web.accounts.scoping import scoped_users
from jicai.web.accounts.services import create_user
from jicai.web.accounts.todo import todo_for
from jicai.web.audit.record import Actor, history, record
from jicai.web.paging import paged


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = current(request)
    return render(request, "accounts/home.html",
                  {"todo": todo_for(user), "duties": duties_for(user),
                   "notices": user.notices.filter(read_at__isnull=True)[:20],
                   "today_plus_2": clock.today() + dt.timedelta(days=2)})


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator's page for one account: disable / enable, reset, re-scope."""
    admin = current(request)
    require(admin, Capability.MANAGE_USERS)
    target = get_object_or_404(scoped_users(admin), pk=pk)
    reset_form, scope_form = PasswordResetForm(), RescopeForm(
        initial={"role": target.role, "scope": target.region_id or target.institution_id
                 or target.company_id})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("disable", "enable"):
                services.set_active(Actor.of(request), target, action == "enable")
                messages.success(request, _("Saved."))
                return redirect("accounts:user", pk=pk)
            if action == "reset":
                reset_form = PasswordResetForm(request.POST)
                if reset_form.is_valid():
                    services.reset_password(Actor.of(request), target,
                                            reset_form.cleaned_data["password"])
                    messages.success(request, _("The password was reset."))
                    return redirect("accounts:user", pk=pk)
            if action == "rescope":
                scope_form = RescopeForm(request.POST)
                if scope_form.is_valid():
                    services.rescope(Actor.of(request), target, scope_form.cleaned_data["role"],
                                     scope_form.cleaned_data["scope"])
                    messages.success(request, _("Saved."))
                    return redirect("accounts:user", pk=pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return render(request, "accounts/user.html", {
        "target": target, "reset_form": reset_form, "scope_form": scope_form,
        "history": history(target)})


@login_required
@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(current(request).notices, pk=pk)  # only one's own notices
    notice.read_at = clock.now()
    notice.save(update_fields=["read_at"])
    return redirect("home")


@login_required
def duties_json(request: HttpRequest) -> JsonResponse:
    """The same list as the home page, for a bureau's own tools (nearest deadline first)."""
    return JsonResponse({"today": clock.today().isoformat(),
                         "duties": [d.as_json() for d in duties_for(current(request))]},
                        json_dumps_params={"ensure_ascii": False})


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user = current(request)
    new_key = None
    if request.method == "POST":
        name = (request.POST.get("name") or "").strip() or "api"
        with transaction.atomic():
            token, new_key = ApiToken.issue(user, name)
            record(Actor.of(request), "accounts.token_issue", token, before=None,
                   after={"name": name, "user": user.pk})
    return render(request, "accounts/tokens.html",
                  {"tokens": user.tokens.order_by("-created"), "new_key": new_key})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = current(request)
    token = get_scoped(user.tokens.all(), pk=pk)
    with transaction.atomic():
        record(Actor.of(request), "accounts.token_revoke", token,
               before={"name": token.name, "user": user.pk}, after=None)
        token.delete()
    return redirect("accounts:tokens")


@login_required
def users(request: HttpRequest) -> HttpResponse:
    require(current(request), Capability.MANAGE_USERS)
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = create_user(Actor.of(request), data["username"], data["password"],
                               data["role"], data["scope"], within=current(request))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("User %(name)s created.") % {"name": user.username})
            return redirect("accounts:users")
    page = paged(request, scoped_users(current(request)).order_by("username"))
    return render(request, "accounts/users.html", {"users": page, "page": page, "form": form})
