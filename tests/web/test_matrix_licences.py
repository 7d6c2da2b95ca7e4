"""Who may open every licence rental page of the staff area and send its forms (CAT-01,
PRV-01; ACC-09, ACC-11).

The same actors as tests/web/test_authorization_matrix.py (its World, by import): anonymous
visitors are sent to sign in; clients and their trusted users get 403 (these are staff pages
only); every staff role reads the pool, a product's keys and the monthly usage report with
its CSV (``clients.view``); uploading and retiring keys need ``services.manage``. Every
refused POST is checked to have left the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from hostledger.licences import actions, selectors
from hostledger.licences.models import LicenceKey, LicenceKeyEvent, LicenceProduct
from hostledger.web import urls_staff_licences
from tests.web.conftest import STAFF_ROLES
from tests.web.test_authorization_matrix import (  # noqa: F401  (built_world is a fixture)
    ACTORS,
    World,
    built_world,
    database_state,
    staff_page,
)

MANAGERS = ("support", "administrator")
FREE_KEY = "FREEK-00001-K7Q2M-9PX4T-R3VHB"
HELD_KEY = "HELDK-00002-K7Q2M-9PX4T-R3VHB"


@dataclass
class LicenceWorld:
    """The World of the main matrix plus a product with one free key and one key a service
    of client A holds."""

    base: World
    product: LicenceProduct
    free_key: LicenceKey
    held_key: LicenceKey

    def sign_in(self, http, actor: str):
        return self.base.sign_in(http, actor)


def build_licence_world(world: World) -> LicenceWorld:
    admin = world.staff["administrator"]
    uploaded = actions.keys_upload(
        actor=admin,
        product_code="windows-server-std",
        product_name="Windows Server Standard",
        text=f"{HELD_KEY}\n{FREE_KEY}\n",
    )
    held = actions.key_allocate(
        product_code="windows-server-std",
        service_id="svc_matrix000000000000",
        client_id=world.client_a.public_id,
    )
    free = LicenceKey.objects.exclude(pk=held.pk).get()
    return LicenceWorld(world, uploaded.product, free, held)


@pytest.fixture(scope="module")
def built_licence_world(built_world) -> LicenceWorld:  # noqa: F811
    """Built once for the module, in the transaction of ``built_world``."""
    return build_licence_world(built_world)


@pytest.fixture
def licence_world(built_licence_world, db) -> LicenceWorld:
    return built_licence_world


def state() -> dict:
    """What the licence pages can change."""
    return {
        **database_state(),
        **{
            model.__name__: list(model.objects.order_by("pk").values())
            for model in (LicenceProduct, LicenceKey, LicenceKeyEvent)
        },
    }


@dataclass(frozen=True)
class Endpoint:
    name: str
    expect: dict[str, int]
    args: Callable[[LicenceWorld], list] = lambda lw: []
    method: str = "GET"
    data: Callable[[LicenceWorld], dict] = lambda lw: {}
    writers: frozenset[str] = field(default_factory=frozenset)
    """Actors whose POST is expected to succeed and change the database."""

    def url(self, lw: LicenceWorld) -> str:
        return reverse(f"web:{self.name}", args=self.args(lw))


ENDPOINTS = [
    Endpoint("staff_licences", staff_page(*STAFF_ROLES)),
    Endpoint(
        "staff_licence_keys_upload",
        staff_page(*MANAGERS, granted=302),
        method="POST",
        data=lambda lw: {"product": "windows-server-std", "keys": "NEWKY-00003-K7Q2M"},
        writers=frozenset(MANAGERS),
    ),
    Endpoint(
        "staff_licence_product",
        staff_page(*STAFF_ROLES),
        lambda lw: [lw.product.public_id],
    ),
    Endpoint(
        "staff_licence_key_retire",
        staff_page(*MANAGERS, granted=302),
        lambda lw: [lw.free_key.public_id],
        method="POST",
        data=lambda lw: {f"{lw.free_key.public_id}-reason": "Revoked by the licensor."},
        writers=frozenset(MANAGERS),
    ),
    Endpoint("staff_licence_usage", staff_page(*STAFF_ROLES)),
    Endpoint("staff_licence_usage_csv", staff_page(*STAFF_ROLES)),
]

CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.method} {endpoint.name} as {actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


def test_every_licence_page_is_in_the_table():
    """A new URL in urls_staff_licences fails here until this matrix names it, with every
    actor."""
    assert {pattern.name for pattern in urls_staff_licences.urlpatterns} == {
        endpoint.name for endpoint in ENDPOINTS
    }
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name
    pairs = [(endpoint.name, endpoint.method) for endpoint in ENDPOINTS]
    assert len(pairs) == len(set(pairs)), "each page and endpoint appears once"


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_licence_pages_authorization_matrix__CAT_01_PRV_01_ACC_09_ACC_11(
    endpoint: Endpoint, actor: str, licence_world: LicenceWorld, client
):
    http = licence_world.sign_in(client, actor)
    url = endpoint.url(licence_world)
    before = state() if endpoint.method == "POST" else None

    if endpoint.method == "POST":
        response = http.post(url, endpoint.data(licence_world))
    else:
        response = http.get(url)

    expected = endpoint.expect[actor]
    assert response.status_code == expected, response.content[:800]
    if expected == 302 and actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if endpoint.method == "POST":
        if actor in endpoint.writers:
            assert state() != before, "an allowed write changed nothing"
        else:
            assert state() == before, "a refused or read-only request changed data"


def test_no_page_shows_a_key__CAT_01(licence_world: LicenceWorld, client):
    """Staff see keys by their last characters only: not on the pool, the product, the
    report or the CSV."""
    http = licence_world.sign_in(client, "administrator")
    for endpoint in ENDPOINTS:
        if endpoint.method != "GET":
            continue
        body = http.get(endpoint.url(licence_world)).content.decode()
        assert FREE_KEY not in body and HELD_KEY not in body, endpoint.name
    product_page = http.get(
        reverse("web:staff_licence_product", args=[licence_world.product.public_id])
    ).content.decode()
    assert "…R3VHB" in product_page
    assert licence_world.base.client_a.public_id in product_page
    assert selectors.key_hint(licence_world.held_key) == "…R3VHB"
