"""Demo accounts: one user per role, picked from the reference data, with a known password;
and the demo's clock.

``jicai serve --demo`` calls these; the sign-ins are printed at startup and
listed in ``docs/web.md``. Never use them outside a demonstration.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from django.db.models import Count

from jicai.web import clock
from jicai.web.accounts.models import User
from jicai.web.accounts.roles import Role
from jicai.web.accounts.services import create_user
from jicai.web.audit.record import Actor
from jicai.web.purchases.models import OffPlatformPurchase
from jicai.web.reference.models import Company, Institution, Region

DEMO_PASSWORD = "jicai-demo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    scope: str
    scope_name: str


def ensure_demo_data(home: Path, lines: str = "tiny") -> bool:
    """Generate the synthetic province into an empty home; False if it already had data."""
    from jicai.warehouse.store import Warehouse

    warehouse = Warehouse(home)
    if warehouse.current_id:
        return False
    from jicai.demo.generate import generate

    with tempfile.TemporaryDirectory(prefix="jicai-demo-") as tmp:
        generate(Path(tmp), lines=lines)
        warehouse.import_folder(Path(tmp), user="demo")
    return True


def holds_demo_data() -> bool:
    """Whether the reference data loaded are the demo's province (中州省, code 390000:
    GB/T 2260 gives no province the code 39, so no real data has it)."""
    from jicai.demo.catalogue import PROVINCE_CODE

    return Region.objects.filter(code=PROVINCE_CODE, parent__isnull=True).exists()


def demo_now() -> dt.datetime:
    """The demo's as-of moment: the end of ``DEMO_AS_OF`` in Beijing, where its data end.

    The monitor counts open clocks (48 h for an order, a delivery's days) to the end of
    the as-of day, so the pages' clocks agree with its alerts at this moment.
    """
    from jicai.demo.generate import DEMO_AS_OF

    return clock.at_beijing(dt.datetime.combine(DEMO_AS_OF, dt.time(23, 59)))


def set_demo_clock() -> dt.datetime:
    """Set the app's clock (``JICAI_NOW``) to the demo's as-of moment, for this process
    (decision 0011). Only the demo server calls this, and only on the demo's data."""
    from django.conf import settings

    moment = demo_now()
    settings.JICAI_NOW = moment
    return moment


def _picks() -> list[tuple[str, Any, str]]:
    """(username, role, scope code) for every role, chosen so that the workflows connect.

    The demo province's fixed cast (:mod:`jicai.demo.personas`) gives the hospital, a
    second hospital in another city, a drug maker, a device maker and a pure
    distributor; the county and city officers are those of the first hospital, so an
    officer's drill-down reaches it. Other reference data falls back to picks by code.
    """
    from jicai.demo import personas

    province = Region.objects.filter(parent__isnull=True).order_by("code").first()
    if province is None:
        raise click.ClickException("no regions with institutions: load the reference data first")
    cast = {p.code for p in personas.PERSONAS}
    found_inst = {i.code: i for i in Institution.objects.filter(code__in=cast)
                  .select_related("region")}
    found_comp = set(Company.objects.filter(code__in=cast).values_list("code", flat=True))
    hospital = found_inst.get(personas.HOSPITAL.code)
    county_a = hospital.region if hospital is not None else None
    counties = (Region.objects.filter(level="county")
                .annotate(n=Count("institutions")).filter(n__gt=0).order_by("code"))
    if county_a is None or county_a.level != "county":
        county_a = counties.first()
    if county_a is None:
        raise click.ClickException("no regions with institutions: load the reference data first")
    county_b = counties.exclude(pk=county_a.pk).exclude(parent_id=None).first()
    if hospital is None:
        hospital = (Institution.objects.filter(region=county_a, consortium_lead__isnull=True)
                    .order_by("-grade", "code").first())
    picks = [("admin", Role.ADMIN, province.code),
             ("province", Role.PROVINCE_OFFICER, province.code),
             ("city", Role.CITY_OFFICER, county_a.parent_id or ""),
             ("county", Role.COUNTY_OFFICER, county_a.code),
             ("health", Role.HEALTH_READER, province.code)]
    if county_b is not None:
        picks.append(("county_b", Role.COUNTY_OFFICER, county_b.code))
    if hospital is not None:
        picks.append(("hospital", Role.INSTITUTION, hospital.code))
    if personas.HOSPITAL_2.code in found_inst:
        picks.append(("hospital2", Role.INSTITUTION, personas.HOSPITAL_2.code))
    if personas.MANUFACTURER.code in found_comp:
        picks.append(("company", Role.COMPANY, personas.MANUFACTURER.code))
    else:
        maker = (Company.objects.filter(products__awards__role="winning")
                 .distinct().order_by("code").first())
        if maker is not None:
            picks.append(("company", Role.COMPANY, maker.code))
    if personas.MANUFACTURER_2.code in found_comp:
        picks.append(("company2", Role.COMPANY, personas.MANUFACTURER_2.code))
    if personas.DISTRIBUTOR.code in found_comp:
        picks.append(("distributor", Role.COMPANY, personas.DISTRIBUTOR.code))
    else:
        other = Company.objects.filter(role="distributor").order_by("code").first()
        if other is not None:
            picks.append(("distributor", Role.COMPANY, other.code))
    return picks


def seed_demo_users(password: str = DEMO_PASSWORD) -> list[DemoUser]:
    """Create the demo users that do not exist yet; returns every demo user."""
    actor = Actor(user=None, via="demo")
    out = []
    for username, role, scope in _picks():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = create_user(actor, username, password, role, scope, check_password=False)
        out.append(DemoUser(user.username, user.get_role_display(), scope, user.scope_label))
    return out


def print_users(users: list[DemoUser], password: str = DEMO_PASSWORD) -> None:
    click.echo(f"演示账号 / demo sign-ins (password 密码: {password}):", err=True)
    for u in users:
        click.echo(f"  {u.username:<12} {u.role} · {u.scope_name} ({u.scope})", err=True)


def seed_demo_purchase() -> OffPlatformPurchase | None:
    """An off-platform purchase the demo hospital has recorded but not yet filed, bought
    three days before the demo's as-of day: its home page then shows that duty with its
    7-working-day clock. Only on the demo's clock, and only while the hospital has no
    purchase on record (a second start adds nothing). Returns the purchase, or None."""
    from jicai.demo import personas
    from jicai.web.purchases import services

    user = User.objects.filter(username="hospital", institution__isnull=False).first()
    if clock.pinned_now() is None or user is None or user.institution is None \
            or OffPlatformPurchase.objects.filter(institution=user.institution).exists():
        return None
    return services.register(Actor(user, via="demo"), {
        "product": None, "product_name": "注射用两性霉素B脂质体（未挂网）", "category": "drug",
        "supplier": personas.DISTRIBUTOR.name, "qty": 20, "amount": 16800,
        "purchased_at": clock.today() - dt.timedelta(days=3),
        "reason": "临床急需，平台暂未挂网，先采购使用"}, draft=True)

