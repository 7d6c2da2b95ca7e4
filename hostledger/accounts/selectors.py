"""Ownership-checked reads of accounts data (habit 6): another client's object is a 404.

Client-facing code never loads a client object directly; it asks :func:`client_access` for
the access a user has to a client (as owner or as a trusted entity, ACC-06) and loads the
client's objects through the returned :class:`ClientAccess`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from hostledger.accounts import permissions as perms
from hostledger.accounts.models import (
    AccessGrant,
    ApiToken,
    Client,
    ClientSearchToken,
    Contact,
    LoginAttempt,
    Payer,
    StaffNote,
    StaffRole,
    User,
    VerificationRequest,
)
from hostledger.accounts.search import query_tokens
from hostledger.core.errors import DomainError, NotFound, PermissionDenied
from hostledger.core.fields import encrypted_field_paths

OWNER = "owner"
BILLING_SCOPE = AccessGrant.Scope.BILLING
SERVICES_SCOPE = AccessGrant.Scope.SERVICES
MESSAGES = "messages"
"""The client's inbox: not a scope of its own. The owner and read-only trusted users read it;
only the owner marks messages read (their unread state is the owner's cue, ACC-06)."""


@dataclass(frozen=True)
class ClientAccess:
    """What one user may do in one client's account.

    ``scopes`` is {"owner"} for the owner, else the scopes of the trusted-entity grant.
    Reads follow the scope too (ACC-06): a billing grant reads billing, a services grant
    reads services, a read-only grant reads the whole account; writes need the area's scope
    (billing for payers) and are never allowed to a read-only grant. Messages are read by
    the owner and read-only grants and marked read by the owner alone. Profile, contacts and
    access grants are the owner's alone. See docs/decisions/0014-grant-scopes.md.
    """

    client: Client
    user: User
    scopes: frozenset[str]

    @property
    def is_owner(self) -> bool:
        return OWNER in self.scopes

    def can_write(self, area: str) -> bool:
        if self.is_owner:
            return True
        return area in self.scopes and AccessGrant.Scope.READ_ONLY not in self.scopes

    def can_read(self, area: str) -> bool:
        if self.is_owner or AccessGrant.Scope.READ_ONLY in self.scopes:
            return True
        return area in self.scopes

    def require_read(self, area: str) -> None:
        if not self.can_read(area):
            raise PermissionDenied(_("Your access to this account does not cover this part of it."))

    def require_write(self, area: str) -> None:
        if not self.can_write(area):
            raise PermissionDenied(_("Your access to this account does not allow this change."))

    def require_owner(self) -> None:
        if not self.is_owner:
            raise PermissionDenied(_("Only the account owner can do this."))

    def payers(self, *, include_archived: bool = False) -> QuerySet[Payer]:
        queryset = Payer.objects.filter(client=self.client)
        return queryset if include_archived else queryset.filter(archived_at__isnull=True)

    def payer(self, public_id: str) -> Payer:
        payer = self.payers(include_archived=True).filter(public_id=public_id).first()
        if payer is None:
            raise NotFound("payer")
        return payer

    def contacts(self) -> QuerySet[Contact]:
        return Contact.objects.filter(client=self.client, archived_at__isnull=True)

    def contact(self, public_id: str) -> Contact:
        contact = Contact.objects.filter(client=self.client, public_id=public_id).first()
        if contact is None:
            raise NotFound("contact")
        return contact

    def grants(self) -> QuerySet[AccessGrant]:
        self.require_owner()
        return AccessGrant.objects.filter(client=self.client).select_related("grantee")

    def grant(self, public_id: str) -> AccessGrant:
        if not self.is_owner:
            raise NotFound("access grant")
        grant = self.grants().filter(public_id=public_id).first()
        if grant is None:
            raise NotFound("access grant")
        return grant


def accessible_clients(user: User) -> list[tuple[Client, frozenset[str]]]:
    """The accounts a user may act in: their own, then those granted to them (ACC-06)."""
    if not user.is_authenticated:
        return []
    result: list[tuple[Client, frozenset[str]]] = []
    own = Client.objects.filter(owner=user).first()
    if own is not None:
        result.append((own, frozenset({OWNER})))
    grants = AccessGrant.objects.filter(
        grantee=user, revoked_at__isnull=True, client__owner__is_active=True
    ).select_related("client")
    result.extend((grant.client, frozenset(grant.scopes)) for grant in grants)
    return result


def client_access(
    user: User, client_public_id: str | None = None, *, reads: str | None = None
) -> ClientAccess:
    """The user's access to the named client (default: their own); NotFound otherwise. With
    ``reads``, PermissionDenied unless the access covers reading that area (ACC-06)."""
    if not user.is_authenticated or not user.is_active:
        raise NotFound("client")
    for client, scopes in accessible_clients(user):
        if client_public_id is None or client.public_id == client_public_id:
            access = ClientAccess(client=client, user=user, scopes=scopes)
            if reads is not None:
                access.require_read(reads)
            return access
    raise NotFound("client")


def login_history(user: User, *, limit: int | None = 50):
    """The user's own sign-in attempts, newest first (ACC-08); all of them when limit is None."""
    attempts = user.login_attempts.order_by("-occurred_at", "-id")
    return attempts if limit is None else attempts[:limit]


def contact_history(contact: Contact) -> QuerySet:
    """Every recorded version of a contact, newest first (ACC-05). The contact must come from
    ``ClientAccess.contact``, which applies the ownership check."""
    return contact.history.select_related("history_user").order_by("-history_date", "-history_id")


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def api_token_of(user: User, public_id: str) -> ApiToken:
    token = api_tokens_of(user).filter(public_id=public_id).first()
    if token is None:
        raise NotFound("token")
    return token


# ----------------------------------------------------------------------------- staff


def require_staff_permission(user: User, code: str) -> None:
    if not perms.has_permission(user, code):
        raise PermissionDenied(_("Your staff roles do not include this permission."))


def staff_client_search(
    query: str,
    *,
    also: Iterable[QuerySet] = (),
    limit: int | None = 50,
    with_personal_data: bool = True,
) -> list[Client]:
    """Clients matching ``query``, newest first, at most ``limit``; the newest clients when
    the query is empty (issue 11 §8).

    A client matches by its public id, any word of its name or company (each searched word a
    prefix of three letters or more of one of its words), the owner's e-mail address or a
    phone number: the words stay encrypted, the search looks up their keyed hashes in
    :class:`ClientSearchToken` (see :mod:`hostledger.accounts.search`). ``also`` are look-ups
    of other apps, each a query of one column of client ids (an invoice, order or service
    number). Three statements whatever the query: the token look-up, one UNION of the exact
    look-ups (each an index look-up), and the clients by primary key; no statement ORs
    across a join. Without ``with_personal_data`` the clients' encrypted fields are not read
    (a list of public ids, kinds and countries need not decrypt fifty names).
    """
    newest = Client.objects.select_related("owner").order_by("-created_at", "-id")
    if not with_personal_data:
        newest = newest.defer(*encrypted_field_paths(Client), *encrypted_field_paths(User, "owner"))
    query = (query or "").strip()
    if not query:
        return list(newest[:limit])  # a slice to None is every row
    found = set(_clients_by_tokens(query_tokens(query), limit=limit))
    exact = [Client.objects.filter(public_id=query).values_list("pk"), *also]
    if "@" in query:
        # The sign-in address is kept by the authentication library as written; an address
        # changed there since the tokens were made is still found.
        owners = User.objects.filter(email=query.lower()).values("pk")
        exact.append(Client.objects.filter(owner_id__in=owners).values_list("pk"))
    exact = [lookup.order_by() for lookup in exact]  # a UNION's parts carry no ordering
    found.update(pk for (pk,) in exact[0].union(*exact[1:]))
    if not found:
        return []
    return list(newest.filter(pk__in=sorted(found))[:limit])


def _clients_by_tokens(tokens: list[str], *, limit: int | None) -> list[int]:
    """The newest ``limit`` clients having every one of ``tokens`` (client ids grow with
    time, so the newest are the highest): one ordered index-only range of the (token,
    client) index per token, INTERSECTed when there are several."""
    if not tokens:
        return []
    ranges = [
        ClientSearchToken.objects.filter(token=token).values_list("client_id", flat=True).order_by()
        for token in sorted(set(tokens))
    ]
    matches = ranges[0].intersection(*ranges[1:]) if len(ranges) > 1 else ranges[0]
    return list(matches.order_by("-client_id")[:limit])


def staff_client(public_id: str) -> Client:
    client = Client.objects.select_related("owner").filter(public_id=public_id).first()
    if client is None:
        raise NotFound("client")
    return client


def staff_members() -> QuerySet[User]:
    return User.objects.filter(is_staff=True).prefetch_related("staff_roles").order_by("email")


def staff_member(public_id: str) -> User:
    user = staff_members().filter(public_id=public_id).first()
    if user is None:
        raise NotFound("staff user")
    return user


def staff_roles() -> QuerySet[StaffRole]:
    """The staff roles and the permission codes each grants (ACC-11), by slug."""
    return StaffRole.objects.order_by("slug")


def staff_role(slug: str) -> StaffRole:
    role = StaffRole.objects.filter(slug=slug).first()
    if role is None:
        raise NotFound("staff role")
    return role


def staff_roles_with_member_counts() -> list[StaffRole]:
    """The staff roles by name, each with ``member_count`` (ACC-11)."""
    from django.db.models import Count

    return list(
        StaffRole.objects.annotate(member_count=Count("members", distinct=True)).order_by("name")
    )


def staff_role_members(role: StaffRole) -> list[User]:
    return list(User.objects.filter(staff_roles=role).order_by("email"))


def users_with_authenticator_app(users) -> set[int]:
    """Ids of the given users who have an authenticator app (ACC-09), in one query."""
    from allauth.mfa.models import Authenticator

    return set(
        Authenticator.objects.filter(
            user__in=[user.pk for user in users], type=Authenticator.Type.TOTP
        ).values_list("user_id", flat=True)
    )


def staff_client_personal_data(client: Client, *, sign_ins: int) -> dict:
    """Everything personal the staff client page shows, in a fixed number of queries.

    The caller records the read in the audit trail (GDPR-12).
    """
    return {
        "payers": list(client.payers.order_by("archived_at", "created_at", "id")),
        "contacts": list(client.contacts.order_by("archived_at", "role", "created_at", "id")),
        "grants": list(
            AccessGrant.objects.filter(client=client)
            .select_related("grantee")
            .order_by("revoked_at", "-created_at")
        ),
        "sign_ins": list(
            LoginAttempt.objects.filter(user_id=client.owner_id).order_by("-occurred_at", "-id")[
                :sign_ins
            ]
        ),
    }


# ----------------------------------------------------------------------------- verification


def verification_restricting(on: date) -> Q:
    """The verification requests that restrict their client on day ``on`` (ACC-10).

    Awaiting an answer after the last day to answer; or answered only after that day, until
    the day the restriction lifts (``lift_due_on``) unless staff accepted the answer sooner.
    Read from the dates, so a restriction holds from the first day after the deadline
    whether or not the deadline step has run yet.
    """
    State = VerificationRequest.State
    overdue = Q(state__in=VerificationRequest.AWAITING_ANSWER, answer_due_on__lt=on)
    answered_late = Q(state=State.ANSWERED, answered_on__gt=F("answer_due_on"), lift_due_on__gt=on)
    return overdue | answered_late


def client_is_restricted(client: Client, *, on: date) -> bool:
    """Whether an overdue data verification request restricts ``client`` on day ``on``: no
    new orders, no upgrades or extensions, and staff may suspend services (ACC-10)."""
    return (
        VerificationRequest.objects.filter(client=client)
        .filter(verification_restricting(on))
        .exists()
    )


def restricted_clients_sql(on: date) -> tuple[str, list]:
    """SQL selecting the ids of the clients restricted on day ``on`` (ACC-10) and its
    parameters, for set-based statements (``client_id NOT IN (…)``): the same rule as
    :func:`verification_restricting`."""
    restricting = VerificationRequest.objects.filter(verification_restricting(on))
    query, params = restricting.order_by().values("client_id").query.sql_with_params()
    return query, [param.value if isinstance(param, Enum) else param for param in params]


def check_client_not_restricted(client: Client, *, on: date, field: str = "client") -> None:
    """Refuse, with DomainError ``verification_pending`` naming ``field``, an order, upgrade
    or extension of a client an overdue verification request restricts (ACC-10)."""
    if client_is_restricted(client, on=on):
        raise DomainError(
            "verification_pending",
            _(
                "%(field)s: the account has an unanswered data verification request; "
                "ordering, upgrading and extending services are blocked until it is "
                "answered."
            )
            % {"field": field},
            fields={field: "answer the data verification request in the client area first"},
        )


def client_verification_requests(client: Client) -> QuerySet[VerificationRequest]:
    """The client's verification requests, newest first (ACC-10)."""
    return VerificationRequest.objects.filter(client=client).order_by("-opened_at", "-id")


def client_verification_requests_awaiting_answer(
    client: Client,
) -> QuerySet[VerificationRequest]:
    """The client's requests still owing an answer, the earliest deadline first."""
    return VerificationRequest.objects.filter(
        client=client, state__in=VerificationRequest.AWAITING_ANSWER
    ).order_by("answer_due_on", "id")


def client_verification_request(client: Client, public_id: str) -> VerificationRequest:
    """One of ``client``'s verification requests; another client's is NotFound (habit 6)."""
    found = client_verification_requests(client).filter(public_id=public_id).first()
    if found is None:
        raise NotFound("verification request")
    return found


def staff_verification_request(public_id: str) -> VerificationRequest:
    found = VerificationRequest.objects.select_related("client").filter(public_id=public_id).first()
    if found is None:
        raise NotFound("verification request")
    return found


def verification_requests_overdue(*, on: date, limit: int = 5) -> tuple[int, list]:
    """How many verification requests are past their deadline without an answer on day
    ``on``, and the ``limit`` most overdue with their client (ACC-10), for the staff
    overview."""
    overdue = VerificationRequest.objects.filter(
        state__in=VerificationRequest.AWAITING_ANSWER, answer_due_on__lt=on
    )
    rows = list(overdue.select_related("client").order_by("answer_due_on", "id")[:limit])
    return overdue.count(), rows


def staff_notes_of(client: Client, *, limit: int = 50) -> list[StaffNote]:
    """Staff notes on ``client``'s account, newest first, with their authors."""
    return list(
        StaffNote.objects.filter(client_id=client.pk)
        .select_related("author")
        .order_by("-created_at", "-id")[:limit]
    )


def owner_sign_ins(client: Client, *, limit: int) -> list[LoginAttempt]:
    """The latest ``limit`` sign-in attempts of the client's owner, staff views of the
    account included, newest first (ACC-08)."""
    return list(
        LoginAttempt.objects.filter(user_id=client.owner_id).order_by("-occurred_at", "-id")[:limit]
    )
