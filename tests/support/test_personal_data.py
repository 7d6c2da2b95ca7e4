"""Ticket data is personal data that export, erasure and retention reach from the
declarations alone (SUP-01, GDPR-01, GDPR-02, GDPR-04, GDPR-08)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from hostledger.core.personal_data import undeclared_fields
from hostledger.flows.privacy_erasure import client_erase
from hostledger.privacy.retention import retention_run, rule_models
from hostledger.support import actions
from hostledger.support.models import (
    Attachment,
    AttachmentContent,
    Ticket,
    TicketMessage,
    TicketSearchToken,
)
from hostledger.support.selectors import attachment_bytes
from tests.privacy.erasure.conftest import privacy_officer
from tests.privacy.export_helpers import (
    asset_of,
    built_export,
    export_document,
    export_zip,
    records_of,
)
from tests.support.conftest import png_upload

OPENED = datetime(2027, 3, 15, 9, 0, tzinfo=UTC)


@pytest.fixture
def answered_ticket(client_a, owner_a, support_department, agent):
    with time_machine.travel(OPENED, tick=False):
        ticket = actions.ticket_open(
            client=client_a,
            department=support_department,
            subject="Reboot my server srv-4711",
            body="Please reboot srv-4711, password is in the vault.",
            author=owner_a,
            files=[png_upload()],
        )
        actions.ticket_staff_reply(ticket=ticket, body="Rebooted srv-4711.", author=agent)
        actions.ticket_note_add(ticket=ticket, body="Checked the IPMI log.", author=agent)
        actions.ticket_rate(ticket=ticket, rating=5, comment="Great service from Mari")
    return ticket


def test_every_support_field_is_declared__GDPR_01():
    assert [name for name in undeclared_fields() if name.startswith("support.")] == []


def test_ticket_data_is_in_the_clients_export__SUP_01_GDPR_02(answered_ticket, owner_a):
    export = built_export(owner_a.client, owner_a)
    document = export_document(export_zip(export))

    tickets = records_of(asset_of(document, "support.ticket"))
    assert [(t["subject"], t["rating_comment"]) for t in tickets] == [
        ("Reboot my server srv-4711", "Great service from Mari")
    ]
    bodies = {m["body"] for m in records_of(asset_of(document, "support.ticketmessage"))}
    assert "Please reboot srv-4711, password is in the vault." in bodies
    files = records_of(asset_of(document, "support.attachment"))
    assert [f["file_name"] for f in files] == ["screenshot.png"]
    assert asset_of(document, "support.attachmentcontent")["records"]
    search = asset_of(document, "support.ticketsearchtoken")
    assert "token" not in search["columns"]


def test_erasure_blanks_ticket_texts_and_files__SUP_01_GDPR_04(answered_ticket, client_a):
    client_erase(client=client_a, actor=privacy_officer())

    ticket = Ticket.objects.get(pk=answered_ticket.pk)
    assert (ticket.subject, ticket.rating_comment, ticket.rating) == ("", "", None)
    assert set(TicketMessage.objects.filter(ticket=ticket).values_list("body", flat=True)) == {""}
    assert set(Attachment.objects.values_list("file_name", flat=True)) == {""}
    assert all(attachment_bytes(a) == b"" for a in Attachment.objects.select_related("content"))
    assert not TicketSearchToken.objects.filter(ticket=ticket).exists()
    # Every message is still there, as a record that it was written (SUP-01).
    assert TicketMessage.objects.filter(ticket=ticket).count() == 3


def test_ticket_texts_are_erased_two_years_after_their_month__SUP_01_GDPR_08(answered_ticket):
    labels = {model._meta.label for model in rule_models("communications")}
    assert {
        "support.Ticket",
        "support.TicketMessage",
        "support.Attachment",
        "support.AttachmentContent",
        "support.TicketSearchToken",
    } <= labels

    retention_run(now=datetime(2029, 3, 31, 12, 0, tzinfo=UTC))  # still the 24th month
    assert TicketMessage.objects.get(ticket=answered_ticket, author_kind="client").body

    retention_run(now=datetime(2029, 4, 1, 12, 0, tzinfo=UTC))
    ticket = Ticket.objects.get(pk=answered_ticket.pk)
    assert ticket.subject == "" and ticket.rating_comment == ""
    assert set(TicketMessage.objects.filter(ticket=ticket).values_list("body", flat=True)) == {""}
    assert set(AttachmentContent.objects.values_list("data", flat=True)) == {""}
    assert not TicketSearchToken.objects.filter(ticket=ticket).exists()
