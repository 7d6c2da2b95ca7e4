"""Fixtures of the client-area and staff-area tests: published policies, clients A and B, a
read-only trusted user of A, and staff members of every default role with two-factor sign-in."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from hostledger.accounts import actions
from hostledger.accounts.models import AccessGrant, Client, User
from hostledger.flows.registration import client_registered
from hostledger.privacy.policies import policy_publish
from hostledger.web.decorators import SESSION_CLIENT_KEY

STAFF_ROLES = ("support", "billing", "abuse", "privacy_officer", "administrator")


@pytest.fixture
def policies(db):
    return publish_policies()


def publish_policies() -> dict:
    """The terms of service and the privacy policy every registration accepts (ACC-02)."""
    return {
        kind: policy_publish(kind=kind, version="1.0", title=title, body=f"The {title.lower()}.")
        for kind, title in (("terms", "Terms of service"), ("privacy", "Privacy policy"))
    }


def make_client_user(email: str, *, password: str | None = None, **data) -> User:
    """A signed-up client: verified email, registered as a natural person by default.

    Tests sign in with ``force_login``, so no password is set unless one is given."""
    user = User.objects.create_user(email=email, password=password)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    person = {
        "kind": "natural",
        "first_name": "Mari",
        "last_name": "Maasikas",
        "street": "Ahtri 12",
        "city": "Tallinn",
        "postal_code": "10151",
        "country": "EE",
        "phone": "+372 5555 0101",
    }
    person.update(data)
    client_registered(
        user=user, data=person, declared_old_enough=True, accepted_policies=True, ip_address=None
    )
    if person.get("phone"):
        # Test clients have confirmed the number they gave, as a free trial needs (CAT-04).
        client = Client.objects.get(owner=user)
        client.phone_confirmed_at = timezone.now()
        client.save(update_fields=["phone_confirmed_at"])
        user.client = client
    return user


def make_staff_user(role: str, *, with_authenticator: bool = True, email: str = "") -> User:
    """A staff member holding one default role, with an authenticator app unless told not."""
    actions.staff_roles_ensure_defaults()
    user = actions.staff_user_create(
        actor=None,
        email=email or f"{role}@staff.example",
        full_name=f"{role.replace('_', ' ').title()} Person",
        role_slugs=[role],
    )
    if with_authenticator:
        TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def owner_a(policies):
    return make_client_user("anna@example.com", first_name="Anna", last_name="Tamm")


@pytest.fixture
def owner_b(policies):
    return make_client_user("bert@example.com", first_name="Bert", last_name="Kask")


@pytest.fixture
def client_a(owner_a):
    return owner_a.client


@pytest.fixture
def client_b(owner_b):
    return owner_b.client


@pytest.fixture
def payer_a(client_a):
    return client_a.payers.get()


@pytest.fixture
def contact_a(client_a, owner_a):
    return actions.contact_create(
        client=client_a,
        actor=owner_a,
        data={"role": "technical", "name": "Tiit Tehnik", "email": "tiit@example.com"},
    )


@pytest.fixture
def readonly_user(client_a, owner_a, policies):
    """A registered client who was given read-only access to A's account (ACC-06)."""
    user = make_client_user("rita@example.com", first_name="Rita", last_name="Loe")
    actions.access_grant_create(
        client=client_a, actor=owner_a, grantee_email=user.email, scopes=["read_only"]
    )
    return user


@pytest.fixture
def grant_a(readonly_user, client_a):
    return AccessGrant.objects.get(client=client_a, grantee=readonly_user)


@pytest.fixture
def staff(db):
    """make_staff_user(role) for a staff member of a default role with two-factor sign-in."""
    return make_staff_user


def login(http, user, *, client_public_id: str | None = None):
    """Sign ``user`` in on the test client, optionally working in another client's account."""
    http.force_login(user)
    if client_public_id:
        session = http.session
        session[SESSION_CLIENT_KEY] = client_public_id
        session.save()
    return http
