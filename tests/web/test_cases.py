"""Cases (decision 0008): line-level alerts grouped per rule × institution × counterparty ×
month, worked out by hand; their lines read back from Parquet; handling carried over;
scoping per persona; paging of a case's lines; bulk handling."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
from django.test import Client

from jicai.web.alerts import services
from jicai.web.alerts.cases import read_lines
from jicai.web.alerts.importing import import_alerts, read_alerts_csv
from jicai.web.alerts.models import Alert, AlertStatus, Disposition, MonitorRun
from jicai.web.alerts.scoping import scoped_alerts
from jicai.web.audit.record import Actor
from jicai.web.reference.models import Company
from tests.web.test_alerts import HEADER
from tests.web.world import DIST, M1, World

D2 = "91220000MA0000004D"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}

# H_A's orders: DIST in July (2) and August (1), D2 in July (1) and August (2).
ORDERS = [  # order_line_id, distributor, ordered_at, amount
    ("OL-1", DIST, dt.datetime(2025, 7, 3, 9), "100.00"),
    ("OL-2", DIST, dt.datetime(2025, 7, 20, 15), "50.50"),
    ("OL-3", DIST, dt.datetime(2025, 8, 1, 0, 5), "30.00"),
    ("OL-4", D2, dt.datetime(2025, 7, 31, 23, 59), "10.00"),
    ("OL-5", D2, dt.datetime(2025, 8, 15, 8), "20.00"),
    ("OL-6", D2, dt.datetime(2025, 8, 16, 8), "5.25"),
    ("OL-7", DIST, dt.datetime(2025, 6, 2, 8), "40.00"),
]
LATE = "GANZHOU 二(六)"
ROWS = [
    f"delivery.overdue,warning,H_A,,,V1,P1,OL-1,80,72,{LATE},OL-1 晚配送",
    f"delivery.overdue,warning,H_A,,,V1,P1,OL-2,95.5,72,{LATE},OL-2 晚配送",
    f"delivery.overdue,warning,H_A,,,V2,P2,OL-3,73,72,{LATE},OL-3 晚配送",
    f"delivery.overdue,warning,H_A,,,V1,P1,OL-4,100,72,{LATE},OL-4 晚配送",
    f"delivery.overdue,warning,H_A,,,V1,P1,OL-5,90,72,{LATE},OL-5 晚配送",
    f"delivery.overdue,warning,H_A,,,V1,P1,OL-6,120,72,{LATE},OL-6 晚配送",
    f"order.unresponded_48h,critical,H_A,,,V1,P1,OL-1,60,48,{LATE},OL-1 未响应",
    f"order.unresponded_48h,critical,H_B,,,V1,P1,OL-9,50,48,{LATE},OL-9 未响应（订单不在库中）",
    "price.above_listing,warning,H_A,,,V1,P1,OL-7,14.2,12.5,GUANGDONG 三(五),OL-7 高于挂网价",
    "progress.behind_schedule,warning,H_A,DRUG1,1,V1,,,0.21,0.58,HENAN 二(九),A县人民医院进度落后",
]


def orders_reader(name: str) -> pa.Table | None:
    if name != "orders":
        return None
    ids, dists, times, amounts = zip(*ORDERS, strict=True)
    return pa.table({"order_line_id": list(ids), "distributor_code": list(dists),
                     "ordered_at": pa.array(times, pa.timestamp("us")),
                     "amount": pa.array([Decimal(a) for a in amounts], pa.decimal128(18, 4))})


def publish(tmp_path: Path, rows: list[str] = ROWS) -> tuple[MonitorRun, pa.Table]:
    Company.objects.get_or_create(code=D2, defaults={"name": "第二配送公司",
                                                     "role": "distributor"})
    csv = tmp_path / "alerts.csv"
    csv.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    table = read_alerts_csv(csv)
    run = MonitorRun.objects.create(as_of=dt.date(2025, 9, 30), profile="ganzhou",
                                    source="test", status="succeeded")
    import_alerts(run, table, read=orders_reader)
    return run, table


def _case(run: MonitorRun, rule: str, party: str, month: str) -> Alert:
    return run.alerts.get(is_case=True, rule_id=rule, counterparty_code=party, month=month)


def test_two_distributors_two_months_make_four_cases(world: World, tmp_path: Path) -> None:
    run, _table = publish(tmp_path)
    assert run.alert_count == 10
    late = run.alerts.filter(rule_id="delivery.overdue")
    assert late.count() == 4 and all(a.is_case for a in late)
    got = {(a.counterparty_code, a.month): (a.lines, a.value, a.amount, a.distributor_id)
           for a in late}
    assert got == {
        (DIST, "2025-07"): (2, 95.5, 150.5, DIST),  # OL-1 80 h, OL-2 95.5 h
        (DIST, "2025-08"): (1, 73.0, 30.0, DIST),  # OL-3
        (D2, "2025-07"): (1, 100.0, 10.0, D2),  # OL-4, 23:59 on 31 July is still July
        (D2, "2025-08"): (2, 120.0, 25.25, D2),  # OL-5 90 h, OL-6 120 h
    }
    two = _case(run, "delivery.overdue", DIST, "2025-07")
    assert two.threshold == 72 and two.severity == "warning" and two.ref == ""
    assert two.variety_code == "V1" and two.product_code == "P1" and two.company_id == M1
    mixed = _case(run, "delivery.overdue", DIST, "2025-08")  # one line: its own message
    assert mixed.ref == "OL-3" and mixed.message == "OL-3 晚配送"
    assert "2 条明细" in two.message and "配送医药公司" in two.message
    # An order not in the warehouse: no distributor, the month of the run.
    lost = run.alerts.get(rule_id="order.unresponded_48h", institution_code="H_B")
    assert (lost.is_case, lost.counterparty_code, lost.month, lost.amount) == (
        True, "", "2025-09", None)
    # A price is the maker's: the case's counterparty is P1's company.
    price = run.alerts.get(rule_id="price.above_listing")
    assert (price.counterparty_code, price.month, price.company_id, price.distributor_id) == (
        M1, "2025-06", M1, None)
    # Other alerts stay single.
    single = run.alerts.get(rule_id="progress.behind_schedule")
    assert not single.is_case and single.lines == 1 and single.value == 0.21


def test_a_case_reads_back_its_lines(world: World, tmp_path: Path) -> None:
    run, table = publish(tmp_path)
    case = _case(run, "delivery.overdue", D2, "2025-08")
    lines = read_lines(run.lines_file, [case.fingerprint])
    csv_rows = [r for r in table.to_pylist()
                if r["rule_id"] == "delivery.overdue" and r["ref"] in {"OL-5", "OL-6"}]
    assert [{k: line[k] for k in csv_rows[0]} for line in lines] == csv_rows
    assert [line["distributor_code"] for line in lines] == [D2, D2]
    assert [line["ordered_at"] for line in lines] == [dt.datetime(2025, 8, 15, 8),
                                                      dt.datetime(2025, 8, 16, 8)]
    both = read_lines(run.lines_file, [case.fingerprint,
                                       _case(run, "delivery.overdue", D2, "2025-07").fingerprint])
    assert [line["ref"] for line in both] == ["OL-4", "OL-5", "OL-6"]


def test_handling_a_case_carries_over_to_the_next_run(world: World, tmp_path: Path) -> None:
    run, _table = publish(tmp_path)
    case = _case(run, "delivery.overdue", DIST, "2025-07")
    county = Actor(world.users["county_a"])
    services.handle(county, case, "assign", assignee=world.users["county_a"])
    second, _ = publish(tmp_path, ROWS[:2] + ROWS[3:])  # OL-3 got delivered in the meantime
    again = _case(second, "delivery.overdue", DIST, "2025-07")
    assert again.fingerprint == case.fingerprint and again.pk != case.pk
    assert (again.status, again.assigned_to_id) == (AlertStatus.ASSIGNED,
                                                    world.users["county_a"].pk)
    assert Disposition.objects.filter(fingerprint=again.fingerprint).count() == 1
    assert _case(second, "delivery.overdue", D2, "2025-08").status == AlertStatus.NEW
    assert not second.alerts.filter(month="2025-08", counterparty_code=DIST).exists()


def test_each_persona_sees_its_cases(world: World, tmp_path: Path) -> None:
    run, _table = publish(tmp_path)

    def seen(name: str) -> set[tuple[str, str, str]]:
        return {(a.rule_id, a.counterparty_code, a.month)
                for a in scoped_alerts(world.users[name]).filter(run=run, is_case=True)}

    assert len(seen("province")) == 7  # 4 late deliveries, 2 unanswered, 1 price
    assert len(seen("county_a")) == 6 and seen("hospital") == seen("county_a")
    assert seen("county_b") == {("order.unresponded_48h", "", "2025-09")}
    assert seen("distributor") == {("delivery.overdue", DIST, "2025-07"),
                                   ("delivery.overdue", DIST, "2025-08"),
                                   ("order.unresponded_48h", DIST, "2025-07")}
    # M1 makes P1 and P2: every case whose lines are all of its products
    assert ("price.above_listing", M1, "2025-06") in seen("company")
    assert seen("company2") == set()
    assert seen("county_d") == set()


def test_the_case_page_pages_its_lines(world: World, tmp_path: Path,
                                       as_: Callable[[str], Client]) -> None:
    global ORDERS
    saved = ORDERS
    ORDERS = [(f"OL-{i:03d}", DIST, dt.datetime(2025, 7, 1) + dt.timedelta(hours=i), "1.00")
              for i in range(60)]
    try:
        run, _table = publish(tmp_path, [
            f"delivery.overdue,warning,H_A,,,V1,P1,OL-{i:03d},{73 + i},72,{LATE},OL-{i:03d} 晚"
            for i in range(60)])
    finally:
        ORDERS = saved
    case = run.alerts.get()
    assert (case.lines, case.value, case.amount) == (60, 132.0, 60.0)
    client = as_("county_a")
    first = client.get(f"/alerts/{case.pk}/", **ZH).content.decode()
    assert "共 60 行 · 第 1 / 2 页" in first and "OL-049 晚" in first and "OL-050 晚" not in first
    second = client.get(f"/alerts/{case.pk}/?lines=2", **ZH).content.decode()
    assert "OL-059 晚" in second and "OL-049 晚" not in second
    assert as_("county_b").get(f"/alerts/{case.pk}/").status_code == 404
    inbox = client.get("/alerts/", **ZH).content.decode()
    assert '<span class="badge">60</span>' in inbox and "配送医药公司 · 2025-07" in inbox


def test_bulk_handling(world: World, tmp_path: Path, as_: Callable[[str], Client]) -> None:
    run, _table = publish(tmp_path)
    d2 = run.alerts.filter(counterparty_code=D2)
    ids = [str(pk) for pk in d2.values_list("pk", flat=True)]
    client = as_("county_a")
    response = client.post("/alerts/bulk/", {"ids": ids, "action": "resolve",
                                             "note": "已约谈配送企业"})
    assert response.status_code == 302
    assert set(d2.values_list("status", flat=True)) == {AlertStatus.RESOLVED}
    assert Disposition.objects.filter(action="resolve").count() == 2
    assert run.alerts.filter(counterparty_code=DIST, status=AlertStatus.NEW).count() == 3
    # one id outside the scope: nothing is done
    other = run.alerts.get(institution_code="H_B")
    mine = run.alerts.filter(counterparty_code=DIST).first()
    assert mine is not None
    response = client.post("/alerts/bulk/", {"ids": [other.pk, mine.pk],
                                             "action": "acknowledge"})
    assert response.status_code == 404
    mine.refresh_from_db()
    assert mine.status == AlertStatus.NEW
    # resolving needs a note: the whole batch is refused
    client.post("/alerts/bulk/", {"ids": [mine.pk], "action": "resolve", "note": " "})
    mine.refresh_from_db()
    assert mine.status == AlertStatus.NEW
    assert as_("hospital").post("/alerts/bulk/", {"ids": [mine.pk],
                                                  "action": "acknowledge"}).status_code == 403


def test_the_delayed_lists_come_from_the_cases_lines(world: World, tmp_path: Path,
                                                     as_: Callable[[str], Client]) -> None:
    rows = [*ROWS, f"order.escalation_24h,critical,H_A,,,V1,P1,OL-4,80,72,{LATE},OL-4 升级",
            f"order.unresponded_48h,critical,H_A,,,V1,P1,OL-5,70,48,{LATE},OL-5 未响应"]
    publish(tmp_path, rows)
    page = as_("province").get("/alerts/delayed/", **ZH).content.decode()
    summary = re.findall(r'<td><a href="\?distributor=([^"]*)">([^<]+)</a></td>'
                         r'<td class="num">(\d+)</td>', page)
    assert summary[0] == (D2, "第二配送公司", "2")  # OL-4 (escalated too) and OL-5
    assert sorted(summary[1:]) == [("", "配送企业未知", "1"), (DIST, "配送医药公司", "1")]
    chosen = as_("province").get(f"/alerts/delayed/?distributor={D2}", **ZH).content.decode()
    assert "OL-4" in chosen and "OL-5" in chosen and "OL-1<" not in chosen
    assert as_("distributor").get("/alerts/delayed/", **ZH).content.decode().count("OL-1") == 1
    csv = as_("province").get("/alerts/delayed/?format=csv").content.decode("utf-8-sig")
    assert csv.count("\n") == 5 and "OL-9" in csv
