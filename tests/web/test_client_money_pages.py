"""The client area's money pages: catalog, balance and statement, top-ups through the local
gateway, gateway webhooks, invoices and credit notes. Exact amounts everywhere; every change
goes through its action, and a refused one leaves the database as it was."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from hostledger.catalog import actions as catalog_actions
from hostledger.catalog.models import ProductFamily
from hostledger.core.money import Money
from hostledger.core.registry import provider_setting_change
from hostledger.invoicing.actions import credit_note_issue, proforma_create
from hostledger.invoicing.lines import LineInput
from hostledger.invoicing.models import Invoice
from hostledger.ledger.actions import charge_post, credit_post, payment_record
from hostledger.ledger.gateways.local.gateway import SIGNATURE_HEADER, local_gateway
from hostledger.ledger.models import (
    ClientPaymentReference,
    Entry,
    GatewayTopUp,
    LedgerTransaction,
    Payment,
)
from hostledger.ledger.selectors import balance_of
from tests.catalog_helpers import create_published_tariff
from tests.qr_decoding import decoded_svg
from tests.web.conftest import login, make_client_user

TALLINN = ZoneInfo("Europe/Tallinn")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=TALLINN)
TODAY = NOW.date()
LOCAL_KEY = "web-money-test-key"


# ----------------------------------------------------------------------------- helpers


def enable_local_gateway(settings) -> None:
    settings.LEDGER_LOCAL_GATEWAY_KEY = LOCAL_KEY
    provider_setting_change(key="ledger.local_gateway_enabled", raw_value="true")


def bank_payment(client, amount: str, *, reference: str) -> Payment:
    """A bank transfer entered by staff (BIL-06)."""
    return payment_record(
        client=client,
        amount=Money.of(amount),
        value_date=date.today(),
        reference=reference,
        actor=None,
    )


def issue_proforma(client, *, net: str = "10.00", issued_on: date | None = None) -> Invoice:
    """A proforma to the client's default payer for one month of a VPS (BIL-03)."""
    return proforma_create(
        client=client,
        payer=client.payers.get(is_default=True),
        lines=[
            LineInput(
                description="VPS M, one month",
                quantity="1",
                unit_price=Money.of(net),
                period_start=date(2026, 12, 1),
                period_end=date(2026, 12, 31),
            )
        ],
        issued_on=issued_on or TODAY,
    )


def money_state() -> dict:
    """Everything the money pages can change."""
    return {
        "entries": list(Entry.objects.order_by("pk").values_list("pk", "amount_minor")),
        "payments": list(Payment.objects.order_by("pk").values_list("pk", "status")),
        "top_ups": list(
            GatewayTopUp.objects.order_by("pk").values_list("pk", "status", "payment_id")
        ),
        "invoices": list(
            Invoice.objects.order_by("pk").values_list("pk", "kind", "status", "number")
        ),
    }


def html_of(response) -> str:
    return response.content.decode()


def start_local_top_up(http, amount: str) -> GatewayTopUp:
    response = http.post(reverse("web:top_up"), {"amount": amount, "gateway": "local"})
    assert response.status_code == 302, html_of(response)[:800]
    top_up = GatewayTopUp.objects.latest("pk")
    done_url = reverse("web:top_up_done", args=[top_up.public_id])
    assert response["Location"] == f"{done_url}?forward=1"
    return top_up


