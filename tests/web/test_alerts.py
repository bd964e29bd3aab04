"""The alert inbox: import, scope, filters, acknowledge/assign/escalate/resolve, answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from jicai.web.alerts import services
from jicai.web.alerts.importing import read_alerts_csv
from jicai.web.alerts.models import Alert, AlertStatus, Disposition, MonitorRun
from jicai.web.alerts.scoping import scoped_alerts
from jicai.web.alerts.workflow import ALERT
from jicai.web.audit.models import AuditEvent
from jicai.web.audit.record import Actor
from jicai.web.monitoring.runs import import_run
from tests.web.world import M1, World

HEADER = ("rule_id,severity,institution_code,batch_code,cycle_no,variety_code,product_code,"
          "ref,value,threshold,clause,message\n")
ROWS = [
    "progress.behind_schedule,warning,H_A,DRUG1,1,V1,,,0.21,0.58,HENAN 二(九),A县人民医院进度落后",
    "progress.behind_schedule,warning,H_B,DRUG1,1,V1,,,0.1,0.58,HENAN 二(九),B县人民医院进度落后",
    "price.nonwinning_above_cap,critical,,,,V1,P1X,,20.5,18,HENAN 二(六),P1X挂网20.5元超最高价",
    f"agreement.unsigned,warning,H_D,DRUG1,1,,,{M1},,,JILIN 第五条,D县人民医院未签三方协议",
    "order.unresponded_48h,critical,H_A,,,,P1,OL-9,60,48,GANZHOU 二(六),订单超过48小时未响应",
]


def write_csv(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "alerts.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def run_from(world: World, tmp_path: Path, rows: list[str] = ROWS) -> MonitorRun:
    return import_run(Actor(world.users["province"]), write_csv(tmp_path, rows),
                      dt.date(2025, 9, 30), "henan")


def test_the_state_machine_table() -> None:
    assert ALERT.allowed(AlertStatus.NEW) == ["acknowledge", "assign", "escalate", "resolve",
                                              "answer"]
    assert ALERT.allowed(AlertStatus.RESOLVED) == []


def test_alerts_csv_is_read_with_its_types(tmp_path: Path) -> None:
    table = read_alerts_csv(write_csv(tmp_path, ROWS))
    assert table.num_rows == 5 and table.column("cycle_no").to_pylist()[0] == 1
    assert table.column("value").to_pylist()[0] == 0.21


def test_each_persona_sees_its_alerts(world: World, tmp_path: Path) -> None:
    run = run_from(world, tmp_path)
    assert run.status == "succeeded" and run.alert_count == 5

    def seen(name: str) -> set[tuple[str, str]]:
        return {(a.rule_id, a.institution_code) for a in scoped_alerts(world.users[name])}

    assert len(seen("province")) == 5  # including the one on no institution
    assert seen("city") == {("progress.behind_schedule", "H_A"),
                            ("progress.behind_schedule", "H_B"),
                            ("order.unresponded_48h", "H_A")}
    assert seen("county_a") == {("progress.behind_schedule", "H_A"),
                                ("order.unresponded_48h", "H_A")}
    assert seen("county_b") == {("progress.behind_schedule", "H_B")}
    assert seen("hospital") == seen("county_a")
    assert seen("member") == set()
    # M1 is named in the agreement alert; P1 is M1's product
    assert ("agreement.unsigned", "H_D") in seen("company")
    assert ("order.unresponded_48h", "H_A") in seen("company")
    assert seen("company2") == {("price.nonwinning_above_cap", "")}


def test_the_inbox_filters(world: World, tmp_path: Path, as_) -> None:
    run_from(world, tmp_path)
    province = as_("province")
    assert province.get("/alerts/").content.decode().count("/alerts/") >= 5
    page = province.get("/alerts/?rule=progress.behind_schedule&region=220103").content.decode()
    assert "B县人民医院进度落后" in page and "A县人民医院进度落后" not in page
    page = province.get("/alerts/?severity=critical&institution=H_A").content.decode()
    assert "订单超过48小时未响应" in page and "P1X挂网20.5元超最高价" not in page
    page = province.get("/alerts/?variety=V1&status=new").content.decode()
    assert "P1X挂网20.5元超最高价" in page
    alert = Alert.objects.get(institution_code="H_A", rule_id="progress.behind_schedule")
    detail = province.get(f"/alerts/{alert.pk}/").content.decode()
    # a ratio as a percentage, the notice by its Chinese name
    assert "21.0%" in detail and "58.0%" in detail and "河南 二(九)" in detail


def test_handling_an_alert(world: World, tmp_path: Path) -> None:
    run_from(world, tmp_path)
    alert = Alert.objects.get(rule_id="progress.behind_schedule", institution_code="H_A")
    county = Actor(world.users["county_a"], "10.2.2.2")
    services.handle(county, alert, "acknowledge")
    assert alert.status == AlertStatus.ACKNOWLEDGED
    with pytest.raises(Exception, match="not allowed"):
        services.handle(county, alert, "acknowledge")
    with pytest.raises(Exception, match="officer"):
        services.handle(county, alert, "assign", assignee=world.users["county_b"])
    services.handle(county, alert, "assign", assignee=world.users["county_a"])
    services.handle(county, alert, "escalate", "需市局协调")
    assert alert.escalated_to_id == "220100"
    services.handle(Actor(world.users["city"]), alert, "escalate")
    assert alert.escalated_to_id == "220000"
    with pytest.raises(Exception, match="above"):
        services.handle(Actor(world.users["province"]), alert, "escalate")
    with pytest.raises(Exception, match="resolved"):
        services.handle(county, alert, "resolve", " ")
    services.handle(county, alert, "resolve", "已约谈医院负责人")
    assert alert.status == AlertStatus.RESOLVED
    assert list(Disposition.objects.values_list("action", flat=True)) == [
        "acknowledge", "assign", "escalate", "escalate", "resolve"]
    assert AuditEvent.objects.filter(action__startswith="alert.").count() == 5


def test_the_wrong_people_cannot_handle(world: World, tmp_path: Path) -> None:
    run_from(world, tmp_path)
    alert = Alert.objects.get(rule_id="progress.behind_schedule", institution_code="H_A")
    for who in ("county_b", "health", "hospital", "company"):
        with pytest.raises(PermissionDenied):
            services.handle(Actor(world.users[who]), alert, "acknowledge")


def test_the_institution_and_the_company_answer(world: World, tmp_path: Path, as_) -> None:
    run_from(world, tmp_path)
    alert = Alert.objects.get(rule_id="order.unresponded_48h")
    services.answer(Actor(world.users["hospital"]), alert, "已电话催促")
    services.answer(Actor(world.users["company"]), alert, "配送车辆故障，已补发")
    for who in ("hospital_b", "company2", "county_a"):
        with pytest.raises(PermissionDenied):
            services.answer(Actor(world.users[who]), alert, "x")
    page = as_("county_a").get(f"/alerts/{alert.pk}/").content.decode()
    assert "配送车辆故障" in page and "已电话催促" in page


def test_status_and_history_carry_over_to_the_next_run(world: World, tmp_path: Path) -> None:
    run_from(world, tmp_path)
    alert = Alert.objects.get(rule_id="progress.behind_schedule", institution_code="H_A")
    services.handle(Actor(world.users["county_a"]), alert, "acknowledge", "跟进中")
    second = run_from(world, tmp_path, ROWS[:2])
    again = second.alerts.get(institution_code="H_A")
    assert again.status == AlertStatus.ACKNOWLEDGED
    assert Disposition.objects.filter(fingerprint=again.fingerprint).count() == 1
    assert second.alerts.get(institution_code="H_B").status == AlertStatus.NEW


def test_a_broken_csv_fails_the_run_not_the_page(world: World, tmp_path: Path) -> None:
    path = tmp_path / "alerts.csv"
    path.write_text("rule_id,severity\nx,y,z\n", encoding="utf-8")
    run = import_run(Actor(world.users["province"]), path, dt.date(2025, 9, 30), "henan")
    assert run.status == "failed" and run.message


def test_a_monitor_output_folder_is_taken_in(world: World, tmp_path: Path) -> None:
    from jicai.web.monitoring.runs import import_output_folder

    write_csv(tmp_path, ROWS)
    (tmp_path / "run.json").write_text(
        '{"as_of": "2025-09-30", "profile": "ganzhou", "rules": '
        '[{"rule_id": "order.unresponded_48h", "status": "ran", "alerts": 1, "note": ""}]}',
        encoding="utf-8")
    run = import_output_folder(Actor(None, via="test"), tmp_path)
    assert (run.as_of, run.profile, run.alert_count) == (dt.date(2025, 9, 30), "ganzhou", 5)
    assert run.rules[0]["rule_id"] == "order.unresponded_48h"
