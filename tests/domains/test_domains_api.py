"""Domains through API v1 (DOM-01, DOM-02, DOM-03): reading them, name servers, the lock, the
transfer code, transfers in and ordering a domain with its host name; another client's
domain answers 404 and is left as it was."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client as HttpClient

from hostledger.core.models import AuditEvent
from hostledger.domains.models import Domain, DomainStatus
from hostledger.domains.registrars.interface import RegistrarError
from tests.api.conftest import Api, error_of, make_staff_user, make_token
from tests.subscriptions.factories import fund, new_client


def api_of(user) -> Api:
    return Api(HttpClient(), make_token(user))


@pytest.fixture
def api(client_record):
    return api_of(client_record.owner)


@pytest.fixture
def domain(order_domain) -> Domain:
    return order_domain("Õun.ee").services.get().domain


def test_domains_are_read_as_the_registry_reports_them__DOM_02(api, domain):
    listing = api.get("/domains")
    assert listing.status_code == 200
    (item,) = listing.json()["items"]
    assert item["id"] == domain.public_id
    assert (item["name"], item["name_ascii"]) == ("õun.ee", "xn--un-bka.ee")
    assert item["status"] == "registered" and item["expires_on"] == "2028-03-01"
    assert api.get(f"/domains/{domain.public_id}").json() == item
    assert api.get("/domains?status=grace").json()["items"] == []


def test_name_servers_lock_and_check_through_the_api__DOM_02(api, domain, registry):
    changed = api.post(
        f"/domains/{domain.public_id}/name-servers",
        {"name_servers": ["ns1.example.net", "NS2.example.net"]},
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["name_servers"] == ["ns1.example.net", "ns2.example.net"]
    assert registry.info("xn--un-bka.ee").name_servers == ("ns1.example.net", "ns2.example.net")
    locked = api.post(f"/domains/{domain.public_id}/lock", {"locked": True})
    assert locked.json()["locked"] is True
    refused = api.post(
        f"/domains/{domain.public_id}/name-servers", {"name_servers": ["ns3.example.net"]}
    )
    assert refused.status_code == 400
    assert error_of(refused)["code"] == "domain_locked"
    assert api.post(f"/domains/{domain.public_id}/check").status_code == 200


def test_a_registry_refusal_or_silence_is_named_not_a_server_error__DOM_02(api, domain, registry):
    registry.fail_next(
        RegistrarError("Object status prohibits operation", code="2304", retry_can_help=False)
    )
    refused = api.post(f"/domains/{domain.public_id}/lock", {"locked": True})
    assert refused.status_code == 400
    assert error_of(refused)["code"] == "registry_refused"
    assert "2304" in error_of(refused)["message"]
    registry.fail_next(RegistrarError("no answer within 15 s", code="timeout", retry_can_help=True))
    silent = api.post(f"/domains/{domain.public_id}/check")
    assert silent.status_code == 400
    assert error_of(silent)["code"] == "registry_unavailable"


def test_the_transfer_code_is_revealed_and_audited__DOM_02(api, domain, registry):
    answer = api.post(f"/domains/{domain.public_id}/auth-code")
    assert answer.status_code == 200
    assert answer.json() == {"auth_code": registry.info("xn--un-bka.ee").auth_code}
    assert AuditEvent.objects.filter(action="domains.auth_code_revealed").count() == 1


def test_another_client_cannot_read_or_change_a_domain__DOM_02(domain, registry):
    stranger = api_of(new_client().owner)
    before = list(Domain.objects.values())
    info = registry.info("xn--un-bka.ee")
    path = f"/domains/{domain.public_id}"
    assert stranger.get(path).status_code == 404
    for suffix, body in (
        ("/name-servers", {"name_servers": ["ns1.evil.example"]}),
        ("/lock", {"locked": True}),
        ("/auth-code", None),
        ("/check", None),
    ):
        response = stranger.post(path + suffix, body)
        assert response.status_code == 404, suffix
        assert error_of(response)["code"] == "not_found"
    assert stranger.get("/domains").json()["items"] == []
    assert list(Domain.objects.values()) == before
    assert registry.info("xn--un-bka.ee") == info


def test_a_domain_is_ordered_with_its_host_name__ORD_01_DOM_01(
    api, client_record, payer, registry, domain_tariffs, django_capture_on_commit_callbacks
):
    fund(client_record, "50.00")
    body = {
        "tariff": domain_tariffs.ee.public_id,
        "payer": payer.public_id,
        "period_months": 12,
        "host_name": "-vale.ee",
        "start_at_once": True,
    }
    refused = api.post("/orders", body)
    assert refused.status_code == 400
    assert set(error_of(refused)["fields"]) == {"host_name"}
    body.update(host_name="õige.ee")
    missing = api.post("/orders", body)
    assert "admin_ident" in error_of(missing)["fields"]
    body.update(admin_ident="37605030299", admin_ident_type="priv", admin_ident_country="EE")
    with django_capture_on_commit_callbacks(execute=True):
        placed = api.post("/orders", body)
    assert placed.status_code == 201, placed.json()
    domain = Domain.objects.get(client=client_record)
    assert domain.name_unicode == "õige.ee" and domain.status == DomainStatus.REGISTERED


def test_a_transfer_in_through_the_api__DOM_02(
    api, client_record, payer, registry, domain_tariffs, django_capture_on_commit_callbacks
):
    registry.register_elsewhere("kolib.ee", expires_on=date(2027, 9, 1), auth_code="s3cret")
    fund(client_record, "50.00")
    body = {
        "tariff": domain_tariffs.ee.public_id,
        "payer": payer.public_id,
        "host_name": "kolib.ee",
        "transfer_auth_code": "s3cret",
        "admin_ident": "37605030299",
        "admin_ident_type": "priv",
        "admin_ident_country": "EE",
        "start_at_once": True,
    }
    with django_capture_on_commit_callbacks(execute=True):
        placed = api.post("/domains/transfers", body)
    assert placed.status_code == 201, placed.json()
    domain = Domain.objects.get(client=client_record)
    assert domain.is_transfer and domain.status == DomainStatus.REGISTERED
    assert domain.expires_on == date(2028, 9, 1)


def test_staff_list_every_clients_domains__DOM_02(domain, registry):
    staff = api_of(make_staff_user("support"))
    page = staff.get("/staff/domains?status=registered")
    assert page.status_code == 200
    (item,) = page.json()["items"]
    assert item["client_id"] == domain.client.public_id and item["registrar"] == "local"
    assert staff.get("/staff/domains?zone=.com").json()["items"] == []
    assert api_of(domain.client.owner).get("/staff/domains").status_code == 403
