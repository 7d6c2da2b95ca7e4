"""Reads of the support app shared by the web pages, the API and the mail flows (SUP-01).

Client-facing reads take the client's :class:`~hostledger.accounts.selectors.ClientAccess`:
another client's ticket is a 404 (habit 6), a grant without the tickets scope a 403
(ACC-06), and internal notes are never returned. Staff reads need ``tickets.answer``.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from hostledger.accounts import permissions as perms
from hostledger.accounts.models import AccessGrant, Client, User
from hostledger.accounts.selectors import require_staff_permission
from hostledger.core.errors import NotFound
from hostledger.core.fields import encrypted_field_paths
from hostledger.support.models import (
    Attachment,
    AuthorKind,
    CannedReply,
    Department,
    Ticket,
    TicketMessage,
    TicketSearchToken,
    TicketStatus,
)
from hostledger.support.search import query_tokens, ticket_number_of

TICKETS_AREA = "tickets"
SEARCH_RESULTS = 50


def staff_client_tickets(client: Client, *, limit: int) -> list[Ticket]:
    """The latest ``limit`` tickets of ``client``, newest first, for the staff activity
    timeline; the caller holds ``clients.view`` and decides whether subjects are shown."""
    return list(
        Ticket.objects.filter(client=client)
        .select_related(None)
        .order_by("-created_at", "-id")[:limit]
    )


"""Tickets a search shows, newest first, like a page of the queue."""


# ---- client side ---------------------------------------------------------------------------


def client_tickets(access) -> QuerySet[Ticket]:
    """The tickets of the account ``access`` acts in, latest activity first (SUP-01, ACC-06)."""
    access.require_read(TICKETS_AREA)
    return (
        Ticket.objects.filter(client=access.client, merged_into__isnull=True)
        .select_related("department")
        .order_by("-updated_at", "-id")
    )


def client_ticket(access, public_id: str) -> Ticket:
    """One ticket of the account; NotFound for another client's or an unknown id."""
    access.require_read(TICKETS_AREA)
    ticket = (
        Ticket.objects.filter(client=access.client, public_id=public_id)
        .select_related("department")
        .first()
    )
    if ticket is None:
        raise NotFound("ticket")
    return ticket


def _with_attachments(messages: QuerySet[TicketMessage]) -> QuerySet[TicketMessage]:
    return messages.select_related("author").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("created_at", "id"))
    )


def client_ticket_messages(ticket: Ticket) -> QuerySet[TicketMessage]:
    """The messages of a ticket a client may read: never internal notes (SUP-01)."""
    return _with_attachments(
        TicketMessage.objects.filter(ticket=ticket, is_internal_note=False).order_by(
            "created_at", "id"
        )
    )


def client_attachment(access, public_id: str) -> Attachment:
    """An attachment of a message the client may read; NotFound otherwise (another client's,
    or one on an internal note)."""
    access.require_read(TICKETS_AREA)
    attachment = (
        Attachment.objects.filter(
            public_id=public_id,
            message__ticket__client=access.client,
            message__is_internal_note=False,
        )
        .select_related("content", "message__ticket")
        .first()
    )
    if attachment is None:
        raise NotFound("attachment")
    return attachment


def active_departments() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).order_by("position", "name")


def department_by_slug(slug: str) -> Department | None:
    return Department.objects.filter(slug=slug, is_active=True).first()


# ---- staff side ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    department: str = ""
    status: str = ""
    assignee: str = ""  # a staff public id, "me", "none" or ""
    review: bool = False


