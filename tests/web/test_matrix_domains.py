"""Who may open every domain page of the client and staff areas and send its forms (DOM-02;
ACC-06, ACC-09, ACC-11, habit 6).

The same actors as tests/web/test_authorization_matrix.py (its World, by import): anonymous
visitors are sent to sign in; client B gets 404 for A's domain on every page and form; a
read-only trusted user of A reads A's domains and is refused every change, the registry check
and the transfer code included (403); staff without a client account are sent to the staff
area; every staff role lists the domains (``clients.view``). Every refused POST is checked to
have left the database — and the registry — as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from hostledger.core.models import AuditEvent
from hostledger.domains.models import Domain, DomainContact, RegistryOperation
from hostledger.domains.registrars.local import LocalRegistrar
from hostledger.subscriptions.models import Order
from hostledger.web import urls_client_domains, urls_staff_domains
from tests.domain_helpers import ee_domain_tariff, local_registry_in_memory, registered_domain
from tests.web.conftest import STAFF_ROLES
from tests.web.test_authorization_matrix import (  # noqa: F401  (built_world is a fixture)
    ACTORS,
    World,
    built_world,
    client_page,
    database_state,
    staff_page,
)


@dataclass
class DomainWorld:
    """The World of the main matrix plus A's registered domain pood.ee at an in-memory local
    registry, and a domain tariff for transfers."""

    base: World
    registry: LocalRegistrar
    domain: Domain
    tariff_id: str

    def sign_in(self, http, actor: str):
        return self.base.sign_in(http, actor)


@pytest.fixture(scope="module")
def built_domain_world(built_world) -> DomainWorld:  # noqa: F811
    """Built once for the module, in the transaction of ``built_world``; an in-memory
    registry stands in for the installation's ``local`` registrar for the module."""
    with local_registry_in_memory() as local:
        client = built_world.client_a
        domain = registered_domain(client, payer=client.payers.get(is_default=True), name="pood.ee")
        local.register_elsewhere("teine.ee", expires_on=domain.expires_on, auth_code="code-1")
        yield DomainWorld(built_world, local, domain, ee_domain_tariff().public_id)


@pytest.fixture
def domain_world(built_domain_world, db):
    """The world, with the registry put back as it was after each case."""
    store = built_domain_world.registry.store
    kept = store.snapshot()
    yield built_domain_world
    store.replace(kept)


def state(dw: DomainWorld) -> dict:
    """What the domain pages can change: the main matrix's tables, the domains, their
    contacts and registry calls, orders, audit events, and the registry itself."""
    tables = (Domain, DomainContact, RegistryOperation, Order, AuditEvent)
    return {
        **database_state(),
        **{model.__name__: list(model.objects.order_by("pk").values()) for model in tables},
        "registry": dw.registry.store.snapshot(),
    }


@dataclass(frozen=True)
class Endpoint:
    name: str
    expect: dict[str, int]
    args: Callable[[DomainWorld], list] = lambda dw: []
    method: str = "GET"
    data: Callable[[DomainWorld], dict] = lambda dw: {}
    writers: frozenset[str] = field(default_factory=frozenset)
    """Actors whose POST is expected to succeed and change the database."""

    def url(self, dw: DomainWorld) -> str:
        return reverse(f"web:{self.name}", args=self.args(dw))


def _domain(dw: DomainWorld) -> list:
    return [dw.domain.public_id]


OWN_DOMAIN_READ = client_page(owner_a=200, owner_b=404, readonly_a=200)
OWN_DOMAIN_WRITE = client_page(owner_a=302, owner_b=404, readonly_a=403)

ENDPOINTS = [
    Endpoint("domain_list", client_page(owner_a=200, owner_b=200, readonly_a=200)),
    Endpoint("domain_detail", OWN_DOMAIN_READ, _domain),
    Endpoint(
        "domain_check", OWN_DOMAIN_WRITE, _domain, method="POST", writers=frozenset({"owner_a"})
    ),
    Endpoint(
        "domain_name_servers",
        OWN_DOMAIN_WRITE,
        _domain,
        method="POST",
        data=lambda dw: {"name_servers": "ns1.example.net\nns2.example.net"},
        writers=frozenset({"owner_a"}),
    ),
    Endpoint(
        "domain_lock",
        OWN_DOMAIN_WRITE,
        _domain,
        method="POST",
        data=lambda dw: {"locked": "1"},
        writers=frozenset({"owner_a"}),
    ),
    Endpoint(
        # The code is shown on the page itself, never carried by a redirect; audited.
        "domain_auth_code",
        client_page(owner_a=200, owner_b=404, readonly_a=403),
        _domain,
        method="POST",
        writers=frozenset({"owner_a"}),
    ),
    Endpoint("domain_transfer", client_page(owner_a=200, owner_b=200, readonly_a=403)),
    Endpoint(
        # B's form does not offer A's payer: refused on the field, nothing written.
        "domain_transfer",
        client_page(owner_a=302, owner_b=400, readonly_a=403),
        method="POST",
        data=lambda dw: {
            "tariff": dw.tariff_id,
            "host_name": "teine.ee",
            "transfer_auth_code": "code-1",
            "period_months": "12",
            "payer": dw.base.payer_a.public_id,
            "admin_ident_type": "priv",
            "admin_ident": "37605030299",
            "admin_ident_country": "EE",
        },
        writers=frozenset({"owner_a"}),
    ),
    Endpoint("staff_domains", staff_page(*STAFF_ROLES)),
]

CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.method} {endpoint.name} as {actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


def test_every_domain_page_of_both_areas_is_in_the_table():
    """A new URL in urls_client_domains or urls_staff_domains fails here until this matrix
    names it, with every actor."""
    patterns = {
        pattern.name for pattern in urls_client_domains.urlpatterns + urls_staff_domains.urlpatterns
    }
    assert patterns == {endpoint.name for endpoint in ENDPOINTS}
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name
    pairs = [(endpoint.name, endpoint.method) for endpoint in ENDPOINTS]
    assert len(pairs) == len(set(pairs)), "each page and endpoint appears once"


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_domain_pages_authorization_matrix__DOM_02_ACC_06_ACC_11(
    endpoint: Endpoint, actor: str, domain_world: DomainWorld, client
):
    http = domain_world.sign_in(client, actor)
    url = endpoint.url(domain_world)
    before = state(domain_world) if endpoint.method == "POST" else None

    if endpoint.method == "POST":
        response = http.post(url, endpoint.data(domain_world))
    else:
        response = http.get(url)

    expected = endpoint.expect[actor]
    assert response.status_code == expected, response.content[:800]
    if expected == 302 and actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if expected == 302 and actor in STAFF_ROLES and not endpoint.name.startswith("staff_"):
        assert response["Location"] == reverse("web:staff_home")
    if endpoint.method == "POST":
        if actor in endpoint.writers:
            assert state(domain_world) != before, "an allowed write changed nothing"
        else:
            assert state(domain_world) == before, "a refused or read-only request changed data"


def test_client_b_never_sees_client_as_domain__DOM_02(domain_world: DomainWorld, client):
    http = domain_world.sign_in(client, "owner_b")
    for name in ("domain_list", "domain_transfer"):
        body = http.get(reverse(f"web:{name}")).content.decode()
        assert "pood.ee" not in body and domain_world.domain.public_id not in body, name
