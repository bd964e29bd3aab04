"""Request and response bodies of the API.

Every request field is bounded (:mod:`jicai.web.api.bounds`): a value out of
range is refused with 422 before any service sees it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema

from jicai.web.api.bounds import (
    Code,
    Day,
    Long,
    Money,
    Name,
    PurchaseCategory,
    Quantity,
    Units,
    Username,
    Word,
)


class Message(Schema):
    detail: str


class Me(Schema):
    username: str
    role: str
    region_code: str | None
    institution_code: str | None
    company_code: str | None


class WindowOut(Schema):
    id: int
    batch_code: str
    cycle_no: int
    region_code: str
    opens_on: dt.date
    closes_on: dt.date
    status: str


class LineOut(Schema):
    variety_code: str
    variety_name: str
    history_year: int | None
    history_units: int | None
    reported_units: int | None
    explanation: str
    explanation_required: bool


class FilingOut(Schema):
    id: int
    window_id: int
    batch_code: str
    cycle_no: int
    institution_code: str
    filer_code: str
    status: str
    review_level: str
    submitted_at: dt.datetime | None
    has_commitment_letter: bool


class FilingDetail(FilingOut):
    lines: list[LineOut]
    missing: list[str]


class LineIn(Schema):
    variety_code: Code
    reported_units: Units | None
    explanation: Long = ""


class LinesIn(Schema):
    lines: list[LineIn]


class ReasonIn(Schema):
    reason: Long


class NoteIn(Schema):
    note: Long = ""


class TicketOut(Schema):
    id: int
    ticket_id: str
    institution_code: str
    product_code: str
    company_code: str
    description: str
    status: str
    reported_at: dt.datetime
    reply_due: dt.date | None
    replied_at: dt.datetime | None
    reply: str
    committed_by: dt.date | None
    resolved_at: dt.datetime | None
    escalated_to: str | None
    overdue: bool | None
    verified: bool


class TicketIn(Schema):
    product_code: Code
    description: Long
    company_code: Code | None = None


class ReplyIn(Schema):
    reply: Long
    committed_by: Day


class VerifyIn(Schema):
    start: Day
    end: Day


class PurchaseOut(Schema):
    id: int
    filing_id: str
    institution_code: str
    product_code: str | None
    product_name: str
    category: str
    qty: Decimal
    amount: Decimal
    purchased_at: dt.date
    filed_at: dt.date | None  # None: recorded, not yet filed (status draft)
    deadline: dt.date | None
    late: bool | None
    status: str


class PurchaseIn(Schema):
    product_code: Code | None = None
    product_name: Name = ""
    category: PurchaseCategory | None = None  # None: the catalogue product's category
    qty: Quantity
    amount: Money
    purchased_at: Day
    is_negotiated: bool = False
    is_hk_macau: bool = False
    reason: Long = ""
    draft: bool = False  # record it now, file it later (POST /purchases/{pk}/file)


class AgreementOut(Schema):
    id: int
    batch_code: str
    cycle_no: int
    institution_code: str
    company_code: str
    distributor_code: str | None
    signed_at: dt.date | None
    status: str
    deadline: dt.date
    signed_on_behalf: bool


class RecordIn(Schema):
    distributor_code: Code | None = None
    signed_at: Day


class AlertOut(Schema):
    id: int
    rule_id: str
    severity: str
    institution_code: str
    batch_code: str
    cycle_no: int | None
    variety_code: str
    product_code: str
    ref: str
    value: float | None
    threshold: float | None
    clause: str
    message: str
    status: str
    distributor_code: str | None


class ActIn(Schema):
    action: Word
    note: Long = ""
    assignee: Username | None = None


class AuditOut(Schema):
    id: int
    at: dt.datetime
    actor: str
    ip: str | None
    action: str
    target_type: str
    target_id: str
    before: dict | None  # type: ignore[type-arg]
    after: dict | None  # type: ignore[type-arg]
    note: str
