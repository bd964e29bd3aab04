"""The agreement state machine (JILIN 第五条), in one table.

::

    pending ──record──> recorded ──confirm──> confirmed
    disputed ─record─┘     └──dispute──> disputed
"""

from __future__ import annotations

from jicai.web.agreements.models import AgreementStatus as S
from jicai.web.workflow import Machine, Transition

AGREEMENT = Machine("agreement", {
    "record": Transition("record", {S.PENDING, S.RECORDED, S.DISPUTED}, S.RECORDED),
    "confirm": Transition("confirm", {S.RECORDED}, S.CONFIRMED),
    "dispute": Transition("dispute", {S.RECORDED}, S.DISPUTED),
})

SIGNING_DAYS = 30  # 在中选结果执行30天内 … 签订三方购销协议 (calendar days)