@pytest.fixture(autouse=True)
def frozen_now():
    """Every page is looked at on 20 November 2026, 10:00 in Tallinn (VAT in Estonia 24 %)."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def owner(client, owner_a):
    return login(client, owner_a)


@pytest.fixture
def readonly(client, readonly_user, client_a):
    return login(client, readonly_user, client_public_id=client_a.public_id)


@pytest.fixture
def catalog(db):
    """A VPS tariff with an announced increase, a family-wide add-on, a cloud pool with a
    metered item priced finer than a cent, and a free and a paid OS image."""
    vps = ProductFamily.objects.get(code="vps")
    cloud = ProductFamily.objects.get(code="cloud")
    vps_m = create_published_tariff(
        family=vps,
        code="vps-m",
        name="VPS M",
        monthly_fee="9.99",
        specs={"cpu": 2, "ram_gb": 4, "disk_gb": 80},
        description="NVMe storage.",
    )
    pool = create_published_tariff(
        family=cloud,
        code="cloud-pool-s",
        name="Cloud Pool S",
        monthly_fee="29.00",
        specs={"cpu": 4, "ram_gb": 8, "disk_gb": 200},
    )
    catalog_actions.add_on_create(
        family=vps,
        code="vps-extra-ipv4",
        name="Extra IPv4 address",
        monthly_fee="2.00",
        max_quantity=16,
    )
    catalog_actions.metered_item_create(
        family=cloud,
        code="cloud-disk-gb-hour",
        name="Extra disk",
        unit="GB-disk-hour",
        unit_price="0.00014",
    )
    catalog_actions.metered_item_create(
        family=cloud,
        code="cloud-traffic-gb",
        name="Outbound traffic",
        unit="GB",
        unit_price="0.0095",
        included_quantity="1000",
    )
    catalog_actions.os_image_create(code="debian-12", name="Debian 12", families=["vps", "cloud"])
    catalog_actions.os_image_create(
        code="windows-server-2022",
        name="Windows Server 2022 Standard",
        families=["vps"],
        requires_paid_licence=True,
        licence_monthly_fee="16.90",
    )
    catalog_actions.price_change_announce(
        tariff=vps_m, new_fee="10.49", effective_from=date(2027, 1, 1)
    )
    return {"vps_m": vps_m, "pool": pool}


# ----------------------------------------------------------------------------- catalog


def test_catalog_shows_tariffs_with_fees_resources_and_add_ons__CAT_01_CAT_02(owner, catalog):
    response = owner.get(reverse("web:catalog"))
    assert response.status_code == 200
    html = html_of(response)
    assert "Virtual server (VPS)" in html and "Cloud data center" in html
    # A consumer sees the fee with VAT (24 %) and without, labelled (issue 11 §8).
    assert '€12.39 <span class="price-vat">incl. VAT</span>' in html
    assert '€9.99 <span class="price-vat">excl. VAT</span>' in html
    assert '€35.96 <span class="price-vat">incl. VAT</span>' in html
    for spec in ("2 vCPU", "4 GB RAM", "80 GB disk", "200 GB disk"):
        assert spec in html
    assert "Extra IPv4 address" in html
    assert '€2.48 <span class="price-vat">incl. VAT</span>' in html  # 2.00 + VAT
    assert f'href="/orders/new/?tariff={catalog["vps_m"].public_id}"' in html
    assert "Domain registration" not in html, "a family without tariffs is left out"


def test_catalog_prices_metered_items_finer_than_a_cent__CAT_02(owner, catalog):
    html = html_of(owner.get(reverse("web:catalog")))
    assert '<span class="nowrap">€0.00014</span> <span class="sub">per GB-disk-hour</span>' in html
    assert '<span class="nowrap">€0.0095</span> <span class="sub">per GB</span>' in html
    assert "1000 GB</td>" in html


def test_catalog_marks_os_images_with_a_paid_licence__CAT_05(owner, catalog):
    html = html_of(owner.get(reverse("web:catalog")))
    assert (
        '<span>Windows Server 2022 Standard</span> <span class="badge badge-warning">'
        "Paid licence €16.90 / month</span>"
    ) in html
    assert '<span>Debian 12</span> <span class="badge badge-success">Free</span>' in html


def test_catalog_shows_announced_price_changes_with_their_date__CAT_06(owner, catalog):
    html = html_of(owner.get(reverse("web:catalog")))
    assert "From 1 Jan 2027: <strong>€10.49</strong> / month" in html
    assert '€9.99 <span class="price-vat">excl. VAT</span>' in html, "today's fee stays"


def test_catalog_shows_terms_and_the_free_trial_of_virtual_servers__CAT_03_CAT_04(owner, catalog):
    html = html_of(owner.get(reverse("web:catalog")))
    vps = html[html.index('id="family-vps"') : html.index('id="family-cloud"')]
    cloud = html[html.index('id="family-cloud"') :]
    assert "Free trial up to 10 days, once per client" in vps
    assert "Free trial" not in cloud
    assert "Minimum period 1 month" in vps
    assert "Starts within 1 working day of payment" in vps


def test_read_only_user_browses_the_catalog_without_order_buttons__ACC_06(readonly, catalog):
    response = readonly.get(reverse("web:catalog"))
    assert response.status_code == 200
    assert "VPS M" in html_of(response)
    assert "/orders/new/" not in html_of(response)


# ----------------------------------------------------------------------------- balance


@pytest.fixture
def movements(client_a):
    """A payment of €50.00 on 1 Oct, a charge of €12.40 on 5 Oct, a credit of €3.00 on
    10 Oct 2026."""
    with time_machine.travel(datetime(2026, 10, 1, 9, 0, tzinfo=TALLINN), tick=False):
        payment = bank_payment(client_a, "50.00", reference="BANK-0001")
    with time_machine.travel(datetime(2026, 10, 5, 12, 30, tzinfo=TALLINN), tick=False):
        charge_post(
            client=client_a,
            amount=Money.of("12.40"),
            vat_amount=Money.of("2.40"),
            idempotency_key="test:charge:1",
            memo="VPS M, October",
        )
    with time_machine.travel(datetime(2026, 10, 10, 8, 15, tzinfo=TALLINN), tick=False):
        credit_post(
            client=client_a,
            amount=Money.of("3.00"),
            idempotency_key="test:credit:1",
            memo="Compensation for downtime",
        )
    return payment


def test_billing_page_shows_the_statement_with_a_running_balance__BIL_01(owner, movements):
    response = owner.get(reverse("web:billing"), {"from": "2026-10-02", "to": "2026-10-31"})
    assert response.status_code == 200
    html = html_of(response)
    assert '<p class="stat-value" id="current-balance">€40.60</p>' in html
    rows = [
        ("Opening balance", "", "€50.00"),
        ("VPS M, October", "\u2212€12.40", "€37.60"),
        ("Compensation for downtime", "+€3.00", "€40.60"),
    ]
    position = 0
    for text, amount, running in rows:
        position = html.index(text, position)
        if amount:
            position = html.index(f'data-label="Amount">{amount}</td>', position)
        position = html.index(f'data-label="Balance">{running}</td>', position)
    assert 'data-label="Balance"><strong>€40.60</strong>' in html
    assert "Payment " not in html[html.index("statement-title") : html.index("payments-title")]


def test_statement_defaults_to_the_last_90_days__BIL_01(owner, movements):
    html = html_of(owner.get(reverse("web:billing")))
    assert 'name="from" value="2026-08-22"' in html
    assert 'name="to" value="2026-11-20"' in html
    assert "+€50.00" in html and "\u2212€12.40" in html and "+€3.00" in html
    assert "?from=2026-08-22&amp;to=2026-11-20" in html  # the CSV link keeps the range


def test_statement_range_ending_before_it_starts_is_refused(owner, movements):
    response = owner.get(reverse("web:billing"), {"from": "2026-10-31", "to": "2026-10-01"})
    assert response.status_code == 400
    html = html_of(response)
    assert "The end of the range comes before its start." in html
    assert "the last 90 days are shown" in html


def test_statement_downloads_as_csv_with_exact_amounts__BIL_01(owner, movements):
    response = owner.get(reverse("web:statement_csv"), {"from": "2026-10-02", "to": "2026-10-31"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    client_id = movements.client.public_id
    assert response["Content-Disposition"] == (
        f'attachment; filename="statement-{client_id}-2026-10-02-2026-10-31.csv"'
    )
    charge, credit = LedgerTransaction.objects.filter(kind__in=["charge", "credit"]).order_by("pk")
    assert response.content.decode() == (
        "date,transaction,kind,description,amount,balance\r\n"
        "2026-10-02,,opening,Opening balance,,50.00\r\n"
        f'2026-10-05,{charge.public_id},charge,"VPS M, October",-12.40,37.60\r\n'
        f"2026-10-10,{credit.public_id},credit,Compensation for downtime,3.00,40.60\r\n"
    )


def test_statement_csv_refuses_an_invalid_range(owner, movements):
    response = owner.get(reverse("web:statement_csv"), {"from": "2026-10-31", "to": "nonsense"})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_billing_page_lists_payments_received__BIL_06(owner, movements):
    html = html_of(owner.get(reverse("web:billing")))
    payments = html[html.index("payments-title") :]
    assert "Recorded by our staff" in payments
    assert "BANK-0001" in payments
    assert '<td class="table-num" data-label="Amount">€50.00</td>' in payments
    assert "Matched and posted" in payments


# ----------------------------------------------------------------------------- top-ups


def test_top_up_page_offers_the_local_gateway_only_when_switched_on__BIL_06(owner, settings):
    html = html_of(owner.get(reverse("web:top_up")))
    assert 'value="local"' not in html
    assert "No online payment is offered" in html
    enable_local_gateway(settings)
    html = html_of(owner.get(reverse("web:top_up"), {"amount": "12.40"}))
    assert 'value="local"' in html
    assert 'name="amount" value="12.40"' in html


def test_top_up_below_the_minimum_is_refused_and_nothing_is_started__BIL_01(owner, settings):
    enable_local_gateway(settings)
    response = owner.post(reverse("web:top_up"), {"amount": "0.50", "gateway": "local"})
    assert response.status_code == 400
    assert "between 1.00 EUR and 10000.00 EUR" in html_of(response)
    assert not GatewayTopUp.objects.exists()


def test_top_up_through_the_local_gateway_raises_the_balance_once__BIL_06(
    owner, client_a, settings
):
    enable_local_gateway(settings)
    top_up = start_local_top_up(owner, "25.00")
    assert top_up.redirect_url == f"{settings.SITE_URL}/billing/local-gateway/{top_up.public_id}/"
    assert top_up.status == "pending" and top_up.amount == Money.of("25.00")
    # The top-up's page sends the browser on to the gateway (a redirect straight from the
    # form would break the Content Security Policy's form-action 'self').
    forwarding = owner.get(reverse("web:top_up_done", args=[top_up.public_id]), {"forward": "1"})
    assert f'<meta http-equiv="refresh" content="0; url={top_up.redirect_url}">' in html_of(
        forwarding
    )
    assert "http-equiv" not in html_of(
        owner.get(reverse("web:top_up_done", args=[top_up.public_id]))
    ), "only the first visit forwards"

    pay_page = owner.get(reverse("web:local_gateway_pay", args=[top_up.public_id]))
    assert pay_page.status_code == 200
    assert "Pay €25.00" in html_of(pay_page)

    pay_url = reverse("web:local_gateway_pay", args=[top_up.public_id])
    done_url = reverse("web:top_up_done", args=[top_up.public_id])
    first = owner.post(pay_url, {"outcome": "pay"})
    second = owner.post(pay_url, {"outcome": "pay"})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == done_url

    top_up.refresh_from_db()
    assert top_up.status == "paid"
    assert Payment.objects.count() == 1
    assert balance_of(client_a) == Money.of("25.00")
    done = html_of(owner.get(done_url))
    assert "€25.00 reached your balance" in done
    assert "Your balance is now <strong>€25.00</strong>" in done
    assert 'hx-trigger="every 2s"' not in done, "a paid top-up is not asked about again"
    forwarded_again = owner.get(done_url, {"forward": "1"})
    assert "http-equiv" not in html_of(forwarded_again), "a paid top-up is not paid again"


def test_a_declined_local_payment_fails_the_top_up_and_moves_no_money__BIL_06(
    owner, client_a, settings
):
    enable_local_gateway(settings)
    top_up = start_local_top_up(owner, "25.00")
    owner.post(reverse("web:local_gateway_pay", args=[top_up.public_id]), {"outcome": "decline"})
    top_up.refresh_from_db()
    assert top_up.status == "failed"
    assert not Payment.objects.exists()
    assert balance_of(client_a) == Money.zero()
    done = html_of(owner.get(reverse("web:top_up_done", args=[top_up.public_id])))
    assert "The payment did not go through" in done
    assert "?amount=25.00" in done


def test_pending_top_up_page_polls_with_htmx_until_paid__BIL_06(owner, settings):
    enable_local_gateway(settings)
    top_up = start_local_top_up(owner, "10.00")
    done_url = reverse("web:top_up_done", args=[top_up.public_id])
    page = html_of(owner.get(done_url))
    assert f'hx-get="{done_url}" hx-trigger="every 2s"' in page
    partial = owner.get(done_url, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert html_of(partial).lstrip().startswith('<section id="top-up-status"')
    assert "Waiting for the payment" in html_of(partial)


def test_a_top_up_settles_the_proforma_it_covers__BIL_03_ORD_03(owner, client_a, settings):
    enable_local_gateway(settings)
    proforma = issue_proforma(client_a)
    assert proforma.gross == Money.of("12.40")
    top_up = start_local_top_up(owner, "12.40")
    owner.post(reverse("web:local_gateway_pay", args=[top_up.public_id]), {"outcome": "pay"})
    proforma.refresh_from_db()
    assert proforma.kind == "final" and proforma.status == "paid"
    assert balance_of(client_a) == Money.zero()


def test_local_gateway_page_is_gone_while_the_gateway_is_switched_off(owner, settings):
    enable_local_gateway(settings)
    top_up = start_local_top_up(owner, "10.00")
    provider_setting_change(key="ledger.local_gateway_enabled", raw_value="false")
    url = reverse("web:local_gateway_pay", args=[top_up.public_id])
    assert owner.get(url).status_code == 404
    before = money_state()
    assert owner.post(url, {"outcome": "pay"}).status_code == 404
    assert money_state() == before


def test_another_clients_top_up_is_not_found(client, owner_a, settings, policies):
    enable_local_gateway(settings)
    top_up = start_local_top_up(login(client, owner_a), "10.00")
    bert = make_client_user("bert.other@example.com")
    http = login(client, bert)
    before = money_state()
    for name in ("top_up_done", "local_gateway_pay"):
        assert http.get(reverse(f"web:{name}", args=[top_up.public_id])).status_code == 404
    pay = http.post(reverse("web:local_gateway_pay", args=[top_up.public_id]), {"outcome": "pay"})
    assert pay.status_code == 404
    assert money_state() == before


# ----------------------------------------------------------------------------- webhooks


def signed_notification(top_up: GatewayTopUp, *, succeeded: bool = True):
    return local_gateway.pay(
        external_id=top_up.external_id,
        top_up_id=top_up.public_id,
        amount=top_up.amount,
        succeeded=succeeded,
    )


def post_webhook(http, name: str, body: bytes, headers: dict):
    return http.post(
        reverse("web:gateway_webhook", args=[name]),
        data=body,
        content_type="application/json",
        headers=headers,
    )


def test_webhook_with_a_bad_signature_is_refused_and_records_nothing__BIL_06(
    client, owner, settings
):
    enable_local_gateway(settings)
    top_up = start_local_top_up(owner, "20.00")
    notification = signed_notification(top_up)
    client.logout()
    before = money_state()
    response = post_webhook(client, "local", notification.body, {SIGNATURE_HEADER: "0" * 64})
    assert response.status_code == 400
    assert response.json() == {
        "code": "bad_signature",
        "message": "The notification's signature is wrong.",
        "fields": {},
    }
    unsigned = post_webhook(client, "local", notification.body, {})
    assert unsigned.status_code == 400
    assert unsigned.json()["code"] == "bad_signature"
    assert money_state() == before


def test_webhook_records_a_payment_once_however_often_it_arrives__BIL_06(
    client, owner, client_a, settings
):
    enable_local_gateway(settings)
    proforma = issue_proforma(client_a)
    top_up = start_local_top_up(owner, "20.00")
    notification = signed_notification(top_up)
    client.logout()
    for _ in range(3):
        response = post_webhook(client, "local", notification.body, dict(notification.headers))
        assert response.status_code == 200
        assert response.json() == {"received": True}
    assert Payment.objects.count() == 1
    top_up.refresh_from_db()
    assert top_up.status == "paid"
    proforma.refresh_from_db()
    assert proforma.status == "paid", "the money was applied to the open proforma"
    assert balance_of(client_a) == Money.of("7.60")


def test_webhook_needs_no_csrf_token_and_no_sign_in__BIL_06(owner, settings):
    from django.test import Client as HttpClient

    enable_local_gateway(settings)
    top_up = start_local_top_up(owner, "20.00")
    notification = signed_notification(top_up)
    gateway = HttpClient(enforce_csrf_checks=True)
    response = post_webhook(gateway, "local", notification.body, dict(notification.headers))
    assert response.status_code == 200
    assert Payment.objects.get().amount == Money.of("20.00")


def test_webhook_of_an_unknown_or_unavailable_gateway_is_not_found(client, db, settings):
    settings.LEDGER_LOCAL_GATEWAY_KEY = LOCAL_KEY
    before = money_state()
    unknown = post_webhook(client, "paypal", b"{}", {})
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "unknown_gateway"
    switched_off = post_webhook(client, "local", b"{}", {SIGNATURE_HEADER: "x"})
    assert switched_off.status_code == 404
    assert switched_off.json()["code"] == "gateway_disabled"
    assert money_state() == before


def test_webhook_answers_only_posts(client, db):
    assert client.get(reverse("web:gateway_webhook", args=["local"])).status_code == 405


# ----------------------------------------------------------------------------- invoices


def test_proforma_page_shows_how_to_pay_by_bank_transfer_with_reference_and_qr__BIL_06(
    owner, client_a
):
    reference = ClientPaymentReference.objects.get(client=client_a)
    proforma = issue_proforma(client_a)

    html = html_of(owner.get(reverse("web:invoice_detail", args=[proforma.public_id])))

    assert "Pay by bank transfer" in html
    assert '<dd class="mono" data-field="iban">EE38 2200 2210 2014 5685</dd>' in html
    assert (
        '<dd class="mono" data-field="reference-number">'
        f"<strong>{reference.reference_number}</strong></dd>"
    ) in html
    assert f'data-field="creditor-reference">{reference.creditor_reference}</dd>' in html
    assert "quote" not in html.lower()
    (svg,) = re.findall(r"<svg[^>]*class=\"epc-qr\".*?</svg>", html, flags=re.DOTALL)
    assert decoded_svg(svg).text == (
        "BCD\n002\n1\nSCT\nDEMOEE22\nSmartApe OÜ\nEE382200221020145685\nEUR12.40\n\n"
        + reference.creditor_reference
    )


def test_a_paid_invoice_page_asks_for_no_transfer__BIL_06(owner, client_a):
    proforma = issue_proforma(client_a)
    bank_payment(client_a, "20.00", reference="BANK-0009")
    owner.post(reverse("web:invoice_pay", args=[proforma.public_id]))
    html = html_of(owner.get(reverse("web:invoice_detail", args=[proforma.public_id])))
    assert "Paid" in html
    assert "Pay by bank transfer" not in html and "epc-qr" not in html


def test_top_up_page_shows_the_bank_transfer_details_for_any_amount__BIL_06(owner, client_a):
    provider_setting_change(key="invoicing.provider_bic", raw_value="")
    reference = ClientPaymentReference.objects.get(client=client_a)

    html = html_of(owner.get(reverse("web:top_up")))

    assert "Pay by bank transfer" in html
    assert f"<strong>{reference.reference_number}</strong>" in html
    assert "<dt>BIC</dt>" not in html
    (svg,) = re.findall(r"<svg[^>]*class=\"epc-qr\".*?</svg>", html, flags=re.DOTALL)
    assert decoded_svg(svg).text == (
        "BCD\n002\n1\nSCT\n\nSmartApe OÜ\nEE382200221020145685\n\n\n" + reference.creditor_reference
    )


def test_invoice_list_offers_to_pay_from_the_balance_when_it_covers__BIL_03(owner, client_a):
    proforma = issue_proforma(client_a)
    bank_payment(client_a, "20.00", reference="BANK-0002")
    html = html_of(owner.get(reverse("web:invoice_list")))
    assert proforma.public_id in html
    assert '<td data-label="Due">27 Nov 2026</td>' in html  # 5 working days after 20 Nov
    assert "<strong>€12.40</strong>" in html
    assert f'action="{reverse("web:invoice_pay", args=[proforma.public_id])}"' in html
    assert "Pay from balance" in html


def test_invoice_list_offers_a_top_up_of_what_the_balance_lacks__BIL_03(owner, client_a):
    issue_proforma(client_a)
    bank_payment(client_a, "5.00", reference="BANK-0003")
    html = html_of(owner.get(reverse("web:invoice_list")))
    assert "€7.40 missing" in html
    assert f'href="{reverse("web:top_up")}?amount=7.40">Top up €7.40</a>' in html
    assert "Pay from balance" not in html


def test_paying_a_proforma_from_the_balance_makes_it_a_numbered_invoice__BIL_01_BIL_04(
    owner, client_a
):
    proforma = issue_proforma(client_a)
    bank_payment(client_a, "20.00", reference="BANK-0004")
    response = owner.post(reverse("web:invoice_pay", args=[proforma.public_id]))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:invoice_detail", args=[proforma.public_id])
    proforma.refresh_from_db()
    assert proforma.kind == "final" and proforma.status == "paid"
    assert balance_of(client_a) == Money.of("7.60")
    html = html_of(owner.get(response["Location"]))
    assert f"Paid from your balance: invoice {proforma.number_display}." in html
    final_list = html_of(owner.get(reverse("web:invoice_list")))
    assert proforma.number_display in final_list
    assert "Nothing to pay" in final_list


def test_paying_a_proforma_the_balance_does_not_cover_changes_nothing__BIL_01(owner, client_a):
    proforma = issue_proforma(client_a)
    bank_payment(client_a, "5.00", reference="BANK-0005")
    before = money_state()
    response = owner.post(reverse("web:invoice_pay", args=[proforma.public_id]), follow=True)
    assert "The balance is 5.00 EUR; invoice" in html_of(response)
    assert money_state() == before


def test_invoice_page_shows_lines_vat_totals_and_the_payer_as_issued__BIL_02_BIL_05(
    owner, client_a
):
    proforma = issue_proforma(client_a, net="10.00")
    html = html_of(owner.get(reverse("web:invoice_detail", args=[proforma.public_id])))
    assert "Proforma invoice" in html
    assert "VPS M, one month" in html and "1 Dec 2026 \u2013 31 Dec 2026" in html
    assert '<td class="table-num" data-label="Net">€10.00</td>' in html
    assert '<td class="table-num" data-label="VAT">€2.40<span class="sub">24 %</span></td>' in html
    assert '<th scope="row">VAT 24 % of €10.00</th><td>€2.40</td>' in html
    assert '<th scope="row">Total</th><td>€12.40</td>' in html
    assert '<p class="party-name">Anna Tamm</p>' in html
    assert "Domestic supply in EE: the provider&#x27;s rate of 24.00 % on 2026-11-20." in html
    assert "Your balance lacks €12.40." in html
    assert reverse("web:invoice_pdf", args=[proforma.public_id]) in html
    assert reverse("web:invoice_xml", args=[proforma.public_id]) not in html


def test_invoice_outside_the_eu_carries_the_vat_mention__BIL_05(owner, owner_a, client_a):
    from hostledger.accounts import actions as account_actions

    payer = client_a.payers.get()
    account_actions.payer_update(
        payer=payer, actor=owner_a, data={"country": "US", "city": "Boston", "postal_code": ""}
    )
    proforma = issue_proforma(client_a)
    html = html_of(owner.get(reverse("web:invoice_detail", args=[proforma.public_id])))
    assert "Outside the EU" in html
    assert "VAT not charged — supply to a customer established outside the EU" in html
    assert '<th scope="row">Total</th><td>€10.00</td>' in html


@pytest.fixture
def credited_invoice(owner, client_a):
    proforma = issue_proforma(client_a)
    bank_payment(client_a, "20.00", reference="BANK-0006")
    owner.post(reverse("web:invoice_pay", args=[proforma.public_id]))
    invoice = Invoice.objects.get(pk=proforma.pk)
    note = credit_note_issue(
        invoice=invoice,
        lines=[
            LineInput(description="Downtime on 3 Dec", quantity="1", unit_price=Money.of("2.50"))
        ],
        reason="Service credit for downtime",
    )
    return invoice, note


def test_invoice_page_shows_what_credit_notes_took_back__BIL_04(owner, credited_invoice):
    invoice, note = credited_invoice
    html = html_of(owner.get(reverse("web:invoice_detail", args=[invoice.public_id])))
    assert "Credited: €3.10" in html  # €2.50 + 24 % VAT
    assert note.number_display in html
    assert reverse("web:invoice_xml", args=[invoice.public_id]) in html
    assert "Pay €" not in html, "a paid invoice offers no payment"


def test_credit_note_page_names_the_invoice_it_corrects__BIL_04(owner, credited_invoice):
    invoice, note = credited_invoice
    html = html_of(owner.get(reverse("web:credit_note_detail", args=[note.public_id])))
    assert f"Credit note {note.number_display}" in html
    assert f"Takes back €3.10 of invoice {invoice.number_display}." in html
    assert "Service credit for downtime" in html
    assert '<th scope="row">Total</th><td>-€3.10</td>' in html
    listing = html_of(owner.get(reverse("web:invoice_list")))
    assert note.number_display in listing and "-€3.10" in listing


def test_documents_download_as_pdf_and_e_invoice_xml__BIL_10(owner, credited_invoice):
    invoice, note = credited_invoice
    pdf = owner.get(reverse("web:invoice_pdf", args=[invoice.public_id]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="{invoice.number_display}.pdf"'
    assert pdf.content.startswith(b"%PDF")
    xml = owner.get(reverse("web:credit_note_xml", args=[note.public_id]))
    assert xml.status_code == 200
    assert xml["Content-Type"] == "application/xml"
    assert note.number_display.encode() in xml.content


def test_a_proforma_has_no_e_invoice(owner, client_a):
    proforma = issue_proforma(client_a)
    assert owner.get(reverse("web:invoice_xml", args=[proforma.public_id])).status_code == 404


def test_another_clients_invoice_is_not_found(client, client_a, policies):
    proforma = issue_proforma(client_a)
    bank_payment(client_a, "20.00", reference="BANK-0007")
    http = login(client, make_client_user("bert.other@example.com"))
    before = money_state()
    for name in ("invoice_detail", "invoice_pdf"):
        assert http.get(reverse(f"web:{name}", args=[proforma.public_id])).status_code == 404
    assert http.post(reverse("web:invoice_pay", args=[proforma.public_id])).status_code == 404
    assert money_state() == before


def test_read_only_user_reads_invoices_but_cannot_pay__ACC_06(readonly, client_a):
    proforma = issue_proforma(client_a)
    bank_payment(client_a, "20.00", reference="BANK-0008")
    html = html_of(readonly.get(reverse("web:invoice_list")))
    assert proforma.public_id in html and "Pay from balance" not in html
    before = money_state()
    assert readonly.post(reverse("web:invoice_pay", args=[proforma.public_id])).status_code == 403
    assert readonly.get(reverse("web:top_up")).status_code == 403
    assert money_state() == before


# ----------------------------------------------------------------------------- query counts

ROWS = 12
# The catalog decides once per page the VAT a consumer sees prices with (3 queries).
LIST_PAGES = {"web:catalog": 15, "web:billing": 11, "web:invoice_list": 10}


@pytest.fixture
def busy_account(owner, client_a, catalog):
    """A dozen payments, charges, proformas, final invoices and credit notes, and a bigger
    catalog."""
    vps = ProductFamily.objects.get(code="vps")
    for number in range(ROWS):
        create_published_tariff(
            family=vps,
            code=f"vps-extra-{number}",
            name=f"VPS {number}",
            monthly_fee="5.00",
            specs={"cpu": 1, "ram_gb": 1, "disk_gb": 10},
        )
        catalog_actions.add_on_create(
            family=vps, code=f"vps-add-on-{number}", name=f"Add-on {number}", monthly_fee="1.00"
        )
        bank_payment(client_a, "30.00", reference=f"BANK-BUSY-{number}")
        charge_post(client=client_a, amount=Money.of("1.00"), idempotency_key=f"busy:{number}")
        paid = issue_proforma(client_a)
        owner.post(reverse("web:invoice_pay", args=[paid.public_id]))
        credit_note_issue(invoice=Invoice.objects.get(pk=paid.pk), full=True, reason="Refund")
        issue_proforma(client_a, net="1000.00")
    return owner


@pytest.mark.parametrize(("url_name", "most"), LIST_PAGES.items())
def test_money_list_pages_have_a_fixed_query_count(
    busy_account, url_name, most, django_assert_max_num_queries
):
    with django_assert_max_num_queries(most):
        response = busy_account.get(reverse(url_name))
    assert response.status_code == 200


def test_query_count_numbers_are_not_empty_pages(busy_account):
    """The busy account really fills the pages whose query counts are pinned."""
    html = html_of(busy_account.get(reverse("web:invoice_list")))
    assert html.count(f'href="{reverse("web:top_up")}?amount=') == ROWS
    billing = html_of(busy_account.get(reverse("web:billing")))
    assert billing.count("BANK-BUSY-") == ROWS
