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

import logging
import re
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.signals import request_started
from django.test import Client as WebClient
from django.urls import reverse
from gunicorn.config import Config

from hostledger.accounts.models import Client
from hostledger.core.access_log import RedactingGunicornLogger
from hostledger.core.audit import verify_audit_chain
from hostledger.core.registry import provider_setting_change
from hostledger.flows.mail_in import Outcome, mail_receive
from hostledger.flows.privacy_erasure import client_erase
from hostledger.ledger.models import GatewayTopUp
from hostledger.notifications.actions import deliveries_fan_out, deliveries_send_due
from hostledger.privacy.backups import backup_create
from hostledger.privacy.models import ErasureHold, ErasureReport
from hostledger.privacy.selectors import client_is_restricted
from hostledger.subscriptions.models import Order, Service
from hostledger.support.models import Ticket, TicketMessage
from tests.accounts.conftest import PASSWORD, drop_empty, natural_signup
from tests.privacy.erasure.conftest import (
    CONTACT_EMAIL,
    CONTACT_NAME,
    MARKERS,
    PAYER_NAME,
    build_rich_client,
)
from tests.privacy.residue import search_bytes, search_database
from tests.subscriptions.factories import build_catalog
from tests.support.conftest import ensure_default_departments
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
API_CONTACT = {"role": "billing", "name": "Liivi Lõokene", "email": "liivi.lookene@example.net"}
HOST_NAME = "pood.raudsepp-vahtra.example"
TICKET_SUBJECT = "Varundus ebaõnnestus serveris Kuremaa"
TICKET_BODY = "Öine varundus jäi Kuremaa masinas seisma kell kolm."
TICKET_FILE = b"Logifail: Kuremaa varundus peatus, kontakt Raudsepp-Vahtra\n"
MAIL_ANSWER = "Aitäh, Kuremaa varundus töötab jälle."
CONFIRM_LINK = re.compile(r"http://testserver(/accounts/confirm-email/[^/\s]+/)")


class VarDirWrites:
    """What was written under the var dir and the log dir since a moment: new files whole,
    and what was appended to files that existed then (the daily log files grow all day)."""

    def __init__(self, *roots: Path):
        self.roots = roots
        self.sizes = {path: path.stat().st_size for path in self._files()}

    def _files(self) -> set[Path]:
        return {path for root in self.roots for path in root.rglob("*") if path.is_file()}

    def written(self) -> dict[Path, bytes]:
        for handler in logging.getLogger().handlers:
            handler.flush()
        written = {}
        for path in self._files():
            with path.open("rb") as stream:
                stream.seek(self.sizes.get(path, 0))
                written[path] = stream.read()
        return {path: data for path, data in written.items() if data}

    def search(self, needles: list[str]) -> list:
        return [
            finding
            for path, data in self.written().items()
            for finding in search_bytes(str(path), data, needles)
        ]


class ServerAccessLog:
    """Each request the test client makes, written to the access log by the web server's own
    logger (hostledger run's gunicorn ``--logger-class``), under ``LOG_DIR``."""

    def __init__(self):
        config = Config()
        config.set("accesslog", "-")
        self.logger = RedactingGunicornLogger(config)

    def __enter__(self):
        request_started.connect(self.log, dispatch_uid="residue-access-log")
        return self

    def __exit__(self, *exc_info):
        request_started.disconnect(dispatch_uid="residue-access-log")
        for handler in list(self.logger.access_log.handlers):
            self.logger.access_log.removeHandler(handler)
            handler.close()

    def log(self, sender, environ, **kwargs):
        path, query = environ.get("PATH_INFO", "/"), environ.get("QUERY_STRING", "")
        uri = f"{path}?{query}" if query else path
        request = SimpleNamespace(
            method=environ["REQUEST_METHOD"],
            uri=uri,
            path=path,
            query=query,
            version=(1, 1),
            headers=[],
        )
        response = SimpleNamespace(status="200 OK", sent=0, headers=[])
        self.logger.access(response, request, {**environ, "RAW_URI": uri}, timedelta(0))


