"""Catalog items, payments and documents for the API tests of the catalog, the balance and
invoices: every object is made through the real actions, with exact amounts.

- VPS Start: 9.90 a month (cpu 2, ram 4 GB, disk 80 GB), with the add-on Extra IPv4 at
  2.00 and the metered item Traffic at 0.0043 per GB, 100 GB included; OS images Debian 12
  (free) and Windows Server 2022 (licence 25.00 a month).
- A proforma of one line at 10.00 is 12.40 gross at Estonia's 24 % VAT; its final invoice
  gets the next number of the invoice series.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from hostledger.accounts import actions as accounts
from hostledger.catalog import actions as catalog
from hostledger.catalog.models import ProductFamily
from hostledger.core.money import Money
from hostledger.core.registry import provider_setting_change
from hostledger.invoicing import actions as invoicing
from hostledger.invoicing.lines import LineInput
from hostledger.ledger import actions as ledger
from hostledger.ledger.chart import provider_account
from hostledger.ledger.models import LedgerAccount, Payment
from tests.catalog_helpers import create_published_tariff

VPS_SPECS = {"cpu": 2, "ram_gb": 4, "disk_gb": 80}


def make_bookkeeper():
    """A staff member with billing.manage but without clients.view_personal_data (the abuse
    role plus one extra permission), with two-factor sign-in on."""
    accounts.staff_roles_ensure_defaults()
    user = accounts.staff_user_create(
        actor=None,
        email="bookkeeper@provider.example",
        full_name="Book Keeper",
        role_slugs=["abuse"],
        extra_permissions=["billing.manage"],
    )
    TOTP.activate(user, generate_totp_secret())
    return user


def eur(amount: str) -> Money:
    return Money.of(amount)


def money(amount: str, currency: str = "EUR") -> dict[str, str]:
    """An amount as the API takes and gives it."""
    return {"amount": amount, "currency": currency}


def later_date(days: int) -> date:
    """The provider's today plus ``days``."""
    return timezone.localdate() + timedelta(days=days)


def in_days(days: int) -> str:
    """The ISO date ``days`` after the provider's today."""
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def vps_family() -> ProductFamily:
    return ProductFamily.objects.get(code="vps")


def make_catalog(actor=None) -> dict:
    """VPS Start with an add-on and a metered item, and two OS images."""
    vps = vps_family()
    tariff = create_published_tariff(
        family=vps,
        code="vps-start",
        name="VPS Start",
        monthly_fee=eur("9.90"),
        specs=VPS_SPECS,
        actor=actor,
    )
    add_on = catalog.add_on_create(
        family=vps,
        code="extra-ipv4",
        name="Extra IPv4",
        monthly_fee=eur("2.00"),
        max_quantity=16,
        actor=actor,
    )
    metered_item = catalog.metered_item_create(
        family=vps,
        tariff=tariff,
        code="vps-traffic",
        name="Traffic",
        unit="GB",
        unit_price="0.0043",
        included_quantity="100",
        actor=actor,
    )
    debian = catalog.os_image_create(
        code="debian-12", name="Debian 12", families=["vps", "cloud"], actor=actor
    )
    windows = catalog.os_image_create(
        code="windows-2022",
        name="Windows Server 2022",
        families=["vps"],
        requires_paid_licence=True,
        licence_monthly_fee=eur("25.00"),
        actor=actor,
    )
    return {
        "tariff": tariff,
        "add_on": add_on,
        "metered_item": metered_item,
        "os_image": debian,
        "paid_os_image": windows,
    }


def make_retired_catalog(actor=None) -> dict:
    """One item of each kind that is no longer offered."""
    vps = vps_family()
    tariff = create_published_tariff(
        family=vps, code="vps-old", name="VPS Old", monthly_fee=eur("3.00"), specs=VPS_SPECS
    )
    add_on = catalog.add_on_create(
        family=vps, code="old-backup", name="Old backup", monthly_fee=eur("1.00")
    )
    metered_item = catalog.metered_item_create(
        family=vps, code="old-traffic", name="Old traffic", unit="GB", unit_price="0.01"
    )
    image = catalog.os_image_create(code="centos-7", name="CentOS 7", families=["vps"])
    return {
        "old_tariff": catalog.tariff_deactivate(tariff=tariff, actor=actor),
        "old_add_on": catalog.add_on_deactivate(add_on=add_on, actor=actor),
        "old_metered_item": catalog.metered_item_deactivate(metered_item=metered_item),
        "old_os_image": catalog.os_image_deactivate(os_image=image),
    }


def enable_local_gateway() -> None:
    """Offer the local development gateway (no real money moves)."""
    provider_setting_change(key="ledger.local_gateway_enabled", raw_value="true")


def record_payment(client, actor, amount: str, reference: str) -> Payment:
    """A bank transfer entered by staff and posted to the client's balance."""
    return ledger.payment_record(
        client=client,
        amount=eur(amount),
        value_date=timezone.localdate(),
        reference=reference,
        actor=actor,
        payer_name="Mari Maasikas",
    )


def unmatched_payment(amount: str, bank_reference: str) -> Payment:
    """A bank statement line without a client's reference: it waits in the review queue."""
    payment, _ = ledger.payment_receive(
        source=Payment.Source.BANK_STATEMENT,
        external_id=bank_reference,
        amount=eur(amount),
        counter_account=provider_account(LedgerAccount.Kind.BANK),
        value_date=timezone.localdate(),
        payer_name="MARI TAMM",
        payer_account="EE471000001020145685",
        remittance_information="arve",
        review_note="no payment reference",
    )
    return payment


