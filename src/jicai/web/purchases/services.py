"""Registering an off-platform purchase (备案) within 7 working days of the purchase.

GANZHOU 二(四) ("在7个工作日内……进行备案") and GUANGDONG 二(三) ("于7个工作日内在采购平台
登记") both give 7 working days. A purchase is filed at once, or first recorded as a
draft when it is made (先采购使用) and filed later: the draft's deadline is a duty on
the institution's home page until it is filed. A late filing is accepted — refusing
it would hide the purchase — but it is shown as late, and the monitor's
``filing.late`` rule reports it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from jicai.web import clock
from jicai.web.accounts.permissions import require
from jicai.web.accounts.roles import Capability
from jicai.web.audit.record import Actor, tracked
from jicai.web.purchases.models import OffPlatformPurchase, PurchaseStatus
from jicai.web.workflow import Machine, Transition, WorkflowError

FILING_WORKING_DAYS = 7  # GANZHOU 二(四), GUANGDONG 二(三)
PURCHASE = Machine("purchase", {
    "file": Transition("file", {PurchaseStatus.DRAFT}, PurchaseStatus.FILED),
    "withdraw": Transition("withdraw", {PurchaseStatus.DRAFT, PurchaseStatus.FILED},
                           PurchaseStatus.WITHDRAWN),
})
# The fields a form or the API gives; the rest is the record's own.
FIELDS = ("product", "product_name", "supplier", "category", "qty", "amount", "purchased_at",
          "is_negotiated", "is_hk_macau", "reason")


def due(purchased_at: dt.date) -> dt.date:
    return clock.calendar().add_working_days(purchased_at, FILING_WORKING_DAYS)


def _fill(purchase: OffPlatformPurchase, data: dict[str, Any]) -> None:
    """Set the purchase's fields from ``data``, checked (WorkflowError when wrong)."""
    if data["purchased_at"] > clock.today():
        raise WorkflowError(_("The purchase date cannot be in the future."))
    if Decimal(data["amount"]) < 0 or Decimal(data["qty"]) < 0:
        raise WorkflowError(_("Quantity and amount cannot be negative."))
    product = data.get("product")
    purchase.product = product
    purchase.product_name = data.get("product_name") or (str(product) if product else "")
    purchase.supplier = (data.get("supplier") or "").strip()
    purchase.category = product.category if product else data.get("category") or ""
    purchase.qty, purchase.amount = data["qty"], data["amount"]
    purchase.purchased_at = data["purchased_at"]
    purchase.is_negotiated = bool(data.get("is_negotiated")) or bool(
        product and product.is_negotiated)
    purchase.is_hk_macau = bool(data.get("is_hk_macau")) or bool(product and product.is_hk_macau)
    purchase.reason = data.get("reason", "")
    if not purchase.product_name or not purchase.category:
        raise WorkflowError(_("Choose a catalogue product, or give the product's name and "
                              "category."))


def register(actor: Actor, data: dict[str, Any], *, draft: bool = False) -> OffPlatformPurchase:
    """Record a purchase made off the platform: filed today, or (``draft``) recorded now
    and filed later, its 7 working days running from the purchase date."""
    user = actor.user
    require(user, Capability.REGISTER_PURCHASE)  # type: ignore[arg-type]
    purchase = OffPlatformPurchase(
        institution=user.institution, created_by=user,  # type: ignore[union-attr]
        status=PurchaseStatus.DRAFT if draft else PurchaseStatus.FILED,
        filed_at=None if draft else clock.today())
    _fill(purchase, data)
    with tracked(actor, "purchase.draft" if draft else "purchase.register", purchase,
                 scope_path=user.institution.region.path):  # type: ignore[union-attr]
        purchase.save()
    return purchase


def _own(actor: Actor, purchase: OffPlatformPurchase) -> None:
    user = actor.user
    require(user, Capability.REGISTER_PURCHASE)  # type: ignore[arg-type]
    if user is None or user.institution_id != purchase.institution_id:
        raise PermissionDenied("institution")


def save_draft(actor: Actor, purchase: OffPlatformPurchase, data: dict[str, Any]) -> None:
    """Correct a draft (a figure known later); it stays a draft."""
    _own(actor, purchase)
    if purchase.status != PurchaseStatus.DRAFT:
        raise WorkflowError(_("Only a record not yet filed can be changed."))
    with tracked(actor, "purchase.draft", purchase,
                 scope_path=purchase.institution.region.path):
        _fill(purchase, data)
        purchase.save()


def file(actor: Actor, purchase: OffPlatformPurchase,
         data: dict[str, Any] | None = None) -> None:
    """File a draft today (with its corrections, if ``data``); late is accepted, and shown."""
    _own(actor, purchase)
    transition = PURCHASE.check(purchase.status, "file")
    with tracked(actor, "purchase.register", purchase,
                 scope_path=purchase.institution.region.path):
        if data is not None:
            _fill(purchase, data)
        purchase.status = transition.next_status(purchase.status)
        purchase.filed_at = clock.today()
        purchase.save()


def withdraw(actor: Actor, purchase: OffPlatformPurchase, reason: str) -> None:
    """The institution withdraws a record entered by mistake (kept, marked withdrawn)."""
    _own(actor, purchase)
    transition = PURCHASE.check(purchase.status, "withdraw")
    if not (reason or "").strip():
        raise WorkflowError(_("Say why the record is withdrawn."))
    with tracked(actor, "purchase.withdraw", purchase, note=reason.strip(),
                 scope_path=purchase.institution.region.path):
        purchase.status = transition.next_status(purchase.status)
        purchase.save()
