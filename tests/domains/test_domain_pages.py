"""The client area's domain pages and the staff list (DOM-01, DOM-02, DOM-03): the domain's
state as its registry reports it, name servers, the transfer lock, the transfer code reveal
(audited), a transfer in, the domain part of the order form, and one client never acting on
another's domain."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from hostledger.core.models import AuditEvent
from hostledger.domains.models import Domain, DomainStatus, RegistryOperation
from hostledger.domains.registrars.interface import RegistrarError
from hostledger.subscriptions.models import Order
from tests.subscriptions.factories import fund, new_client, new_payer
from tests.web.conftest import make_staff_user


def html_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def browser(client_record):
    http = HttpClient()
    http.force_login(client_record.owner)
    return http


@pytest.fixture
def domain(order_domain) -> Domain:
    return order_domain("Õun.ee").services.get().domain


def test_the_domain_pages_show_what_the_registry_reports__DOM_02(browser, domain):
    listing = html_of(browser.get(reverse("web:domain_list")))
    assert "õun.ee" in listing and "xn--un-bka.ee" in listing and "Registered" in listing
    page = html_of(browser.get(reverse("web:domain_detail", args=[domain.public_id])))
    assert "õun.ee" in page and "1 Mar 2028" in page


def test_name_servers_are_changed_at_the_registry__DOM_02(browser, domain, registry):
    response = browser.post(
        reverse("web:domain_name_servers", args=[domain.public_id]),
        {"name_servers": "NS1.example.net\nns2.example.net\n"},
    )
    assert response.status_code == 302
    assert registry.info("xn--un-bka.ee").name_servers == ("ns1.example.net", "ns2.example.net")
    domain.refresh_from_db()
    assert domain.name_servers == ["ns1.example.net", "ns2.example.net"]
    assert domain.operations.filter(kind="name_servers", status="done").count() == 1


def test_a_bad_name_server_is_refused_on_its_field__DOM_01(browser, domain, registry):
    response = browser.post(
        reverse("web:domain_name_servers", args=[domain.public_id]),
        {"name_servers": "ns1.example.net\n-bad.example.net"},
    )
    assert response.status_code == 400
    assert "starts and ends" in html_of(response)
    assert registry.info("xn--un-bka.ee").name_servers == ()


def test_the_lock_is_set_at_the_registry_and_a_locked_domain_keeps_its_servers__DOM_02(
    browser, domain, registry
):
    browser.post(reverse("web:domain_lock", args=[domain.public_id]), {"locked": "1"})
    assert "clientTransferProhibited" in registry.info("xn--un-bka.ee").statuses
    domain.refresh_from_db()
    assert domain.locked
    response = browser.post(
        reverse("web:domain_name_servers", args=[domain.public_id]),
        {"name_servers": "ns1.example.net"},
    )
    assert response.status_code == 400
    assert "Unlock the domain first" in html_of(response)
    browser.post(reverse("web:domain_lock", args=[domain.public_id]), {"locked": "0"})
    domain.refresh_from_db()
    assert not domain.locked


def test_a_registry_that_does_not_answer_is_shown_on_the_form__DOM_02(browser, domain, registry):
    registry.fail_next(RegistrarError("no answer within 15 s", retry_can_help=True, code="timeout"))
    response = browser.post(
        reverse("web:domain_name_servers", args=[domain.public_id]),
        {"name_servers": "ns1.example.net"},
    )
    assert response.status_code == 400
    assert "try again in a few minutes" in html_of(response)
    operation = RegistryOperation.objects.get(domain=domain, kind="name_servers")
    assert operation.status == RegistryOperation.Status.FAILED
    assert "timeout" in operation.message


def test_the_transfer_code_is_shown_on_request_and_each_reveal_audited__DOM_02(
    browser, domain, registry
):
    page = html_of(browser.get(reverse("web:domain_detail", args=[domain.public_id])))
    code = registry.info("xn--un-bka.ee").auth_code
    assert code not in page
    revealed = browser.post(reverse("web:domain_auth_code", args=[domain.public_id]))
    assert revealed.status_code == 200
    assert code in html_of(revealed)
    assert (
        AuditEvent.objects.filter(
            action="domains.auth_code_revealed", object_id=domain.public_id
        ).count()
        == 1
    )


def test_one_client_can_never_act_on_anothers_domain__DOM_02(domain, registry):
    stranger = new_client()
    http = HttpClient()
    http.force_login(stranger.owner)
    before = list(Domain.objects.values())
    info_before = registry.info("xn--un-bka.ee")
    public_id = domain.public_id
    assert http.get(reverse("web:domain_detail", args=[public_id])).status_code == 404
    for name, data in (
        ("web:domain_name_servers", {"name_servers": "ns1.evil.example"}),
        ("web:domain_lock", {"locked": "1"}),
        ("web:domain_auth_code", {}),
        ("web:domain_check", {}),
    ):
        assert http.post(reverse(name, args=[public_id]), data).status_code == 404, name
    assert domain.public_id not in html_of(http.get(reverse("web:domain_list")))
    assert list(Domain.objects.values()) == before
    assert registry.info("xn--un-bka.ee") == info_before
    assert not AuditEvent.objects.filter(action__startswith="domains.").exists()


def test_a_transfer_in_is_ordered_with_its_code__DOM_02(
    browser, client_record, payer, registry, domain_tariffs, django_capture_on_commit_callbacks
):
    registry.register_elsewhere("teine.ee", expires_on=date(2027, 8, 1), auth_code="code-123")
    fund(client_record, "50.00")
    page = browser.get(reverse("web:domain_transfer"))
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            reverse("web:domain_transfer"),
            {
                "tariff": domain_tariffs.ee.public_id,
                "host_name": "teine.ee",
                "transfer_auth_code": "code-123",
                "period_months": "12",
                "payer": client_record.payers.get().public_id,
                "admin_ident_type": "priv",
                "admin_ident": "37605030299",
                "admin_ident_country": "EE",
                "start_at_once": "on",
            },
        )
    assert response.status_code == 302, html_of(response)
    domain = Domain.objects.get(client=client_record)
    assert domain.is_transfer
    assert domain.status == DomainStatus.REGISTERED  # the registry approved it at once
    assert domain.expires_on == date(2028, 8, 1)


def test_the_order_form_asks_for_the_domain_and_its_administrator__ORD_01_DOM_03(
    browser, client_record, payer, registry, domain_tariffs, django_capture_on_commit_callbacks
):
    url = f"{reverse('web:order_new')}?tariff={domain_tariffs.ee.public_id}"
    page = html_of(browser.get(url))
    assert 'name="host_name"' in page and 'name="admin_ident"' in page
    assert 'value="12"' in page and 'value="1"' not in page.split('name="period_months"')[1][:40]
    data = {
        "tariff": domain_tariffs.ee.public_id,
        "payer": client_record.payers.get().public_id,
        "period_months": "12",
        "host_name": "pood.ee",
    }
    refused = browser.post(reverse("web:order_new"), data)
    assert refused.status_code == 400
    assert "personal identification code" in html_of(refused)
    assert not Order.objects.filter(client=client_record).exists()
    fund(client_record, "50.00")
    with django_capture_on_commit_callbacks(execute=True):
        placed = browser.post(
            reverse("web:order_new"),
            {
                **data,
                "admin_ident_type": "priv",
                "admin_ident": "37605030299",
                "admin_ident_country": "EE",
                "start_at_once": "on",
            },
        )
    assert placed.status_code == 302, html_of(placed)
    domain = Domain.objects.get(client=client_record)
    assert domain.name_ascii == "pood.ee" and domain.status == DomainStatus.REGISTERED


def test_the_staff_list_shows_every_clients_domains_with_their_status__DOM_02(
    order_domain, registry
):
    order_domain("esimene.ee")
    other = new_client()
    new_payer(other)
    staff = make_staff_user("support")
    http = HttpClient()
    http.force_login(staff)
    html = html_of(http.get(reverse("web:staff_domains")))
    assert "esimene.ee" in html and "Registered" in html
    assert "esimene.ee" not in html_of(http.get(reverse("web:staff_domains"), {"status": "grace"}))
    client_http = HttpClient()
    client_http.force_login(other.owner)
    assert client_http.get(reverse("web:staff_domains")).status_code == 403
