"""等保 2.0 for sign-ins: lockout (per username and per address), idle timeout, password
rules, accounts an administrator can disable / reset / re-scope, and an audit trail of
sign-ins, failures, refusals and exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from jicai.web.accounts import services
from jicai.web.accounts.models import User
from jicai.web.audit.models import AuditEvent
from jicai.web.audit.record import Actor
from tests.web.world import PASSWORD, World

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _sign_in(client: Client, username: str, password: str, ip: str = "10.1.1.1") -> int:
    r = client.post("/accounts/login/", {"username": username, "password": password},
                    REMOTE_ADDR=ip, **ZH)
    return r.status_code


def test_five_failures_lock_the_username_until_a_reset(world: World) -> None:
    client = Client()
    for i in range(4):
        assert _sign_in(client, "hospital", f"wrong-{i}", ip=f"10.9.0.{i}") == 200
    assert _sign_in(client, "hospital", "wrong-4", ip="10.9.0.4") == 429  # the 5th locks
    # The right password, from yet another address: the username is locked.
    r = client.post("/accounts/login/", {"username": "hospital", "password": PASSWORD},
                    REMOTE_ADDR="10.9.9.9", **ZH)
    assert r.status_code == 429 and "登录暂时锁定" in r.content.decode()
    # five wrong passwords and the refused right one: six failed sign-ins on record
    assert AuditEvent.objects.filter(action="accounts.login_failed",
                                     after__username="hospital").count() == 6
    services.reset_password(Actor(world.users["admin"]), world.users["hospital"],
                            "a-fresh-passphrase-7")
    assert _sign_in(client, "hospital", "a-fresh-passphrase-7", ip="10.9.9.9") == 302
    event = AuditEvent.objects.filter(action="accounts.login").latest("id")
    assert (event.actor_name, event.ip) == ("hospital", "10.9.9.9")


def test_five_failures_from_one_address_lock_that_address(world: World) -> None:
    client = Client()
    for name in ("province", "city", "county_a", "county_b"):
        assert _sign_in(client, name, "not-the-password", ip="10.7.7.7") == 200
    assert _sign_in(client, "county_d", "not-the-password", ip="10.7.7.7") == 429
    assert _sign_in(client, "hospital", PASSWORD, ip="10.7.7.7") == 429  # that address
    assert _sign_in(Client(), "hospital", PASSWORD, ip="10.7.7.8") == 302  # another one


def test_an_idle_session_ends(world: World) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    client = Client()
    assert _sign_in(client, "hospital", PASSWORD) == 302
    assert client.get("/").status_code == 200
    # 31 minutes without a request: the server-side session has expired.
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(minutes=1))
    r = client.get("/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


@pytest.mark.parametrize("password", ["12345678901", "password1234", "hospital-2026"])
def test_weak_passwords_are_refused(world: World, password: str) -> None:
    with pytest.raises(ValidationError):
        services.reset_password(Actor(world.users["admin"]), world.users["hospital"], password)


def test_an_administrator_disables_and_rescopes_with_a_trace(world: World,
                                                             as_: Callable[[str], Client]) -> None:
    admin = as_("admin")
    hospital = world.users["hospital"]
    r = admin.post(f"/accounts/users/{hospital.pk}/", {"action": "disable"}, follow=True, **ZH)
    assert "已停用" in r.content.decode()
    assert _sign_in(Client(), "hospital", PASSWORD) == 200  # refused: stays on the form
    with pytest.raises(ValidationError):
        services.set_active(Actor(world.users["admin"]), world.users["admin"], False)
    county_b = world.users["county_b"]
    admin.post(f"/accounts/users/{county_b.pk}/",
               {"action": "rescope", "role": "county_officer", "scope": "220102"}, **ZH)
    county_b.refresh_from_db()
    assert county_b.region_id == "220102"
    r = admin.post(f"/accounts/users/{county_b.pk}/",
                   {"action": "rescope", "role": "county_officer", "scope": "220100"},
                   follow=True, **ZH)
    assert "须对应同级行政区划" in r.content.decode()  # a county role needs a county
    actions = list(AuditEvent.objects.filter(action__in=["accounts.disable", "accounts.rescope"])
                   .values_list("action", flat=True).order_by("id"))
    assert actions == ["accounts.disable", "accounts.rescope"]
    assert as_("county_a").get(f"/accounts/users/{hospital.pk}/").status_code == 403
    page = admin.get(f"/accounts/users/{county_b.pk}/", **ZH).content.decode()
    assert "修改角色与管辖范围" in page and "A县" in page  # history in words, by name


def test_refusals_and_downloads_are_in_the_audit_log(world: World,
                                                     as_: Callable[[str], Client]) -> None:
    assert as_("county_a").get("/accounts/users/", REMOTE_ADDR="10.3.3.3").status_code == 403
    event = AuditEvent.objects.get(action="access.denied")
    assert (event.actor_name, event.ip, event.after["path"]) == (
        "county_a", "10.3.3.3", "/accounts/users/")
    as_("province").get("/audit/audit-log.csv?action=access.")
    export = AuditEvent.objects.get(action="export.download")
    assert export.target_id == "audit-log.csv" and export.after["query"] == "action=access."
    assert export.after["rows"] == 1
    assert User.objects.get(username="county_a").is_active
