"""``hostledger mail-in`` reading one message on standard input, as an MTA pipes it
(SUP-01): it prints the outcome and exits with the status the MTA understands."""

from __future__ import annotations

import io
import sys

import pytest
from django.core.management import call_command

from hostledger.support.models import Ticket
from tests.support.mail_helpers import mail


class _Stdin:
    def __init__(self, raw: bytes):
        self.buffer = io.BytesIO(raw)


def _run(monkeypatch, raw: bytes, *args) -> str:
    monkeypatch.setattr(sys, "stdin", _Stdin(raw))
    out = io.StringIO()
    call_command("mail_in", *args, stdout=out)
    return out.getvalue()


def test_a_piped_mail_to_a_department_opens_a_ticket__SUP_01(
    monkeypatch, owner_a, support_department
):
    printed = _run(monkeypatch, mail(to="nobody@elsewhere"), "--recipient", "support@localhost")
    ticket = Ticket.objects.get()
    assert printed.strip() == f"ticket_opened {ticket.number_display}"


def test_a_piped_bounce_is_left_alone__SUP_01(monkeypatch, owner_a, support_department):
    printed = _run(monkeypatch, mail(), "--sender", "")
    assert printed.startswith("ignored_automatic")
    assert not Ticket.objects.exists()


def test_mail_for_no_support_address_exits_for_the_mta_to_bounce__SUP_01(monkeypatch, db):
    with pytest.raises(SystemExit) as exited:
        _run(monkeypatch, mail(to="someone@elsewhere.example"))
    assert exited.value.code == 73
