"""Supply-problem tickets (HENAN 二(八)): 2 working days to reply, a fix within 5, escalation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from jicai.web.audit.record import Actor
from jicai.web.reference.models import Product
from jicai.web.tickets import services
from jicai.web.tickets.deadlines import latest_fix_date, overdue, reply_due
from jicai.web.tickets.models import ExemptionKind, Ticket, TicketStatus
from jicai.web.tickets.workflow import TICKET
from jicai.web.workflow import WorkflowError
from tests.web.world import World


def actor(world: World, name: str) -> Actor:
    return Actor(world.users[name], "10.0.0.9")


def report(world: World) -> Ticket:
    return services.report(actor(world, "hospital"), Product.objects.get(pk="P1"), "到货延迟")


def test_the_state_machine_table() -> None:
    assert TICKET.allowed(TicketStatus.OPEN) == ["reply", "resolve", "escalate", "verify"]
    assert TICKET.allowed(TicketStatus.REPLIED) == ["resolve", "escalate", "verify"]
    assert TICKET.allowed(TicketStatus.RESOLVED) == ["verify"]


@pytest.mark.parametrize(("reported", "due"), [
    ("2025-09-26 16:00", "2025-09-29"),  # Friday → Sunday 28th is a make-up workday (调休)
    ("2025-09-30 10:00", "2025-10-10"),  # the National Day week (10-01 … 10-08) is skipped
    ("2025-10-10 10:00", "2025-10-13"),  # Saturday 11th is a make-up workday
    ("2025-03-07 23:30", "2025-03-11"),  # late Friday evening, Beijing time
])
def test_reply_deadline_follows_the_official_calendar(world: World, at, reported: str,
                                                      due: str) -> None:
    at(reported)
    assert reply_due(report(world)) == dt.date.fromisoformat(due)


def test_the_fix_date_is_at_most_five_working_days_after_the_reply(world: World, at) -> None:
    assert latest_fix_date(dt.date(2025, 10, 9)) == dt.date(2025, 10, 15)
    at("2025-09-30 10:00")
    ticket = report(world)
    at("2025-10-09 09:00")
    company = actor(world, "company")
    with pytest.raises(WorkflowError, match="2025-10-15"):
        services.reply(company, ticket, "已安排补货", dt.date(2025, 10, 16))
    with pytest.raises(WorkflowError):
        services.reply(company, ticket, "已安排补货", dt.date(2025, 10, 8))
    with pytest.raises(WorkflowError, match="reply"):
        services.reply(company, ticket, " ", dt.date(2025, 10, 15))
    services.reply(company, ticket, "已安排补货", dt.date(2025, 10, 15))
    ticket.refresh_from_db()
    assert (ticket.status, ticket.committed_by) == (TicketStatus.REPLIED, dt.date(2025, 10, 15))
    with pytest.raises(WorkflowError):
        services.reply(company, ticket, "again", dt.date(2025, 10, 15))


def test_only_the_addressed_company_replies(world: World) -> None:
    ticket = report(world)
    for who in ("company2", "distributor", "hospital", "county_a"):
        with pytest.raises(PermissionDenied):
            services.reply(actor(world, who), ticket, "x", dt.date.today())


def test_overdue_tickets_go_to_the_bureau_and_upward(world: World, at) -> None:
    at("2025-09-30 10:00")
    ticket = report(world)
    at("2025-10-10 18:00")
    assert services.sweep_overdue() == 0
    at("2025-10-11 09:00")
    assert overdue(ticket, dt.date(2025, 10, 11))
    assert services.sweep_overdue() == 1
    ticket.refresh_from_db()
    assert ticket.escalated_to_id == "220102"  # county A, the institution's own bureau
    assert services.sweep_overdue() == 0  # once
    with pytest.raises(PermissionDenied):
        services.escalate(actor(world, "county_b"), ticket)
    services.escalate(actor(world, "county_a"), ticket, "企业拒不回复")
    ticket.refresh_from_db()
    assert ticket.escalated_to_id == "220100"
    # No longer with the county: a clear refusal naming where it went, not a bare 403.
    with pytest.raises(WorkflowError, match="passed on to 甲市"):
        services.escalate(actor(world, "county_a"), ticket)
    services.escalate(actor(world, "city"), ticket)
    ticket.refresh_from_db()
    assert ticket.escalated_to_id == "220000"
    with pytest.raises(WorkflowError, match="province"):
        services.escalate(actor(world, "province"), ticket)


def test_a_bureau_escalates_to_the_one_above_it_and_the_button_follows(world: World,
                                                                        as_) -> None:
    """The county's first 上报 goes to the city (it sat with the county already); then the
    county sees where it is instead of a button that would refuse."""
    at_ticket = report(world)
    page = as_("county_a").get(f"/tickets/{at_ticket.pk}/",
                               HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "上报至甲市医保部门" in page
    services.escalate(actor(world, "county_a"), at_ticket)
    at_ticket.refresh_from_db()
    assert at_ticket.escalated_to_id == "220100"
    page = as_("county_a").get(f"/tickets/{at_ticket.pk}/",
                               HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="escalate"' not in page
    assert "该问题目前由甲市医保部门处理" in page
    page = as_("city").get(f"/tickets/{at_ticket.pk}/",
                           HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "上报至测试省医保部门" in page
    r = as_("county_a").post(f"/tickets/{at_ticket.pk}/escalate/", HTTP_ACCEPT_LANGUAGE="zh-hans",
                             follow=True)
    assert r.status_code == 200  # a stale form gets a message, not a 403 page
    assert "已上报至甲市医保部门" in r.content.decode()


def test_a_missed_fix_date_is_overdue_too(world: World, at) -> None:
    at("2025-10-09 09:00")
    ticket = report(world)
    services.reply(actor(world, "company"), ticket, "补货中", dt.date(2025, 10, 13))
    at("2025-10-14 09:00")
    assert services.sweep_overdue() == 1


def test_the_bureau_verifies_a_supply_problem(world: World, at) -> None:
    at("2025-09-30 10:00")
    ticket = report(world)
    for who in ("hospital", "company", "health", "county_b"):
        with pytest.raises(PermissionDenied):
            services.verify(actor(world, who), ticket, dt.date(2025, 9, 30), dt.date(2025, 10, 31))
    with pytest.raises(WorkflowError):
        services.verify(actor(world, "county_a"), ticket, dt.date(2025, 10, 31),
                        dt.date(2025, 9, 30))
    exemption = services.verify(actor(world, "county_a"), ticket, dt.date(2025, 9, 30),
                                dt.date(2025, 10, 31))
    assert (exemption.institution_id, exemption.variety_id, exemption.kind) == (
        "H_A", "V1", ExemptionKind.SUPPLY_PROBLEM)
    with pytest.raises(WorkflowError, match="already"):
        services.verify(actor(world, "city"), ticket, dt.date(2025, 9, 30), dt.date(2025, 10, 31))


def test_the_hospital_resolves(world: World) -> None:
    ticket = report(world)
    with pytest.raises(PermissionDenied):
        services.resolve(actor(world, "hospital_b"), ticket, "")
    services.resolve(actor(world, "hospital"), ticket, "已到货")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED
    with pytest.raises(WorkflowError):
        services.resolve(actor(world, "company"), ticket, "")


def test_a_year_the_calendar_does_not_know_is_said_not_guessed(world: World, at, as_) -> None:
    at("2031-01-06 10:00")
    ticket = report(world)
    page = as_("hospital").get(f"/tickets/{ticket.pk}/").content.decode()
    assert "2031" in page and "chinesecalendar" in page
    with pytest.raises(WorkflowError, match="2031"):
        services.reply(actor(world, "company"), ticket, "ok", dt.date(2031, 1, 7))


def test_through_the_pages(world: World, as_, at) -> None:
    at("2025-09-30 10:00")
    hospital = as_("hospital")
    response = hospital.post("/tickets/new/", {"product": "P1", "description": "缺货两周"})
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert "2025-10-10" in hospital.get("/tickets/").content.decode()
    at("2025-10-09 09:00")
    response = as_("company").post(f"/tickets/{ticket.pk}/reply/",
                                   {"reply": "已发货", "committed_by": "2025-10-20"}, follow=True)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN  # refused: past the 5 working days
    # The clerk's reply is on the page again beside the reason, not lost.
    page = response.content.decode()
    assert "已发货</textarea>" in page and 'value="2025-10-20"' in page
    again = as_("company").get(f"/tickets/{ticket.pk}/").content.decode()
    assert "已发货</textarea>" not in again  # kept once, not forever
    as_("company").post(f"/tickets/{ticket.pk}/reply/",
                        {"reply": "已发货", "committed_by": "2025-10-15"})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REPLIED
    as_("county_a").post(f"/tickets/{ticket.pk}/verify/",
                         {"start": "2025-09-30", "end": "2025-10-15"})
    ticket.refresh_from_db()
    assert ticket.exemption is not None


def test_a_late_reply_is_taken_and_shown_late(world: World, at, as_) -> None:
    at("2025-09-26 16:00")
    ticket = report(world)
    at("2025-09-30 09:00")  # due 09-29
    services.reply(actor(world, "company"), ticket, "补货", dt.date(2025, 9, 30))
    page = as_("county_a").get(f"/tickets/{ticket.pk}/").content.decode()
    assert "badge bad" in page
