"""Request and response bodies of the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema


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
    variety_code: str
    reported_units: int | None
    explanation: str = ""


class LinesIn(Schema):
    lines: list[LineIn]


class ReasonIn(Schema):
    reason: str


class NoteIn(Schema):
    note: str = ""


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
    product_code: str
    description: str
    company_code: str | None = None


class ReplyIn(Schema):
    reply: str
    committed_by: dt.date


class VerifyIn(Schema):
    start: dt.date
    end: dt.date


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
    filed_at: dt.date
    deadline: dt.date | None
    late: bool | None
    status: str


class PurchaseIn(Schema):
    product_code: str | None = None
    product_name: str = ""
    category: str = ""
    qty: Decimal
    amount: Decimal
    purchased_at: dt.date
    is_negotiated: bool = False
    is_hk_macau: bool = False
    reason: str = ""


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
    distributor_code: str | None = None
    signed_at: dt.date


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
    action: str
    note: str = ""
    assignee: str | None = None


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
