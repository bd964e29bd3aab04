"""Demand filing: open a window, fill the lines, attach the letter, submit.

Each function takes the acting :class:`~jicai.web.audit.record.Actor`, checks
the role and the record, changes it in one transaction and leaves an audit
event. Refusals: ``PermissionDenied`` (not this user's to do) or
``WorkflowError`` (not now, or not like this; the message says why).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from jicai.web import clock
from jicai.web.accounts.models import Notice, User
from jicai.web.accounts.permissions import require
from jicai.web.accounts.roles import Capability
from jicai.web.audit.record import Actor, record, snapshot, tracked
from jicai.web.filings.models import (
    DemandFiling,
    DemandLine,
    FilingStatus,
    FilingWindow,
    WindowStatus,
)
from jicai.web.filings.rules import rules_for
from jicai.web.filings.workflow import EDITABLE, FILING, WINDOW
from jicai.web.reference.models import Batch, HistoricalVolume, Institution, Region
from jicai.web.reference.scoping import scoped_regions
from jicai.web.workflow import WorkflowError

MAX_LETTER_BYTES = 10 * 1024 * 1024


def open_window(actor: Actor, batch: Batch, region: Region, closes_on: dt.date) -> FilingWindow:
    """Open filing for ``batch``: every institution of ``region`` gets a filing of every variety."""
    user = actor.person
    require(user, Capability.OPEN_WINDOW)
    if not scoped_regions(user).filter(pk=region.pk).exists():  # type: ignore[arg-type]
        raise PermissionDenied("region")
    today = clock.today()
    if closes_on < today:
        raise WorkflowError(_("The closing date must not be in the past."))
    if batch.end_date < today:
        raise WorkflowError(_("The purchasing cycle of this batch ended on %(end)s: there is "
                              "no demand left to file.") % {"end": batch.end_date.isoformat()})
    if FilingWindow.objects.filter(batch=batch, region=region).exists():
        raise WorkflowError(_("Filing for this batch is already open in this region."))
    varieties = list(batch.varieties())
    if not varieties:
        raise WorkflowError(_("The batch has no awarded varieties to file."))
    year = batch.start_date.year - 1
    institutions = list(Institution.objects.filter(region__path__startswith=region.path))
    history = {(h.institution_id, h.variety_id): h.units for h in HistoricalVolume.objects.filter(
        year=year, variety__in=varieties, institution__in=institutions)}
    with transaction.atomic():
        window = FilingWindow.objects.create(
            batch=batch, region=region, opens_on=today, closes_on=closes_on,
            profile=settings.JICAI_PROFILE, opened_by=user)
        filings = DemandFiling.objects.bulk_create(
            DemandFiling(window=window, institution=inst,
                         filer_id=inst.consortium_lead_id or inst.pk)
            for inst in institutions)
        DemandLine.objects.bulk_create(
            (DemandLine(filing=f, variety=v, history_year=year,
                        history_units=history.get((f.institution_id, v.pk)))
             for f in filings for v in varieties), batch_size=2000)
        record(actor, "filing.open_window", window, before=None, after=snapshot(window),
               scope_path=region.path,
               note=f"{len(filings)} institutions × {len(varieties)} varieties")
    return window


def platform_filings(batch: Batch) -> int:
    """Demand filings of ``batch`` already in the warehouse that did not come from this app
    (imported from the platform): web filings published later replace those of the same
    institution and variety, so the bureau is told before it opens filing."""
    from jicai.web.monitoring import bridge

    if not bridge.has_data():
        return 0
    total = bridge.count_rows("demand_filings", batch_code=batch.code, cycle_no=batch.cycle_no)
    published = DemandLine.objects.filter(filing__window__batch=batch,
                                          filing__status=FilingStatus.APPROVED).count()
    return max(total - published, 0)


def _check_bureau(actor: Actor, window: FilingWindow) -> None:
    require(actor.user, Capability.OPEN_WINDOW)  # type: ignore[arg-type]
    if not scoped_regions(actor.user).filter(pk=window.region_id).exists():  # type: ignore[arg-type]
        raise PermissionDenied("region")


def takes_submissions(window: FilingWindow) -> bool:
    """Whether a first submission is accepted now: open, and its closing date not passed."""
    return window.status == WindowStatus.OPEN and clock.today() <= window.closes_on


def close_window(actor: Actor, window: FilingWindow) -> None:
    """No more first submissions; filings still in draft stay unfiled (and are reported)."""
    _check_bureau(actor, window)
    transition = WINDOW.check(window.status, "close")
    with tracked(actor, "filing.close_window", window, scope_path=window.region.path):
        window.status = transition.next_status(window.status)
        window.save()


def _new_closing(window: FilingWindow, closes_on: dt.date, reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Give the reason: it is kept in the audit log."))
    if closes_on < clock.today():
        raise WorkflowError(_("The closing date must not be in the past."))
    if window.batch.end_date < clock.today():
        raise WorkflowError(_("The purchasing cycle of this batch ended on %(end)s: there is "
                              "no demand left to file.")
                            % {"end": window.batch.end_date.isoformat()})
    return reason


def extend_window(actor: Actor, window: FilingWindow, closes_on: dt.date, reason: str) -> None:
    """Give an open window a later closing date (延期), with the reason."""
    _check_bureau(actor, window)
    transition = WINDOW.check(window.status, "extend")
    reason = _new_closing(window, closes_on, reason)
    if closes_on <= window.closes_on:
        raise WorkflowError(_("An extension must close later than %(date)s.")
                            % {"date": window.closes_on.isoformat()})
    with tracked(actor, "filing.extend_window", window, scope_path=window.region.path,
                 note=reason):
        window.status = transition.next_status(window.status)
        window.closes_on = closes_on
        window.save()


def reopen_window(actor: Actor, window: FilingWindow, closes_on: dt.date, reason: str) -> None:
    """Open a closed window again until ``closes_on`` (重新开放), with the reason."""
    _check_bureau(actor, window)
    transition = WINDOW.check(window.status, "reopen")
    reason = _new_closing(window, closes_on, reason)
    with tracked(actor, "filing.reopen_window", window, scope_path=window.region.path,
                 note=reason):
        window.status = transition.next_status(window.status)
        window.closes_on = closes_on
        window.save()


def remind(actor: Actor, window: FilingWindow) -> int:
    """催报: a notice to every user of each institution that files and has not submitted.

    Returns how many filing institutions were reminded; one audit event says whom.
    """
    _check_bureau(actor, window)
    if window.status != WindowStatus.OPEN:
        raise WorkflowError(_("The filing window is closed."))
    drafts = DemandFiling.objects.filter(
        window=window, status=FilingStatus.DRAFT,
        institution__region__path__startswith=actor.user.region.path  # type: ignore[union-attr]
    ).order_by("institution_id")
    # filer → the first draft it owes (its own, or a consortium member's)
    owed: dict[str, DemandFiling] = {}
    for d in drafts:
        owed.setdefault(d.filer_id, d)
    filers = sorted(owed)
    if not filers:
        raise WorkflowError(_("Every institution has submitted: nobody to remind."))
    text = _("Please submit your demand filing for %(batch)s by %(date)s (催报 by %(bureau)s).") \
        % {"batch": window.batch, "date": window.closes_on.isoformat(),
           "bureau": actor.user.region}  # type: ignore[union-attr]
    with transaction.atomic():
        recipients = list(User.objects.filter(institution_id__in=filers, is_active=True))
        Notice.objects.bulk_create(Notice(
            recipient=u, sender=actor.user, text=text,
            url=reverse("filings:filing", args=[owed[str(u.institution_id)].pk]))
            for u in recipients)
        record(actor, "filing.remind", window, before=None,
               after={"institutions": filers, "users": len(recipients)},
               scope_path=window.region.path, note=text)
    return len(filers)


def _check_filer(actor: Actor, filing: DemandFiling) -> None:
    require(actor.user, Capability.FILE_DEMAND)  # type: ignore[arg-type]
    if actor.user is None or actor.user.institution_id != filing.filer_id:
        raise PermissionDenied("filer")
    if filing.status not in EDITABLE:
        raise WorkflowError(_("The filing can only be changed before submission or after "
                              "it was returned."))


def _parse_units(raw: str | int | None) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    value = int(str(raw).strip().replace(",", ""))
    if value < 0:
        raise ValueError(raw)
    return value


def save_lines(actor: Actor, filing: DemandFiling,
               values: Mapping[str, tuple[str | int | None, str]]) -> list[str]:
    """Set the figures and explanations by variety code; every bad figure is reported at once."""
    _check_filer(actor, filing)
    lines = {ln.variety_id: ln for ln in filing.lines.select_related("variety")}
    problems: list[str] = []
    parsed: dict[str, tuple[int | None, str]] = {}
    for code, (raw, explanation) in values.items():
        if code not in lines:
            problems.append(_("Unknown variety %(code)s.") % {"code": code})
            continue
        try:
            parsed[code] = (_parse_units(raw), (explanation or "").strip())
        except ValueError:
            problems.append(_("%(name)s: “%(value)s” is not a whole number of 0 or more.")
                            % {"name": lines[code].variety.name, "value": raw})
    if problems:
        raise WorkflowError(" ".join(problems))
    before = {c: [ln.reported_units, ln.explanation] for c, ln in lines.items()}
    with transaction.atomic():
        changed = []
        for code, (units, explanation) in parsed.items():
            line = lines[code]
            if (line.reported_units, line.explanation) != (units, explanation):
                line.reported_units, line.explanation = units, explanation
                changed.append(line)
        DemandLine.objects.bulk_update(changed, ["reported_units", "explanation"])
        if changed:
            after = {c: [ln.reported_units, ln.explanation] for c, ln in lines.items()}
            record(actor, "filing.lines", filing, before=before, after=after,
                   scope_path=filing.institution.region.path)
    return [ln.variety_id for ln in changed]


def attach_letter(actor: Actor, filing: DemandFiling, upload: UploadedFile[bytes] | None) -> None:
    """The commitment letter (承诺函, JILIN 第四条): a signed and stamped PDF."""
    _check_filer(actor, filing)
    if upload is None:
        raise WorkflowError(_("Choose the PDF file first."))
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-" or (upload.size or 0) > MAX_LETTER_BYTES:
        raise WorkflowError(_("The commitment letter must be a PDF file of at most 10 MB."))
    with tracked(actor, "filing.letter", filing, scope_path=filing.institution.region.path):
        filing.commitment_letter.save(f"{filing.pk}-{filing.institution_id}.pdf", upload)


def missing_for_submission(filing: DemandFiling) -> list[str]:
    """Everything that keeps ``filing`` from being submitted, in the user's words."""
    rules = rules_for(filing.window.profile)
    problems = []
    for line in filing.lines.select_related("variety"):
        if line.reported_units is None:
            problems.append(_("%(name)s: no figure (enter 0 if nothing is needed).")
                            % {"name": line.variety.name})
        elif rules.needs_explanation(line.reported_units, line.history_units) \
                and not line.explanation:
            problems.append(_("%(name)s: below %(pct)s%% of the %(year)s purchases, "
                              "an explanation is required.")
                            % {"name": line.variety.name, "pct": round((rules.ratio or 0) * 100),
                               "year": line.history_year})
    if not filing.commitment_letter:
        problems.append(_("The signed commitment letter (PDF) has not been uploaded."))
    return problems


def submit(actor: Actor, filing: DemandFiling) -> None:
    _check_filer(actor, filing)
    FILING.check(filing.status, "submit")
    window = filing.window
    if filing.status == FilingStatus.DRAFT and not takes_submissions(window):
        raise WorkflowError(_("The filing window is closed."))
    problems = missing_for_submission(filing)
    if problems:
        raise WorkflowError(" ".join(problems))
    chain = rules_for(window.profile).chain_for(window.batch.category, filing.institution)
    with tracked(actor, "filing.submit", filing, scope_path=filing.institution.region.path):
        filing.status = FilingStatus.IN_REVIEW
        filing.chain = chain
        filing.review_level = chain[0]
        filing.submitted_at = clock.now()
        filing.submitted_by = actor.user
        filing.save()
