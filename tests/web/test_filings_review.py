"""Demand filing (报量): review level by level, return and resubmit, closing, export."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied

from jicai.contract.schemas import TABLES
from jicai.web.audit.models import AuditEvent
from jicai.web.audit.record import Actor
from jicai.web.filings import review, services
from jicai.web.filings.export import batch_total, demand_filings_table
from jicai.web.filings.models import DemandFiling, FilingStatus
from jicai.web.workflow import WorkflowError
from tests.web.filing_helpers import actor, h_a, open_drug
from tests.web.records import fill_and_submit, pdf
from tests.web.world import World


def test_drugs_go_county_city_province(world: World) -> None:
    filing = h_a(open_drug(world))
    fill_and_submit(world, filing)
    filing.refresh_from_db()
    assert filing.chain == ["county", "city", "province"]
    for level, who in (("county", "county_a"), ("city", "city"), ("province", "province")):
        assert filing.review_level == level
        review.approve(actor(world, who), filing)
        filing.refresh_from_db()
    assert filing.status == FilingStatus.APPROVED
    assert list(filing.reviews.values_list("level", "decision")) == [
        ("county", "approve"), ("city", "approve"), ("province", "approve")]


def test_consumables_go_city_province(world: World) -> None:
    window = services.open_window(actor(world, "province"), world.consumable_batch,
                                  world.users["province"].region, dt.date(2099, 1, 1))
    filing = h_a(window)
    fill_and_submit(world, filing)
    filing.refresh_from_db()
    assert filing.chain == ["city", "province"]
    with pytest.raises(PermissionDenied):
        review.approve(actor(world, "county_a"), filing)


def test_a_city_direct_hospital_skips_the_county(world: World) -> None:
    window = open_drug(world)
    filing = window.filings.get(institution_id="H_C")
    hospital_c = Actor(world.users["hospital_c"])
    services.save_lines(hospital_c, filing, {"V1": ("5", ""), "V2": ("5", "")})
    services.attach_letter(hospital_c, filing, pdf())
    services.submit(hospital_c, filing)
    filing.refresh_from_db()
    assert filing.chain == ["city", "province"]


def test_henan_has_the_city_check_the_figures(world: World, settings) -> None:
    settings.JICAI_PROFILE = "henan"
    filing = h_a(open_drug(world))
    fill_and_submit(world, filing)
    filing.refresh_from_db()
    assert filing.chain == ["city"]
    review.approve(actor(world, "city"), filing)
    filing.refresh_from_db()
    assert filing.status == FilingStatus.APPROVED


def test_only_the_level_in_turn_reviews(world: World) -> None:
    filing = h_a(open_drug(world))
    fill_and_submit(world, filing)
    for who in ("city", "province", "county_b", "health", "hospital"):
        with pytest.raises(PermissionDenied):
            review.approve(actor(world, who), filing)
    with pytest.raises(PermissionDenied):
        review.return_filing(actor(world, "city"), filing, "wrong level")


def test_return_correct_resubmit(world: World) -> None:
    filing = h_a(open_drug(world))
    fill_and_submit(world, filing)
    with pytest.raises(WorkflowError, match="reason"):
        review.return_filing(actor(world, "county_a"), filing, "  ")
    review.return_filing(actor(world, "county_a"), filing, "V2 填报为 0，请核实")
    filing.refresh_from_db()
    assert (filing.status, filing.review_level) == (FilingStatus.RETURNED, "")
    hospital = actor(world, "hospital")
    services.save_lines(hospital, filing, {"V2": ("300", "")})
    services.submit(hospital, filing)
    filing.refresh_from_db()
    assert (filing.status, filing.review_level) == (FilingStatus.IN_REVIEW, "county")
    # a filing in review cannot be changed
    with pytest.raises(WorkflowError):
        services.save_lines(hospital, filing, {"V2": ("1", "")})
    actions = list(AuditEvent.objects.filter(target_id=str(filing.pk),
                                             target_type="filings.demandfiling")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["filing.lines", "filing.letter", "filing.submit", "filing.return",
                       "filing.lines", "filing.submit"]


def test_the_province_closes_filing(world: World) -> None:
    window = open_drug(world)
    filing = h_a(window)
    fill_and_submit(world, filing)
    review.return_filing(actor(world, "county_a"), filing, "请补充说明")
    with pytest.raises(PermissionDenied):
        services.close_window(actor(world, "city"), window)
    services.close_window(actor(world, "province"), window)
    with pytest.raises(WorkflowError):
        services.close_window(actor(world, "province"), window)
    h_b = window.filings.get(institution_id="H_B")
    hospital_b = actor(world, "hospital_b")
    services.save_lines(hospital_b, h_b, {"V1": ("1", ""), "V2": ("1", "")})
    services.attach_letter(hospital_b, h_b, pdf())
    with pytest.raises(WorkflowError, match="closed"):
        services.submit(hospital_b, h_b)
    services.submit(actor(world, "hospital"), filing)  # a returned filing is resubmitted


def test_a_closed_window_takes_no_first_submission(world: World, at) -> None:
    window = open_drug(world)
    window.closes_on = dt.date(2025, 10, 1)
    window.save()
    filing = h_a(window)
    at("2025-10-02 09:00")
    with pytest.raises(WorkflowError, match="closed"):
        fill_and_submit(world, filing)


def test_the_lead_files_for_its_member_and_the_member_cannot(world: World) -> None:
    window = open_drug(world)
    member_filing = window.filings.get(institution_id="H_A2")
    with pytest.raises(PermissionDenied):
        services.save_lines(actor(world, "member"), member_filing, {"V1": ("1", "")})
    services.save_lines(actor(world, "hospital"), member_filing,
                        {"V1": ("10", ""), "V2": ("0", "")})
    services.attach_letter(actor(world, "hospital"), member_filing, pdf())
    services.submit(actor(world, "hospital"), member_filing)


def test_approved_filings_become_the_contract_table(world: World, as_) -> None:
    window = open_drug(world)
    filing = h_a(window)
    fill_and_submit(world, filing, units=1200)
    for who in ("county_a", "city", "province"):
        review.approve(actor(world, who), filing)
    table = demand_filings_table(DemandFiling.objects.all())
    assert table.schema == TABLES["demand_filings"].arrow_schema()
    assert table.num_rows == 2
    row = table.to_pylist()[0]
    assert (row["batch_code"], row["cycle_no"], row["institution_code"], row["variety_code"],
            row["reported_units"]) == ("DRUG1", 1, "H_A", "V1", 1200)
    response = as_("province").get(f"/filings/window/{window.pk}/demand_filings.csv?lang=en")
    text = response.content.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert header == list(TABLES["demand_filings"].names)
    totals = {r["variety_code"]: r for r in batch_total(window.filings.all())}
    assert totals["V1"]["reported_units"] == 1200 and totals["V1"]["approved_filings"] == 1
    assert totals["V1"]["pending_filings"] == 4
    total_csv = as_("province").get(f"/filings/window/{window.pk}/total.csv").content
    assert b"V1" in total_csv and b"1200" in total_csv


def test_the_county_exports_only_its_own(world: World, as_) -> None:
    window = open_drug(world)
    for code in ("H_A",):
        fill_and_submit(world, window.filings.get(institution_id=code))
    text = as_("county_b").get(f"/filings/window/{window.pk}/total.csv").content.decode()
    assert ",0,0,1" in text  # V1: nothing approved, one pending filing (H_B) in county B


def test_the_filing_page_puts_the_history_beside_the_figure(world: World, as_) -> None:
    window = open_drug(world)
    page = as_("hospital").get(f"/filings/{h_a(window).pk}/").content.decode()
    assert 'name="units_V1"' in page and "1000" in page and "2024" in page
    county_page = as_("county_a").get(f"/filings/{h_a(window).pk}/").content.decode()
    assert 'name="units_V1"' not in county_page


def test_filing_through_the_pages(world: World, as_) -> None:
    filing = h_a(open_drug(world))
    hospital = as_("hospital")
    url = f"/filings/{filing.pk}/"
    hospital.post(url + "save/", {"units_V1": "800", "expl_V1": "", "units_V2": "0",
                                  "expl_V2": ""})
    hospital.post(url + "letter/", {"letter": pdf()})
    response = hospital.post(url + "submit/", follow=True)
    assert "explanation" in response.content.decode() or "说明" in response.content.decode()
    hospital.post(url + "save/", {"units_V1": "800", "expl_V1": "新院区未开", "units_V2": "0",
                                  "expl_V2": ""})
    hospital.post(url + "submit/")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.IN_REVIEW
    as_("county_a").post(url + "return/", {"reason": "请核实 V1"})
    filing.refresh_from_db()
    assert filing.status == FilingStatus.RETURNED
    assert "请核实 V1" in hospital.get(url).content.decode()
    event = AuditEvent.objects.filter(action="filing.return").get()
    assert event.ip == "127.0.0.1" and event.actor_name == "county_a"
    assert event.before["status"] == "in_review" and event.after["status"] == "returned"
