"""Mail into the support desk (SUP-01): read a mail, decide where it goes, write it there.

Two ways in, both ending in :func:`mail_receive`:

- ``hostledger mail-in < message`` — an MTA pipes one message (``--recipient`` and
  ``--sender`` pass the envelope when the MTA knows it);
- ``hostledger mail-in --smtp 127.0.0.1:2525`` — the built-in SMTP receiver
  (:class:`MailReceiver`, aiosmtpd), which refuses a mail larger than
  ``support.mail_max_bytes`` before reading it, so the sender's server keeps it and tells
  the sender.

Routing, by the kind of address the mail was sent to, through :data:`ADDRESS_ROUTES` (a dict
registry; another app, such as the abuse desk, adds its kind with :func:`register_route`):

- ``ticket_reply``: a signed reply address (``support+T123.<hmac>@…``): the mail joins that
  ticket's thread when the signature is right and the sender may write the ticket (its
  owner's login address, or a trusted user with the tickets scope); otherwise it waits in
  the staff review queue as a ticket of its own, with the reason;
- ``department``: a department's address: mail from a client's login address opens a ticket
  of that client; mail from anyone else opens one ticket per message in the review queue.

Mail that is automatic (``Auto-Submitted`` other than ``no``, ``Precedence: bulk/junk/list``,
auto-reply headers, a delivery status report, an empty envelope sender) or from one of our
own addresses never opens a ticket or adds to one, so two robots never answer each other.
The same mail delivered twice is added once (its Message-ID's keyed hash). Every mail gets a
:class:`MailOutcome` saying what happened to it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from aiosmtpd.controller import Controller
from django.db import close_old_connections

from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.flows.abuse_mail import abuse_mail_receive
from hostledger.support import actions, conf
from hostledger.support import selectors as support
from hostledger.support.mail_parsing import (
    InboundMail,
    automatic_reason,
    own_addresses_of,
    parse_mail,
)
from hostledger.support.models import Department, TicketSource
from hostledger.support.reply_addresses import (
    base_address,
    referenced_public_ids,
    reply_tag_of,
)

logger = logging.getLogger("hostledger.mail_in")

ABUSE_DEPARTMENT = "abuse"
"""The department whose address is the abuse desk's (ABU-01)."""


class Outcome:
    """What happened to a mail."""

    ADDED_TO_TICKET = "added_to_ticket"
    TICKET_OPENED = "ticket_opened"
    REVIEW_TICKET_OPENED = "review_ticket_opened"
    DUPLICATE = "duplicate"
    AUTOMATIC = "ignored_automatic"
    NO_ROUTE = "no_route"
    TOO_LARGE = "too_large"
    ABUSE_CASE_OPENED = "abuse_case_opened"


@dataclass(frozen=True)
class MailOutcome:
    outcome: str
    detail: str = ""
    ticket: str = ""  # the ticket's number, when the mail reached one

    def __str__(self) -> str:
        parts = [self.outcome, self.ticket, self.detail]
        return " ".join(part for part in parts if part)


@dataclass(frozen=True)
class AddressRoute:
    """A kind of address: which recipients it claims and what it does with a mail to one.
    ``robots_welcome``: mail marked as automatic is taken (reports sent by programs)."""

    matches: Callable[[str], bool]
    handle: Callable[[InboundMail, str], MailOutcome]
    robots_welcome: bool = False


ADDRESS_ROUTES: dict[str, AddressRoute] = {}
"""Kind of address → route, tried in order for each recipient (first claim wins)."""


def register_route(
    kind: str,
    *,
    matches: Callable[[str], bool],
    handle: Callable[[InboundMail, str], MailOutcome],
    first: bool = False,
    robots_welcome: bool = False,
) -> None:
    """Add (or replace) the route of ``kind``; ``first`` puts it before the others (a more
    specific address, such as the abuse desk's, before the departments')."""
    ADDRESS_ROUTES.pop(kind, None)
    route = AddressRoute(matches=matches, handle=handle, robots_welcome=robots_welcome)
    if first:
        items = list(ADDRESS_ROUTES.items())
        ADDRESS_ROUTES.clear()
        ADDRESS_ROUTES[kind] = route
        ADDRESS_ROUTES.update(items)
    else:
        ADDRESS_ROUTES[kind] = route


# ---- the support routes --------------------------------------------------------------------


def _review_department(address: str) -> Department:
    return (
        support.department_by_address(base_address(address))
        or support.department_by_slug("support")
        or support.active_departments().first()
    )