def _listed(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Tickets as the staff lists show them: with department, assignee and client, without
    decrypting what the lists do not print (only the subject is shown; each value left out
    saves a decryption per row)."""
    return tickets.select_related("department", "assignee", "client").defer(
        "sender_address",
        "rating_comment",
        *encrypted_field_paths(Client, "client"),
        *encrypted_field_paths(User, "assignee"),
    )


def staff_tickets(user, filters: QueueFilters | None = None) -> QuerySet[Ticket]:
    """The staff queue (SUP-01): tickets not closed by default, oldest waiting first, each
    with its department's targets for the timers. Needs tickets.answer."""
    require_staff_permission(user, perms.TICKETS_ANSWER)
    filters = filters or QueueFilters()
    tickets = _listed(Ticket.objects.filter(merged_into__isnull=True))
    if filters.review:
        tickets = tickets.filter(needs_review=True).exclude(status=TicketStatus.CLOSED)
    elif filters.status:
        tickets = tickets.filter(status=filters.status)
    else:
        tickets = tickets.exclude(status=TicketStatus.CLOSED)
    if filters.department:
        tickets = tickets.filter(department__slug=filters.department)
    if filters.assignee == "me":
        tickets = tickets.filter(assignee=user)
    elif filters.assignee == "none":
        tickets = tickets.filter(assignee__isnull=True)
    elif filters.assignee:
        tickets = tickets.filter(assignee__public_id=filters.assignee)
    return tickets.order_by("created_at", "id")


def staff_ticket(user, public_id: str) -> Ticket:
    require_staff_permission(user, perms.TICKETS_ANSWER)
    ticket = (
        Ticket.objects.filter(public_id=public_id)
        .select_related("department", "assignee", "client", "client__owner", "merged_into")
        .first()
    )
    if ticket is None:
        raise NotFound("ticket")
    return ticket


def staff_ticket_by_number(user, number: str) -> Ticket:
    """A ticket named by its number ("T-000123") or public id, for merging."""
    require_staff_permission(user, perms.TICKETS_ANSWER)
    key = ticket_number_of(number)
    ticket = (
        Ticket.objects.filter(pk=key).first()
        if key is not None
        else Ticket.objects.filter(public_id=(number or "").strip()).first()
    )
    if ticket is None:
        raise NotFound("ticket")
    return ticket


def staff_ticket_messages(ticket: Ticket) -> QuerySet[TicketMessage]:
    """Every message of a ticket, internal notes included, oldest first."""
    return _with_attachments(TicketMessage.objects.filter(ticket=ticket)).order_by(
        "created_at", "id"
    )


def staff_attachment(user, public_id: str) -> Attachment:
    require_staff_permission(user, perms.TICKETS_ANSWER)
    attachment = (
        Attachment.objects.filter(public_id=public_id)
        .select_related("content", "message__ticket")
        .first()
    )
    if attachment is None:
        raise NotFound("attachment")
    return attachment


def attachment_bytes(attachment: Attachment) -> bytes:
    """The bytes of an attachment (empty once its client's data was erased)."""
    data = attachment.content.data or ""
    return base64.b64decode(data) if data else b""


@dataclass(frozen=True)
class DepartmentCounts:
    """A department's line of the queue summary: tickets waiting and those past a target."""

    department: Department
    waiting: int
    unanswered: int
    first_response_overdue: int
    resolution_overdue: int


def department_counts(user, *, now: datetime | None = None) -> list[DepartmentCounts]:
    """Per department, the tickets not closed, those without a first answer, and those past
    the first-response and resolution targets (SUP-01). One grouped query over the tickets
    not closed (a partial index holds them), whatever the number of departments."""
    require_staff_permission(user, perms.TICKETS_ANSWER)
    now = now or timezone.now()
    departments = list(Department.objects.order_by("position", "name"))
    first_overdue = Q()
    resolution_overdue = Q()
    for department in departments:
        first_overdue |= Q(
            department=department,
            created_at__lt=now - timezone.timedelta(hours=department.first_response_hours),
        )
        resolution_overdue |= Q(
            department=department,
            created_at__lt=now - timezone.timedelta(hours=department.resolution_hours),
        )
    rows = {
        row["department"]: row
        for row in Ticket.objects.filter(merged_into__isnull=True)
        .exclude(status=TicketStatus.CLOSED)
        .values("department")
        .annotate(
            waiting=Count("id"),
            unanswered=Count("id", filter=Q(first_response_at__isnull=True)),
            first_overdue=Count("id", filter=Q(first_response_at__isnull=True) & first_overdue),
            resolution_overdue=Count("id", filter=resolution_overdue),
        )
        .order_by()
    }
    empty = {"waiting": 0, "unanswered": 0, "first_overdue": 0, "resolution_overdue": 0}
    counts = []
    for department in departments:
        row = rows.get(department.pk, empty)
        counts.append(
            DepartmentCounts(
                department=department,
                waiting=row["waiting"],
                unanswered=row["unanswered"],
                first_response_overdue=row["first_overdue"],
                resolution_overdue=row["resolution_overdue"],
            )
        )
    return counts


def review_queue_count(user) -> int:
    require_staff_permission(user, perms.TICKETS_ANSWER)
    return Ticket.objects.filter(needs_review=True).exclude(status=TicketStatus.CLOSED).count()


@dataclass(frozen=True)
class Timer:
    """A target of a ticket: when it is due, whether it was met, and how far off it is."""

    due_at: datetime
    done_at: datetime | None
    overdue: bool
    seconds_left: int


def ticket_timers(ticket: Ticket, *, now: datetime | None = None) -> dict[str, Timer]:
    """The first-response and resolution timers of ``ticket`` (SUP-01)."""
    now = now or timezone.now()
    timers = {}
    for name, due_at, done_at in (
        ("first_response", ticket.first_response_due_at(), ticket.first_response_at),
        ("resolution", ticket.resolution_due_at(), ticket.resolved_at),
    ):
        moment = done_at or now
        timers[name] = Timer(
            due_at=due_at,
            done_at=done_at,
            overdue=moment > due_at,
            seconds_left=int((due_at - moment).total_seconds()),
        )
    return timers


def ticket_search(user, query: str, *, limit: int = SEARCH_RESULTS) -> list[Ticket]:
    """Tickets matching ``query`` (SUP-01): a ticket number, a sender's address, or every
    word (a prefix of three letters or more) of the subject or messages. Newest first."""
    require_staff_permission(user, perms.TICKETS_ANSWER)
    query = (query or "").strip()
    if not query:
        return []
    key = ticket_number_of(query)
    if key is not None:
        return list(_listed(Ticket.objects.filter(pk=key)))
    tokens = sorted(set(query_tokens(query)))
    if not tokens:
        return []
    ids = list(
        TicketSearchToken.objects.filter(token__in=tokens)
        .values("ticket_id")
        .annotate(found=Count("token", distinct=True))
        .filter(found=len(tokens))
        .order_by("-ticket_id")
        .values_list("ticket_id", flat=True)[:limit]
    )
    return list(_listed(Ticket.objects.filter(pk__in=ids)).order_by("-id"))


def canned_replies(*, include_retired: bool = False) -> QuerySet[CannedReply]:
    replies = CannedReply.objects.select_related("department")
    return replies if include_retired else replies.filter(is_active=True)


def canned_reply(public_id: str) -> CannedReply:
    reply = CannedReply.objects.filter(public_id=public_id).first()
    if reply is None:
        raise NotFound("canned reply")
    return reply


def all_departments() -> QuerySet[Department]:
    return Department.objects.order_by("position", "name")


def staff_member(public_id: str) -> User | None:
    """The active staff member with ``public_id`` (None for an empty id); NotFound when there
    is none."""
    if not public_id:
        return None
    user = User.objects.filter(public_id=public_id, is_staff=True, is_active=True).first()
    if user is None:
        raise NotFound("staff member")
    return user


def department(slug: str) -> Department:
    found = Department.objects.filter(slug=slug).first()
    if found is None:
        raise NotFound("department")
    return found


def ticket_answerers() -> list[User]:
    """Active staff who may be assigned tickets (holders of tickets.answer)."""
    candidates = User.objects.filter(is_staff=True, is_active=True).order_by("email")
    return [user for user in candidates if perms.has_permission(user, perms.TICKETS_ANSWER)]


# ---- mail ----------------------------------------------------------------------------------


def department_by_address(address: str) -> Department | None:
    """The active department whose mail address is ``address`` (without a ``+tag``)."""
    address = (address or "").strip().lower()
    if not address:
        return None
    return Department.objects.filter(mail_address=address, is_active=True).first()


def department_addresses() -> set[str]:
    """Every department's address: mail from them is our own (no loops)."""
    return {
        address.lower()
        for address in Department.objects.exclude(mail_address="").values_list(
            "mail_address", flat=True
        )
    }


def ticket_by_key(key: int) -> Ticket | None:
    """The ticket with key ``key``, following merges to the ticket its messages went to."""
    ticket = Ticket.objects.filter(pk=key).select_related("department").first()
    seen = set()
    while ticket is not None and ticket.merged_into_id and ticket.pk not in seen:
        seen.add(ticket.pk)
        ticket = (
            Ticket.objects.filter(pk=ticket.merged_into_id).select_related("department").first()
        )
    return ticket


def ticket_referenced(public_ids: list[str]) -> Ticket | None:
    """The first ticket that these ticket or staff-answer public ids name (the ids of the
    Message-IDs a client's mail answers), following merges."""
    for public_id in public_ids:
        if public_id.startswith("tms_"):
            key = (
                TicketMessage.objects.filter(public_id=public_id)
                .values_list("ticket_id", flat=True)
                .first()
            )
        else:
            key = Ticket.objects.filter(public_id=public_id).values_list("pk", flat=True).first()
        if key is not None:
            return ticket_by_key(key)
    return None


def mail_already_received(mail_key: str) -> bool:
    return bool(mail_key) and TicketMessage.objects.filter(mail_key=mail_key).exists()


@dataclass(frozen=True)
class MailAuthor:
    """Who a mail comes from, for a client's ticket: the user and how they write."""

    client: object
    user: User
    author_kind: str


def _user_by_login_address(address: str) -> User | None:
    address = (address or "").strip()
    if not address:
        return None
    return User.objects.filter(email__iexact=address, is_active=True).first()


def mail_author_for_client(client, address: str) -> MailAuthor | None:
    """``address``'s user when it may write tickets of ``client``: the owner's login
    address, or a trusted user whose grant covers tickets and is not read-only (ACC-06)."""
    user = _user_by_login_address(address)
    if user is None or client is None:
        return None
    if client.owner_id == user.pk:
        return MailAuthor(client=client, user=user, author_kind=AuthorKind.CLIENT)
    grants = AccessGrant.objects.filter(client=client, grantee=user, revoked_at__isnull=True)
    for grant in grants:
        scopes = set(grant.scopes or [])
        if TICKETS_AREA in scopes and AccessGrant.Scope.READ_ONLY not in scopes:
            return MailAuthor(client=client, user=user, author_kind=AuthorKind.TRUSTED_USER)
    return None


def mail_author(address: str) -> MailAuthor | None:
    """The client a mail from ``address`` opens a ticket for: the account the address signs
    in to as owner. A trusted user (who may act in several accounts) writes in the client
    area, where the account is chosen."""
    user = _user_by_login_address(address)
    if user is None:
        return None
    client = Client.objects.filter(owner=user).first()
    if client is None:
        return None
    return MailAuthor(client=client, user=user, author_kind=AuthorKind.CLIENT)
