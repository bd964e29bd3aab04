"""The demo's clock (decision 0011): the app's clock stands at the demo's as-of moment,
where its data end, and every page says so; elsewhere it is real time.

The tests' own clock (``world_clock`` in conftest) is the same setting, ``JICAI_NOW``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from jicai.web import clock
from jicai.web.commands import demo_folder, demo_profile
from jicai.web.demo_seed import demo_now, holds_demo_data, set_demo_clock
from jicai.web.reference.models import Region
from tests.web.world import World

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def test_the_clock_is_real_time_unless_it_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    assert clock.now() == clock.at_beijing(dt.datetime(2025, 9, 30, 10, 0))  # the test world's
    monkeypatch.setattr(settings, "JICAI_NOW", None)
    before = timezone.now()
    assert before <= clock.now() <= timezone.now()
    assert clock.pinned_now() is None


def test_every_page_says_the_clock_is_set_and_to_which_day(
        world: World, as_: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch) -> None:
    for page in (as_("hospital").get("/", **ZH), Client().get("/accounts/login/", **ZH)):
        text = page.content.decode()
        assert 'id="pinned-clock"' in text
        assert "演示数据：系统时间为 2025-09-30，所有期限按这一天计算。" in text
    monkeypatch.setattr(settings, "JICAI_NOW", None)  # a real server: nothing to say
    assert 'id="pinned-clock"' not in as_("hospital").get("/", **ZH).content.decode()


def test_the_demo_clock_is_the_end_of_the_demos_as_of_day(
        world: World, as_: Callable[[str], Client]) -> None:
    from jicai.demo.generate import DEMO_AS_OF

    moment = demo_now()
    assert timezone.localtime(moment).replace(tzinfo=None) == \
        dt.datetime.combine(DEMO_AS_OF, dt.time(23, 59))
    assert set_demo_clock() == moment and clock.today() == DEMO_AS_OF
    body = json.loads(as_("hospital").get("/accounts/duties.json").content)
    assert body["today"] == DEMO_AS_OF.isoformat()
    assert f"系统时间为 {DEMO_AS_OF.isoformat()}" in as_("hospital").get("/", **ZH).content.decode()


def test_only_the_demos_province_is_demo_data(world: World) -> None:
    assert not holds_demo_data()  # the test province, 220000
    Region.objects.create(code="390000", name="中州省", level="province", path="390000/")
    assert holds_demo_data()


def _warehouse(home: Path) -> None:
    home.mkdir(parents=True)
    (home / "CURRENT").write_text("20251130T000000Z", encoding="utf-8")


def _run(out: Path, profile: str) -> None:
    (out / profile).mkdir(parents=True)
    (out / profile / "run.json").write_text(json.dumps({"profile": profile}), encoding="utf-8")


def test_a_demo_folder_is_its_warehouse_and_its_runs(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """`jicai demo --dir W` writes W/home and W/out/<profile>/: `--home W` and
    `--home W/home` both serve that warehouse with those runs."""
    monkeypatch.delenv("JICAI_PROFILE", raising=False)
    work = tmp_path / "jicai-demo"
    _warehouse(work / "home")
    assert demo_folder(work) == (work / "home", None)  # no runs yet
    _run(work / "out", "henan")
    _run(work / "out", "jilin")
    assert demo_folder(work) == (work / "home", work / "out")
    assert demo_folder(work / "home") == (work / "home", work / "out")
    assert demo_profile(work / "out") == "henan"  # national was not monitored
    _run(work / "out", "national")
    assert demo_profile(work / "out") == "national"
    monkeypatch.setenv("JICAI_PROFILE", "jilin")
    assert demo_profile(work / "out") is None  # the settings' own profile
    other = tmp_path / "jicai-data"
    _warehouse(other)
    assert demo_folder(other) == (other, None)
    assert demo_folder(tmp_path / "empty") == (tmp_path / "empty", None)