def _body_with_problems(mail: InboundMail, notes: list[str]) -> str:
    """The mail's text, cut to the longest message kept, with a line saying what was wrong
    with the mail or left out of it."""
    lines = [*mail.problems, *notes]
    note = ("\n\n[" + "; ".join(lines) + "]") if lines else ""
    longest = setting_value(conf.MESSAGE_MAX_CHARS) - 200
    body = mail.body
    if len(body) > longest:
        body = body[:longest]
        note = note or "\n\n[]"
        note = note[:-1] + ("; " if lines else "") + "the text was cut to fit]"
    return body + note


def _subject(mail: InboundMail) -> str:
    longest = setting_value(conf.SUBJECT_MAX_CHARS)
    subject = " ".join(mail.subject.split())
    return subject if len(subject) <= longest else subject[: longest - 1] + "…"


def _checked_files(mail: InboundMail) -> tuple[list, list[str]]:
    """The attachments that pass the limits, and a note for each one refused (the mail's
    text is never lost for an attachment)."""
    kept, notes = [], []
    most = setting_value(conf.ATTACHMENTS_PER_MESSAGE)
    for upload in mail.attachments:
        if len(kept) >= most:
            notes.append(f"attachment {upload.file_name} not kept: more than {most} files")
            continue
        try:
            actions.attachments_check([upload])
        except DomainError as error:
            notes.append(f"attachment not kept: {error.message}")
            continue
        kept.append(upload)
    return kept, notes


def _to_review(mail: InboundMail, address: str, reason: str = "") -> MailOutcome:
    files, notes = _checked_files(mail)
    if reason:
        notes.append(reason)
    ticket = actions.ticket_open_for_review(
        department=_review_department(address),
        sender_address=mail.sender,
        subject=_subject(mail),
        body=_body_with_problems(mail, notes),
        files=files,
        mail_key=mail.mail_key,
    )
    return MailOutcome(Outcome.REVIEW_TICKET_OPENED, reason, ticket.number_display)


def is_ticket_reply_address(address: str) -> bool:
    tag = reply_tag_of(address)
    return tag is not None and support.department_by_address(base_address(address)) is not None


def ticket_reply_received(mail: InboundMail, address: str) -> MailOutcome:
    """A mail to a signed reply address: into the ticket's thread, or to review."""
    tag = reply_tag_of(address)
    if tag is None or not tag.signed:
        return _to_review(mail, address, "the reply address is not signed correctly")
    ticket = support.ticket_by_key(tag.ticket_key)
    if ticket is None or ticket.client is None:
        return _to_review(mail, address, "the reply address names no ticket of a client")
    author = support.mail_author_for_client(ticket.client, mail.sender)
    if author is None:
        return _to_review(
            mail, address, f"the sender may not write in ticket {ticket.number_display}"
        )
    files, notes = _checked_files(mail)
    actions.ticket_client_reply(
        ticket=ticket,
        body=_body_with_problems(mail, notes),
        author=author.user,
        author_kind=author.author_kind,
        source=TicketSource.MAIL,
        files=files,
        mail_key=mail.mail_key,
    )
    return MailOutcome(Outcome.ADDED_TO_TICKET, "", ticket.number_display)


def is_department_address(address: str) -> bool:
    return reply_tag_of(address) is None and support.department_by_address(address) is not None


def department_mail_received(mail: InboundMail, address: str) -> MailOutcome:
    """A mail to a department: a new ticket of the client it comes from, or to review. A
    client's answer that names one of its tickets in ``In-Reply-To`` or ``References`` (a
    mail program that answered to the department instead of the reply address) joins that
    ticket's thread."""
    department = support.department_by_address(address)
    author = support.mail_author(mail.sender)
    if author is None:
        return _to_review(mail, address)
    files, notes = _checked_files(mail)
    answered = support.ticket_referenced(
        referenced_public_ids(
            str(mail.headers.get("In-Reply-To", "") or ""),
            str(mail.headers.get("References", "") or ""),
        )
    )
    if answered is not None and answered.client_id is not None:
        writer = support.mail_author_for_client(answered.client, mail.sender)
        if writer is not None:
            actions.ticket_client_reply(
                ticket=answered,
                body=_body_with_problems(mail, notes),
                author=writer.user,
                author_kind=writer.author_kind,
                source=TicketSource.MAIL,
                files=files,
                mail_key=mail.mail_key,
            )
            return MailOutcome(Outcome.ADDED_TO_TICKET, "", answered.number_display)
    ticket = actions.ticket_open(
        client=author.client,
        department=department,
        subject=_subject(mail),
        body=_body_with_problems(mail, notes),
        author=author.user,
        author_kind=author.author_kind,
        source=TicketSource.MAIL,
        files=files,
        mail_key=mail.mail_key,
    )
    return MailOutcome(Outcome.TICKET_OPENED, "", ticket.number_display)


