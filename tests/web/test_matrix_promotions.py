"""Who may open every coupon and quote page and send every form (ACC-06, ACC-09, ACC-11,
decision 0055).

The actors of tests/web/test_authorization_matrix.py. Coupon pages are catalog pages: they
need ``catalog.manage`` (administrators); staff quote pages ``services.manage`` (support and
administrators); clients get 403 there and anonymous visitors the sign-in page. In the
client area client B gets 404 for A's quote, a read-only trusted user of A reads and never
accepts or declines (403), staff without a client account are sent to the staff area. Every
refused POST is checked to have left the database as it was.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hostledger.catalog.actions import coupon_create
from hostledger.catalog.models import Coupon, CouponRedemption
from hostledger.core.audit import PERSONAL_DATA_READ
from hostledger.core.models import AuditEvent
from hostledger.subscriptions.actions import QuoteLineInput, quote_create, quote_send
from hostledger.subscriptions.models import Order, Quote
from hostledger.web import urls_promotions
from tests.module_world import kept_for_the_module
from tests.subscriptions.factories import build_catalog
from tests.web.conftest import STAFF_ROLES
from tests.web.test_authorization_matrix import (  # noqa: F401  (built_world is a fixture)
    ACTORS,
    Endpoint,
    built_world,
    client_page,
    database_state,
)

CATALOG_ROLES = ("administrator",)
MANAGE_ROLES = ("support", "administrator")
CLIENT_ACTORS = ("owner_a", "owner_b", "readonly_a")


@pytest.fixture(scope="module")
def promotions_world(built_world, django_db_blocker):  # noqa: F811
    with kept_for_the_module(django_db_blocker):
        coupon = coupon_create(code="MATRIX", kind="percentage", value="10")
        shop = build_catalog()
        client_a = built_world.client_a
        payer = client_a.payers.get(is_default=True)
        line = QuoteLineInput(tariff=shop.vps_start, period_months=1, os_image=shop.debian)
        valid_until = timezone.localdate() + timedelta(days=10)
        draft = quote_create(client=client_a, payer=payer, valid_until=valid_until, lines=[line])
        sent = quote_create(client=client_a, payer=payer, valid_until=valid_until, lines=[line])
        quote_send(quote=sent)
        yield {
            "world": built_world,
            "coupon": coupon,
            "shop": shop,
            "draft": draft,
            "sent": sent,
            "client_a": client_a,
        }


@pytest.fixture
def pw(promotions_world, db):
    return promotions_world


def state() -> dict:
    return {
        **database_state(),
        "coupons": list(Coupon.objects.order_by("pk").values()),
        "coupon_tariffs": list(Coupon.tariffs.through.objects.order_by("pk").values()),
        "redemptions": list(CouponRedemption.objects.order_by("pk").values()),
        "quotes": list(Quote.objects.order_by("pk").values()),
        "orders": Order.objects.count(),
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


def sent_id(pw) -> list[str]:
    return [pw["sent"].public_id]


A_ONLY_READ = client_page(owner_a=200, owner_b=404, readonly_a=200)
A_WRITES = client_page(owner_a=302, owner_b=404, readonly_a=403)


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
    # ---- staff quotes (services.manage)
    Endpoint("staff_quotes", staff_page(*MANAGE_ROLES)),
    Endpoint("staff_quote_new", staff_page(*MANAGE_ROLES)),
    Endpoint(
        "staff_quote_new",
        staff_page(*MANAGE_ROLES, granted=302),
        method="POST",
        data=lambda pw: {
            "client": pw["client_a"].public_id,
            "valid_until": (timezone.localdate() + timedelta(days=5)).isoformat(),
            "line0_tariff": pw["shop"].vps_start.public_id,
            "line0_period_months": "1",
            "line0_quantity": "1",
            "line0_os_image": pw["shop"].debian.public_id,
        },
        writers=frozenset(MANAGE_ROLES),
    ),
    Endpoint("staff_quote", staff_page(*MANAGE_ROLES), sent_id),
    Endpoint(
        "staff_quote_send",
        staff_page(*MANAGE_ROLES, granted=302),
        lambda pw: [pw["draft"].public_id],
        method="POST",
        writers=frozenset(MANAGE_ROLES),
    ),
    Endpoint(
        "staff_quote_withdraw",
        staff_page(*MANAGE_ROLES, granted=302),
        sent_id,
        method="POST",
        writers=frozenset(MANAGE_ROLES),
    ),
    # ---- client area
    Endpoint("quote_list", client_page(owner_a=200, owner_b=200, readonly_a=200)),
    Endpoint("quote_detail", A_ONLY_READ, sent_id),
    Endpoint("quote_accept", A_WRITES, sent_id, method="POST", writers=frozenset({"owner_a"})),
    Endpoint("quote_decline", A_WRITES, sent_id, method="POST", writers=frozenset({"owner_a"})),
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