@pytest.fixture
def server_access_log():
    with ServerAccessLog() as access_log:
        yield access_log


def _sign_up_through_the_pages(browser, capture) -> None:
    with capture(execute=True):
        signed_up = browser.post(
            "/accounts/signup/",
            drop_empty(natural_signup(email=WEB_EMAIL, **WEB_PERSON)),
            REMOTE_ADDR="198.51.100.23",
        )
    assert signed_up.status_code == 302
    (link,) = CONFIRM_LINK.findall(mail.outbox[-1].body)
    with capture(execute=True):
        browser.post(link)
        assert browser.post(reverse("web:payer_create"), WEB_PAYER).status_code == 302
        assert browser.post(reverse("web:contact_create"), WEB_CONTACT).status_code == 302


def _add_a_contact_through_the_api() -> None:
    """The client's own script: a token by e-mail and password, then a contact."""
    api = WebClient()
    token = api.post(
        "/api/v1/signin/token",
        {
            "email": WEB_EMAIL,
            "password": PASSWORD,
            "name": "Backup script",
            "scopes": ["read", "write"],
        },
        content_type="application/json",
    )
    assert token.status_code == 201, token.content
    created = api.post(
        "/api/v1/contacts",
        API_CONTACT,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token.json()['secret']}",
    )
    assert created.status_code == 201, created.content


def _top_up_and_order_through_the_pages(browser, client) -> Service:
    """A top-up through the (local) card gateway, then a VPS the balance pays at once."""
    shop = build_catalog()
    started = browser.post(reverse("web:top_up"), {"amount": "100.00", "gateway": "local"})
    assert started.status_code == 302
    top_up = GatewayTopUp.objects.latest("pk")
    paid = browser.post(
        reverse("web:local_gateway_pay", args=[top_up.public_id]), {"outcome": "pay"}
    )
    assert paid.status_code == 302
    payer = client.payers.latest("pk")  # the company added on the payer page
    ordered = browser.post(
        reverse("web:order_new"),
        {
            "tariff": shop.vps_start.public_id,
            "os_image": shop.windows.public_id,
            "period_months": "1",
            "payer": payer.public_id,
            "start_at_once": "on",
        },
    )
    assert ordered.status_code == 302, ordered.content.decode()[:1500]
    order = Order.objects.get(client=client)
    assert order.status == Order.Status.PAID
    return Service.objects.get(order=order)


def _ticket_by_web_and_mail(browser, agent_browser) -> str:
    """The client opens a ticket with an attachment on the page, staff answer it on theirs
    and search for it, and the client answers the mailed answer by mail (SUP-01)."""
    ensure_default_departments()
    opened = browser.post(
        reverse("web:ticket_create"),
        {
            "department": "support",
            "subject": TICKET_SUBJECT,
            "body": TICKET_BODY,
            "attachments": SimpleUploadedFile("varundus.txt", TICKET_FILE, "text/plain"),
        },
    )
    assert opened.status_code == 302, opened.content
    ticket = Ticket.objects.get()
    answered = agent_browser.post(
        reverse("web:staff_ticket_reply", args=[ticket.public_id]),
        {"body": "Vaatame Kuremaa masinat.", "status": "answered"},
    )
    assert answered.status_code == 302
    searched = agent_browser.post(reverse("web:staff_ticket_search"), {"q": "Kuremaa"})
    assert ticket.number_display in searched.content.decode()
    deliveries_fan_out()
    deliveries_send_due()
    (sent,) = [message for message in mail.outbox if message.reply_to]
    answer = EmailMessage()
    answer["From"] = f"Reet Raudsepp <{WEB_EMAIL}>"
    answer["To"] = sent.reply_to[0]
    answer["Subject"] = "Re: " + sent.subject
    answer["Message-ID"] = "<kuremaa-answer@example.net>"
    answer.set_content(MAIL_ANSWER)
    outcome = mail_receive(
        answer.as_bytes(), recipients=[sent.reply_to[0]], envelope_sender=WEB_EMAIL
    )
    assert outcome.outcome == Outcome.ADDED_TO_TICKET, outcome
    return ticket.public_id


