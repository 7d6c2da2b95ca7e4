"""The pages that show what matters (issue 11 §8): the client overview, the staff overview
with its queues, the staff client page with its activity and staff notes, the staff search
by keyed hashes, and the display helpers (dates, document numbers, prices with VAT)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.template import Context, Template
from django.test import Client as WebClient
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hostledger.accounts import actions as accounts
from hostledger.accounts.models import AccessGrant, ClientSearchToken, StaffNote
from hostledger.core.audit import PERSONAL_DATA_READ
from hostledger.core.errors import DomainError
from hostledger.core.models import AuditEvent
from hostledger.core.money import Money
from hostledger.subscriptions.actions import service_host_name_set
from hostledger.web.templatetags.hostledger_display import day, document_number, moment
from tests.api.money_factories import (
    make_catalog,
    make_final_invoice,
    make_proforma,
    paid_order,
    record_payment,
    unmatched_payment,
)
from tests.web.conftest import login, make_client_user, make_staff_user


@pytest.fixture
def admin(client, db):
    member = make_staff_user("administrator")
    login(client, member)
    return member


@pytest.fixture
def company(policies):
    return make_client_user(
        "info@tamm-ja-poeg.example",
        kind="legal",
        company_name="Tamm ja Poeg OÜ",
        registry_code="12345678",
        first_name="",
        last_name="",
        phone="+372 5123 4567",
    ).client


def _search(http, query: str) -> str:
    return http.post(reverse("web:staff_client_search"), {"q": query}, follow=True).content.decode()


# ----------------------------------------------------------------------------- client overview


def test_client_overview_shows_balance_what_is_due_services_and_messages(client, owner_a, client_a):
    catalog = make_catalog()
    payer = client_a.payers.get()
    order = paid_order(client_a, payer, catalog["tariff"], os_image=catalog["os_image"])
    open_proforma = make_proforma(client_a, payer, "10.00")
    record_payment(client_a, None, "5.00", "TOPUP-1")
    login(client, owner_a)

    html = client.get(reverse("web:dashboard")).content.decode()

    assert "€5.00" in html  # the balance: the order's payment was used up, 5.00 came on top
    assert f"Proforma {open_proforma.pk}" in html
    assert "€12.40" in html  # what is due, with VAT
    assert open_proforma.due_on.strftime("%-d %b %Y") in html
    assert "Provisioning" in html  # the paid order's service, by state
    assert order.public_id not in html
    assert open_proforma.public_id not in html.replace(
        reverse("web:invoice_detail", args=[open_proforma.public_id]), ""
    )


def test_client_overview_of_a_new_account_says_nothing_is_due(client, owner_a):
    login(client, owner_a)
    html = client.get(reverse("web:dashboard")).content.decode()
    assert "Nothing is due" in html
    assert "No services yet" in html
    assert "€0.00" in html


# ----------------------------------------------------------------------------- staff overview


def test_staff_overview_counts_the_queues_and_todays_payments(client, admin, client_a):
    record_payment(client_a, None, "12.40", "PAY-1")
    record_payment(client_a, None, "7.60", "PAY-2")
    unmatched_payment("3.00", "BANK-LINE-1")
    html = client.get(reverse("web:staff_home")).content.decode()
    for title in (
        "Activation queue",
        "Decisions to confirm",
        "Unmatched payments",
        "Act disputes",
        "Verification requests overdue",
        "Payments today",
    ):
        assert title in html, title
    assert "€23.00" in html  # 12.40 + 7.60 + the unmatched 3.00 recorded today
    assert "3 payments recorded since midnight" in html
    assert reverse("web:staff_payments_unmatched") in html


def test_staff_overview_shows_only_the_queues_a_role_opens(client, db):
    login(client, make_staff_user("support"))
    html = client.get(reverse("web:staff_home")).content.decode()
    assert "Activation queue" in html
    assert "Unmatched payments" not in html
    assert "Payments today" not in html


# ----------------------------------------------------------------------------- client page


def test_staff_client_page_lists_services_orders_invoices_payments_and_messages(
    client, admin, client_a
):
    catalog = make_catalog()
    payer = client_a.payers.get()
    order = paid_order(client_a, payer, catalog["tariff"], os_image=catalog["os_image"])
    invoice = make_final_invoice(client_a, payer)
    record_payment(client_a, None, "1.00", "PAY-EXTRA")
    html = client.get(reverse("web:staff_client_detail", args=[client_a.public_id])).content
    html = html.decode()
    assert f"Order {order.number}" in html
    assert f"VPS Start · no. {order.services.get().pk}" in html
    assert invoice.number_display in html
    assert "€1.00" in html
    assert "Staff notes" in html
    for section in ("Services", "Orders", "Invoices", "Payments", "Messages"):
        assert f">{section}</h2>" in html


def test_staff_note_is_kept_encrypted_and_audited(client, admin, client_a):
    url = reverse("web:staff_note_add", args=[client_a.public_id])
    response = client.post(url, {"text": "Called on Monday: pays by Friday."})
    assert response.status_code == 302
    note = StaffNote.objects.get(client=client_a)
    assert note.author == admin and note.text == "Called on Monday: pays by Friday."
    stored = StaffNote.objects.filter(pk=note.pk).values_list("text", flat=True).query
    assert "Called on Monday" not in str(stored)
    assert AuditEvent.objects.filter(action="client.staff_note_added", object_id=note.public_id)
    page = client.get(reverse("web:staff_client_detail", args=[client_a.public_id]))
    assert "Called on Monday: pays by Friday." in page.content.decode()


def test_staff_note_refused_when_empty_or_without_the_permission(client, client_a, db):
    login(client, make_staff_user("administrator"))
    url = reverse("web:staff_note_add", args=[client_a.public_id])
    assert client.post(url, {"text": "   "}).status_code == 400
    login(client, make_staff_user("support", email="s@staff.example"))
    assert client.post(url, {"text": "A note"}).status_code == 403
    assert not StaffNote.objects.exists()


# ----------------------------------------------------------------------------- search


def test_staff_search_finds_a_client_by_any_word_prefix_of_name_or_company(
    client, admin, client_a, client_b, company
):
    for query in ("Anna", "tam", "TAMM", "anna tamm"):
        html = _search(client, query)
        assert client_a.public_id in html, query
        assert client_b.public_id not in html, query
    html = _search(client, "poeg")
    assert company.public_id in html and client_a.public_id not in html
    assert "No client matches" in _search(client, "ta")  # two letters: no prefix search
    assert "No client matches" in _search(client, "annabel")


def test_staff_search_finds_by_email_phone_and_document_numbers(
    client, admin, client_a, client_b, company
):
    catalog = make_catalog()
    payer = client_b.payers.get()
    order = paid_order(client_b, payer, catalog["tariff"], os_image=catalog["os_image"])
    invoice = make_final_invoice(client_b, payer)
    assert company.public_id in _search(client, "info@tamm-ja-poeg.example")
    assert company.public_id in _search(client, "+372 5123 4567")
    for query in (
        invoice.number_display,
        f"#{order.pk}",
        f"Order {order.pk}",
        order.number,
        f"Order {order.number}",
    ):
        html = _search(client, query)
        assert client_b.public_id in html, query
        assert company.public_id not in html, query


def test_staff_search_finds_a_client_by_its_service_host_name(
    client, admin, client_a, client_b, company
):
    catalog = make_catalog()
    payer = client_b.payers.get()
    order = paid_order(client_b, payer, catalog["tariff"], os_image=catalog["os_image"])
    service = order.services.get()
    staff = make_staff_user("administrator", email="hosts@staff.example")
    service_host_name_set(service=service, host_name="Shop.Tamm-Ja-Poeg.example.", actor=staff)
    service.refresh_from_db()
    assert service.host_name == "shop.tamm-ja-poeg.example"
    assert "shop" not in service.host_name_index

    for query in ("shop.tamm-ja-poeg.example", "SHOP.tamm-ja-poeg.example."):
        html = _search(client, query)
        assert client_b.public_id in html, query
        assert client_a.public_id not in html, query
        assert company.public_id not in html, query
    assert client_b.public_id not in _search(client, "other.tamm-ja-poeg.example")
    page = client.get(reverse("web:staff_service", args=[service.public_id]))
    assert "shop.tamm-ja-poeg.example" in page.content.decode()


def test_a_host_name_must_be_a_domain_or_server_name(client_b, db):
    catalog = make_catalog()
    order = paid_order(
        client_b, client_b.payers.get(), catalog["tariff"], os_image=catalog["os_image"]
    )
    service = order.services.get()
    staff = make_staff_user("administrator", email="hosts@staff.example")
    with pytest.raises(DomainError) as refused:
        service_host_name_set(service=service, host_name="not a host", actor=staff)
    assert refused.value.fields == {
        "host_name": "Enter a domain or server name, e.g. shop.example.com."
    }
    service.refresh_from_db()
    assert (service.host_name, service.host_name_index) == ("", "")


def test_staff_search_is_posted_and_names_never_reach_the_url(client, admin, client_a):
    response = client.get(reverse("web:staff_client_search"), {"q": "anna"})
    assert client_a.public_id in response.content.decode()  # the newest clients, unfiltered
    assert "Results for" not in response.content.decode()
    html = client.get(reverse("web:staff_home")).content.decode()
    assert 'method="post" action="/staff/clients/"' in html


def test_a_posted_search_is_shown_under_an_opaque_id__GDPR_08(client, admin, client_a):
    posted = client.post(reverse("web:staff_client_search"), {"q": "ANNA@example.com"})

    assert posted.status_code == 302
    location = posted["Location"]
    assert location.startswith("/staff/client-searches/srch_")
    assert "anna" not in location.lower() and "?" not in location
    page = client.get(location).content.decode()
    assert client_a.public_id in page
    assert "Results for" in page
    # Another browser of the same person does not have the search.
    other = login(WebClient(), admin)
    elsewhere = other.get(location)
    assert elsewhere.status_code == 302
    assert elsewhere["Location"] == reverse("web:staff_client_search")


def test_a_search_expires_after_an_hour__GDPR_08(client, admin, client_a):
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        location = client.post(reverse("web:staff_client_search"), {"q": "ANNA@example.com"})[
            "Location"
        ]
    with time_machine.travel(start + timedelta(minutes=59), tick=False):
        assert client.get(location).status_code == 200
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        assert client.get(location)["Location"] == reverse("web:staff_client_search")
        assert "hostledger_staff_searches" not in str(dict(client.session))


def test_an_empty_search_shows_the_newest_clients(client, admin, client_a):
    posted = client.post(reverse("web:staff_client_search"), {"q": "  "})

    assert posted["Location"] == reverse("web:staff_client_search")


def test_search_tokens_hold_no_name_in_clear__GDPR_11(client_a):
    tokens = list(ClientSearchToken.objects.filter(client=client_a).values_list("token", flat=True))
    assert len(tokens) > 5
    assert all(len(token) == 64 and "ann" not in token.lower() for token in tokens)


def test_search_tokens_follow_a_profile_change(client, admin, client_a, owner_a):
    accounts.client_profile_update(client=client_a, actor=owner_a, data={"last_name": "Kuusk"})
    assert client_a.public_id in _search(client, "kuusk")
    assert client_a.public_id not in _search(client, "tamm")


def test_rotate_keys_reindex_rebuilds_the_search_tokens(client, admin, client_a):
    with override_settings(BLIND_INDEX_KEY="another-key-for-the-blind-indexes"):
        assert client_a.public_id not in _search(client, "anna")
        call_command("rotate_keys", "--reindex", stdout=StringIO())
        assert client_a.public_id in _search(client, "anna")


def test_search_results_show_names_and_record_each_reading__GDPR_12(client, admin, client_a):
    before = AuditEvent.objects.filter(action=PERSONAL_DATA_READ).count()
    html = _search(client, "anna")
    assert "Anna Tamm" in html
    assert AuditEvent.objects.filter(action=PERSONAL_DATA_READ).count() == before + 1


# ----------------------------------------------------------------------------- display


def test_one_date_format_for_days_and_moments():
    assert day(date(2026, 12, 7)) == "7 Dec 2026"
    moment_utc = datetime(2026, 12, 7, 10, 5, tzinfo=timezone.UTC)
    assert moment(moment_utc) == "7 Dec 2026, 12:05"  # Europe/Tallinn
    assert day(moment_utc) == "7 Dec 2026"
    assert day(None) == ""


def test_document_number_reads_the_number_or_the_proforma(client_a):
    payer = client_a.payers.get()
    proforma = make_proforma(client_a, payer)
    assert document_number(proforma) == f"Proforma {proforma.pk}"
    invoice = make_final_invoice(client_a, payer)
    assert document_number(invoice) == invoice.number_display


def _price_html(access, net, gross=None) -> str:
    request = RequestFactory().get("/")
    template = Template("{% price net gross %}")
    context = {"request": request, "access": access, "net": net, "gross": gross}
    return template.render(Context(context))


class _Access:
    def __init__(self, client):
        self.client = client


def test_consumers_see_prices_with_vat_businesses_without(client_a, company):
    net = Money.of("10.00")
    consumer = _price_html(_Access(client_a), net)
    assert consumer.index("€12.40") < consumer.index("€10.00")
    assert '€12.40 <span class="price-vat">incl. VAT</span>' in consumer
    business = _price_html(_Access(company), net)
    assert business == '<span class="price">€10.00 <span class="price-vat">excl. VAT</span></span>'
    both = _price_html(None, net, Money.of("12.40"))
    assert "incl. VAT" in both and "excl. VAT" in both


def test_a_trusted_user_sees_the_overview_of_the_account(client, readonly_user, client_a):
    assert AccessGrant.objects.filter(grantee=readonly_user).exists()
    login(client, readonly_user, client_public_id=client_a.public_id)
    assert "What is due" in client.get(reverse("web:dashboard")).content.decode()


# ----------------------------------------------------------------------------- query counts

OVERVIEW_QUERIES = {
    "client overview": 20,  # verification banner, sign-ins, payers, contacts, message texts
    "staff overview": 14,  # every queue of an administrator and today's payments
    "staff client page": 27,  # activity, personal data, verification, audit of the reading
    "staff search": 6,  # results page: session and user, the token look-up, one UNION (none found)
    "staff client list": 5,
}
"""Queries per page, the same with no rows and with several of everything (habit 9)."""


def _add_activity(client_a, rows: int) -> None:
    catalog = make_catalog() if rows else None
    payer = client_a.payers.get()
    for number in range(rows):
        paid_order(client_a, payer, catalog["tariff"], os_image=catalog["os_image"])
        make_proforma(client_a, payer, "10.00")
        record_payment(client_a, None, "1.00", f"EXTRA-{number}")
        unmatched_payment("2.00", f"BANK-{number}")


def _counts(http, owner, admin, client_a) -> dict[str, int]:
    def measured(call) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = call()
        assert response.status_code == 200
        return len(queries)

    login(http, owner)
    counts = {"client overview": measured(lambda: http.get(reverse("web:dashboard")))}
    login(http, admin)
    detail = reverse("web:staff_client_detail", args=[client_a.public_id])
    search = reverse("web:staff_client_search")
    counts["staff overview"] = measured(lambda: http.get(reverse("web:staff_home")))
    counts["staff client page"] = measured(lambda: http.get(detail))
    results = http.post(search, {"q": "zzzz"})["Location"]
    counts["staff search"] = measured(lambda: http.get(results))
    counts["staff client list"] = measured(lambda: http.get(search))
    return counts


@pytest.mark.parametrize("rows", [0, 4])
def test_overview_pages_have_a_fixed_query_count(client, owner_a, client_a, rows):
    admin = make_staff_user("administrator")
    _add_activity(client_a, rows)
    counts = _counts(client, owner_a, admin, client_a)
    assert {page: min(count, OVERVIEW_QUERIES[page]) for page, count in counts.items()} == counts
    if rows:
        assert counts == OVERVIEW_QUERIES


def test_the_catalog_shows_a_consumer_the_price_with_vat(client, owner_a, company):
    make_catalog()
    login(client, owner_a)
    html = client.get(reverse("web:catalog")).content.decode()
    assert '€12.28 <span class="price-vat">incl. VAT</span>' in html  # 9.90 + 24 % VAT
    login(client, company.owner)
    html = client.get(reverse("web:catalog")).content.decode()
    assert '€9.90 <span class="price-vat">excl. VAT</span>' in html
    assert "incl. VAT" not in html
