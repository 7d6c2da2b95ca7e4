"""Fixtures of the DNS hosting tests: the provisioning tests' fixtures (a catalog, clients,
staff, a frozen clock, module calls run at once), a real PowerDNS server started once for the
session, HostLedger configured to reach it, and clients with a service that carries DNS
hosting."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

from hostledger.accounts.actions import access_grant_create
from hostledger.accounts.selectors import client_access
from hostledger.catalog import actions as catalog
from hostledger.core.registry import provider_setting_change
from hostledger.provisioning.modules.powerdns import conf as powerdns_conf
from hostledger.subscriptions.models import Service, ServiceStatus
from tests.dns.pdns import API_KEY, ApiProxy, PdnsServer, pdns_missing_reason
from tests.provisioning.conftest import (  # noqa: F401  (fixtures shared with these tests)
    _frozen_clock,
    _immediate_tasks,
    apply_payments,
    client_record,
    other_client,
    payer,
    place,
    queued_service,
    run_hooks,
    shop,
    staff,
    staff_without_permission,
)
from tests.subscriptions.factories import fund, new_client, new_payer

NAME_SERVERS = ("ns1.hostledger.test.", "ns2.hostledger.test.")


def unique_domain(prefix: str = "zone") -> str:
    """A domain no other test uses, so tests share one PowerDNS server safely."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}.test"


@pytest.fixture(scope="session")
def pdns_server():
    """Debian's pdns_server with a gsqlite3 database in a temporary directory, on free
    ports of 127.0.0.1; stopped and its directory removed when the session ends."""
    reason = pdns_missing_reason()
    if reason:
        pytest.skip(reason)
    directory = Path(tempfile.mkdtemp(prefix="hostledger-pdns-"))
    server = PdnsServer(directory)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def pdns_proxy(pdns_server):
    """The proxy HostLedger reaches the API through; it can hold a call unanswered."""
    proxy = ApiProxy(pdns_server.api_port)
    try:
        yield proxy
    finally:
        proxy.stop()


@pytest.fixture
def powerdns(db, pdns_server, pdns_proxy, monkeypatch):
    """HostLedger configured, through provider settings and the environment, to host zones
    on the test's PowerDNS (through the proxy), with a 1-second call timeout."""
    monkeypatch.setenv(powerdns_conf.API_KEY_VARIABLE, API_KEY)
    provider_setting_change(key=powerdns_conf.API_URL, raw_value=pdns_proxy.url)
    provider_setting_change(key=powerdns_conf.TIMEOUT_SECONDS, raw_value=1)
    provider_setting_change(key=powerdns_conf.NAMESERVERS, raw_value=",".join(NAME_SERVERS))
    provider_setting_change(
        key=powerdns_conf.SOA_HOSTMASTER, raw_value="hostmaster@hostledger.test"
    )
    return pdns_server


@pytest.fixture
def dns_add_on(shop):  # noqa: F811
    """The DNS hosting add-on of virtual servers (DOM-04; a code of ``dns.hosting_add_ons``)."""
    return catalog.add_on_create(
        family=shop.vps, code="vps-dns-hosting", name="DNS hosting", monthly_fee="0.90", actor=None
    )


@pytest.fixture
def hosting_service_of(shop, dns_add_on, place):  # noqa: F811
    """An active VPS Start with the DNS hosting add-on, of the given client."""

    def _make(client, *, status: str = ServiceStatus.ACTIVE) -> Service:
        own_payer = client.payers.filter(is_default=True).first() or new_payer(client)
        fund(client, "100.00")
        order = place(client=client, payer=own_payer, add_ons=[dns_add_on])
        service = order.services.get()
        Service.objects.filter(pk=service.pk).update(status=status)
        service.refresh_from_db()
        return service

    return _make


@pytest.fixture
def hosting_service(client_record, hosting_service_of):  # noqa: F811
    return hosting_service_of(client_record)


@pytest.fixture
def access(client_record):  # noqa: F811
    """The owner's access to its own account (ACC-06)."""
    return client_access(client_record.owner, None)


@pytest.fixture
def other_access(other_client):  # noqa: F811
    return client_access(other_client.owner, None)


@pytest.fixture
def read_only_access(client_record):  # noqa: F811
    """A trusted user of the client whose grant reads everything and writes nothing."""
    reader = new_client().owner
    access_grant_create(
        client=client_record,
        actor=client_record.owner,
        grantee_email=reader.email,
        scopes=["read_only"],
    )
    return client_access(reader, client_record.public_id)


@pytest.fixture
def services_access(client_record):  # noqa: F811
    """A trusted user of the client with the services scope (ACC-06)."""
    technician = new_client().owner
    access_grant_create(
        client=client_record,
        actor=client_record.owner,
        grantee_email=technician.email,
        scopes=["services"],
    )
    return client_access(technician, client_record.public_id)
