"""The alert state machine, in one table.

::

    new ──acknowledge──> acknowledged
     │ (any open state) ──assign──> assigned
     │ (any open state) ──escalate──> escalated   (one bureau up)
     └ (any open state) ──resolve (with a note)──> resolved

``answer`` — the institution or company the alert is about explains itself —
keeps the status.
"""

from __future__ import annotations

from jicai.web.alerts.models import AlertStatus as S
from jicai.web.workflow import Machine, Transition

OPEN = {S.NEW, S.ACKNOWLEDGED, S.ASSIGNED, S.ESCALATED}

ALERT = Machine("alert", {
    "acknowledge": Transition("acknowledge", {S.NEW}, S.ACKNOWLEDGED),
    "assign": Transition("assign", OPEN, S.ASSIGNED),
    "escalate": Transition("escalate", OPEN, S.ESCALATED),
    "resolve": Transition("resolve", OPEN, S.RESOLVED),
    "answer": Transition("answer", OPEN, None),
})
