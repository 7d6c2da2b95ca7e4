"""Who may open every page and send every form of the client and staff areas.

One table lists each page and POST endpoint once with the exact status code for each actor:
anonymous visitors (sent to sign in), client A, client B (A's objects answer 404, habit 6), a
read-only trusted user of A (reads, never writes: ACC-06), and a staff member of each default
role (two-factor sign-in on, ACC-09; permissions by role, ACC-11). Every refused POST is checked
to have left the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from hostledger.accounts import actions
from hostledger.accounts.models import (
    AccessGrant,
    ApiToken,
    Client,
    Contact,
    Payer,
    PhoneConfirmation,
    StaffNote,
    StaffRole,
    User,
)
from hostledger.core.jobs import run_job_now
from hostledger.core.models import AuditEvent, JobRun, ProviderSettingChange, ProviderSettingValue
from hostledger.providers.models import ProviderEntity
from tests.module_world import kept_for_the_module
from tests.web.conftest import (
    STAFF_ROLES,
    login,
    make_client_user,
    make_staff_user,
    publish_policies,
)

CLIENT_ACTORS = ("owner_a", "owner_b", "readonly_a")
ACTORS = ("anonymous", *CLIENT_ACTORS, *STAFF_ROLES)


@dataclass
class World:
    """Client A with a second payer, a contact, a read-only trusted user and an API token;
    client B; a third registered user; one staff member per role; one job run."""

    owner_a: User
    owner_b: User
    readonly_a: User
    carl: User
    staff: dict[str, User]
    payer_a: Payer
    contact_a: Contact
    grant_a: AccessGrant
    token_a: ApiToken
    job_run: JobRun

    @property
    def client_a(self) -> Client:
        return self.owner_a.client

    def sign_in(self, http, actor: str):
        if actor == "anonymous":
            return http
        if actor in self.staff:
            return login(http, self.staff[actor])
        if actor == "readonly_a":
            return login(http, self.readonly_a, client_public_id=self.client_a.public_id)
        return login(http, getattr(self, actor))


@pytest.fixture(scope="module")
def built_world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """The world, built once per module that uses it (tests/module_world.py): whatever a
    case writes is undone before the next one starts from the same world."""
    with kept_for_the_module(django_db_blocker):
        yield build_world()


@pytest.fixture
def world(built_world, db) -> World:
    return built_world


def build_world() -> World:
    publish_policies()
    owner_a = make_client_user("anna@example.com", first_name="Anna", last_name="Tamm")
    owner_b = make_client_user("bert@example.com", first_name="Bert", last_name="Kask")
    readonly_a = make_client_user("rita@example.com", first_name="Rita", last_name="Loe")
    carl = make_client_user("carl@example.com", first_name="Carl", last_name="Mets")
    client_a = owner_a.client
    payer_a = actions.payer_create(
        client=client_a,
        actor=owner_a,
        data={
            "kind": "legal",
            "name": "Tamm Digital OÜ",
            "registry_code": "14412345",
            "street": "Tartu mnt 2",
            "city": "Tallinn",
            "country": "EE",
        },
    )
    contact_a = actions.contact_create(
        client=client_a,
        actor=owner_a,
        data={"role": "technical", "name": "Tiit Tehnik", "email": "tiit@example.com"},
    )
    grant_a = actions.access_grant_create(
        client=client_a, actor=owner_a, grantee_email=readonly_a.email, scopes=["read_only"]
    )
    token_a, _ = actions.api_token_create(user=owner_a, name="Backups", scopes=["read"])
    staff = {role: make_staff_user(role) for role in STAFF_ROLES}
    job_run = run_job_now("privacy.purge_expired_sessions", actor=staff["administrator"])
    return World(
        owner_a, owner_b, readonly_a, carl, staff, payer_a, contact_a, grant_a, token_a, job_run
    )


def database_state() -> dict:
    """Everything a page of the client or staff area can change."""
    return {
        "provider_entities": list(ProviderEntity.objects.order_by("pk").values()),
        "clients": list(
            Client.objects.order_by("pk").values_list(
                "pk",
                "first_name",
                "last_name",
                "street",
                "city",
                "postal_code",
                "phone",
                "phone_confirmed_at",
            )
        ),
        "phone_confirmations": list(
            PhoneConfirmation.objects.order_by("pk").values_list(
                "pk", "failed_attempts", "confirmed_at"
            )
        ),
        "payers": list(
            Payer.objects.order_by("pk").values_list(
                "pk", "client_id", "name", "street", "city", "is_default", "archived_at"
            )
        ),
        "contacts": list(
            Contact.objects.order_by("pk").values_list(
                "pk", "client_id", "role", "name", "email", "phone", "archived_at"
            )
        ),
        "grants": list(
            AccessGrant.objects.order_by("pk").values_list(
                "pk", "client_id", "grantee_id", "scopes", "revoked_at"
            )
        ),
        "tokens": list(ApiToken.objects.order_by("pk").values_list("pk", "user_id", "revoked_at")),
        "users": list(
            User.objects.order_by("pk").values_list(
                "pk", "email", "is_active", "is_staff", "extra_permissions"
            )
        ),
        "user_roles": sorted(
            User.staff_roles.through.objects.values_list("user_id", "staffrole_id")
        ),
        "roles": list(StaffRole.objects.order_by("pk").values_list("pk", "permissions")),
        "settings": sorted(ProviderSettingValue.objects.values_list("key", "value")),
        "setting_changes": ProviderSettingChange.objects.count(),
        "job_runs": JobRun.objects.count(),
        "audit_events": AuditEvent.objects.count(),
        "staff_notes": StaffNote.objects.count(),
    }


def client_page(*, owner_a: int, owner_b: int, readonly_a: int) -> dict[str, int]:
    """Client area: anonymous visitors sign in first; staff without a client account are
    sent to the staff area."""
    return {
        "anonymous": 302,
        "owner_a": owner_a,
        "owner_b": owner_b,
        "readonly_a": readonly_a,
        **dict.fromkeys(STAFF_ROLES, 302),
    }


def staff_page(*roles: str, granted: int = 200) -> dict[str, int]:
    """Staff area: clients get 403; staff get ``granted`` when their role holds the page's
    permission, else 403."""
    return {
        "anonymous": 302,
        **dict.fromkeys(CLIENT_ACTORS, 403),
        **{role: granted if role in roles else 403 for role in STAFF_ROLES},
    }


EVERY_STAFF_ROLE = STAFF_ROLES
CLIENT_PROFILE = {
    "first_name": "Anneli",
    "last_name": "Tamm",
    "street": "Uus 1",
    "city": "Tartu",
    "postal_code": "51004",
    "country": "EE",
    "phone": "+372 5555 0202",
}
PAYER = {
    "kind": "natural",
    "name": "Anneli Tamm",
    "street": "Uus 1",
    "city": "Tartu",
    "country": "EE",
}
CONTACT = {"role": "abuse", "name": "Aivar Abi", "email": "abuse@example.com"}


PUBLIC_ENDPOINTS = frozenset({"policy", "language"})
"""Pages and forms of no area: anyone may use them."""


@dataclass(frozen=True)
class Endpoint:
    name: str
    expect: dict[str, int]
    args: Callable[[World], list] = lambda world: []
    method: str = "GET"
    data: Callable[[World], dict] = lambda world: {}
    writers: frozenset[str] = field(default_factory=frozenset)
    """Actors whose POST is expected to succeed and change the database."""

    @property
    def area(self) -> str:
        return (
            "staff"
            if self.name.startswith(("staff_", "role_", "setting_", "job_"))
            else ("public" if self.name in PUBLIC_ENDPOINTS else "client")
        )

    def url(self, world: World) -> str:
        return reverse(f"web:{self.name}", args=self.args(world))


def payer_id(world):
    return [world.payer_a.public_id]


def contact_id(world):
    return [world.contact_a.public_id]


ENDPOINTS = [
    # ---- client area, pages
    Endpoint("dashboard", client_page(owner_a=200, owner_b=200, readonly_a=200)),
    Endpoint("profile", client_page(owner_a=200, owner_b=200, readonly_a=200)),
    Endpoint("profile_edit", client_page(owner_a=200, owner_b=200, readonly_a=403)),
    Endpoint("profile_phone", client_page(owner_a=200, owner_b=200, readonly_a=403)),
    Endpoint("payer_list", client_page(owner_a=200, owner_b=200, readonly_a=200)),
    Endpoint("payer_create", client_page(owner_a=200, owner_b=200, readonly_a=403)),
    Endpoint("payer_edit", client_page(owner_a=200, owner_b=404, readonly_a=403), payer_id),
    Endpoint("contact_list", client_page(owner_a=200, owner_b=200, readonly_a=200)),
    Endpoint("contact_create", client_page(owner_a=200, owner_b=200, readonly_a=403)),
    Endpoint("contact_detail", client_page(owner_a=200, owner_b=404, readonly_a=200), contact_id),
    Endpoint("contact_edit", client_page(owner_a=200, owner_b=404, readonly_a=403), contact_id),
    Endpoint("access_grant_list", client_page(owner_a=200, owner_b=200, readonly_a=403)),
    Endpoint("account_switch", client_page(owner_a=200, owner_b=200, readonly_a=200)),
    Endpoint("sign_in_history", client_page(owner_a=200, owner_b=200, readonly_a=200)),
    Endpoint("api_token_list", client_page(owner_a=200, owner_b=200, readonly_a=200)),
    # ---- client area, writes
    Endpoint(
        "profile_edit",
        client_page(owner_a=302, owner_b=302, readonly_a=403),
        method="POST",
        data=lambda world: {"kind": "natural", **CLIENT_PROFILE},
        writers=frozenset({"owner_a", "owner_b"}),
    ),
    Endpoint(
        "profile_phone",
        client_page(owner_a=302, owner_b=302, readonly_a=403),
        method="POST",
        data=lambda world: {"send": "1"},
        writers=frozenset({"owner_a", "owner_b"}),
    ),
    Endpoint(
        "payer_create",
        client_page(owner_a=302, owner_b=302, readonly_a=403),
        method="POST",
        data=lambda world: PAYER,
        writers=frozenset({"owner_a", "owner_b"}),
    ),
    Endpoint(
        "payer_edit",
        client_page(owner_a=302, owner_b=404, readonly_a=403),
        payer_id,
        method="POST",
        data=lambda world: {**PAYER, "kind": "legal", "registry_code": "14412345"},
        writers=frozenset({"owner_a"}),
    ),
    Endpoint(
        "payer_archive",
        client_page(owner_a=302, owner_b=404, readonly_a=403),
        payer_id,
        method="POST",
        writers=frozenset({"owner_a"}),
    ),
    Endpoint(
        "payer_make_default",
        client_page(owner_a=302, owner_b=404, readonly_a=403),
        payer_id,
        method="POST",
        writers=frozenset({"owner_a"}),
    ),
    Endpoint(
        "contact_create",
        client_page(owner_a=302, owner_b=302, readonly_a=403),
        method="POST",
        data=lambda world: CONTACT,
        writers=frozenset({"owner_a", "owner_b"}),
    ),
    Endpoint(
        "contact_edit",
        client_page(owner_a=302, owner_b=404, readonly_a=403),
        contact_id,
        method="POST",
        data=lambda world: {**CONTACT, "role": "technical"},
        writers=frozenset({"owner_a"}),
    ),
    Endpoint(
        "contact_archive",
        client_page(owner_a=302, owner_b=404, readonly_a=403),
        contact_id,
        method="POST",
        writers=frozenset({"owner_a"}),
    ),
    Endpoint(
        "access_grant_list",
        client_page(owner_a=302, owner_b=302, readonly_a=403),
        method="POST",
        data=lambda world: {"grantee_email": world.carl.email, "scopes": ["billing"]},
        writers=frozenset({"owner_a", "owner_b"}),
    ),
    Endpoint(
        "access_grant_revoke",
        client_page(owner_a=302, owner_b=404, readonly_a=403),
        lambda world: [world.grant_a.public_id],
        method="POST",
        writers=frozenset({"owner_a"}),
    ),
    # Choosing an account only changes the session: nobody writes to the database.
    Endpoint(
        "account_switch",
        client_page(owner_a=302, owner_b=404, readonly_a=302),
        method="POST",
        data=lambda world: {"client": world.client_a.public_id},
    ),
    # API tokens are each user's own: a trusted user may create their own.
    Endpoint(
        "api_token_list",
        client_page(owner_a=200, owner_b=200, readonly_a=200),
        method="POST",
        data=lambda world: {"name": "CI", "scopes": ["read"]},
        writers=frozenset(CLIENT_ACTORS),
    ),
    Endpoint(
        "api_token_revoke",
        client_page(owner_a=302, owner_b=404, readonly_a=404),
        lambda world: [world.token_a.public_id],
        method="POST",
        writers=frozenset({"owner_a"}),
    ),
    # ---- public
    Endpoint("policy", dict.fromkeys(ACTORS, 200), lambda world: ["terms"]),
    # The language switcher: everyone may choose; a signed-in person's choice is saved on
    # their user and audited (a visitor's only in a cookie).
    Endpoint(
        "language",
        dict.fromkeys(ACTORS, 302),
        method="POST",
        data=lambda world: {"language": "et", "next": reverse("account_login")},
        writers=frozenset(ACTORS) - {"anonymous"},
    ),
    # ---- staff area, pages
    Endpoint("staff_home", staff_page(*EVERY_STAFF_ROLE)),
    Endpoint("staff_client_search", staff_page(*EVERY_STAFF_ROLE)),
    Endpoint(
        # A search id this session does not hold: back to the search form.
        "staff_client_search_results",
        staff_page(*EVERY_STAFF_ROLE, granted=302),
        lambda world: ["srch_notinthissession"],
    ),
    Endpoint(
        "staff_client_detail",
        staff_page(*EVERY_STAFF_ROLE),
        lambda world: [world.client_a.public_id],
    ),
    Endpoint("staff_user_list", staff_page("administrator")),
    Endpoint("staff_user_create", staff_page("administrator")),
    Endpoint(
        "staff_user_detail",
        staff_page("administrator"),
        lambda world: [world.staff["support"].public_id],
    ),
    Endpoint("role_list", staff_page("administrator")),
    Endpoint("role_detail", staff_page("administrator"), lambda world: ["support"]),
    Endpoint("setting_list", staff_page("administrator")),
    Endpoint("setting_history", staff_page("administrator")),
    Endpoint("setting_detail", staff_page("administrator"), lambda world: ["accounts.minimum_age"]),
    Endpoint("staff_entity_list", staff_page("administrator")),
    Endpoint("staff_entity_create", staff_page("administrator")),
    Endpoint("staff_entity_detail", staff_page("administrator"), lambda world: ["ent_default"]),
    Endpoint("job_list", staff_page("billing", "administrator")),
    Endpoint(
        "job_run_detail", staff_page("billing", "administrator"), lambda world: [world.job_run.pk]
    ),
    Endpoint(
        "job_run_progress", staff_page("billing", "administrator"), lambda world: [world.job_run.pk]
    ),
    # ---- staff area, writes
    Endpoint(
        "staff_client_search",
        staff_page(*EVERY_STAFF_ROLE, granted=302),
        method="POST",
        data=lambda world: {"q": "nobody matches this"},
    ),
    Endpoint(
        "staff_note_add",
        staff_page("privacy_officer", "administrator", granted=302),
        lambda world: [world.client_a.public_id],
        method="POST",
        data=lambda world: {"text": "Called the client; pays on Friday."},
        writers=frozenset({"privacy_officer", "administrator"}),
    ),
    Endpoint(
        "staff_user_create",
        staff_page("administrator", granted=302),
        method="POST",
        data=lambda world: {
            "email": "new@staff.example",
            "full_name": "New Person",
            "roles": ["support"],
        },
        writers=frozenset({"administrator"}),
    ),
    Endpoint(
        "staff_user_detail",
        staff_page("administrator", granted=302),
        lambda world: [world.staff["support"].public_id],
        method="POST",
        data=lambda world: {"roles": ["support", "abuse"], "is_active": "on"},
        writers=frozenset({"administrator"}),
    ),
    Endpoint(
        "role_detail",
        staff_page("administrator", granted=302),
        lambda world: ["support"],
        method="POST",
        data=lambda world: {"permissions": ["clients.view"]},
        writers=frozenset({"administrator"}),
    ),
    Endpoint(
        "setting_detail",
        staff_page("administrator", granted=302),
        lambda world: ["accounts.minimum_age"],
        method="POST",
        data=lambda world: {"value": "18", "reason": "Local law"},
        writers=frozenset({"administrator"}),
    ),
    Endpoint(
        "staff_entity_create",
        staff_page("administrator", granted=302),
        method="POST",
        data=lambda world: {
            "code": "telephony",
            "invoice_series_prefix": "TEL",
            "legal_name": "SmartApe Telecom OÜ",
            "registry_code": "16999990",
            "street": "Tartu mnt 80",
            "city": "Tallinn",
            "country": "EE",
            "iban": "EE287700771001234567",
        },
        writers=frozenset({"administrator"}),
    ),
    Endpoint(
        "staff_entity_detail",
        staff_page("administrator", granted=302),
        lambda world: ["ent_default"],
        method="POST",
        data=lambda world: {"brand_name": "SmartApe"},
        writers=frozenset({"administrator"}),
    ),
    Endpoint(
        "setting_reset",
        staff_page("administrator", granted=302),
        lambda world: ["accounts.minimum_age"],
        method="POST",
        data=lambda world: {"reason": "Back to the seed"},
        writers=frozenset({"administrator"}),
    ),
    Endpoint(
        "job_run_now",
        staff_page("administrator", granted=302),
        method="POST",
        data=lambda world: {"name": "privacy.purge_expired_sessions"},
        writers=frozenset({"administrator"}),
    ),
]

CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.method} {endpoint.name} as {actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


def test_every_page_and_endpoint_of_the_areas_is_in_the_table():
    """A new URL of the client or staff area fails here until the matrix names it."""
    from hostledger.web import (
        urls,
        urls_client_abuse,
        urls_client_acts,
        urls_client_datacenter,
        urls_client_decisions,
        urls_client_dns,
        urls_client_domains,
        urls_client_incidents,
        urls_client_knowledge,
        urls_client_money,
        urls_client_notifications,
        urls_client_personal_data,
        urls_client_privacy,
        urls_client_requests,
        urls_client_service_changes,
        urls_client_services,
        urls_client_tickets,
        urls_client_verification,
        urls_promotions,
        urls_public_abuse,
        urls_public_knowledge,
        urls_public_notifications,
        urls_public_privacy,
        urls_staff_abuse,
        urls_staff_acts,
        urls_staff_bulk,
        urls_staff_datacenter,
        urls_staff_decisions,
        urls_staff_dns,
        urls_staff_domains,
        urls_staff_erasure,
        urls_staff_incidents,
        urls_staff_knowledge,
        urls_staff_licences,
        urls_staff_money,
        urls_staff_notifications,
        urls_staff_personal_data,
        urls_staff_privacy,
        urls_staff_reports,
        urls_staff_requests,
        urls_staff_service_changes,
        urls_staff_services,
        urls_staff_tickets,
        urls_staff_tools,
        urls_staff_verification,
    )

    listed = {endpoint.name for endpoint in ENDPOINTS}
    # The pages of each urls_<area>_<subject> module have a matrix file of their own
    # (tests/web/test_matrix_*.py), which checks that it covers its whole module.
    own_matrix = {
        pattern.name
        for module in (
            urls_client_abuse,
            urls_public_abuse,
            urls_staff_abuse,
            urls_client_acts,
            urls_client_datacenter,
            urls_client_decisions,
            urls_client_dns,
            urls_client_domains,
            urls_client_incidents,
            urls_client_knowledge,
            urls_client_money,
            urls_client_notifications,
            urls_client_privacy,
            urls_client_personal_data,
            urls_client_requests,
            urls_client_service_changes,
            urls_client_services,
            urls_client_tickets,
            urls_client_verification,
            urls_promotions,
            urls_public_notifications,
            urls_public_privacy,
            urls_staff_acts,
            urls_staff_bulk,
            urls_staff_datacenter,
            urls_staff_decisions,
            urls_staff_dns,
            urls_staff_domains,
            urls_staff_erasure,
            urls_staff_incidents,
            urls_staff_knowledge,
            urls_public_knowledge,
            urls_staff_erasure,
            urls_staff_licences,
            urls_staff_money,
            urls_staff_notifications,
            urls_staff_personal_data,
            urls_staff_privacy,
            urls_staff_reports,
            urls_staff_requests,
            urls_staff_service_changes,
            urls_staff_services,
            urls_staff_tickets,
            urls_staff_tools,
            urls_staff_verification,
        )
        for pattern in module.urlpatterns
    }
    assert {pattern.name for pattern in urls.urlpatterns} - own_matrix == listed
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name
    pairs = [(endpoint.name, endpoint.method) for endpoint in ENDPOINTS]
    assert len(pairs) == len(set(pairs)), "each page and endpoint appears once"


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_authorization_matrix__ACC_06_ACC_09_ACC_11(endpoint: Endpoint, actor: str, world, client):
    http = world.sign_in(client, actor)
    url = endpoint.url(world)
    before = database_state() if endpoint.method == "POST" else None

    response = http.post(url, endpoint.data(world)) if endpoint.method == "POST" else http.get(url)

    expected = endpoint.expect[actor]
    assert response.status_code == expected, response.content[:600]
    if expected == 302 and actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if expected == 302 and actor in STAFF_ROLES and endpoint.area == "client":
        assert response["Location"] == reverse("web:staff_home")
    if endpoint.method == "POST":
        if actor in endpoint.writers:
            assert database_state() != before, "an allowed write changed nothing"
        else:
            assert database_state() == before, "a refused or read-only request changed data"
