"""Django for the web tests only: settings chosen here, before Django is imported.

The rest of the test suite does not use Django; pytest-django stays idle for it.
The test database is SQLite in memory (or PostgreSQL when ``DATABASE_URL`` is
set, as the postgres test does in a subprocess). The audit log's database
triggers are left out here (unless ``JICAI_AUDIT_DB_GUARD=1``, as in the
PostgreSQL pass) because transactional tests (the browser tests) flush every
table between tests; ``test_audit.py`` checks the triggers on their own databases.
"""

from __future__ import annotations

import os
import tempfile

os.environ["DJANGO_SETTINGS_MODULE"] = "jicai.web.settings"
os.environ.setdefault("JICAI_HOME", tempfile.mkdtemp(prefix="jicai-web-test-"))
os.environ.setdefault("JICAI_AUDIT_DB_GUARD", "0")
os.environ.setdefault("JICAI_SECRET_KEY", "test-only-not-secret")
os.environ.pop("JICAI_PROFILE", None)

import django

django.setup()

from django.conf import settings  # noqa: E402

# Real hashing costs ~0.3 s a password; the personas need none of that strength.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

import datetime as dt  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402

import pytest  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import translation  # noqa: E402

from jicai.web import clock  # noqa: E402
from tests.web.world import World, build_world  # noqa: E402


@pytest.fixture(autouse=True)
def english_messages() -> Iterator[None]:
    """Service-level refusals are asserted in English; pages pick their own language."""
    with translation.override("en"):
        yield


# The test world's "now": inside the drug batch's first cycle (2025-03-01 … 2026-02-28)
# and in a year the working-day calendar knows, whatever day the tests run on. A test
# moves it with ``at(...)``.
WORLD_NOW = "2025-09-30 10:00"


def set_clock(monkeypatch: pytest.MonkeyPatch, when: str) -> None:
    """The app's clock stands at ``when`` (Beijing time): the ``JICAI_NOW`` setting, the
    same the demo server sets (decision 0011), restored after the test."""
    monkeypatch.setattr(settings, "JICAI_NOW",
                        clock.at_beijing(dt.datetime.fromisoformat(when)))


@pytest.fixture(autouse=True)
def world_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every web test (the live server's thread included) runs at WORLD_NOW unless it
    moves the clock itself (``at``): deadlines, windows and cycles are the same on any
    day the suite runs, and no working day falls in a year the calendar does not know."""
    set_clock(monkeypatch, WORLD_NOW)


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def as_(world: World) -> Callable[[str], Client]:
    """``as_("county_a")``: a client signed in as that persona."""

    def sign_in(persona: str) -> Client:
        client = Client()
        client.force_login(world.users[persona])
        return client

    return sign_in


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """``at("2025-09-30 10:00")``: the app's clock stands at that Beijing time."""

    def move(when: str) -> None:
        set_clock(monkeypatch, when)

    yield move
