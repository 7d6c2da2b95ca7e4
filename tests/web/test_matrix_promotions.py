"""Who may open every coupon and quote page and send every form (ACC-09, ACC-11, decision
0053).

The actors of tests/web/test_authorization_matrix.py. Coupon pages are catalog pages: they
need ``catalog.manage`` (administrators); clients get 403 and anonymous visitors the sign-in
page. Every refused POST is checked to have left the database as it was.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from hostledger.catalog.actions import coupon_create
from hostledger.catalog.models import Coupon, CouponRedemption
from hostledger.core.audit import PERSONAL_DATA_READ
from hostledger.core.models import AuditEvent
from hostledger.web import urls_promotions
from tests.module_world import kept_for_the_module
from tests.web.conftest import STAFF_ROLES
from tests.web.test_authorization_matrix import (  # noqa: F401  (built_world is a fixture)
    ACTORS,
    Endpoint,
    built_world,
    database_state,
)

CATALOG_ROLES = ("administrator",)
CLIENT_ACTORS = ("owner_a", "owner_b", "readonly_a")


@pytest.fixture(scope="module")
def promotions_world(built_world, django_db_blocker):  # noqa: F811
    with kept_for_the_module(django_db_blocker):
        coupon = coupon_create(code="MATRIX", kind="percentage", value="10")
        yield {"world": built_world, "coupon": coupon}


@pytest.fixture
def pw(promotions_world, db):
    return promotions_world


def state() -> dict:
    return {
        **database_state(),
        "coupons": list(Coupon.objects.order_by("pk").values()),
        "coupon_tariffs": list(Coupon.tariffs.through.objects.order_by("pk").values()),
        "redemptions": list(CouponRedemption.objects.order_by("pk").values()),
        "audit_events": AuditEvent.objects.exclude(action=PERSONAL_DATA_READ).count(),
    }


def staff_page(*roles: str, granted: int = 200) -> dict:
    return {
        "anonymous": 302,
        **dict.fromkeys(CLIENT_ACTORS, 403),
        **{role: granted if role in roles else 403 for role in STAFF_ROLES},
    }


def coupon_id(pw) -> list[str]:
    return [pw["coupon"].public_id]


ENDPOINTS = [
    Endpoint("staff_coupons", staff_page(*CATALOG_ROLES)),
    Endpoint(
        "staff_coupons",
        staff_page(*CATALOG_ROLES, granted=302),
        method="POST",
        data=lambda pw: {
            "code": "NEWCODE",
            "kind": "fixed",
            "value": "5.00",
            "recurrence": "first_period",
        },
        writers=frozenset(CATALOG_ROLES),
    ),
    Endpoint("staff_coupon", staff_page(*CATALOG_ROLES), coupon_id),
    Endpoint(
        "staff_coupon",
        staff_page(*CATALOG_ROLES, granted=302),
        coupon_id,
        method="POST",
        data=lambda pw: {
            "code": "MATRIX",
            "kind": "percentage",
            "value": "10",
            "recurrence": "first_period",
            "max_redemptions": "50",
        },
        writers=frozenset(CATALOG_ROLES),
    ),
    Endpoint(
        "staff_coupon_availability",
        staff_page(*CATALOG_ROLES, granted=302),
        coupon_id,
        method="POST",
        data=lambda pw: {"offered": "no"},
        writers=frozenset(CATALOG_ROLES),
    ),
]

CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.method} {endpoint.name} as {actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


def test_every_promotions_page_is_in_the_table():
    """A new URL of the promotions module fails here until this matrix names it."""
    names = {pattern.name for pattern in urls_promotions.urlpatterns}
    assert names == {endpoint.name for endpoint in ENDPOINTS}
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_promotions_pages_authorization_matrix__ACC_11(endpoint, actor, pw, client):
    world = pw["world"]
    http = world.sign_in(client, actor)
    url = reverse(f"web:{endpoint.name}", args=endpoint.args(pw))
    before = state() if endpoint.method == "POST" else None

    response = http.post(url, endpoint.data(pw)) if endpoint.method == "POST" else http.get(url)

    expected = endpoint.expect[actor]
    assert response.status_code == expected, response.content[:600]
    if expected == 302 and actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if endpoint.method == "POST":
        if actor in endpoint.writers:
            assert state() != before, "an allowed write changed nothing"
        else:
            assert state() == before, "a refused request changed data"
