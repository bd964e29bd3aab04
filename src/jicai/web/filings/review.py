"""Review of demand filings, level by level (JILIN 第十一条; HENAN and GANZHOU 二(一))."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from jicai.web import clock
from jicai.web.accounts.models import User
from jicai.web.accounts.roles import OFFICER_LEVEL, Capability, can
from jicai.web.audit.record import Actor, tracked
from jicai.web.filings.models import Decision, DemandFiling, FilingStatus, Review
from jicai.web.filings.workflow import FILING
from jicai.web.workflow import WorkflowError


def is_reviewer(user: User, filing: DemandFiling) -> bool:
    """Whether it is ``user``'s turn: an officer of the filing's current level, above it."""
    if not can(user, Capability.REVIEW_DEMAND) or filing.status != FilingStatus.IN_REVIEW:
        return False
    return (OFFICER_LEVEL.get(user.role) == filing.review_level and user.region is not None
            and filing.institution.region.path.startswith(user.region.path))


def _check(actor: Actor, filing: DemandFiling) -> User:
    user = actor.user
    if user is None or not can(user, Capability.REVIEW_DEMAND):
        raise PermissionDenied("review")
    if filing.status == FilingStatus.IN_REVIEW and not is_reviewer(user, filing):
        raise PermissionDenied("level")
    return user


def approve(actor: Actor, filing: DemandFiling) -> None:
    """Pass the filing to the next level, or approve it at the last one."""
    user = _check(actor, filing)
    chain = list(filing.chain)
    level = filing.review_level
    last = not chain or level == chain[-1]
    transition = FILING.check(filing.status, "approve" if last else "forward")
    with tracked(actor, f"filing.{transition.name}", filing,
                 scope_path=filing.institution.region.path):
        Review.objects.create(filing=filing, level=level, decision=Decision.APPROVE,
                              reviewer=user)
        filing.status = transition.next_status(filing.status)
        if last:
            filing.review_level = ""
            filing.approved_at = clock.now()
        else:
            filing.review_level = chain[chain.index(level) + 1]
        filing.save()


def return_filing(actor: Actor, filing: DemandFiling, reason: str) -> None:
    """Send the filing back to the institution with a reason it must act on."""
    user = _check(actor, filing)
    transition = FILING.check(filing.status, "return")
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("A returned filing needs a reason."))
    with tracked(actor, "filing.return", filing, scope_path=filing.institution.region.path,
                 note=reason):
        Review.objects.create(filing=filing, level=filing.review_level, decision=Decision.RETURN,
                              reason=reason, reviewer=user)
        filing.status = transition.next_status(filing.status)
        filing.review_level = ""
        filing.save()
