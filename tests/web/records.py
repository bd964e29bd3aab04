"""Workflow records in the test province, one of each, all about H_A (county A) and M1.

Built through the service functions where that is the point (a window opens
filings for every institution), straight in the ORM where it is not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jicai.web.agreements.models import Agreement
from jicai.web.alerts.models import Alert, MonitorRun
from jicai.web.audit.record import Actor
from jicai.web.filings import services as filing_services
from jicai.web.filings.models import DemandFiling, FilingWindow
from jicai.web.purchases.models import OffPlatformPurchase
from jicai.web.tickets.models import Ticket
from tests.web.world import DIST, M1, World

PDF = b"%PDF-1.4\n% test letter\n%%EOF\n"


def pdf(name: str = "letter.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class Records:
    window: FilingWindow
    filing: DemandFiling  # H_A's, submitted: waiting for the county
    member_filing: DemandFiling  # H_A2's, filed by H_A
    ticket: Ticket
    purchase: OffPlatformPurchase
    agreement: Agreement
    run: MonitorRun
    alert: Alert  # about H_A and P1 (M1)
    order_alert: Alert  # an order of H_A that DIST did not confirm


def fill_and_submit(world: World, filing: DemandFiling, units: int = 1200) -> None:
    actor = Actor(world.users["hospital"], "127.0.0.1")
    filing_services.save_lines(actor, filing, {ln.variety_id: (units, "")
                                               for ln in filing.lines.all()})
    filing_services.attach_letter(actor, filing, pdf())
    filing_services.submit(actor, filing)


def build_records(world: World) -> Records:
    province = Actor(world.users["province"], "127.0.0.1")
    window = filing_services.open_window(province, world.drug_batch, world.users["province"].region,
                                         dt.date(2099, 1, 1))
    filing = window.filings.get(institution_id="H_A")
    fill_and_submit(world, filing)
    filing.refresh_from_db()
    now = timezone.now()
    ticket = Ticket.objects.create(institution_id="H_A", product_id="P1", company_id=M1,
                                   description="断货", reported_at=now,
                                   reported_by=world.users["hospital"])
    purchase = OffPlatformPurchase.objects.create(
        institution_id="H_A", product_name="某进口药", category="drug", qty=10, amount=100,
        purchased_at=dt.date(2025, 9, 1), filed_at=dt.date(2025, 9, 5),
        created_by=world.users["hospital"])
    agreement = Agreement.objects.create(batch=world.drug_batch, institution_id="H_A",
                                         company_id=M1)
    run = MonitorRun.objects.create(as_of=dt.date(2025, 9, 30), profile="national",
                                    source="test", status="succeeded", alert_count=2)
    alert = Alert.objects.create(
        run=run, fingerprint="f1", rule_id="progress.behind_schedule", severity="warning",
        institution_id="H_A", institution_code="H_A", batch_code="DRUG1", cycle_no=1,
        variety_code="V1", product_code="P1", value=0.2, threshold=0.58, clause="HENAN 二(九)",
        message="进度落后", company_id=M1)
    order_alert = Alert.objects.create(
        run=run, fingerprint="f2", rule_id="order.unresponded_48h", severity="critical",
        institution_id="H_A", institution_code="H_A", product_code="P1", ref="OL-1",
        value=72.0, threshold=48.0, clause="GANZHOU 二(六)", message="订单未响应",
        company_id=M1, distributor_id=DIST, ordered_at=now)
    return Records(window, filing, window.filings.get(institution_id="H_A2"), ticket, purchase,
                   agreement, run, alert, order_alert)
