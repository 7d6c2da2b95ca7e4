"""A proforma paid by bank transfer, with no staff action on the payment (BIL-06, BIL-03).

A client orders a VPS; its proforma shows the provider's account, the client's reference
number and RF reference and an EPC QR code, which a decoder reads back as the transfer the
banking app would fill in. The client's bank transfer then arrives in the provider's camt.053
statement, quoting that reference exactly; a member of staff uploads the statement, the
payment is matched by the reference alone and pays the proforma, and the service, paid for,
is activated.

Each step is a function of its own, so later checks (the receipt and welcome messages in the
client area and the outbox) go beside the step they follow. Drives Debian's chromium through
Playwright against the live test server, with the fixtures of
tests/web/test_browser_journey.py. Set HOSTLEDGER_SCREENSHOT_DIR to keep a screenshot of every
page visited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.utils import timezone

from hostledger.core.registry import setting_value
from hostledger.invoicing.conf import PROVIDER_IBAN
from hostledger.invoicing.models import Invoice
from hostledger.ledger.models import BankStatementImport, ClientPaymentReference, Payment
from hostledger.notifications.actions.outbox import deliveries_fan_out, deliveries_send_due
from hostledger.notifications.models import Notification
from hostledger.subscriptions.models import Order, Service, ServiceStatus
from tests.qr_decoding import decoded_png
from tests.subscriptions.factories import build_catalog
from tests.web.conftest import make_client_user, make_staff_user
from tests.web.test_browser_journey import (  # noqa: F401  (browser_page is a fixture)
    CHROMIUM,
    Journey,
    browser_page,
    current_totp_code,
)

CLIENT_EMAIL = "maarja.mets@example.com"
STAFF_EMAIL = "kadri.kassa@staff.example"
PASSWORD = "Copper-meadow-8145"
# Generous: the live server shares a small machine with the rest of the suite.
PAGE_TIMEOUT_MS = 60_000
TEMPLATE = Path(__file__).parent / "samples" / "oca-test-camt053.xml"
CAMT = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
NS = {"c": CAMT}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed at "
        "/usr/bin/chromium; install the chromium package to run browser tests",
    ),
]


def camt053_paying(*, amount: str, reference: str, iban: str, booked_on: date) -> bytes:
    """The sample bank statement (tests/flows/samples/README.md) as the provider's bank would
    send it after the client's transfer: the provider's account, one received SEPA credit
    transfer of ``amount`` booked on ``booked_on`` whose structured remittance information
    is ``reference``."""
    ElementTree.register_namespace("", CAMT)
    document = ElementTree.parse(TEMPLATE).getroot()
    statement = document.find("c:BkToCstmrStmt/c:Stmt", NS)
    statement.find("c:Acct/c:Id/c:IBAN", NS).text = iban
    day = booked_on.isoformat()
    for element, value in (
        ("c:FrToDt/c:FrDtTm", f"{day}T00:00:00.000Z"),
        ("c:FrToDt/c:ToDtTm", f"{day}T23:59:59.999Z"),
    ):
        statement.find(element, NS).text = value
    for balance_day in statement.findall("c:Bal/c:Dt/c:Dt", NS):
        balance_day.text = day
    for entry in statement.findall("c:Ntry", NS):
        if entry.findtext("c:CdtDbtInd", namespaces=NS) != "CRDT":
            statement.remove(entry)
    (entry,) = statement.findall("c:Ntry", NS)
    entry.find("c:Amt", NS).text = amount
    entry.find("c:BookgDt/c:Dt", NS).text = entry.find("c:ValDt/c:Dt", NS).text = day
    detail = entry.find("c:NtryDtls/c:TxDtls", NS)
    detail.find("c:AmtDtls/c:TxAmt/c:Amt", NS).text = amount
    remittance = ElementTree.Element(f"{{{CAMT}}}RmtInf")
    structured = ElementTree.SubElement(remittance, f"{{{CAMT}}}Strd")
    creditor_reference = ElementTree.SubElement(structured, f"{{{CAMT}}}CdtrRefInf")
    ElementTree.SubElement(creditor_reference, f"{{{CAMT}}}Ref").text = reference
    # RmtInf comes after RltdAgts in a TxDtls (camt.053.001.02 schema order).
    position = list(detail).index(detail.find("c:RltdAgts", NS)) + 1
    detail.insert(position, remittance)
    return ElementTree.tostring(document, encoding="utf-8", xml_declaration=True)


def sign_in(page, email: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@dataclass
class World:
    """The people and pages of the journey."""

    live_server_url: str
    client_journey: Journey
    staff_secret: str
    shop: object


def client_orders_a_vps(world: World) -> Order:
    page, journey = world.client_journey.page, world.client_journey
    journey.goto("/accounts/login/")
    sign_in(page, CLIENT_EMAIL)
    page.get_by_role("heading", name="Maarja Mets").wait_for()
    journey.goto(f"/orders/new/?tariff={world.shop.vps_start.public_id}")
    page.get_by_role("heading", name="Order VPS Start").wait_for()
    page.locator("label.choice-card", has_text="Debian 12").click()
    page.locator("#summary-total", has_text="€12.28").wait_for()
    # A consumer asks for the service to start before the withdrawal period ends (ORD-07).
    page.get_by_label("Start the service at once").check()
    page.wait_for_load_state("networkidle")  # the summary it refreshes has arrived
    page.get_by_role("button", name="Place order").click()
    page.get_by_text("Pay its proforma to start the service.").wait_for()
    journey.snap("order_placed")
    order = Order.objects.get(client__owner__email=CLIENT_EMAIL)
    assert order.status == Order.Status.PLACED and order.proforma.gross_minor == 1228
    return order


def client_reads_how_to_pay_the_proforma(world: World, order: Order) -> ClientPaymentReference:
    """The proforma page shows the account, the reference and a QR code that decodes to the
    SEPA credit transfer of the proforma's amount with the client's RF reference."""
    page, journey = world.client_journey.page, world.client_journey
    page.get_by_role("link", name="Proforma invoice").first.click()
    page.get_by_role("heading", name="Pay by bank transfer").wait_for()
    journey.snap("proforma_bank_transfer")
    reference = ClientPaymentReference.objects.get(client=order.client)
    section = page.locator("#bank-transfer")
    assert section.locator('[data-field="reference-number"]').inner_text() == (
        reference.reference_number
    )
    assert section.locator('[data-field="creditor-reference"]').inner_text() == (
        reference.creditor_reference
    )
    assert section.locator('[data-field="iban"]').inner_text() == "EE38 2200 2210 2014 5685"
    qr = section.get_by_role("img", name=re.compile(r"^QR code for a bank transfer of €12\.28"))
    (code,) = decoded_png(qr.screenshot())
    assert code.text == (
        "BCD\n002\n1\nSCT\nDEMOEE22\nSmartApe OÜ\nEE382200221020145685\nEUR12.28\n\n"
        + reference.creditor_reference
    )
    assert "inv_" not in section.inner_text()
    return reference


def staff_uploads_the_bank_statement(world: World, statement: bytes, staff_page) -> None:
    staff_journey = Journey(staff_page, world.live_server_url)
    staff_journey.goto("/accounts/login/")
    sign_in(staff_page, STAFF_EMAIL)
    staff_page.get_by_label("Code").fill(current_totp_code(world.staff_secret))
    staff_page.get_by_role("button", name=re.compile("sign in", re.I)).click()
    staff_page.wait_for_url(re.compile(r"/staff/"))
    staff_journey.goto("/staff/payments/statements/")
    staff_page.get_by_label("Statement file").set_input_files(
        {"name": "statement-2026-11-20.xml", "mimeType": "application/xml", "buffer": statement}
    )
    staff_journey.snap("statement_upload")
    staff_page.get_by_role("button", name="Import statement").click()
    staff_page.wait_for_url(re.compile(r"/staff/payments/statements/imp_"))
    staff_journey.snap("statement_imported")
    assert staff_journey.problems == []


def staff_activates_the_service(world: World, service: Service, staff_page) -> None:
    staff_journey = Journey(staff_page, world.live_server_url)
    staff_journey.goto("/staff/services/activation-queue/")
    staff_page.get_by_role("button", name=re.compile(rf"^Activate .* no\. {service.pk}$")).click()
    staff_page.get_by_text(f"Service {service.public_id} is active.").wait_for()
    staff_journey.snap("service_activated")
    assert staff_journey.problems == []


@pytest.mark.django_db(transaction=True)
def client_reads_the_receipt_and_the_welcome(world: World, service: Service) -> None:
    """The receipt and the welcome reach the client area and the mailbox (NTF-01), each once,
    and the welcome carries no secret: the access details stay behind the panel."""
    deliveries_fan_out()
    deliveries_send_due()
    client = service.client
    events = ("payment_received", "service_activated")
    for event in events:
        (notification,) = Notification.objects.filter(client=client, event=event)
        (delivery,) = notification.deliveries.filter(channel="email")
        assert delivery.state == "sent"
        (mailed,) = [message for message in mail.outbox if message.subject == delivery.subject]
        assert mailed.to == [CLIENT_EMAIL]
    welcome = Notification.objects.get(client=client, event="service_activated")
    body = welcome.deliveries.get(channel="email").body
    assert f"/services/{service.public_id}/" in body and "password:" not in body.lower()

    page, journey = world.client_journey.page, world.client_journey
    journey.goto("/messages/")
    page.get_by_text("Payment received", exact=False).first.wait_for()
    page.get_by_text("Welcome", exact=False).first.wait_for()
    journey.snap("messages")


def test_a_transfer_quoting_the_printed_reference_pays_the_proforma_by_itself__BIL_06_BIL_03(
    live_server,
    browser_page,  # noqa: F811  (the imported fixture)
    policies,
):
    shop = build_catalog()
    make_client_user(CLIENT_EMAIL, password=PASSWORD, first_name="Maarja", last_name="Mets")
    staff_user = make_staff_user("administrator", with_authenticator=False, email=STAFF_EMAIL)
    staff_user.set_password(PASSWORD)
    staff_user.save(update_fields=["password"])
    secret = generate_totp_secret()
    TOTP.activate(staff_user, secret)
    browser_page.set_default_timeout(PAGE_TIMEOUT_MS)
    world = World(live_server.url, Journey(browser_page, live_server.url), secret, shop)

    order = client_orders_a_vps(world)
    reference = client_reads_how_to_pay_the_proforma(world, order)

    statement = camt053_paying(
        amount="12.28",
        reference=reference.reference_number,
        iban=setting_value(PROVIDER_IBAN),
        booked_on=timezone.localdate(),
    )
    staff_context = browser_page.context.browser.new_context(
        viewport={"width": 1280, "height": 900}
    )
    staff_page = staff_context.new_page()
    staff_page.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        staff_uploads_the_bank_statement(world, statement, staff_page)

        # Matched by the reference alone: no payment waits for review, the proforma is paid.
        imported = BankStatementImport.objects.get()
        assert (imported.credit_lines, imported.matched, imported.unmatched) == (1, 1, 0)
        payment = Payment.objects.get()
        assert payment.client == order.client and payment.status == Payment.Status.MATCHED
        assert payment.amount_minor == 1228 and payment.matched_by is None
        assert payment.value_date == timezone.localdate()
        order.refresh_from_db()
        assert order.status == Order.Status.PAID
        invoice = Invoice.objects.get(pk=order.proforma_id)
        assert invoice.kind == Invoice.Kind.FINAL and invoice.number_display
        service = order.services.get()
        assert service.status == ServiceStatus.PROVISIONING

        staff_activates_the_service(world, service, staff_page)
    finally:
        staff_page.goto("about:blank")
        staff_context.close()
    service.refresh_from_db()
    assert service.status == ServiceStatus.ACTIVE

    page, journey = browser_page, world.client_journey
    journey.goto(f"/services/{service.public_id}/")
    page.locator("h1 .badge", has_text="Active").wait_for()
    journey.snap("service_active")
    journey.goto(f"/invoices/{invoice.public_id}/")
    page.get_by_role("heading", name=re.compile(re.escape(invoice.number_display))).wait_for()
    assert page.locator("#bank-transfer").count() == 0
    journey.snap("invoice_paid")

    client_reads_the_receipt_and_the_welcome(world, service)
    assert journey.problems == []
