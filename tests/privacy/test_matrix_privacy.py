"""Who may open every privacy page and send every form (GDPR-09, GDPR-10, GDPR-13, NTF-03;
ACC-06, ACC-09, ACC-11, habit 6).

The actors and their world are those of tests/web/test_authorization_matrix.py, plus a
processor and a version 2.0 of the terms that asks for re-acceptance. Public pages (policy
archive, processors, cookie policy) answer everyone; the cookie choice is a POST anyone may
send, stored in the database only for signed-in persons. Accepting new terms is the signed-in
person's own act, so a read-only trusted user may do it too. Staff pages need
``privacy.manage`` (privacy officers, administrators). Every refused POST leaves the database
as it was; every allowed one changes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from hostledger.privacy.models import (
    CookieConsent,
    PolicyAcceptance,
    PolicyDocument,
    ProcessingActivity,
    Processor,
)
from hostledger.privacy.policies import policy_publish
from hostledger.privacy.processors import processor_create, purpose_key
from hostledger.web import urls_client_privacy, urls_public_privacy, urls_staff_privacy
from tests.web.conftest import STAFF_ROLES
from tests.web.test_authorization_matrix import (  # noqa: F401  (built_world is a fixture)
    ACTORS,
    World,
    built_world,
    client_page,
    database_state,
    staff_page,
)

PRIVACY_ROLES = ("privacy_officer", "administrator")
ACCEPTANCE = "proof of accepting the terms or the privacy policy (ACC-02)"
EVERYONE = dict.fromkeys(ACTORS, 200)
SIGNED_IN = frozenset(ACTORS) - {"anonymous"}


@dataclass
class PrivacyWorld:
    base: World
    processor: str

    def sign_in(self, http, actor: str):
        return self.base.sign_in(http, actor)


@pytest.fixture(scope="module")
def built_privacy_world(built_world) -> PrivacyWorld:  # noqa: F811  (imported fixture)
    """Built once for the module, in the transaction of ``built_world``."""
    processor = processor_create(
        data={
            "name": "EnVers Group, SIA",
            "function": "SSL certificate reseller",
            "country": "LV",
            "transfer_safeguard": "",
        }
    )
    policy_publish(
        kind="terms",
        version="2.0",
        title="Terms of service",
        body="The new terms.",
        requires_reacceptance=True,
    )
    return PrivacyWorld(built_world, processor.public_id)


@pytest.fixture
def privacy_world(built_privacy_world, db) -> PrivacyWorld:
    return built_privacy_world


def state() -> dict:
    return {
        **database_state(),
        "policies": list(PolicyDocument.objects.order_by("pk").values_list("pk", "version")),
        "acceptances": list(PolicyAcceptance.objects.order_by("pk").values_list("pk")),
        "cookie_consents": list(CookieConsent.objects.order_by("pk").values_list("pk")),
        "processors": list(
            Processor.objects.order_by("pk").values_list("pk", "name", "function", "is_active")
        ),
        "activities": list(
            ProcessingActivity.objects.order_by("pk").values_list("pk", "data_subjects")
        ),
    }


@dataclass(frozen=True)
class Endpoint:
    name: str
    expect: dict[str, int]
    args: Callable[[PrivacyWorld], list] = lambda pw: []
    method: str = "GET"
    data: Callable[[PrivacyWorld], dict] = lambda pw: {}
    writers: frozenset[str] = field(default_factory=frozenset)
    """Actors whose POST is expected to succeed and change the database."""

    def url(self, pw: PrivacyWorld) -> str:
        return reverse(f"web:{self.name}", args=self.args(pw))


def staff_write(name, args, data) -> Endpoint:
    return Endpoint(
        name,
        staff_page(*PRIVACY_ROLES, granted=302),
        args,
        "POST",
        data,
        frozenset(PRIVACY_ROLES),
    )


NEW_VERSION = {
    "kind": "privacy",
    "version": "3.0",
    "title": "Privacy policy",
    "body": "# Privacy policy\n\nThe new text.",
    "change_summary": "Shorter.",
}
PROCESSOR = {"name": "Danesco Trading Ltd.", "function": "Domain registrar", "country": "CY"}

ENDPOINTS = [
    # ---- public pages (GDPR-09, GDPR-10, GDPR-13)
    Endpoint("policy_archive", EVERYONE, lambda pw: ["terms"]),
    Endpoint("policy_version", EVERYONE, lambda pw: ["terms", "1.0"]),
    Endpoint("processors", EVERYONE),
    Endpoint("cookie_policy", EVERYONE),
    Endpoint(
        "cookie_consent",
        dict.fromkeys(ACTORS, 302),
        method="POST",
        data=lambda pw: {"decision": "accept_all"},
        writers=SIGNED_IN,  # an anonymous visitor's choice is only in their browser
    ),
    # ---- client area (GDPR-10)
    Endpoint("policy_reaccept", client_page(owner_a=200, owner_b=200, readonly_a=200)),
    Endpoint(
        "policy_reaccept",
        client_page(owner_a=302, owner_b=302, readonly_a=302),
        method="POST",
        data=lambda pw: {"documents": ["terms:2.0"], "accept": "on"},
        writers=frozenset({"owner_a", "owner_b", "readonly_a"}),
    ),
    # ---- staff: policies (GDPR-10, NTF-03)
    Endpoint("staff_policies", staff_page(*PRIVACY_ROLES)),
    Endpoint("staff_policy_new", staff_page(*PRIVACY_ROLES)),
    Endpoint(
        "staff_policy_preview",
        staff_page(*PRIVACY_ROLES),
        method="POST",
        data=lambda pw: NEW_VERSION,
    ),
    staff_write("staff_policy_publish", lambda pw: [], lambda pw: NEW_VERSION),
    # ---- staff: processors and the record of processing activities (GDPR-09)
    Endpoint("staff_processors", staff_page(*PRIVACY_ROLES)),
    Endpoint("staff_processor_new", staff_page(*PRIVACY_ROLES)),
    staff_write("staff_processor_new", lambda pw: [], lambda pw: PROCESSOR),
    Endpoint("staff_processor_edit", staff_page(*PRIVACY_ROLES), lambda pw: [pw.processor]),
    staff_write(
        "staff_processor_edit",
        lambda pw: [pw.processor],
        lambda pw: {**PROCESSOR, "name": "EnVers Group SIA", "country": "LV"},
    ),
    Endpoint("staff_activities", staff_page(*PRIVACY_ROLES)),
    Endpoint("staff_activities_csv", staff_page(*PRIVACY_ROLES)),
    Endpoint("staff_activities_pdf", staff_page(*PRIVACY_ROLES)),
    Endpoint(
        "staff_activity_edit", staff_page(*PRIVACY_ROLES), lambda pw: [purpose_key(ACCEPTANCE)]
    ),
    staff_write(
        "staff_activity_edit",
        lambda pw: [purpose_key(ACCEPTANCE)],
        lambda pw: {"data_subjects": "Clients", "processors": [pw.processor]},
    ),
]

CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.method} {endpoint.name} as {actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


def test_every_privacy_page_and_endpoint_is_in_the_table():
    """A new URL of the privacy pages fails here until this matrix names it."""
    names = {
        pattern.name
        for module in (urls_public_privacy, urls_client_privacy, urls_staff_privacy)
        for pattern in module.urlpatterns
    }
    assert names == {endpoint.name for endpoint in ENDPOINTS}
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name
    pairs = [(endpoint.name, endpoint.method) for endpoint in ENDPOINTS]
    assert len(pairs) == len(set(pairs)), "each page and endpoint appears once"


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_privacy_pages_matrix__GDPR_09_GDPR_10_GDPR_13_NTF_03_ACC_06_ACC_11(
    endpoint: Endpoint, actor: str, privacy_world: PrivacyWorld, client
):
    http = privacy_world.sign_in(client, actor)
    url = endpoint.url(privacy_world)
    before = state() if endpoint.method == "POST" else None

    response = (
        http.post(url, endpoint.data(privacy_world)) if endpoint.method == "POST" else http.get(url)
    )

    expected = endpoint.expect[actor]
    assert response.status_code == expected, response.content[:600]
    public = endpoint.name in ("cookie_consent",)
    if expected == 302 and actor == "anonymous" and not public:
        assert response["Location"].startswith(reverse("account_login"))
    if expected == 302 and actor in STAFF_ROLES and endpoint.name == "policy_reaccept":
        assert response["Location"] == reverse("web:staff_home")
    if endpoint.method == "POST":
        if actor in endpoint.writers:
            assert state() != before, "an allowed write changed nothing"
        else:
            assert state() == before, "a refused or read-only request changed data"
