"""The demo's sign-ins are its fixed cast: a distinct distributor, two hospitals in two
cities, two makers, and the county and city officers of the first hospital."""

from __future__ import annotations

from pathlib import Path

import pytest

from jicai.demo import personas
from jicai.web.accounts.models import User
from jicai.web.audit.record import Actor
from jicai.web.demo_seed import ensure_demo_data, seed_demo_users
from jicai.web.monitoring.sync import sync_reference


@pytest.fixture
def demo_home(db: None, settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.HOME = tmp_path
    ensure_demo_data(tmp_path, lines="tiny")
    sync_reference(Actor(None, via="test"))
    return tmp_path


def test_every_role_signs_in_as_the_demos_cast(demo_home: Path) -> None:
    users = {u.username: u for u in seed_demo_users()}
    scope = {name: u.scope for name, u in users.items()}
    assert scope["hospital"] == personas.HOSPITAL.code
    assert scope["hospital2"] == personas.HOSPITAL_2.code
    assert scope["company"] == personas.MANUFACTURER.code
    assert scope["company2"] == personas.MANUFACTURER_2.code
    assert scope["distributor"] == personas.DISTRIBUTOR.code
    assert len({scope["company"], scope["company2"], scope["distributor"]}) == 3
    hospital = User.objects.get(username="hospital").institution
    county = User.objects.get(username="county").region
    city = User.objects.get(username="city").region
    assert hospital is not None and county is not None and city is not None
    assert hospital.region_id == county.code and county.parent_id == city.code
    second = User.objects.get(username="hospital2").institution
    assert second is not None and not second.region.path.startswith(city.path)  # another city
    assert User.objects.get(username="distributor").company.role == "distributor"


def test_the_demo_hospital_has_an_off_platform_purchase_to_file(
        demo_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On the demo's clock (2025-11-30, a Sunday) the purchase bought on Thursday 27
    November is due 7 working days later, Monday 8 December: 1–5 and 8 December left."""
    import datetime as dt

    from django.conf import settings

    from jicai.web.accounts.duties import duties_for
    from jicai.web.demo_seed import seed_demo_purchase, set_demo_clock

    seed_demo_users()
    monkeypatch.setattr(settings, "JICAI_NOW", None)
    assert seed_demo_purchase() is None  # real time: the demo's records need its clock
    set_demo_clock()
    purchase = seed_demo_purchase()
    assert purchase is not None and purchase.status == "draft"
    assert purchase.supplier == personas.DISTRIBUTOR.name
    (duty,) = [d for d in duties_for(User.objects.get(username="hospital"))
               if d.kind == "purchase_file"]
    assert (duty.due, duty.overdue, duty.left) == (dt.date(2025, 12, 8), False,
                                                   "6 working days left")
    assert seed_demo_purchase() is None  # a second start adds nothing

