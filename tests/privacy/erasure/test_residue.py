"""After an erasure, nothing identifies the client anywhere HostLedger keeps data (GDPR-04,
GDPR-11, GDPR-14): every text and binary column of every table searched with plain SQL, with
everything the configured keys can still open decrypted and base64 and compressed values
decoded (tests/privacy/residue.py); and a backup taken before the erasure, restored, after
the erasure log was replayed. The login e-mail, kept in clear for sign-in look-ups (decision
0001), is searched too: erasure replaces it.

The only rows allowed to name the client are those the law makes HostLedger keep: they are
listed in the erasure report, restricted, and under the field keys so that they stay readable
until their term ends.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.test import Client as WebClient
from django.urls import reverse

from hostledger.accounts.models import Client
from hostledger.core.audit import verify_audit_chain
from hostledger.flows.privacy_erasure import client_erase
from hostledger.privacy.backups import backup_create
from hostledger.privacy.models import ErasureHold, ErasureReport
from hostledger.privacy.selectors import client_is_restricted
from tests.accounts.conftest import drop_empty, natural_signup
from tests.privacy.erasure.conftest import (
    CONTACT_EMAIL,
    CONTACT_NAME,
    MARKERS,
    PAYER_NAME,
    build_rich_client,
)
from tests.privacy.residue import search_database
from tests.web.conftest import login, make_staff_user, publish_policies


def _identifying_strings(client) -> list[str]:
    return [
        MARKERS["first_name"],
        MARKERS["last_name"],
        MARKERS["street"],
        MARKERS["phone"],
        PAYER_NAME,
        CONTACT_NAME,
        CONTACT_EMAIL,
        client.owner.email,
        "kristjan@example.org",  # the payer's invoice address
    ]


def _held_tables(client) -> set[str]:
    labels = set(ErasureHold.objects.filter(client=client).values_list("model_label", flat=True))
    tables = set()
    for label in labels:
        model = apps.get_model(label)
        tables.add(model._meta.db_table)
        history = getattr(model, "history", None)
        if history is not None:
            tables.add(history.model._meta.db_table)
    return tables


@pytest.mark.django_db(transaction=True)
def test_nothing_identifies_an_erased_client_outside_the_held_rows__GDPR_04_GDPR_11(
    time_machine, django_capture_on_commit_callbacks
):
    rich = build_rich_client(time_machine, django_capture_on_commit_callbacks)
    client = rich.client
    needles = _identifying_strings(client)
    assert search_database(needles), "the scan finds the client before the erasure"

    with django_capture_on_commit_callbacks(execute=True):
        report = client_erase(client=client, actor=rich.staff)

    held = _held_tables(client)
    found = [item for item in search_database(needles) if item.where.split(".")[0] not in held]
    assert found == [], "\n".join(str(item) for item in found)
    # What is held is listed in the report, restricted, and readable until its term ends.
    assert held and client_is_restricted(client)
    reported = {item["model_label"] for item in report.items if item["action"] == "hold"}
    assert {hold.model_label for hold in ErasureHold.objects.filter(client=client)} <= reported
    assert verify_audit_chain() == []


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_before_the_erasure_comes_back_erased__GDPR_14_GDPR_04(
    time_machine, django_capture_on_commit_callbacks, tmp_path
):
    """The backup still holds the client; restored, the erasure log makes the erasure again,
    and the client's subject key, destroyed, opens none of the values the copy kept."""
    rich = build_rich_client(time_machine, django_capture_on_commit_callbacks)
    client = rich.client
    needles = _identifying_strings(client)
    backup = backup_create(directory=tmp_path)

    with django_capture_on_commit_callbacks(execute=True):
        client_erase(client=client, actor=rich.staff)
    held = _held_tables(client)

    call_command("restore", str(backup.path), "--force", stdout=None, stderr=None)

    assert ErasureReport.objects.filter(client_id=client.pk).exists()
    found = [item for item in search_database(needles) if item.where.split(".")[0] not in held]
    assert found == [], "\n".join(str(item) for item in found)


WEB_PERSON = {
    "first_name": "Ülle-Reetta",
    "last_name": "Raudsepp-Vahtra",
    "street": "Kalevipoja 77",
    "phone": "+372 5123 9876",
}
WEB_EMAIL = "reet.raudsepp@example.net"
WEB_PAYER = {
    "kind": "legal",
    "name": "Raudsepp-Vahtra Nõustamine OÜ",
    "registry_code": "14498765",
    "vat_number": "",
    "street": "Kalevipoja 77",
    "city": "Tartu",
    "postal_code": "50101",
    "country": "EE",
    "invoice_email": "arved@raudsepp-vahtra.example",
}
WEB_CONTACT = {"role": "technical", "name": "Tõnu Tuvikene", "email": "tonu.tuvikene@example.net"}
CONFIRM_LINK = re.compile(r"http://testserver(/accounts/confirm-email/[^/\s]+/)")


@pytest.mark.django_db(transaction=True)
def test_a_client_made_through_the_web_pages_leaves_nothing_after_its_erasure__GDPR_04_GDPR_11(
    django_capture_on_commit_callbacks,
):
    """Sign-up, e-mail confirmation, payer and contact through the client area, a staff
    search for the client by name: after the erasure the sessions, the staff search, the
    sign-in log, the audit trail and the outbox name the client nowhere."""
    publish_policies()
    browser = WebClient()
    with django_capture_on_commit_callbacks(execute=True):
        signed_up = browser.post(
            "/accounts/signup/",
            drop_empty(natural_signup(email=WEB_EMAIL, **WEB_PERSON)),
            REMOTE_ADDR="198.51.100.23",
        )
    assert signed_up.status_code == 302
    (link,) = CONFIRM_LINK.findall(mail.outbox[-1].body)
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(link)
        assert browser.post(reverse("web:payer_create"), WEB_PAYER).status_code == 302
        assert browser.post(reverse("web:contact_create"), WEB_CONTACT).status_code == 302
    client = Client.objects.get(owner__email=WEB_EMAIL)

    officer = make_staff_user("privacy_officer")
    staff_browser = login(WebClient(), officer)
    searched = staff_browser.post(reverse("web:staff_client_search"), {"q": "Raudsepp-Vahtra"})
    assert searched.status_code == 302
    assert client.public_id in staff_browser.get(searched["Location"]).content.decode()

    needles = [
        *WEB_PERSON.values(),
        WEB_EMAIL,
        WEB_PAYER["name"],
        WEB_PAYER["invoice_email"],
        WEB_CONTACT["name"],
        WEB_CONTACT["email"],
    ]
    assert search_database(needles), "the scan finds the client before the erasure"
    with django_capture_on_commit_callbacks(execute=True):
        client_erase(client=client, actor=officer)

    held = _held_tables(client)
    found = [item for item in search_database(needles) if item.where.split(".")[0] not in held]
    assert found == [], "\n".join(str(item) for item in found)
    # The staff search is gone with it: its results page no longer knows the query.
    assert staff_browser.get(searched["Location"]).status_code in (302, 404)
    assert verify_audit_chain() == []
