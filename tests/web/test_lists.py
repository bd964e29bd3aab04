"""Every list pages (50 rows, filters kept across pages) and finds rows by name."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from django.test import Client

from jicai.web.audit.record import Actor
from jicai.web.reference.models import Product
from jicai.web.tickets import services as tickets
from tests.web.test_alerts import run_from
from tests.web.world import World

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _rows(page: str) -> int:
    return len(re.findall(r'<a href="/tickets/\d+/">', page))


def test_tickets_page_by_fifty_and_keep_the_filter(world: World,
                                                   as_: Callable[[str], Client]) -> None:
    hospital = Actor(world.users["hospital"])
    p1, p2 = Product.objects.get(pk="P1"), Product.objects.get(pk="P2")
    for i in range(110):
        tickets.report(hospital, p1 if i % 11 else p2, f"问题 {i}")  # P2: i = 0, 11 … 99
    client = as_("county_a")
    first = client.get("/tickets/?status=open", **ZH).content.decode()
    assert _rows(first) == 50
    assert "共 110 行 · 第 1 / 3 页" in first
    assert 'href="?status=open&amp;page=2"' in first  # the filter survives paging
    last = client.get("/tickets/?status=open&page=3", **ZH).content.decode()
    assert _rows(last) == 10
    found = client.get("/tickets/?q=氨氯地平", **ZH).content.decode()  # P2's generic name
    assert _rows(found) == 10 and "共 10 行 · 第 1 / 1 页" in found
    assert _rows(as_("county_b").get("/tickets/?q=氨氯地平", **ZH).content.decode()) == 0


def test_the_inbox_pages_and_filters_by_names(world: World, tmp_path: Path,
                                              as_: Callable[[str], Client]) -> None:
    # 120 single alerts (one per variety code) and 120 order lines of one institution,
    # which become one case (no warehouse: distributor unknown, month of the run).
    rows = [f"progress.behind_schedule,warning,{'H_A' if i % 3 else 'H_B'},DRUG1,1,VX{i:03d},,,"
            f"0.2,0.5,HENAN 二(九),进度落后{i:03d}" for i in range(120)]
    lines = [f"order.unresponded_48h,critical,H_A,,,,P1,OL-{i:03d},{60 + i},48,"
             f"GANZHOU 二(六),订单超过48小时未响应" for i in range(120)]
    run_from(world, tmp_path, rows + lines)
    client = as_("province")
    page = client.get("/alerts/", **ZH).content.decode()
    assert "共 121 行 · 第 1 / 3 页" in page
    # by institution name: H_B is B县人民医院 (i divisible by 3: 40 rows)
    page = client.get("/alerts/?institution=B县人民", **ZH).content.decode()
    assert "共 40 行 · 第 1 / 1 页" in page
    assert len(re.findall(r'<a href="/alerts/\d+/">', page)) == 40
    # by region name: A县 holds H_A (80 alerts and the case) → two pages
    page = client.get("/alerts/?region=A县", **ZH).content.decode()
    assert "共 81 行 · 第 1 / 2 页" in page
    page = client.get("/alerts/?rule=order.unresponded_48h", **ZH).content.decode()
    assert "共 1 行 · 第 1 / 1 页" in page and '<span class="badge">120</span>' in page
    delayed = client.get("/alerts/delayed/", **ZH).content.decode()
    # one distributor: its summary row and, at once, its orders 50 to a page (the lines)
    assert 'id="distributors"' in delayed and "共 120 行 · 第 1 / 3 页" in delayed
    assert "OL-000" in delayed and "OL-049" in delayed and "OL-050" not in delayed
    third = client.get("/alerts/delayed/?distributor=&page=3", **ZH).content.decode()
    assert "OL-119" in third and "OL-099" not in third
