"""The supply-problem ticket state machine (HENAN 二(八)), in one table.

::

    open ──reply (company, fix date ≤ 5 working days)──> replied ──resolve──> resolved
      └──────────────────────resolve─────────────────────────────────────────^

``escalate`` (an overdue ticket goes up one bureau, 逐级上报) and ``verify``
(the bureau confirms a supply problem, which creates an exemption) keep the
status as it is.
"""

from __future__ import annotations

from jicai.web.tickets.models import TicketStatus as S
from jicai.web.workflow import Machine, Transition

TICKET = Machine("ticket", {
    "reply": Transition("reply", {S.OPEN}, S.REPLIED),
    "resolve": Transition("resolve", {S.OPEN, S.REPLIED}, S.RESOLVED),
    "escalate": Transition("escalate", {S.OPEN, S.REPLIED}, None),
    "verify": Transition("verify", {S.OPEN, S.REPLIED, S.RESOLVED}, None),
})

REPLY_WORKING_DAYS = 2  # 企业应在2个工作日内进行回复
FIX_WORKING_DAYS = 5  # 承诺时限不得超过5个工作日
