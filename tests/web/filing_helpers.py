"""Helpers shared by the demand-filing tests."""

from __future__ import annotations

import datetime as dt

from jicai.web.audit.record import Actor
from jicai.web.filings import services
from jicai.web.filings.models import DemandFiling, FilingWindow
from tests.web.world import World


def actor(world: World, name: str) -> Actor:
    return Actor(world.users[name], "10.0.0.7")


def open_drug(world: World) -> FilingWindow:
    return services.open_window(actor(world, "province"), world.drug_batch,
                                world.users["province"].region, dt.date(2099, 1, 1))


def h_a(window: FilingWindow) -> DemandFiling:
    return window.filings.get(institution_id="H_A")
