"""``hostledger demo`` makes a world a visitor can explore: clients of every kind with services
in every state, invoices paid and overdue, credit notes, tickets, usage and messages, all
through the actions, with money that adds up; running it again makes nothing more."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from hostledger.accounts.models import Client, StaffNote
from hostledger.core.audit import verify_audit_chain
from hostledger.flows.demo_world import DEMO_WORLD_DOMAIN
from hostledger.invoicing.models import CreditNote, Invoice
from hostledger.ledger.models import Entry
from hostledger.ledger.selectors import unbalanced_transactions, verify_balances
from hostledger.metering.models import UsageRecord
from hostledger.notifications.models import Notification
from hostledger.subscriptions.models import Service, ServiceStatus
from hostledger.support.models import Ticket, TicketMessage
from tests.support.conftest import ensure_default_departments

pytestmark = pytest.mark.long_running(90)


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def _world_counts() -> dict[str, int]:
    return {
        "clients": Client.objects.count(),
        "services": Service.objects.count(),
        "invoices": Invoice.objects.count(),
        "entries": Entry.objects.count(),
        "tickets": Ticket.objects.count(),
        "notifications": Notification.objects.count(),
    }


def test_demo_world_has_something_on_every_page_and_is_made_once(db, var_dir):
    ensure_default_departments()  # a test on a real transaction before may have emptied them
    call_command("demo", clients_per_kind=3, stdout=io.StringIO())

    world = Client.objects.filter(owner__email__endswith="@" + DEMO_WORLD_DOMAIN)
    assert world.count() == 12
    assert set(world.values_list("kind", flat=True)) == {Client.Kind.NATURAL, Client.Kind.LEGAL}
    assert {"EE", "DE", "NO"} <= set(world.values_list("country", flat=True))

    statuses = set(Service.objects.filter(client__in=world).values_list("status", flat=True))
    assert {
        ServiceStatus.ACTIVE,
        ServiceStatus.SUSPENDED,
        ServiceStatus.PENDING,
        ServiceStatus.TRIAL,
    } <= statuses
    families = set(Service.objects.filter(client__in=world).values_list("tariff__family__code"))
    assert len(families) >= 4

    invoices = Invoice.objects.filter(client__in=world)
    assert invoices.filter(kind=Invoice.Kind.FINAL, status=Invoice.Status.PAID).exists()
    assert invoices.filter(kind=Invoice.Kind.PROFORMA, status=Invoice.Status.ISSUED).exists()
    assert CreditNote.objects.filter(invoice__client__in=world).exists()
    assert Ticket.objects.filter(client__in=world).exists()
    assert TicketMessage.objects.filter(ticket__client__in=world, author_kind="staff").exists()
    assert StaffNote.objects.filter(client__in=world).exists()
    assert UsageRecord.objects.filter(service__client__in=world).exists()
    assert Notification.objects.filter(client__in=world).exists()

    # The money adds up: every balance is the sum of its entries, every transaction sums to
    # zero, and the audit trail is one unbroken chain.
    assert verify_balances() == []
    assert unbalanced_transactions() == []
    assert verify_audit_chain() == []

    before = _world_counts()
    call_command("demo", clients_per_kind=3, stdout=io.StringIO())
    assert _world_counts() == before
