"""The demand-filing state machine: every allowed transition, in one table.

::

    draft ──submit──> in_review ──forward──> in_review (next level)
    returned ─submit─┘    │ └──approve──> approved   (the last level)
        ^                 │
        └────return───────┘  (any level, with a reason)
"""

from __future__ import annotations

from jicai.web.filings.models import FilingStatus as S
from jicai.web.filings.models import WindowStatus
from jicai.web.workflow import Machine, Transition

FILING = Machine("filing", {
    "submit": Transition("submit", {S.DRAFT, S.RETURNED}, S.IN_REVIEW),
    "forward": Transition("forward", {S.IN_REVIEW}, S.IN_REVIEW),
    "approve": Transition("approve", {S.IN_REVIEW}, S.APPROVED),
    "return": Transition("return", {S.IN_REVIEW}, S.RETURNED),
})

EDITABLE = frozenset({S.DRAFT, S.RETURNED})

# A window takes first submissions until it is closed (or its closing date passes);
# returned filings may still be corrected and resubmitted after that. A bureau may
# extend an open window or reopen a closed one, each with a reason (audited).
WINDOW = Machine("window", {
    "close": Transition("close", {WindowStatus.OPEN}, WindowStatus.CLOSED),
    "extend": Transition("extend", {WindowStatus.OPEN}, WindowStatus.OPEN),
    "reopen": Transition("reopen", {WindowStatus.CLOSED}, WindowStatus.OPEN),
})
