"""Registering an off-platform purchase (备案) within 7 working days (GANZHOU 二(四)).

A late filing is accepted — refusing it would hide the purchase — but it is
shown as late, and the monitor's ``filing.late`` rule reports it.
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

FILING_WORKING_DAYS = 7
PURCHASE = Machine("purchase", {
    "withdraw": Transition("withdraw", {PurchaseStatus.FILED}, PurchaseStatus.WITHDRAWN),
})


def due(purchased_at: dt.date) -> dt.date:
    return clock.calendar().add_working_days(purchased_at, FILING_WORKING_DAYS)


def register(actor: Actor, data: dict[str, Any]) -> OffPlatformPurchase:
    """Record a purchase made off the platform; filed today."""
    user = actor.user
    require(user, Capability.REGISTER_PURCHASE)  # type: ignore[arg-type]
    today = clock.today()
    if data["purchased_at"] > today:
        raise WorkflowError(_("The purchase date cannot be in the future."))
    if Decimal(data["amount"]) < 0 or Decimal(data["qty"]) < 0:
        raise WorkflowError(_("Quantity and amount cannot be negative."))
    product = data.get("product")
    purchase = OffPlatformPurchase(
        institution=user.institution, product=product,  # type: ignore[union-attr]
        product_name=data.get("product_name") or (str(product) if product else ""),
        supplier=(data.get("supplier") or "").strip(),
        category=product.category if product else data.get("category") or "", qty=data["qty"],
        amount=data["amount"], purchased_at=data["purchased_at"], filed_at=today,
        is_negotiated=bool(data.get("is_negotiated")) or bool(product and product.is_negotiated),
        is_hk_macau=bool(data.get("is_hk_macau")) or bool(product and product.is_hk_macau),
        reason=data.get("reason", ""), created_by=user)
    if not purchase.product_name or not purchase.category:
        raise WorkflowError(_("Choose a catalogue product, or give the product's name and "
                              "category."))
    with tracked(actor, "purchase.register", purchase,
                 scope_path=user.institution.region.path):  # type: ignore[union-attr]
        purchase.save()
    return purchase


def withdraw(actor: Actor, purchase: OffPlatformPurchase, reason: str) -> None:
    """The institution withdraws a record entered by mistake (kept, marked withdrawn)."""
    user = actor.user
    require(user, Capability.REGISTER_PURCHASE)  # type: ignore[arg-type]
    if user is None or user.institution_id != purchase.institution_id:
        raise PermissionDenied("institution")
    transition = PURCHASE.check(purchase.status, "withdraw")
    if not (reason or "").strip():
        raise WorkflowError(_("Say why the record is withdrawn."))
    with tracked(actor, "purchase.withdraw", purchase, note=reason.strip(),
                 scope_path=purchase.institution.region.path):
        purchase.status = transition.next_status(purchase.status)
        purchase.save()