# ---- the abuse desk's route ----------------------------------------------------------------


def is_abuse_address(address: str) -> bool:
    """The address of the "abuse" department: its mail goes to the abuse desk (ABU-01), not
    to tickets. A signed reply address of that department's tickets stays the tickets'."""
    if reply_tag_of(address) is not None:
        return False
    department = support.department_by_slug(ABUSE_DEPARTMENT)
    return (
        department is not None
        and bool(department.mail_address)
        and (base_address(address).lower() == department.mail_address.lower())
    )


def abuse_mail_received(mail: InboundMail, address: str) -> MailOutcome:
    """A report to the abuse address, ARF or written by a person: an abuse case (ABU-01)."""
    received = abuse_mail_receive(message=mail.headers)
    if not received.created:
        return MailOutcome(Outcome.DUPLICATE, f"abuse case {received.case.public_id}")
    detail = "ARF feedback report" if received.is_arf else "complaint"
    return MailOutcome(Outcome.ABUSE_CASE_OPENED, f"{detail} {received.case.public_id}")


register_route("ticket_reply", matches=is_ticket_reply_address, handle=ticket_reply_received)
register_route("department", matches=is_department_address, handle=department_mail_received)
register_route(
    "abuse",
    matches=is_abuse_address,
    handle=abuse_mail_received,
    first=True,
    robots_welcome=True,
)


# ---- receiving -----------------------------------------------------------------------------


def mail_too_large(size: int) -> bool:
    return size > setting_value(conf.MAIL_MAX_BYTES)


def mail_receive(
    raw: bytes, *, recipients: list[str] | None = None, envelope_sender: str | None = None
) -> MailOutcome:
    """Read one mail and route it (SUP-01); the outcome says what happened."""
    if mail_too_large(len(raw)):
        limit = setting_value(conf.MAIL_MAX_BYTES)
        return MailOutcome(Outcome.TOO_LARGE, f"larger than {limit:,} bytes; not read")
    mail = parse_mail(raw, recipients=recipients, envelope_sender=envelope_sender)
    routed = _route_of(mail)
    if routed is None:
        return MailOutcome(Outcome.NO_ROUTE, "no recipient is a support or abuse address")
    address, route = routed
    reason = automatic_reason(
        mail,
        own_addresses=own_addresses_of(support.department_addresses()),
        robots_welcome=route.robots_welcome,
    )
    if reason:
        return MailOutcome(Outcome.AUTOMATIC, reason)
    if support.mail_already_received(mail.mail_key):
        return MailOutcome(Outcome.DUPLICATE, "this mail was received before")
    outcome = route.handle(mail, address)
    logger.info("support mail: %s", outcome)
    return outcome


def _route_of(mail: InboundMail) -> tuple[str, AddressRoute] | None:
    """The first recipient a route claims, with that route."""
    for address in mail.recipients:
        for route in ADDRESS_ROUTES.values():
            if route.matches(address):
                return address, route
    return None


class _SupportMailHandler:
    """aiosmtpd handler: each mail is routed in a worker thread (the database is not used
    from the event loop) and answered 250 with its outcome; an unexpected error answers 451
    so the sender's server tries again later and nothing is lost."""

    async def handle_DATA(self, server, session, envelope):
        loop = asyncio.get_running_loop()
        try:
            outcome = await loop.run_in_executor(
                None,
                _receive_in_thread,
                envelope.original_content or envelope.content,
                list(envelope.rcpt_tos),
                envelope.mail_from,
            )
        except Exception:
            logger.exception("support mail could not be stored; the sender will retry")
            return "451 4.3.0 Could not store the message now; please try again later"
        if outcome.outcome == Outcome.TOO_LARGE:
            return "552 5.3.4 Message too big for the support desk"
        return f"250 2.0.0 OK {outcome.outcome}"


def _receive_in_thread(raw: bytes, recipients: list[str], envelope_sender: str) -> MailOutcome:
    close_old_connections()
    try:
        return mail_receive(raw, recipients=recipients, envelope_sender=envelope_sender or "")
    finally:
        close_old_connections()


class _Controller(Controller):
    def _trigger_server(self):
        # Bound to port 0: learn the port the system chose before connecting to it.
        if self.port == 0 and self.server is not None:
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class MailReceiver:
    """The built-in SMTP receiver of the support desk on ``host:port`` (port 0: a free one,
    read back from ``port`` after :meth:`start`)."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 2525):
        self.host = host
        self._controller = _Controller(
            _SupportMailHandler(),
            hostname=host,
            port=port,
            data_size_limit=setting_value(conf.MAIL_MAX_BYTES),
            decode_data=False,
        )

    @property
    def port(self) -> int:
        return self._controller.port

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()
