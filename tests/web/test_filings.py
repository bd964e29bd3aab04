"""Demand filing (报量): the window, the lines, zero and silence, explanations, the letter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from jicai.web.filings import services
from jicai.web.filings.models import FilingStatus
from jicai.web.filings.rules import rules_for
from jicai.web.filings.workflow import FILING
from jicai.web.reference.models import Institution
from jicai.web.workflow import WorkflowError
from tests.web.filing_helpers import actor, h_a, open_drug
from tests.web.records import pdf
from tests.web.world import World


def test_the_state_machine_table() -> None:
    assert FILING.allowed(FilingStatus.DRAFT) == ["submit"]
    assert FILING.allowed(FilingStatus.RETURNED) == ["submit"]
    assert FILING.allowed(FilingStatus.IN_REVIEW) == ["forward", "approve", "return"]
    assert FILING.allowed(FilingStatus.APPROVED) == []
    with pytest.raises(WorkflowError):
        FILING.check(FilingStatus.APPROVED, "return")


def test_a_window_gives_every_institution_every_variety(world: World) -> None:
    window = open_drug(world)
    assert window.filings.count() == Institution.objects.count() == 5
    for filing in window.filings.all():
        assert sorted(filing.lines.values_list("variety_id", flat=True)) == ["V1", "V2"]
        assert all(ln.reported_units is None for ln in filing.lines.all())
    line = h_a(window).lines.get(variety_id="V1")
    assert (line.history_units, line.history_year) == (1000, 2024)
    # the consortium lead files for its member
    assert window.filings.get(institution_id="H_A2").filer_id == "H_A"


def test_only_the_province_opens_and_only_once(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.open_window(actor(world, "city"), world.drug_batch,
                             world.users["city"].region, dt.date(2099, 1, 1))
    open_drug(world)
    with pytest.raises(WorkflowError, match="already open"):
        open_drug(world)
    with pytest.raises(WorkflowError, match="past"):
        services.open_window(actor(world, "province"), world.consumable_batch,
                             world.users["province"].region, dt.date(2000, 1, 1))


def test_silence_is_not_an_answer_but_zero_is(world: World) -> None:
    filing = h_a(open_drug(world))
    hospital = actor(world, "hospital")
    services.attach_letter(hospital, filing, pdf())
    services.save_lines(hospital, filing, {"V1": ("1000", ""), "V2": ("", "")})
    with pytest.raises(WorkflowError, match="no figure"):
        services.submit(hospital, filing)
    services.save_lines(hospital, filing, {"V2": ("0", "")})
    services.submit(hospital, filing)
    filing.refresh_from_db()
    assert filing.status == FilingStatus.IN_REVIEW


def test_bad_figures_are_all_reported_at_once(world: World) -> None:
    filing = h_a(open_drug(world))
    with pytest.raises(WorkflowError) as exc:
        services.save_lines(actor(world, "hospital"), filing,
                            {"V1": ("-3", ""), "V2": ("lots", "")})
    assert "-3" in str(exc.value) and "lots" in str(exc.value)


def test_below_history_needs_an_explanation(world: World) -> None:
    filing = h_a(open_drug(world))
    hospital = actor(world, "hospital")
    services.attach_letter(hospital, filing, pdf())
    services.save_lines(hospital, filing, {"V1": ("900", ""), "V2": ("0", "")})
    with pytest.raises(WorkflowError, match="explanation"):
        services.submit(hospital, filing)
    services.save_lines(hospital, filing, {"V1": ("900", "门诊量下降")})
    services.submit(hospital, filing)


@pytest.mark.parametrize(("profile", "units", "needed"), [
    ("national", 999, True), ("national", 1000, False),
    ("henan", 999, True),
    ("ganzhou", 799, True), ("ganzhou", 800, False), ("ganzhou", 999, False),
    ("jilin", 1, False), ("guangdong", 0, False),
])
def test_explanation_threshold_by_profile(profile: str, units: int, needed: bool) -> None:
    assert rules_for(profile).needs_explanation(units, 1000) is needed
    assert rules_for(profile).needs_explanation(units, None) is False
    assert rules_for(profile).needs_explanation(units, 0) is False


def test_ratios_agree_with_the_policy_profiles() -> None:
    from jicai.web.monitoring.bridge import demand_ratio

    for name in ("national", "henan", "ganzhou", "jilin", "guangdong"):
        assert rules_for(name).ratio == demand_ratio(name), name


def test_the_commitment_letter_must_be_a_pdf(world: World) -> None:
    filing = h_a(open_drug(world))
    hospital = actor(world, "hospital")
    services.save_lines(hospital, filing, {"V1": ("1000", ""), "V2": ("0", "")})
    with pytest.raises(WorkflowError, match="commitment letter"):
        services.submit(hospital, filing)
    fake = SimpleUploadedFile("letter.pdf", b"<html>not a pdf</html>")
    with pytest.raises(WorkflowError, match="PDF"):
        services.attach_letter(hospital, filing, fake)
    services.attach_letter(hospital, filing, pdf())
    services.submit(hospital, filing)
