"""Staff pages of money: payments (BIL-01, BIL-06), the unmatched queue and bank-statement
upload (BIL-06) and a client's balance with refunds, credits and corrections (BIL-01).
Invoices and credit notes are in test_staff_invoice_pages.py; the list pages of both are
pinned here.

Amounts are exact; every refused input names its field and leaves every row as it was; staff
without ``billing.manage`` get 403 (ACC-11)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hostledger.accounts import actions as account_actions
from hostledger.core.audit import PERSONAL_DATA_READ
from hostledger.core.models import AuditEvent
from hostledger.invoicing.actions import client_proformas_settle
from hostledger.invoicing.models import Invoice
from hostledger.ledger.actions import bank_statement_import, credit_post
from hostledger.ledger.models import BankStatementImport, LedgerTransaction, Payment
from hostledger.ledger.selectors import balance_of, verify_balances
from tests.ledger.camt import Line, camt053
from tests.web.conftest import login, make_client_user, make_staff_user
from tests.web.staff_money_helpers import (
    eur,
    final_invoice,
    money_state,
    pay,
    proforma,
    reference_of,
)

ROWS = 12
TODAY = timezone.localdate


@pytest.fixture
def billing(client, db):
    member = make_staff_user("billing")
    login(client, member)
    return member


def _html(response) -> str:
    return response.content.decode()


def _statement(client_a, *, bank_reference_prefix: str = "2026112000") -> bytes:
    """Three credit lines: 100.00 naming client A, 7.00 naming nobody, and an outgoing one."""
    return camt053(
        [
            Line(
                "100.00",
                f"{bank_reference_prefix}001",
                structured_reference=reference_of(client_a),
            ),
            Line("7.00", f"{bank_reference_prefix}002", text="for hosting, thanks"),
            Line("55.50", f"{bank_reference_prefix}003", direction="DBIT", text="office rent"),
        ]
    )


def _upload(http, content: bytes, name: str = "swedbank.xml"):
    file = SimpleUploadedFile(name, content, content_type="application/xml")
    return http.post(reverse("web:staff_payment_statements"), {"file": file})


# ----------------------------------------------------------------------------- recording


def test_payment_is_recorded_for_a_client_found_by_email__BIL_01_BIL_06(billing, client, client_a):
    response = client.post(
        reverse("web:staff_payment_record"),
        {
            "client": "ANNA@example.com",
            "amount": "25.00",
            "value_date": TODAY().isoformat(),
            "reference": "SWED-20261120-1",
            "received_into": "bank",
        },
    )
    assert response["Location"] == reverse("web:staff_client_balance", args=[client_a.public_id])
    payment = Payment.objects.get()
    assert (payment.client, payment.amount_minor, payment.source, payment.recorded_by) == (
        client_a,
        2500,
        "staff",
        billing,
    )
    assert balance_of(client_a) == eur("25.00")
    page = _html(client.get(response["Location"]))
    assert "€25.00" in page and payment.public_id in page


def test_the_same_reference_sent_twice_records_one_payment__BIL_06(billing, client, client_a):
    data = {
        "client": client_a.public_id,
        "amount": "25.00",
        "value_date": TODAY().isoformat(),
        "reference": "RECEIPT-7",
        "received_into": "cash",
    }
    client.post(reverse("web:staff_payment_record"), data)
    client.post(reverse("web:staff_payment_record"), data)
    assert Payment.objects.count() == 1
    assert balance_of(client_a) == eur("25.00")


def test_recorded_payment_pays_the_open_proforma__BIL_03_ORD_03(billing, client, client_a):
    invoice = proforma(client_a)
    assert invoice.gross == eur("12.40")  # 10.00 + 24 % VAT
    client.post(
        reverse("web:staff_payment_record"),
        {
            "client": client_a.public_id,
            "amount": "20.00",
            "value_date": TODAY().isoformat(),
            "reference": "SWED-1",
            "received_into": "bank",
        },
    )
    invoice.refresh_from_db()
    assert (invoice.kind, invoice.status) == (Invoice.Kind.FINAL, Invoice.Status.PAID)
    assert balance_of(client_a) == eur("7.60")


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"amount": "12.345"}, "amount", "at most 2 decimals"),
        ({"amount": "0"}, "amount", "above zero"),
        ({"amount": "12,50"}, "amount", "digits and a decimal point only"),
        ({"client": "nobody@example.com"}, "client", "No client has this id"),
        ({"value_date": "future"}, "value_date", "future"),
        ({"reference": ""}, "reference", "required"),
    ],
)
def test_bad_payment_input_is_refused_naming_the_field__BIL_01(
    billing, client, client_a, changes, field, problem
):
    data = {
        "client": client_a.public_id,
        "amount": "25.00",
        "value_date": TODAY().isoformat(),
        "reference": "SWED-1",
        "received_into": "bank",
        **changes,
    }
    if data["value_date"] == "future":
        data["value_date"] = (TODAY() + timedelta(days=1)).isoformat()
    before = money_state()
    response = client.post(reverse("web:staff_payment_record"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field] and problem in errors[field][0]
    assert money_state() == before


def test_payment_list_shows_exact_amounts_and_filters_by_status_and_source__BIL_06(
    billing, client, client_a
):
    pay(client_a, "25.00", "SWED-1")
    bank_statement_import(content=_statement(client_a), actor=billing)
    html = _html(client.get(reverse("web:staff_payments")))
    assert "€25.00" in html and "€100.00" in html and "€7.00" in html
    assert "€55.50" not in html  # the outgoing line is no payment

    unmatched = client.get(reverse("web:staff_payments"), {"status": "unmatched"})
    assert [payment.amount for payment in unmatched.context["payments"]] == [eur("7.00")]
    by_staff = client.get(reverse("web:staff_payments"), {"source": "staff"})
    assert [payment.amount for payment in by_staff.context["payments"]] == [eur("25.00")]
    tomorrow = (TODAY() + timedelta(days=1)).isoformat()
    later = client.get(reverse("web:staff_payments"), {"date_from": tomorrow})
    assert later.context["payments"] == []


# ----------------------------------------------------------------------------- statements


def test_the_same_statement_uploaded_twice_records_one_payment_per_line__BIL_06(
    billing, client, client_a
):
    content = _statement(client_a)
    first = _upload(client, content)
    record = BankStatementImport.objects.get()
    assert first["Location"] == reverse("web:staff_payment_import", args=[record.public_id])
    page = client.get(first["Location"])
    assert (page.context["record"].credit_lines, record.matched, record.unmatched) == (2, 1, 1)
    assert "€100.00" in _html(page) and "€7.00" in _html(page)
    assert balance_of(client_a) == eur("100.00")

    ledger_before = (
        list(Payment.objects.order_by("pk").values()),
        list(LedgerTransaction.objects.order_by("pk").values()),
    )
    second = client.get(_upload(client, content)["Location"])
    again = second.context["record"]
    assert (again.payments_recorded, again.duplicates, again.matched, again.unmatched) == (
        0,
        2,
        0,
        0,
    )
    assert "Nothing new: every line of this file was recorded before." in _html(second)
    assert ledger_before == (
        list(Payment.objects.order_by("pk").values()),
        list(LedgerTransaction.objects.order_by("pk").values()),
    )
    assert balance_of(client_a) == eur("100.00")
    assert verify_balances() == []


def test_statement_money_pays_open_proformas_of_the_clients_it_reached__BIL_06_ORD_03(
    billing, client, client_a
):
    invoice = proforma(client_a)
    _upload(client, _statement(client_a))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert balance_of(client_a) == eur("87.60")


def test_a_file_that_is_no_statement_is_refused_naming_the_field__BIL_06(billing, client):
    before = money_state()
    response = _upload(client, b"<html>not a statement</html>")
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["file"]
    assert money_state() == before


# ----------------------------------------------------------------------------- unmatched


def test_unmatched_payment_waits_in_the_queue_and_is_assigned__BIL_06(
    billing, client, client_a, client_b
):
    bank_statement_import(content=_statement(client_a), actor=billing)
    waiting = Payment.objects.get(status=Payment.Status.UNMATCHED)
    page = client.get(reverse("web:staff_payments_unmatched"))
    html = _html(page)
    assert "€7.00" in html and "MARI TAMM" in html and "no payment reference" in html
    read = AuditEvent.objects.filter(action=PERSONAL_DATA_READ).last()
    assert read.data["payments"] == [waiting.public_id] and read.actor_id == billing.pk

    response = client.post(
        reverse("web:staff_payment_assign", args=[waiting.public_id]),
        {"client": client_b.public_id},
    )
    assert response["Location"] == reverse("web:staff_payments_unmatched")
    waiting.refresh_from_db()
    assert (waiting.status, waiting.client, waiting.matched_by) == ("matched", client_b, billing)
    assert balance_of(client_b) == eur("7.00")
    assert "Nothing to review" in _html(client.get(reverse("web:staff_payments_unmatched")))


def test_assigning_to_an_unknown_client_is_refused_and_nothing_changes__BIL_06(
    billing, client, client_a
):
    bank_statement_import(content=_statement(client_a), actor=billing)
    waiting = Payment.objects.get(status=Payment.Status.UNMATCHED)
    before = money_state()
    response = client.post(
        reverse("web:staff_payment_assign", args=[waiting.public_id]),
        {"client": "cli_doesnotexist"},
    )
    assert response.status_code == 400
    assert "No client has this id" in _html(response)
    assert money_state() == before


def test_a_payment_posted_to_one_client_is_not_moved_to_another__BIL_06(
    billing, client, client_a, client_b
):
    bank_statement_import(content=_statement(client_a), actor=billing)
    posted = Payment.objects.get(status=Payment.Status.MATCHED)
    before = money_state()
    response = client.post(
        reverse("web:staff_payment_assign", args=[posted.public_id]),
        {"client": client_b.public_id},
        follow=True,
    )
    assert "payment already assigned" in _html(response)
    assert money_state() == before


def test_queue_hides_payer_data_from_staff_without_personal_data_permission__GDPR_12(
    client, client_a
):
    account_actions.staff_roles_ensure_defaults()
    member = account_actions.staff_user_create(
        actor=None,
        email="cashier@staff.example",
        full_name="Cash Ier",
        role_slugs=[],
        extra_permissions=["billing.manage"],
    )
    TOTP.activate(member, generate_totp_secret())
    bank_statement_import(content=_statement(client_a), actor=None)
    login(client, member)
    reads = AuditEvent.objects.filter(action=PERSONAL_DATA_READ).count()
    html = _html(client.get(reverse("web:staff_payments_unmatched")))
    assert "€7.00" in html and "MARI TAMM" not in html
    assert AuditEvent.objects.filter(action=PERSONAL_DATA_READ).count() == reads


# ----------------------------------------------------------------------------- balance


@pytest.fixture
def funded_a(billing, client_a):
    """Client A paid 50.00, an invoice of 12.40 was paid from it and 5.00 was credited:
    the balance is 42.60."""
    pay(client_a, "50.00", "SWED-50", billing)
    proforma(client_a)
    client_proformas_settle(client=client_a, actor=billing)
    credit_post(
        client=client_a,
        amount=eur("5.00"),
        idempotency_key="goodwill-1",
        actor=billing,
        memo="Sorry",
    )
    return client_a


def test_balance_page_shows_the_statement_with_running_balance__BIL_01(billing, client, funded_a):
    reads = AuditEvent.objects.filter(action=PERSONAL_DATA_READ, subject_client_id=funded_a.pk)
    before = reads.count()
    response = client.get(reverse("web:staff_client_balance", args=[funded_a.public_id]))
    assert response.context["balance"] == eur("42.60")
    lines = response.context["statement"].lines
    assert [(line.kind, line.amount, line.running_balance) for line in lines] == [
        ("payment", eur("50.00"), eur("50.00")),
        ("charge", eur("-12.40"), eur("37.60")),
        ("credit", eur("5.00"), eur("42.60")),
    ]
    html = _html(response)
    for text in ("€42.60", "+€50.00", "\u2212€12.40", "€37.60", "+€5.00", "Sorry"):
        assert text in html, text
    assert reads.count() == before + 1  # GDPR-12


def test_balance_statement_of_a_chosen_period_carries_the_opening_balance__BIL_01(
    billing, client, funded_a
):
    tomorrow = (TODAY() + timedelta(days=1)).isoformat()
    response = client.get(
        reverse("web:staff_client_balance", args=[funded_a.public_id]), {"date_from": tomorrow}
    )
    statement = response.context["statement"]
    assert (statement.opening_balance, statement.lines, statement.closing_balance) == (
        eur("42.60"),
        [],
        eur("42.60"),
    )


def _movement(http, client_record, kind: str, data: dict):
    page = http.get(reverse("web:staff_client_balance", args=[client_record.public_id]))
    token = page.context["forms"][kind].initial["token"]
    payload = {f"{kind}-{key}": value for key, value in {**data, "token": token}.items()}
    return http.post(reverse(f"web:staff_client_{kind}", args=[client_record.public_id]), payload)


def test_refund_goes_back_the_way_the_payment_came__BIL_01(billing, client, funded_a):
    payment = Payment.objects.get(reference="SWED-50")
    response = _movement(
        client,
        funded_a,
        "refund",
        {"amount": "20.00", "payment": payment.public_id, "memo": "Client asked for it"},
    )
    assert response.status_code == 302
    refund = LedgerTransaction.objects.get(kind="refund")
    assert (refund.payment, refund.memo, refund.actor) == (payment, "Client asked for it", billing)
    assert balance_of(funded_a) == eur("22.60")


def test_refund_above_the_balance_is_refused_naming_the_amount__BIL_01(billing, client, funded_a):
    before = money_state()
    response = _movement(client, funded_a, "refund", {"amount": "60.00", "memo": "Too much"})
    assert response.status_code == 400
    assert response.context["forms"]["refund"].errors == {
        "amount": ["more than the balance allows"]
    }
    assert response.context["open_form"] == "refund"
    assert money_state() == before


def test_credit_needs_a_reason__BIL_01(billing, client, funded_a):
    before = money_state()
    response = _movement(client, funded_a, "credit", {"amount": "3.00", "memo": ""})
    assert response.status_code == 400
    assert list(response.context["forms"]["credit"].errors) == ["memo"]
    assert money_state() == before

    response = _movement(client, funded_a, "credit", {"amount": "3.00", "memo": "Outage 2 h"})
    assert response.status_code == 302
    assert balance_of(funded_a) == eur("45.60")


def test_correction_takes_money_off_the_balance_with_its_reason__BIL_01(billing, client, funded_a):
    response = _movement(
        client,
        funded_a,
        "correction",
        {"direction": "decrease", "amount": "2.60", "memo": "Double credit"},
    )
    assert response.status_code == 302
    correction = LedgerTransaction.objects.get(kind="correction")
    assert correction.memo == "Double credit"
    assert balance_of(funded_a) == eur("40.00")
    assert AuditEvent.objects.filter(action="ledger.correction_posted").count() == 1


def test_a_balance_form_sent_twice_posts_once__BIL_01_BIL_06(billing, client, funded_a):
    page = client.get(reverse("web:staff_client_balance", args=[funded_a.public_id]))
    token = page.context["forms"]["credit"].initial["token"]
    payload = {"credit-amount": "3.00", "credit-memo": "Outage", "credit-token": token}
    url = reverse("web:staff_client_credit", args=[funded_a.public_id])
    client.post(url, payload)
    again = client.post(url, payload, follow=True)
    assert "This form was sent before; nothing new was posted." in _html(again)
    assert LedgerTransaction.objects.filter(kind="credit").count() == 2  # goodwill-1 and this
    assert balance_of(funded_a) == eur("45.60")


def test_balance_of_an_unknown_client_is_404(billing, client):
    assert client.get(reverse("web:staff_client_balance", args=["cli_nobody"])).status_code == 404


def test_client_detail_links_to_the_balance_for_billing_staff(billing, client, client_a):
    html = _html(client.get(reverse("web:staff_client_detail", args=[client_a.public_id])))
    assert reverse("web:staff_client_balance", args=[client_a.public_id]) in html


# ----------------------------------------------------------------------------- access


def test_staff_without_billing_manage_get_403_and_nothing_changes__ACC_11(client, client_a, db):
    invoice = proforma(client_a)
    login(client, make_staff_user("support"))
    before = money_state()
    for url in (
        reverse("web:staff_payments"),
        reverse("web:staff_client_balance", args=[client_a.public_id]),
        reverse("web:staff_invoice", args=[invoice.public_id]),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("web:staff_invoice_cancel", args=[invoice.public_id]), {"reason": "x"}
    )
    assert response.status_code == 403
    assert money_state() == before
    home = _html(client.get(reverse("web:staff_home")))
    assert reverse("web:staff_payments") not in home
    assert reverse("web:staff_invoices") not in home


# ----------------------------------------------------------------------------- query counts


@pytest.fixture
def busy_money(billing, client, client_a):
    """A dozen clients with payments, proformas and final invoices, a dozen unmatched
    payments and statement imports, and a long statement for client A."""
    for number in range(ROWS):
        other = make_client_user(f"payer{number}@example.com")
        pay(other.client, "30.00", f"SWED-{number}", billing)
        final_invoice(other.client, actor=billing)
        proforma(other.client)
        bank_statement_import(
            content=camt053(
                [
                    Line(f"{number + 1}.00", f"REF{number}", text="no reference"),
                    Line("1.00", f"BACK{number}", direction="DBIT", reversal=True),
                ]
            ),
            actor=billing,
        )
        pay(client_a, f"{number + 1}.00", f"A-{number}", billing)
        credit_post(
            client=client_a,
            amount=eur("1.00"),
            idempotency_key=f"credit-{number}",
            actor=billing,
            memo=f"Credit {number}",
        )
    return client


MONEY_LIST_PAGES = [
    ("web:staff_payments", lambda client_a: [], 6),
    ("web:staff_payments_unmatched", lambda client_a: [], 11),
    ("web:staff_payment_statements", lambda client_a: [], 5),
    ("web:staff_invoices", lambda client_a: [], 5),
    ("web:staff_client_balance", lambda client_a: [client_a.public_id], 14),
]


@pytest.mark.parametrize(("url_name", "args", "most"), MONEY_LIST_PAGES)
def test_money_list_pages_have_a_fixed_query_count(
    busy_money, client_a, url_name, args, most, django_assert_max_num_queries
):
    with django_assert_max_num_queries(most):
        response = busy_money.get(reverse(url_name, args=args(client_a)))
    assert response.status_code == 200
