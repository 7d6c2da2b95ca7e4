"""The client area's order and service pages: ordering with a live quote, the order record,
paying an order, free trials, the service page with its history and paid periods, and the
servers of a cloud pool. Exact amounts; every change goes through its action, and a refused
one leaves the database as it was."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hostledger.catalog import actions as catalog_actions
from hostledger.invoicing.models import Invoice
from hostledger.subscriptions.actions import service_activate
from hostledger.subscriptions.models import Order, PoolServer, Service, ServiceStatus
from tests.subscriptions.factories import (
    NOW,
    TODAY,
    build_catalog,
    fund,
    services_staff,
    written_rows,
)
from tests.web.conftest import login, make_client_user

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
DASH = "\u2013"  # between the first and last day of a period
TIMES = "\u00d7"  # a quantity of an add-on


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


@pytest.fixture
def readonly(client, readonly_user, client_a):
    return login(client, readonly_user, client_public_id=client_a.public_id)


def html_of(response) -> str:
    return response.content.decode()


def order_url(tariff) -> str:
    return f"{reverse('web:order_new')}?tariff={tariff.public_id}"


def vps_choices(shop, payer, **overrides) -> dict:
    """The order form of a VPS Start for 3 months with two extra IPv4 addresses and the
    Windows image (a paid licence)."""
    data = {
        "tariff": shop.vps_start.public_id,
        f"add_on_{shop.extra_ipv4.public_id}": "2",
        f"add_on_{shop.backups.public_id}": "0",
        "os_image": shop.windows.public_id,
        "period_months": "3",
        "payer": payer.public_id,
        "start_at_once": "on",  # the consumer asks for an early start (ORD-07)
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def place_by_form(http, shop, payer, **overrides) -> Order:
    response = http.post(reverse("web:order_new"), vps_choices(shop, payer, **overrides))
    assert response.status_code == 302, html_of(response)[:1500]
    order = Order.objects.latest("pk")
    assert response["Location"] == reverse("web:order_detail", args=[order.public_id])
    return order


# ----------------------------------------------------------------------------- ordering


def test_order_page_preselects_the_tariff_and_offers_every_choice__ORD_01_CAT_05(
    owner, shop, payer_a
):
    response = owner.get(order_url(shop.vps_start))
    assert response.status_code == 200
    html = html_of(response)
    assert "<h1>Order VPS Start</h1>" in html
    start, large = shop.vps_start.public_id, shop.vps_large.public_id
    assert f'<option value="{start}" selected>VPS Start · €12.28 incl. VAT / month' in html
    assert f'<option value="{large}">VPS Large · €29.76 incl. VAT / month' in html
    assert "Extra IPv4 address" in html and "Daily backups" in html
    assert "Pool backups" not in html, "an add-on of another family is not offered"
    assert '<span class="badge badge-warning">+ €15.31 incl. VAT / month</span>' in html
    for months, label in ((1, "1 month"), (3, "3 months"), (6, "6 months"), (12, "12 months")):
        assert f'value="{months}"' in html and label in html
    assert f'<option value="{payer_a.public_id}" selected>Anna Tamm</option>' in html
    assert "Try it free for 10 days first" in html
    assert "Start the service at once, before my withdrawal period ends" in html


def test_order_page_of_a_cloud_pool_asks_for_no_operating_system__ORD_05_CAT_05(owner, shop):
    html = html_of(owner.get(order_url(shop.cloud_pool)))
    assert "<h1>Order Cloud Pool</h1>" in html
    assert 'name="os_image"' not in html
    assert "Try it free" not in html, "only virtual servers have a free trial"


def test_order_page_without_a_tariff_goes_back_to_the_catalog__ORD_01(owner, shop):
    response = owner.get(reverse("web:order_new"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:catalog")


def test_order_page_of_a_withdrawn_tariff_is_not_found__ORD_01(owner, shop):
    catalog_actions.tariff_deactivate(tariff=shop.vps_large)
    assert owner.get(order_url(shop.vps_large)).status_code == 404


def test_live_summary_quotes_the_proforma_and_vat_to_the_cent__ORD_01_BIL_02(owner, shop, payer_a):
    """The htmx answer is the summary alone; each line's VAT is rounded as the invoice does:
    €29.70 + €12.00 + €37.05 net, VAT 24 % = €7.13 + €2.88 + €8.89."""
    response = owner.get(reverse("web:order_new"), vps_choices(shop, payer_a), headers=HTMX)
    assert response.status_code == 200
    html = html_of(response)
    assert html.lstrip().startswith('<aside id="order-summary"')
    assert "<h1>" not in html
    assert '<th scope="row">VPS Start, 3 months</th><td>€29.70</td>' in html
    assert '<th scope="row">2 x Extra IPv4 address, 3 months</th><td>€12.00</td>' in html
    assert '<th scope="row">Windows Server 2022 licence, 3 months</th><td>€37.05</td>' in html
    assert '<th scope="row">Net</th><td>€78.75</td>' in html
    assert '<th scope="row">VAT 24 %</th><td>€18.90</td>' in html
    assert '<td id="summary-total">€97.65</td>' in html
    assert f"1 Mar 2027 {DASH} 31 May 2027" in html
    assert "top up after placing the order" in html

    order = place_by_form(owner, shop, payer_a)
    assert order.proforma.net_minor == 7875
    assert order.proforma.vat_minor == 1890
    assert order.proforma.gross_minor == 9765, "the quote is what the proforma charges"


def test_summary_of_a_free_trial_bills_nothing__CAT_04(owner, shop, payer_a):
    response = owner.get(
        reverse("web:order_new"), vps_choices(shop, payer_a, trial="on"), headers=HTMX
    )
    html = html_of(response)
    assert "<span>Due now</span><strong>€0.00</strong>" in html
    assert "Free for 10 days. Afterwards €26.25 a month plus VAT" in html
    assert "Start free trial" in html


def test_placed_order_keeps_what_was_asked_and_the_fees_of_that_moment__ORD_01(
    owner, shop, payer_a, client_a, owner_a, time_machine
):
    order = place_by_form(owner, shop, payer_a)
    assert order.client == client_a and order.payer == payer_a
    assert order.status == Order.Status.PLACED
    assert (order.period_months, order.period_starts_on, order.period_ends_on) == (
        3,
        date(2027, 3, 1),
        date(2027, 5, 31),
    )
    assert order.os_image == shop.windows
    items = [(i.name, i.monthly_fee_minor, i.quantity, i.amount_minor) for i in order.items.all()]
    assert items == [
        ("VPS Start", 990, 1, 2970),
        ("Extra IPv4 address", 200, 2, 1200),
        ("Windows Server 2022 licence", 1235, 1, 3705),
    ]
    catalog_actions.price_change_announce(
        tariff=shop.vps_start, new_fee="12.90", effective_from=date(2027, 4, 1)
    )
    time_machine.move_to(date(2027, 4, 2), tick=False)
    login(owner, owner_a)  # a month later: sign in again
    assert "VPS Start · €16.00 incl. VAT / month" in html_of(owner.get(order_url(shop.vps_start)))

    html = html_of(owner.get(reverse("web:order_detail", args=[order.public_id])))
    assert '<td class="table-num" data-label="Per month">€9.90</td>' in html
    assert '<td class="table-num" data-label="Amount">€29.70</td>' in html
    assert "€12.90" not in html, "a later price does not alter the order"
    assert f"1 Mar 2027 {DASH} 31 May 2027" in html
    assert "Placed, awaiting payment" in html
    assert f'href="/invoices/{order.proforma.public_id}/"' in html
    assert "Top up €97.65" in html and "?amount=97.65" in html


def test_an_order_the_balance_covers_is_paid_at_once_and_set_up__ORD_03(
    owner, shop, payer_a, client_a
):
    fund(client_a, "100.00")
    response = owner.post(reverse("web:order_new"), vps_choices(shop, payer_a), follow=True)
    order = Order.objects.get()
    assert order.status == Order.Status.PAID
    assert order.proforma.kind == Invoice.Kind.FINAL
    service = order.services.get()
    assert service.status == ServiceStatus.PROVISIONING
    assert service.commencement_deadline == date(2027, 3, 2)
    html = html_of(response)
    assert f"Order {order.number} placed and paid from your balance." in html
    assert f"Invoice {order.proforma.number_display}" in html
    assert "Pay €" not in html and "Top up €" not in html


def test_an_unpaid_order_is_paid_from_the_balance_once_it_covers_it__ORD_03(
    owner, shop, payer_a, client_a
):
    order = place_by_form(owner, shop, payer_a)
    fund(client_a, "97.65")  # recorded by staff; the order page offers to pay now
    html = html_of(owner.get(reverse("web:order_detail", args=[order.public_id])))
    assert "Your balance covers it." in html
    assert "Pay €97.65 from balance" in html

    response = owner.post(reverse("web:order_pay", args=[order.public_id]), follow=True)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.proforma.status == Invoice.Status.PAID
    service = order.services.get()
    assert service.status == ServiceStatus.PROVISIONING
    assert list(service.periods.values_list("starts_on", "ends_on", "amount_minor")) == [
        (date(2027, 3, 1), date(2027, 5, 31), 7875)
    ]
    assert f"Paid from your balance: invoice {order.proforma.number_display}." in html_of(response)


def test_paying_an_order_the_balance_does_not_cover_changes_nothing__ORD_03(
    owner, shop, payer_a, client_a
):
    order = place_by_form(owner, shop, payer_a)
    fund(client_a, "50.00")
    before = written_rows()
    response = owner.post(reverse("web:order_pay", args=[order.public_id]), follow=True)
    assert written_rows() == before
    assert "The balance is" in html_of(response)


def test_order_form_errors_are_shown_and_nothing_is_written__ORD_01(owner, shop, payer_a):
    before = written_rows()
    response = owner.post(
        reverse("web:order_new"),
        vps_choices(shop, payer_a, os_image=None, **{f"add_on_{shop.extra_ipv4.public_id}": "17"}),
    )
    assert response.status_code == 400
    html = html_of(response)
    assert "Choose the operating system to install." in html
    assert "Ensure this value is less than or equal to 16." in html
    assert written_rows() == before


def test_a_free_trial_is_ordered_once_and_continued_by_a_paid_order__CAT_04(owner, shop, payer_a):
    order = place_by_form(owner, shop, payer_a, trial="on")
    assert order.status == Order.Status.FREE_TRIAL and order.proforma is None
    service = order.services.get()
    assert service.status == ServiceStatus.TRIAL
    assert service.trial_ends_on == date(2027, 3, 10)
    assert "Try it free" not in html_of(owner.get(order_url(shop.vps_start))), "once per client"

    html = html_of(owner.get(reverse("web:service_detail", args=[service.public_id])))
    assert "Free trial until 10 Mar 2027" in html
    assert "Order the paid period" in html
    response = owner.post(
        reverse("web:service_trial_continue", args=[service.public_id]),
        {"period_months": "1", "payer": payer_a.public_id},
    )
    continuation = Order.objects.exclude(pk=order.pk).get()
    assert response["Location"] == reverse("web:order_detail", args=[continuation.public_id])
    assert continuation.trial_service == service
    assert continuation.period_starts_on == date(2027, 3, 11)
    assert continuation.proforma.gross_minor == 3255  # (9.90 + 2 x 2.00 + 12.35) x 1.24
    html = html_of(owner.get(reverse("web:service_detail", args=[service.public_id])))
    assert f'Continuation ordered: <a href="/orders/{continuation.public_id}/">' in html


def test_an_unpaid_order_is_withdrawn_with_its_proforma__ORD_01(owner, shop, payer_a):
    order = place_by_form(owner, shop, payer_a)
    response = owner.post(reverse("web:order_withdraw", args=[order.public_id]), follow=True)
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.proforma.status == Invoice.Status.CANCELLED
    assert order.services.get().status == ServiceStatus.TERMINATED
    assert f"Order {order.number} is withdrawn." in html_of(response)
    before = written_rows()
    again = owner.post(reverse("web:order_withdraw", args=[order.public_id]), follow=True)
    assert "only an unpaid order can be withdrawn" in html_of(again)
    assert written_rows() == before


def test_order_list_shows_every_order_with_status_and_total__ORD_01(owner, shop, payer_a):
    first = place_by_form(owner, shop, payer_a)
    trial = place_by_form(owner, shop, payer_a, trial="on")
    html = html_of(owner.get(reverse("web:order_list")))
    html = html[html.index("<table") :]
    assert html.index(trial.public_id) < html.index(first.public_id), "newest first"
    assert "10-day free trial" in html and "3 months" in html
    assert "<strong>€78.75</strong>" in html and "<strong>€0.00</strong>" in html
    assert trial.services.get().public_id in html


# ----------------------------------------------------------------------------- services


def test_service_page_shows_status_history_periods_and_commencement_deadline__ORD_02_CAT_03(
    owner, shop, payer_a, client_a
):
    fund(client_a, "100.00")
    order = place_by_form(owner, shop, payer_a)
    service = order.services.get()
    html = html_of(owner.get(reverse("web:service_detail", args=[service.public_id])))
    assert "Paid — we are setting it up." in html
    assert "It starts by <strong>2 Mar 2027</strong>" in html
    assert "Windows Server 2022" in html and f"2 {TIMES} Extra IPv4 address" in html
    assert f"1 Mar 2027 {DASH} 31 May 2027" in html and "€78.75" in html
    history = html[html.index('id="history-title"') :]
    assert "<strong>Pending payment → Provisioning</strong>" in history
    assert "Period paid on 2027-03-01; provisioning started." in history
    assert f"Order {order.number} placed." in history
    assert "by you" in history and "automatic" in history

    staff = services_staff()
    service_activate(service=service, actor=staff, today=TODAY)
    html = html_of(owner.get(reverse("web:service_detail", args=[service.public_id])))
    assert "<strong>Provisioning → Active</strong>" in html
    assert "by our staff" in html and staff.email not in html
    assert "setting it up" not in html


def test_service_list_shows_status_and_how_far_each_is_paid__ORD_02_ORD_03(
    owner, shop, payer_a, client_a
):
    fund(client_a, "100.00")
    paid = place_by_form(owner, shop, payer_a).services.get()
    pending = place_by_form(owner, shop, payer_a, period_months="1").services.get()
    html = html_of(owner.get(reverse("web:service_list")))
    html = html[html.index('class="service-grid"') :]
    assert html.index(pending.public_id) < html.index(paid.public_id)
    assert "Paid until 31 May 2027" in html
    assert "Waiting for payment" in html
    assert '<span class="badge badge-info">Provisioning</span>' in html
    assert '<span class="badge badge-warning">Pending payment</span>' in html


@pytest.fixture
def pool(owner, shop, payer_a, client_a):
    """An active cloud pool of 8 vCPU, 16 GB memory and 200 GB disk with one server."""
    fund(client_a, "74.40")
    order = place_by_form(
        owner,
        shop,
        payer_a,
        os_image=None,
        tariff=shop.cloud_pool.public_id,
        **{
            f"add_on_{shop.extra_ipv4.public_id}": None,
            f"add_on_{shop.backups.public_id}": None,
            "period_months": "1",
        },
    )
    service = order.services.get()
    service_activate(service=service, actor=services_staff(), today=TODAY)
    return service


def server_form(shop, name="web-1", cpu=2, ram_gb=4, disk_gb=50) -> dict:
    return {
        "name": name,
        "cpu": str(cpu),
        "ram_gb": str(ram_gb),
        "disk_gb": str(disk_gb),
        "os_image": shop.debian.public_id,
    }


def test_pool_servers_are_created_resized_and_deleted_within_the_pool__ORD_05(owner, shop, pool):
    add = reverse("web:pool_server_add", args=[pool.public_id])
    response = owner.post(add, server_form(shop), follow=True)
    assert "Server web-1 created." in html_of(response)
    server = PoolServer.objects.get()
    assert (server.cpu, server.ram_gb, server.disk_gb) == (2, 4, 50)
    html = html_of(owner.get(reverse("web:service_detail", args=[pool.public_id])))
    assert "<strong>2</strong> of 8 used · 6 free" in html
    assert "<strong>4 GB</strong> of 16 GB used · 12 GB free" in html
    assert "<strong>50 GB</strong> of 200 GB used · 150 GB free" in html

    before = written_rows()
    response = owner.post(add, server_form(shop, name="db-1", cpu=7))
    assert response.status_code == 400
    assert "Only 6 vCPU left in the pool." in html_of(response)
    assert written_rows() == before

    resize = reverse("web:pool_server_resize", args=[pool.public_id, server.public_id])
    response = owner.post(resize, {f"{server.public_id}-cpu": "8"}, follow=True)
    assert "Server web-1 resized." in html_of(response)
    server.refresh_from_db()
    assert (server.cpu, server.ram_gb, server.disk_gb) == (8, 4, 50)
    response = owner.post(resize, {f"{server.public_id}-ram_gb": "17"}, follow=True)
    assert "web-1 was not changed: ram_gb: Only 16 GB of memory left in the pool." in html_of(
        response
    )

    delete = reverse("web:pool_server_delete", args=[pool.public_id, server.public_id])
    response = owner.post(delete, follow=True)
    assert "Server web-1 deleted." in html_of(response)
    assert PoolServer.objects.get().deleted_at is not None
    html = html_of(response)
    assert "<strong>0</strong> of 8 used · 8 free" in html
    assert "No servers in this pool yet" in html


def test_another_clients_order_service_and_server_are_not_found(owner, shop, payer_a, pool, client):
    order = Order.objects.get()
    server_response = owner.post(
        reverse("web:pool_server_add", args=[pool.public_id]), server_form(shop)
    )
    assert server_response.status_code == 302
    server = PoolServer.objects.get()
    login(client, make_client_user("other@example.com"))
    before = written_rows()
    for name, args in (
        ("web:order_detail", [order.public_id]),
        ("web:service_detail", [pool.public_id]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404
    for name, args in (
        ("web:order_pay", [order.public_id]),
        ("web:order_withdraw", [order.public_id]),
        ("web:pool_server_add", [pool.public_id]),
        ("web:pool_server_resize", [pool.public_id, server.public_id]),
        ("web:pool_server_delete", [pool.public_id, server.public_id]),
    ):
        assert client.post(reverse(name, args=args), server_form(shop)).status_code == 404
    assert written_rows() == before


def test_read_only_user_sees_services_but_orders_nothing__ACC_06(
    readonly, shop, client_a, owner_a, payer_a
):
    assert readonly.get(order_url(shop.vps_start)).status_code == 403
    html = html_of(readonly.get(reverse("web:service_list")))
    assert "No services yet" in html and "New order" not in html
    before = written_rows()
    assert readonly.post(reverse("web:order_new"), vps_choices(shop, payer_a)).status_code == 403
    assert written_rows() == before
    assert Service.objects.count() == 0


# ----------------------------------------------------------------------------- query counts


LIST_QUERIES = {"web:order_list": 9, "web:service_list": 8}
"""Session, user, client access and the page's reads: the rows and one query per prefetch."""


def _orders_and_services(http, shop, payer, client_record, count: int) -> None:
    fund(client_record, "500.00")
    for _ in range(count):
        place_by_form(http, shop, payer, period_months="1")


@pytest.mark.parametrize("name", ["web:order_list", "web:service_list"])
def test_list_pages_make_the_same_queries_for_1_or_6_rows(name, owner, shop, payer_a, client_a):
    """Habit 9: the order and service lists read in a fixed number of queries."""
    _orders_and_services(owner, shop, payer_a, client_a, 1)
    owner.get(reverse(name))
    with CaptureQueriesContext(connection) as one:
        assert owner.get(reverse(name)).status_code == 200
    _orders_and_services(owner, shop, payer_a, client_a, 5)
    with CaptureQueriesContext(connection) as six:
        html = html_of(owner.get(reverse(name)))
    assert html.count("/orders/ord_" if name == "web:order_list" else 'class="service-card ') >= 6
    assert len(six) == len(one) == LIST_QUERIES[name]