@pytest.mark.django_db(transaction=True)
def test_a_client_made_through_the_web_and_api_leaves_nothing_after_its_erasure__GDPR_04_GDPR_11(
    django_capture_on_commit_callbacks, settings, caplog, server_access_log
):
    """Sign-up and e-mail confirmation, payer and contact through the client area, a contact
    through the API with a token signed in by password, a card top-up and a paid order, a host
    name set by staff, a staff search for the client by name and by host name, and a support
    ticket opened on the page with an attachment, answered by staff, found by their search and
    answered by the client by mail: after the erasure nothing outside the held rows names the
    client, in the database, in what was written under the var dir (log files, mail files,
    exports) or in the server's log."""
    caplog.set_level(logging.DEBUG)
    var_dir = VarDirWrites(Path(settings.VAR_DIR), Path(settings.LOG_DIR))
    settings.LEDGER_LOCAL_GATEWAY_KEY = "local-gateway-key-of-the-residue-test"
    provider_setting_change(key="ledger.local_gateway_enabled", raw_value="true")
    publish_policies()
    browser = WebClient()
    _sign_up_through_the_pages(browser, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        _add_a_contact_through_the_api()
    client = Client.objects.get(owner__email=WEB_EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        service = _top_up_and_order_through_the_pages(browser, client)

    administrator = make_staff_user("administrator")
    admin_browser = login(WebClient(), administrator)
    named = admin_browser.post(
        reverse("web:staff_service_host_name", args=[service.public_id]),
        {"host-host_name": HOST_NAME},
    )
    assert named.status_code == 302
    officer = make_staff_user("privacy_officer")
    staff_browser = login(WebClient(), officer)
    searches = []
    for query in ("Raudsepp-Vahtra", HOST_NAME):
        searched = staff_browser.post(reverse("web:staff_client_search"), {"q": query})
        assert searched.status_code == 302
        assert client.public_id in staff_browser.get(searched["Location"]).content.decode()
        searches.append(searched["Location"])
    with django_capture_on_commit_callbacks(execute=True):
        _ticket_by_web_and_mail(browser, login(WebClient(), make_staff_user("support")))

    needles = [
        *WEB_PERSON.values(),
        WEB_EMAIL,
        WEB_PAYER["name"],
        WEB_PAYER["invoice_email"],
        WEB_CONTACT["name"],
        WEB_CONTACT["email"],
        API_CONTACT["name"],
        API_CONTACT["email"],
        HOST_NAME,
        TICKET_SUBJECT,
        TICKET_BODY,
        TICKET_FILE.decode().strip(),
        MAIL_ANSWER,
    ]
    assert search_database(needles), "the scan finds the client before the erasure"
    with django_capture_on_commit_callbacks(execute=True):
        ended = admin_browser.post(
            reverse("web:staff_service_terminate", args=[service.public_id]),
            {"terminate-reason": "The client asked to be forgotten."},
        )
        assert ended.status_code == 302
        client_erase(client=client, actor=officer)

    held = _held_tables(client)
    found = [item for item in search_database(needles) if item.where.split(".")[0] not in held]
    assert found == [], "\n".join(str(item) for item in found)
    assert var_dir.search(needles) == []
    # The ticket's own values no longer open: its subject and messages are gone with the key.
    assert [ticket.subject for ticket in Ticket.objects.all()] != [TICKET_SUBJECT]
    assert not any(
        TICKET_BODY in message.body or MAIL_ANSWER in message.body
        for message in TicketMessage.objects.all()
    )
    assert any(path.name.startswith("access-") for path in var_dir.written())
    assert search_bytes("server log", caplog.text.encode(), needles) == []
    # The staff searches are gone with it: their results pages no longer know the queries.
    for location in searches:
        assert staff_browser.get(location).status_code in (302, 404)
    assert verify_audit_chain() == []