def waiting_reversal(amount: str, bank_reference: str):
    """A bank's reversal of a credit whose payment was not found: it waits for staff."""
    reversal, _ = ledger.reversal_record(
        external_id=bank_reference,
        amount=eur(amount),
        booking_date=timezone.localdate(),
        bank_account="EE382200221020145685",
        bank_references=f"EndToEndId={bank_reference};",
        reason="Reversed by the bank.",
        statement_import=None,
        actor=None,
    )
    return reversal


def one_line(price: str = "10.00", description: str = "VPS Start, one month") -> list:
    return [LineInput(description=description, quantity=Decimal("1"), unit_price=eur(price))]


def make_proforma(client, payer, price: str = "10.00"):
    """A proforma of one line: 10.00 net is 12.40 gross at 24 % VAT."""
    return invoicing.proforma_create(client=client, payer=payer, lines=one_line(price))


def make_final_invoice(client, payer, price: str = "10.00"):
    """A paid, numbered invoice (finalised without a charge: the tests read it)."""
    return invoicing.invoice_finalise(
        proforma=make_proforma(client, payer, price), paid_on=timezone.localdate()
    )


def make_credit_note(invoice, price: str = "5.00"):
    """A credit note taking ``price`` net (plus VAT) back from ``invoice``."""
    return invoicing.credit_note_issue(
        invoice=invoice, lines=one_line(price, "Goodwill"), reason="Service interrupted"
    )


# ----------------------------------------------------------------------------- services, acts

CLOUD_SPECS = {"cpu": 8, "ram_gb": 16, "disk_gb": 200}


def make_cloud_tariff(actor=None):
    """Cloud Pool: 60.00 a month for a pool of 8 vCPU, 16 GB memory and 200 GB disk."""
    return create_published_tariff(
        family=ProductFamily.objects.get(code="cloud"),
        code="cloud-pool",
        name="Cloud Pool",
        monthly_fee=eur("60.00"),
        specs=CLOUD_SPECS,
        actor=actor,
    )


def make_operator():
    """A staff member with services.manage (the support role) who builds services by hand,
    with an address of their own so the staff of each default role can still be made."""
    accounts.staff_roles_ensure_defaults()
    return accounts.staff_user_create(
        actor=None,
        email="operator@provider.example",
        full_name="Service Operator",
        role_slugs=["support"],
    )


def paid_order(client, payer, tariff, *, os_image=None, actor=None):
    """An order paid in full: placed, its proforma's gross paid in by bank transfer and the
    balance applied, so its service is provisioning (ORD-03)."""
    from hostledger.subscriptions.actions import client_payments_apply, order_place

    order = order_place(
        client=client,
        payer=payer,
        tariff=tariff,
        period_months=1,
        os_image=os_image,
        start_at_once=True,  # the consumer asks for an early start (ORD-07)
        actor=actor or client.owner,
    )
    ledger.payment_record(
        client=client,
        amount=order.proforma.gross,
        value_date=timezone.localdate(),
        reference=f"ORDER-{order.public_id}",
        actor=None,
    )
    client_payments_apply(client=client)
    return order


def make_services(client, payer, items: dict, operator) -> dict:
    """Client's services in each state the staff actions start from, all through the real
    actions: an active cloud pool with one server (web-1: 2 vCPU, 4 GB, 40 GB), a paid VPS
    being provisioned, a suspended VPS, a VPS on its free trial and an order placed but not
    paid (balance 0.00)."""
    from hostledger.subscriptions.actions import (
        order_place,
        pool_server_create,
        service_activate,
        service_suspend,
    )

    cloud = make_cloud_tariff()
    pool = paid_order(client, payer, cloud).service
    service_activate(service=pool, actor=operator)
    server = pool_server_create(
        service=pool,
        name="web-1",
        cpu=2,
        ram_gb=4,
        disk_gb=40,
        os_image=items["os_image"],
        actor=client.owner,
    )
    provisioning = paid_order(client, payer, items["tariff"], os_image=items["os_image"]).service
    suspended = paid_order(client, payer, items["tariff"], os_image=items["os_image"]).service
    service_activate(service=suspended, actor=operator)
    service_suspend(service=suspended, actor=operator, reason="Abuse report")
    trial = order_place(
        client=client,
        payer=payer,
        tariff=items["tariff"],
        period_months=1,
        os_image=items["os_image"],
        trial=True,
        actor=client.owner,
    ).service
    unpaid = order_place(
        client=client,
        payer=payer,
        tariff=items["tariff"],
        period_months=1,
        os_image=items["os_image"],
        actor=client.owner,
    )
    return {
        "pool": pool,
        "server": server,
        "provisioning_service": provisioning,
        "suspended_service": suspended,
        "trial_service": trial,
        "order": unpaid,
    }


def make_acts(client, payer, actor) -> dict:
    """Acts of the two months before this one, formed today from an invoice of 10.00 net
    paid in each month: the older one disputed, the newer one open for dispute; and an open
    request for this quarter's paper acts (DOC-01 … DOC-03)."""
    from hostledger.invoicing.acts import previous_month_start

    last_month = previous_month_start(timezone.localdate())
    month_before = previous_month_start(last_month)
    for month in (month_before, last_month):
        day = month + timedelta(days=4)
        proforma = invoicing.proforma_create(
            client=client, payer=payer, lines=one_line(), issued_on=day
        )
        invoicing.invoice_finalise(proforma=proforma, paid_on=day)
    (disputed,) = invoicing.acts_form(month=month_before, payer=payer)
    (open_act,) = invoicing.acts_form(month=last_month, payer=payer)
    dispute = invoicing.act_dispute(act=disputed, reasons="The server was down.", actor=actor)
    paper_request = invoicing.paper_act_request_file(client=client, payer=payer, actor=actor)
    return {
        "act": open_act,
        "disputed_act": disputed,
        "dispute": dispute,
        "paper_request": paper_request,
    }
