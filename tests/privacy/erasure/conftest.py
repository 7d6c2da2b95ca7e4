"""Fixtures of the privacy tests: a frozen clock, module calls run at once, and a client with
everything a client can have, made through the real actions: payers, contacts, a VPS ordered,
paid, used and terminated, its invoice and payment, usage records, messages and deliveries,
sign-ins, an API token, a trusted user, consents, a policy acceptance and a staff note.

The VPS is ordered and paid on 1 March 2027, its March usage recorded on 1 April, and it is
terminated on 2 April 2027; the clock then stands at 2 April 2027, 10:00 UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from allauth.account.models import EmailAddress

from hostledger.accounts import permissions as perms
from hostledger.accounts.actions import (
    access_grant_create,
    api_token_create,
    contact_create,
    login_attempt_record,
    staff_note_add,
)
from hostledger.accounts.models import Client, Payer, User
from hostledger.metering.actions import usage_record
from hostledger.notifications.actions import deliveries_fan_out
from hostledger.notifications.models import ConsentState
from hostledger.privacy.actions_consents import marketing_consent_request
from hostledger.privacy.models import MarketingConsent, PolicyDocument
from hostledger.privacy.policies import policy_accept, policy_publish
from hostledger.subscriptions.actions import service_terminate
from hostledger.subscriptions.models import Service
from tests.metering.factories import APRIL_NOW, add_metered_items, at, paid_vps
from tests.subscriptions.factories import (
    NOW,
    build_catalog,
    new_client,
    new_payer,
    new_staff,
)

IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}
TERMINATED_AT = datetime(2027, 4, 2, 10, 0, tzinfo=UTC)

MARKERS = {
    "first_name": "Kristjan",
    "last_name": "Põldmaa",
    "company_name": "",
    "street": "Sõpruse pst 145",
    "city": "Tartu",
    "phone": "+372 5551 2345",
}
PAYER_NAME = "Kristjan Põldmaa"
CONTACT_NAME = "Liis Lõhmus"
CONTACT_EMAIL = "liis.lohmus@example.org"


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = IMMEDIATE_TASKS


@dataclass
class RichClient:
    client: Client
    payer: Payer
    service: Service
    grantee: User
    staff: User


def privacy_officer() -> User:
    return new_staff(
        perms.CLIENTS_VIEW,
        perms.CLIENTS_VIEW_PERSONAL_DATA,
        perms.CLIENTS_EDIT,
        perms.PRIVACY_MANAGE,
        perms.SERVICES_MANAGE,
    )


def build_rich_client(time_machine, django_capture_on_commit_callbacks) -> RichClient:
    """A client with one of everything (see the module docstring); the clock ends at
    ``TERMINATED_AT``."""
    staff = privacy_officer()
    shop = build_catalog()
    items = add_metered_items(shop)
    terms = PolicyDocument.objects.filter(kind="terms").first() or policy_publish(
        kind="terms", version="1", title="Terms", body="Terms.", published_at=NOW
    )
    client = new_client(**MARKERS)
    payer = new_payer(client, name=PAYER_NAME, invoice_email="kristjan@example.org")
    contact_create(
        client=client,
        actor=client.owner,
        data={"role": "technical", "name": CONTACT_NAME, "email": CONTACT_EMAIL},
    )
    policy_accept(user=client.owner, document=terms, ip_address="192.0.2.44")
    marketing_consent_request(client=client, channel="email", source="client_area")
    MarketingConsent.objects.filter(client=client).update(state=ConsentState.CONFIRMED)
    login_attempt_record(
        identifier=client.owner.email, user=client.owner, ip_address="192.0.2.44", succeeded=True
    )
    api_token_create(user=client.owner, name="Deploy", scopes=["read"], days=30)
    grantee = User.objects.create_user("trusted.helper@example.org", None)
    EmailAddress.objects.create(user=grantee, email=grantee.email, verified=True, primary=True)
    access_grant_create(
        client=client, actor=client.owner, grantee_email=grantee.email, scopes=["billing"]
    )
    staff_note_add(client=client, actor=staff, text="Called about Põldmaa's invoice.")
    with django_capture_on_commit_callbacks(execute=True):
        service = paid_vps(client, payer, shop)
    time_machine.move_to(APRIL_NOW, tick=False)
    for hour in range(3):
        start = at(service.contract_started_on, 10 + hour)
        usage_record(
            service=service,
            metered_item=items.traffic,
            quantity="2.5",
            window_start=start,
            window_end=start + timedelta(hours=1),
            source="meter-1",
            external_id=f"traffic-{hour}",
        )
    deliveries_fan_out(now=APRIL_NOW)
    time_machine.move_to(TERMINATED_AT, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        service = service_terminate(service=service, actor=None, reason="The client left.")
    client.refresh_from_db()
    return RichClient(client=client, payer=payer, service=service, grantee=grantee, staff=staff)


@pytest.fixture
def rich(db, time_machine, django_capture_on_commit_callbacks) -> RichClient:
    return build_rich_client(time_machine, django_capture_on_commit_callbacks)
