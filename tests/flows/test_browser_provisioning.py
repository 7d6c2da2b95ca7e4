"""Delivery with no staff hands, in a real browser (PRV-01, DOM-02, DOM-04).

A client orders a VPS and pays it from the balance; the libvirt module builds the server on
libvirt's test driver (the hypervisor of the test, no daemon); the client sees its address on
the service page, reveals the password and reboots it from the panel.

A client orders a .test domain with premium DNS; the registrar module registers it over EPP
with the EPP test server of tests/domains (TLS with client certificates, on 127.0.0.1); the
domain shows as registered with the expiry the registry reports; the client hosts its zone
and adds an A record, which a real PowerDNS on 127.0.0.1 then serves.

Drives Debian's chromium through Playwright against the live test server, with the fixtures
of tests/web/test_browser_journey.py (skipped where /usr/bin/chromium is missing). Module
calls run at once (the immediate task backend), as a worker would run them right after the
commit. Set HOSTLEDGER_SCREENSHOT_DIR to keep a screenshot of every page visited.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from hostledger.catalog import actions as catalog
from hostledger.catalog.models import FamilyCode, ProductFamily
from hostledger.core.registry import provider_setting_change
from hostledger.domains.models import Domain, DomainStatus
from hostledger.provisioning.models import ProvisioningOperation
from hostledger.subscriptions.models import Order, ServiceStatus
from tests.catalog_helpers import create_published_tariff
from tests.dns.conftest import pdns_proxy, pdns_server, powerdns  # noqa: F401  (fixtures)
from tests.domains.epp_fixtures import epp_certificates, epp_registry  # noqa: F401  (fixtures)
from tests.provisioning.libvirt_backend import (  # noqa: F401  (fixtures)
    libvirt_backend,
    silent_listener,
)
from tests.subscriptions.conftest import IMMEDIATE_TASKS
from tests.subscriptions.factories import build_catalog, fund
from tests.web.conftest import make_client_user
from tests.web.test_browser_journey import (  # noqa: F401  (browser_page is a fixture)
    CHROMIUM,
    Journey,
    browser_page,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def _signed_in(page, live_server, user) -> None:
    http = HttpClient()
    http.force_login(user)
    cookie = http.cookies["sessionid"]
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


@pytest.mark.django_db(transaction=True)
def test_a_vps_ordered_and_paid_is_built_by_libvirt_and_rebooted_from_the_panel__PRV_01(
    live_server,
    browser_page,  # noqa: F811
    libvirt_backend,  # noqa: F811
    policies,
    settings,
):
    settings.TASKS = IMMEDIATE_TASKS
    provider_setting_change(key="provisioning.family_modules", raw_value="vps=libvirt")
    shop = build_catalog()
    owner = make_client_user("mari.maasikas@example.com", first_name="Mari", last_name="Maasikas")
    fund(owner.client, "50.00", on=timezone.localdate())
    page = browser_page
    journey = Journey(page, live_server.url)
    _signed_in(page, live_server, owner)

    # The client orders a VPS; the balance pays the proforma at once.
    journey.goto(f"/orders/new/?tariff={shop.vps_start.public_id}")
    page.get_by_role("heading", name="Order VPS Start").wait_for()
    page.locator("label.choice-card", has_text="Debian 12").click()
    page.get_by_label("Start the service at once").check()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/orders/ord_"))
    journey.snap("vps-order-placed")
    order = Order.objects.get(client=owner.client)
    service = order.services.get()

    # The libvirt module built the server: the service is active, the domain runs.
    service.refresh_from_db()
    assert service.status == ServiceStatus.ACTIVE, list(
        ProvisioningOperation.objects.values_list("operation", "status", "message")
    )
    domain = libvirt_backend.domain(f"hl-{service.public_id}")
    assert domain.isActive()
    assert domain.maxMemory() == shop.vps_start.specs["ram_gb"] * 1024 * 1024

    journey.goto(f"/services/{service.public_id}/")
    page.get_by_role("heading", name="Access and controls").wait_for()
    assert page.locator('[data-power-state="on"]').is_visible()
    journey.snap("vps-service-active")

    # The password is shown only on request.
    page.get_by_role("button", name="Show passwords").click()
    password = page.locator('[data-secret="password"]').inner_text()
    assert len(password) >= 16
    journey.snap("vps-access")
    page.get_by_role("link", name="Back to the service").click()
    assert password not in page.content()

    # A reboot from the panel is one module call, done by the module.
    page.get_by_role("button", name="Reboot").click()
    page.get_by_text("Requested; the server carries it out in a moment").wait_for()
    reboot = ProvisioningOperation.objects.get(service=service, operation="reboot")
    assert reboot.status == ProvisioningOperation.Status.DONE, reboot.message
    assert page.get_by_role("cell", name="Reboot", exact=True).is_visible()
    assert domain.isActive()
    journey.snap("vps-rebooted")
    assert journey.problems == []


@pytest.mark.django_db(transaction=True)
def test_a_domain_is_registered_over_epp_and_its_a_record_served_by_powerdns__DOM_02_DOM_04(
    live_server,
    browser_page,  # noqa: F811
    epp_registry,  # noqa: F811
    powerdns,  # noqa: F811
    policies,
    settings,
):
    settings.TASKS = IMMEDIATE_TASKS
    family = ProductFamily.objects.get(code=FamilyCode.DOMAIN)
    tariff = create_published_tariff(
        family=family,
        code="domain-test",
        name=".test domain",
        monthly_fee="1.00",
        specs={"zone": "test"},
    )
    catalog.add_on_create(
        family=family,
        code="domain-premium-dns",
        name="Premium DNS",
        monthly_fee="0.50",
        actor=None,
    )
    owner = make_client_user("jaan.tamm@example.com", first_name="Jaan", last_name="Tamm")
    fund(owner.client, "50.00", on=timezone.localdate())
    page = browser_page
    journey = Journey(page, live_server.url)
    _signed_in(page, live_server, owner)

    # The order form asks for the domain name; the balance pays it; EPP registers it.
    journey.goto(f"/orders/new/?tariff={tariff.public_id}")
    page.get_by_label("Domain name").fill("tamm-kodu.test")
    page.get_by_label("Premium DNS").fill("1")
    page.get_by_label("Start the service at once").check()
    page.wait_for_load_state("networkidle")
    journey.snap("domain-order")
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/orders/ord_"))
    service = Order.objects.get(client=owner.client).services.get()
    service.refresh_from_db()
    assert service.status == ServiceStatus.ACTIVE, list(
        ProvisioningOperation.objects.values_list("operation", "status", "message")
    )
    domain = Domain.objects.get(service=service)
    registered = epp_registry.domains["tamm-kodu.test"]
    assert domain.status == DomainStatus.REGISTERED
    assert domain.expires_on == registered.expires
    assert [entry[:2] for entry in epp_registry.log].count(("create", "tamm-kodu.test")) == 1

    journey.goto(f"/domains/{domain.public_id}/")
    page.get_by_role("heading", name=re.compile("tamm-kodu.test")).wait_for()
    assert page.get_by_text("Registered").first.is_visible()
    journey.snap("domain-registered")

    # The client hosts the zone and adds an A record; PowerDNS serves it.
    journey.goto("/dns/")
    page.get_by_label("Domain").fill("tamm-kodu.test")
    page.get_by_role("button", name="Host the zone").click()
    page.get_by_role("heading", name="tamm-kodu.test").wait_for()
    page.get_by_label("Name").fill("www")
    page.get_by_label("Type").select_option("A")
    page.get_by_label("Data").fill("192.0.2.80")
    page.get_by_role("button", name="Add the record").click()
    page.get_by_role("cell", name="192.0.2.80").wait_for()
    journey.snap("dns-record")
    assert powerdns.answer("www.tamm-kodu.test.", "A") == ["192.0.2.80"]
    assert journey.problems == []
