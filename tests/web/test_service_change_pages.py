"""The pages that change or end a service, in both areas: change plan with a preview
prorated to the day (ORD-04), cancel with notice and the minimum period (ORD-06, CAT-03),
the consumer's withdrawal (ORD-07), the contract term and its notices (ORD-08), and the
staff list of open cancellations. Exact amounts; every change goes through its action, and a
refused one leaves the database as it was."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from hostledger.accounts.models import Client
from hostledger.invoicing.models import Invoice
from hostledger.ledger.selectors import balance_of
from hostledger.subscriptions.actions import (
    AddOnChoice,
    order_place,
    service_activate,
    service_cancellation_request,
)
from hostledger.subscriptions.models import (
    ServiceAddOn,
    ServiceCancellation,
    ServiceChange,
    ServiceStatus,
)
from tests.subscriptions.factories import NOW, TODAY, build_catalog, eur, fund, written_rows
from tests.web.conftest import login, make_client_user, make_staff_user

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
DASH = "\u2013"  # between the first and last day of a period
MINUS = "\u2212"  # before an amount taken off
MARCH_10 = datetime(2027, 3, 10, 8, 0, tzinfo=UTC)  # 22 of March's 31 days are left


@pytest.fixture(autouse=True)
def frozen_now(time_machine):
    """Monday 1 March 2027, 10:00 in Tallinn; Estonian VAT is 24 %."""
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def shop(db):
    return build_catalog()


@pytest.fixture
def owner(client, owner_a):
    return login(client, owner_a)


def travel(time_machine, moment, http, user):
    """Move the clock and sign ``user`` in again: a session does not outlive days."""
    time_machine.move_to(moment, tick=False)
    return login(http, user)


def html_of(response) -> str:
    return response.content.decode()


def place(client_record, shop, *, tariff=None, months=1, add_ons=(), **extra):
    """An order of client A, paid from the balance at once when the balance covers it."""
    return order_place(
        client=client_record,
        payer=client_record.payers.get(is_default=True),
        tariff=tariff or shop.vps_start,
        period_months=months,
        os_image=shop.debian,
        add_ons=list(add_ons),
        actor=client_record.owner,
        today=TODAY,
        **{"start_at_once": True, **extra},  # an early start unless told (ORD-07)
    ).services.get()


def url(name: str, service) -> str:
    return reverse(f"web:{name}", args=[service.public_id])


def plan_data(shop, service, *, tariff=None, **quantities) -> dict:
    """The plan form: the tariff and every add-on of the family with its quantity."""
    data = {"tariff": (tariff or service.tariff).public_id}
    for add_on in (shop.extra_ipv4, shop.backups):
        data[f"add_on_{add_on.public_id}"] = str(quantities.get(add_on.code, 0))
    return data


# ----------------------------------------------------------------------------- plan change


def test_plan_page_offers_the_tariffs_and_add_ons_of_the_family__ORD_04(owner, client_a, shop):
    fund(client_a, "12.28")
    service = place(client_a, shop)

    response = owner.get(url("service_plan_change", service))

    assert response.status_code == 200
    html = html_of(response)
    assert "<h1>Change plan" in html
    assert f'value="{shop.vps_start.public_id}" checked' in html
    assert f'value="{shop.vps_large.public_id}">' in html
    assert "€29.76 incl. VAT / month" in html  # 24.00 + 24 % VAT for a consumer
    assert '<span class="badge badge-info">Current</span>' in html
    assert "Cloud Pool" not in html, "only tariffs of the service's own family"
    assert "Extra IPv4 address" in html and "Daily backups" in html
    assert "Pool backups" not in html
    assert "Choose another tariff or change the add-on quantities" in html


def test_preview_prorates_an_upgrade_to_the_day_and_pays_it_from_the_balance__ORD_04(
    owner, client_a, shop, time_machine
):
    fund(client_a, "30.00")
    service = place(client_a, shop)  # 12.28 paid, 17.72 left
    travel(time_machine, MARCH_10, owner, client_a.owner)

    response = owner.get(
        url("service_plan_change", service),
        plan_data(shop, service, tariff=shop.vps_large),
        headers=HTMX,
    )

    assert response.status_code == 200
    html = html_of(response)
    assert html.lstrip().startswith('<aside id="change-preview"')
    assert "<h1>" not in html
    # (24.00 - 9.90) * 22 / 31 = 10.00645 -> 10.01 net; 24 % VAT 2.40
    assert (
        f"10 Mar 2027 {DASH} 31 Mar 2027" in html
        and "22 of 31 days; +€14.10 for the whole period" in html
    )
    assert "<td>+€10.01</td>" in html
    assert '<th scope="row">Net</th><td>€10.01</td>' in html
    assert '<th scope="row">VAT 24 %</th><td>€2.40</td>' in html
    assert '<th scope="row">To pay now</th><td id="change-total">€12.41</td>' in html
    assert "Balance €17.72: paid from it at once" in html


def test_an_upgrade_the_balance_covers_applies_at_once__ORD_04(owner, client_a, shop, time_machine):
    fund(client_a, "30.00")
    service = place(client_a, shop)
    travel(time_machine, MARCH_10, owner, client_a.owner)

    response = owner.post(
        url("service_plan_change", service), plan_data(shop, service, tariff=shop.vps_large)
    )

    assert response.status_code == 302
    assert response["Location"] == url("service_plan_change", service)
    change = ServiceChange.objects.get()
    assert (change.direction, change.state, change.amount_minor) == ("upgrade", "applied", 1001)
    assert change.requested_by == client_a.owner
    service.refresh_from_db()
    assert service.tariff == shop.vps_large
    assert balance_of(client_a) == eur("5.31")  # 30.00 - 12.28 - 12.41
    page = html_of(owner.get(response["Location"]))
    assert "Upgraded to VPS Large: €12.41 paid from the balance." in page
    assert "VPS Start → VPS Large" in page and "+€10.01" in page


def test_an_upgrade_the_balance_does_not_cover_waits_and_can_be_withdrawn__ORD_04_ORD_03(
    owner, client_a, shop, time_machine
):
    fund(client_a, "12.28")
    service = place(client_a, shop)  # balance 0.00
    travel(time_machine, MARCH_10, owner, client_a.owner)
    data = plan_data(shop, service, tariff=shop.vps_large)

    preview = html_of(owner.get(url("service_plan_change", service), data, headers=HTMX))
    assert "Balance €0.00: €12.41 short. A proforma awaits payment" in preview

    assert owner.post(url("service_plan_change", service), data).status_code == 302
    change = ServiceChange.objects.get()
    assert change.state == ServiceChange.State.PENDING
    assert (change.invoice.kind, change.invoice.gross_minor) == ("proforma", 1241)
    page = html_of(owner.get(url("service_plan_change", service)))
    assert "Upgrade to VPS Large awaits payment" in page
    assert reverse("web:invoice_detail", args=[change.invoice.public_id]) in page
    assert "Another change of this service awaits payment." in page

    response = owner.post(url("service_plan_change_withdraw", service))

    assert response.status_code == 302
    change.refresh_from_db()
    assert change.state == ServiceChange.State.CANCELLED
    assert Invoice.objects.get(pk=change.invoice_id).status == Invoice.Status.CANCELLED
    service.refresh_from_db()
    assert service.tariff == shop.vps_start
    before = written_rows()
    owner.post(url("service_plan_change_withdraw", service))  # nothing left to withdraw
    assert written_rows() == before


def test_a_downgrade_credits_the_difference_back_to_the_balance__ORD_04(
    owner, client_a, shop, time_machine
):
    fund(client_a, "40.00")
    service = place(
        client_a, shop, tariff=shop.vps_large, add_ons=[AddOnChoice(shop.extra_ipv4, 2)]
    )  # 28.00 net, 34.72 gross: 5.28 left
    travel(time_machine, MARCH_10, owner, client_a.owner)
    data = plan_data(shop, service, tariff=shop.vps_start, **{"vps-extra-ipv4": 1})

    preview = html_of(owner.get(url("service_plan_change", service), data, headers=HTMX))

    # (11.90 - 28.00) * 22 / 31 = -11.4258 -> -11.43 net; VAT 24 % 2.74; 14.17 back
    assert f"<td>{MINUS}€11.43</td>" in preview
    assert '<th scope="row">Net</th><td>€11.43</td>' in preview
    assert '<th scope="row">VAT 24 %</th><td>€2.74</td>' in preview
    assert '<th scope="row">Back to your balance</th><td id="change-total">€14.17</td>' in preview

    assert owner.post(url("service_plan_change", service), data).status_code == 302
    assert balance_of(client_a) == eur("19.45")  # 5.28 + 14.17
    assert list(
        ServiceAddOn.objects.filter(service=service).values_list("quantity", flat=True)
    ) == [1]


def test_a_refused_plan_change_shows_the_problem_and_writes_nothing__ORD_04(owner, client_a, shop):
    fund(client_a, "12.28")
    service = place(client_a, shop)
    before = written_rows()

    same = owner.post(url("service_plan_change", service), plan_data(shop, service))
    too_many = owner.post(
        url("service_plan_change", service), plan_data(shop, service, **{"vps-extra-ipv4": 17})
    )

    assert same.status_code == 400
    assert "nothing changes" in html_of(same)
    assert too_many.status_code == 400
    assert "Ensure this value is less than or equal to 16." in html_of(too_many)
    assert written_rows() == before


# ----------------------------------------------------------------------------- cancellation


def three_months(client_record, shop):
    """A VPS Start for 1 March to 31 May: 29.70 net, 36.83 with 24 % VAT."""
    fund(client_record, "40.00")
    return place(client_record, shop, months=3)


def test_cancel_page_shows_the_earliest_day_and_what_comes_back__ORD_06_CAT_03(
    owner, client_a, shop
):
    service = three_months(client_a, shop)

    page = html_of(owner.get(url("service_cancel", service)))
    assert "at least 10 working days after it is filed: on 15 Mar 2027" in page
    assert 'min="2027-03-15"' in page and 'value="2027-03-15"' in page

    preview = html_of(
        owner.get(url("service_cancel", service), {"effective_on": "2027-03-15"}, headers=HTMX)
    )

    # 1 April to 31 May: 61 of 92 days: 29.70 * 61 / 92 = 19.69 net, 24.42 gross; the
    # minimum month's 15-31 March (17 days) holds 25.18 - 19.69 = 5.49 net, 6.80 gross
    assert preview.lstrip().startswith('<aside id="cancel-preview"')
    assert "Unused paid days from 1 Apr 2027" in preview and "net €19.69" in preview
    assert '<td id="cancel-refund">€24.42</td>' in preview
    assert "Minimum period, until 31 Mar 2027: not returned" in preview
    assert "net €5.49" in preview and '<td id="cancel-kept">€6.80</td>' in preview


def test_a_cancellation_too_early_is_refused_next_to_the_date__ORD_06(owner, client_a, shop):
    service = three_months(client_a, shop)
    before = written_rows()

    response = owner.post(url("service_cancel", service), {"effective_on": "2027-03-12"})

    assert response.status_code == 400
    assert 'id="id_effective_on_error"><li>on or after 2027-03-15</li>' in html_of(response)
    assert written_rows() == before


def test_a_filed_cancellation_is_shown_and_can_be_withdrawn__ORD_06(owner, client_a, shop):
    service = three_months(client_a, shop)

    response = owner.post(url("service_cancel", service), {"effective_on": "2027-04-15"})

    assert response.status_code == 302
    cancellation = ServiceCancellation.objects.get()
    assert (cancellation.kind, cancellation.state, cancellation.effective_on) == (
        "cancellation",
        "requested",
        date(2027, 4, 15),
    )
    page = html_of(owner.get(url("service_cancel", service)))
    assert "Cancellation filed: the service is deactivated on 15 April 2027." in page
    assert "Cancellation: the service ends on 15 Apr 2027" in page

    assert owner.post(url("service_cancellation_withdraw", service)).status_code == 302
    cancellation.refresh_from_db()
    assert cancellation.state == ServiceCancellation.State.WITHDRAWN
    service.refresh_from_db()
    assert service.status != ServiceStatus.TERMINATED


# ----------------------------------------------------------------------------- withdrawal


def test_withdrawal_without_an_early_start_returns_everything__ORD_07(owner, client_a, shop):
    fund(client_a, "12.28")
    service = place(client_a, shop)

    page = html_of(owner.get(url("service_withdrawal", service)))
    assert "15 Mar 2027" in page  # 14 days after 1 March
    assert '<td id="withdrawal-refund">€12.28</td>' in page
    assert "withdrawal-used" not in page

    refused = owner.post(url("service_withdrawal", service), {})
    assert refused.status_code == 400
    assert "Tick the box to confirm the withdrawal." in html_of(refused)

    response = owner.post(url("service_withdrawal", service), {"confirm": "on"})

    assert response.status_code == 302
    service.refresh_from_db()
    assert service.status == ServiceStatus.TERMINATED
    assert balance_of(client_a) == eur("12.28")
    assert "You withdrew from this contract on 1 Mar 2027." in html_of(
        owner.get(response["Location"])
    )


def test_withdrawal_after_an_early_start_charges_the_days_used__ORD_07(
    owner, client_a, shop, time_machine
):
    fund(client_a, "12.28")
    service = place(client_a, shop, start_at_once=True)
    service_activate(service=service, actor=make_staff_user("support"))
    travel(time_machine, datetime(2027, 3, 5, 8, 0, tzinfo=UTC), owner, client_a.owner)

    page = html_of(owner.get(url("service_withdrawal", service)))

    # 1-5 March used: 6-31 March is 26 of 31 days: 9.90 * 26 / 31 = 8.30 net, 10.29 gross
    assert f'<td id="withdrawal-used">{MINUS}€1.99</td>' in page
    assert '<td id="withdrawal-refund">€10.29</td>' in page
    assert owner.post(url("service_withdrawal", service), {"confirm": "on"}).status_code == 302
    assert balance_of(client_a) == eur("10.29")


def test_a_company_cannot_withdraw_and_is_sent_to_cancel__ORD_07(client, shop, policies):
    owner = make_client_user(
        "firm@example.com",
        kind="legal",
        first_name="",
        last_name="",
        company_name="Pilv OÜ",
        registry_code="12345678",
    )
    assert owner.client.kind == Client.Kind.LEGAL
    fund(owner.client, "12.28")
    service = place(owner.client, shop)
    http = login(client, owner)
    before = written_rows()

    page = html_of(http.get(url("service_withdrawal", service)))
    refused = http.post(url("service_withdrawal", service), {"confirm": "on"})

    assert "Only a consumer (a natural person) may withdraw" in page
    assert url("service_cancel", service) in page
    assert refused.status_code == 400
    assert written_rows() == before


# ----------------------------------------------------------------------------- contract


def test_contract_page_shows_the_term_and_what_each_notice_does__ORD_08(owner, client_a, shop):
    fund(client_a, "12.28")
    service = place(client_a, shop)

    page = html_of(owner.get(url("service_contract", service)))

    assert '<p class="stat-value stat-value--text" id="term-end">29 Feb 2028</p>' in page
    assert '<strong id="non-renewal-day">1 Mar 2028</strong>' in page
    assert '<strong id="termination-day">1 Apr 2027</strong>' in page


def test_a_termination_notice_ends_the_service_in_a_month_and_can_be_withdrawn__ORD_08(
    owner, client_a, shop
):
    fund(client_a, "12.28")
    service = place(client_a, shop)

    response = owner.post(url("service_contract_notice", service), {"kind": "termination"})

    assert response.status_code == 302
    notice = ServiceCancellation.objects.get()
    assert (notice.kind, notice.party, notice.effective_on) == (
        "termination",
        "client",
        date(2027, 4, 1),
    )
    service.refresh_from_db()
    assert service.notice_effective_on == date(2027, 4, 1)
    page = html_of(owner.get(response["Location"]))
    assert "Termination with notice: the service ends on 1 Apr 2027" in page

    response = owner.post(url("service_cancellation_withdraw", service))

    assert response["Location"] == url("service_contract", service)
    service.refresh_from_db()
    assert service.notice_effective_on is None and service.notice_kind == ""


def test_a_notice_of_an_unknown_kind_is_refused__ORD_08(owner, client_a, shop):
    fund(client_a, "12.28")
    service = place(client_a, shop)
    before = written_rows()

    response = owner.post(url("service_contract_notice", service), {"kind": "forever"})

    assert response.status_code == 400
    assert written_rows() == before


# ----------------------------------------------------------------------------- trusted users


def test_a_read_only_user_sees_the_pages_without_their_buttons__ACC_06_ORD_04(
    client, readonly_user, client_a, shop
):
    fund(client_a, "12.28")
    service = place(client_a, shop)
    http = login(client, readonly_user, client_public_id=client_a.public_id)
    before = written_rows()

    for name in ("service_plan_change", "service_cancel", "service_contract"):
        page = http.get(url(name, service))
        assert page.status_code == 200, name
        assert 'type="submit"' not in html_of(page).split("<main", 1)[-1], name
    refused = http.post(url("service_contract_notice", service), {"kind": "termination"})

    assert refused.status_code == 403
    assert written_rows() == before


# ----------------------------------------------------------------------------- staff


def test_staff_list_shows_open_requests_due_first_and_carries_out_a_due_one__ORD_06(
    client, client_a, shop, time_machine
):
    service = three_months(client_a, shop)
    fund(client_a, "9.11")  # with the 3.17 left, a month of VPS Start: 12.28
    later = place(client_a, shop)
    service_cancellation_request(
        service=service, effective_on=date(2027, 4, 15), actor=client_a.owner, today=TODAY
    )
    service_cancellation_request(
        service=later, effective_on=date(2027, 5, 3), actor=client_a.owner, today=TODAY
    )
    support = make_staff_user("support")
    http = travel(time_machine, datetime(2027, 4, 20, 8, 0, tzinfo=UTC), client, support)

    page = html_of(http.get(reverse("web:staff_cancellations")))

    assert page.index(service.public_id) < page.index(later.public_id)
    assert page.count('<span class="badge badge-danger">Due</span>') == 1
    due_only = html_of(http.get(reverse("web:staff_cancellations"), {"due": "on"}))
    assert service.public_id in due_only and later.public_id not in due_only

    cancellation = ServiceCancellation.objects.get(service=service)
    response = http.post(reverse("web:staff_cancellation_carry_out", args=[cancellation.public_id]))

    assert response.status_code == 302
    cancellation.refresh_from_db()
    # 15 April to 31 May: 47 of 92 days: 29.70 * 47 / 92 = 15.17 net
    assert (cancellation.state, cancellation.refund_minor) == ("carried_out", 1517)
    service.refresh_from_db()
    assert service.status == ServiceStatus.TERMINATED


def test_staff_change_a_plan_and_give_a_provider_notice_on_the_clients_behalf__ORD_04_ORD_08(
    client, client_a, shop, time_machine
):
    fund(client_a, "30.00")
    service = place(client_a, shop)
    support = make_staff_user("support")
    http = travel(time_machine, MARCH_10, client, support)

    page = http.get(reverse("web:staff_service_plan_change", args=[service.public_id]))
    assert page.status_code == 200
    response = http.post(
        reverse("web:staff_service_plan_change", args=[service.public_id]),
        plan_data(shop, service, tariff=shop.vps_large),
    )
    assert response.status_code == 302
    assert ServiceChange.objects.get().requested_by == support

    response = http.post(
        reverse("web:staff_service_contract_notice", args=[service.public_id]),
        {"kind": "non_renewal", "party": "provider"},
    )

    assert response.status_code == 302
    notice = ServiceCancellation.objects.get()
    assert (notice.kind, notice.party, notice.requested_by, notice.effective_on) == (
        "contract_notice",
        "provider",
        support,
        date(2028, 3, 1),
    )
    end_page = html_of(http.get(response["Location"]))
    assert "Notice against renewal: the service ends on 1 Mar 2028" in end_page
