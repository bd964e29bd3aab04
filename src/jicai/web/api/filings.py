"""API of demand filing."""


from typing import Any

from django.http import HttpRequest
from ninja import File, Router
from ninja.files import UploadedFile
from ninja.pagination import paginate

from jicai.web.accounts.permissions import current, get_scoped, require_scope
from jicai.web.accounts.roles import ScopeKind
from jicai.web.api.bounds import Page, PathId, QueryId
from jicai.web.api.lazy import Mapped
from jicai.web.api.schemas import FilingDetail, FilingOut, LinesIn, ReasonIn, WindowOut
from jicai.web.audit.record import Actor
from jicai.web.filings import review, services
from jicai.web.filings.models import DemandFiling, FilingStatus, FilingWindow
from jicai.web.filings.rules import rules_for
from jicai.web.filings.scoping import scoped_filings, scoped_windows

router = Router()


def window_out(w: FilingWindow) -> dict[str, Any]:
    return {"id": w.pk, "batch_code": w.batch.code, "cycle_no": w.batch.cycle_no,
            "region_code": w.region_id, "opens_on": w.opens_on, "closes_on": w.closes_on,
            "status": w.status}


def filing_out(f: DemandFiling) -> dict[str, Any]:
    return {"id": f.pk, "window_id": f.window_id, "batch_code": f.window.batch.code,
            "cycle_no": f.window.batch.cycle_no, "institution_code": f.institution_id,
            "filer_code": f.filer_id, "status": f.status, "review_level": f.review_level,
            "submitted_at": f.submitted_at, "has_commitment_letter": bool(f.commitment_letter)}


def filing_detail(f: DemandFiling) -> dict[str, Any]:
    rules = rules_for(f.window.profile)
    lines = [{"variety_code": ln.variety_id, "variety_name": ln.variety.name,
              "history_year": ln.history_year, "history_units": ln.history_units,
              "reported_units": ln.reported_units, "explanation": ln.explanation,
              "explanation_required": rules.needs_explanation(ln.reported_units,
                                                              ln.history_units)}
             for ln in f.lines.select_related("variety")]
    return {**filing_out(f), "lines": lines, "missing": services.missing_for_submission(f)}


@router.get("/windows", response=list[WindowOut])
def windows(request: HttpRequest) -> list[dict[str, Any]]:
    user = current(request)
    require_scope(user, ScopeKind.REGION, ScopeKind.INSTITUTION)
    return [window_out(w) for w in scoped_windows(user)]


@router.get("", response=list[FilingOut])
@paginate(Page)
def filings(request: HttpRequest, window: QueryId = None,
            status: FilingStatus | None = None) -> Any:
    items = scoped_filings(current(request))
    if window is not None:
        items = items.filter(window_id=window)
    if status:
        items = items.filter(status=status)
    return Mapped(items, filing_out)


@router.get("/{pk}", response=FilingDetail)
def filing(request: HttpRequest, pk: PathId) -> dict[str, Any]:
    return filing_detail(get_scoped(scoped_filings(current(request)), pk=pk))


@router.put("/{pk}/lines", response=FilingDetail)
def put_lines(request: HttpRequest, pk: PathId, body: LinesIn) -> dict[str, Any]:
    item = get_scoped(scoped_filings(current(request)), pk=pk)
    services.save_lines(Actor.of(request, via="api"), item, {
        ln.variety_code: (ln.reported_units, ln.explanation) for ln in body.lines})
    return filing_detail(item)


@router.post("/{pk}/letter", response=FilingOut)
def letter(request: HttpRequest, pk: PathId, file: File[UploadedFile]) -> dict[str, Any]:
    item = get_scoped(scoped_filings(current(request)), pk=pk)
    services.attach_letter(Actor.of(request, via="api"), item, file)
    return filing_out(item)


@router.post("/{pk}/submit", response=FilingOut)
def submit(request: HttpRequest, pk: PathId) -> dict[str, Any]:
    item = get_scoped(scoped_filings(current(request)), pk=pk)
    services.submit(Actor.of(request, via="api"), item)
    return filing_out(item)


@router.post("/{pk}/approve", response=FilingOut)
def approve(request: HttpRequest, pk: PathId) -> dict[str, Any]:
    item = get_scoped(scoped_filings(current(request)), pk=pk)
    review.approve(Actor.of(request, via="api"), item)
    return filing_out(item)


@router.post("/{pk}/return", response=FilingOut)
def return_filing(request: HttpRequest, pk: PathId, body: ReasonIn) -> dict[str, Any]:
    item = get_scoped(scoped_filings(current(request)), pk=pk)
    review.return_filing(Actor.of(request, via="api"), item, body.reason)
    return filing_out(item)
