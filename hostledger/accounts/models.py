"""Users, clients, payers, contacts, trusted access, staff roles, login log, API tokens (ACC)."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hostledger.core.fields import BlindIndexField, EncryptedTextField
from hostledger.core.ids import new_public_id


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("email: an email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: a client's owner, a trusted user of a client, or staff.

    The email is the login identifier (allauth keeps its verified copy in EmailAddress).
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "usr"), editable=False
    )
    email = models.EmailField(unique=True)
    full_name = EncryptedTextField(blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    preferred_language = models.CharField(max_length=8, default="en")
    staff_roles = models.ManyToManyField("accounts.StaffRole", blank=True, related_name="members")
    extra_permissions = models.JSONField(default=list, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return self.email


class StaffRole(models.Model):
    """A staff role (support, billing, abuse, privacy officer, administrator) with the explicit
    permission codes it grants (ACC-11). Codes are listed in ``accounts.permissions``."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    permissions = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return self.name


class Client(models.Model):
    """A customer account: a natural or a legal person (ACC-01) owned by one user."""

    class Kind(models.TextChoices):
        NATURAL = "natural", _("Natural person")
        LEGAL = "legal", _("Legal person")

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "cli"), editable=False
    )
    owner = models.OneToOneField(User, on_delete=models.PROTECT, related_name="client")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    first_name = EncryptedTextField(blank=True)
    last_name = EncryptedTextField(blank=True)
    company_name = EncryptedTextField(blank=True)
    registry_code = EncryptedTextField(blank=True)
    vat_number = EncryptedTextField(blank=True)
    street = EncryptedTextField(blank=True)
    city = EncryptedTextField(blank=True)
    postal_code = EncryptedTextField(blank=True)
    country = models.CharField(max_length=2)
    phone = EncryptedTextField(blank=True)
    phone_index = BlindIndexField(source="phone", purpose="phone")
    age_declared_at = models.DateTimeField(null=True, blank=True)
    phone_confirmed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the client proved it receives SMS at ``phone`` (CAT-04); cleared "
        "when the phone number changes.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        indexes = [
            # The staff client list, newest first, reads this index in order (issue 11 §8).
            models.Index(fields=["-created_at", "-id"], name="accounts_client_newest_idx"),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def display_name(self) -> str:
        if self.kind == self.Kind.LEGAL:
            return self.company_name
        return f"{self.first_name} {self.last_name}".strip()


class Payer(models.Model):
    """A billing identity of a client, printed on invoices (ACC-04)."""

    class Kind(models.TextChoices):
        NATURAL = "natural", _("Natural person")
        LEGAL = "legal", _("Legal person")

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "pay"), editable=False
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="payers")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = EncryptedTextField()
    registry_code = EncryptedTextField(blank=True)
    vat_number = EncryptedTextField(blank=True)
    vat_number_format_valid = models.BooleanField(default=False)
    street = EncryptedTextField()
    city = EncryptedTextField()
    postal_code = EncryptedTextField(blank=True)
    country = models.CharField(max_length=2)
    invoice_email = EncryptedTextField(blank=True)
    buyer_reference = EncryptedTextField(
        blank=True,
        help_text=(
            "The buyer's own reference for its invoices (EN 16931 BT-10), e.g. a cost centre "
            "or a purchase contact; printed on invoices and sent in e-invoices."
        ),
    )
    is_default = models.BooleanField(default=False)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.public_id


class Contact(models.Model):
    """A contact person of a client: technical, billing or abuse (ACC-05); history kept."""

    class Role(models.TextChoices):
        TECHNICAL = "technical", _("Technical")
        BILLING = "billing", _("Billing")
        ABUSE = "abuse", _("Abuse")

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "con"), editable=False
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="contacts")
    role = models.CharField(max_length=12, choices=Role.choices)
    name = EncryptedTextField()
    email = EncryptedTextField()
    phone = EncryptedTextField(blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "created_at", "id"]

    def __str__(self) -> str:
        return self.public_id


class AccessGrant(models.Model):
    """Access of a trusted user to a client's account with scoped permissions (ACC-06)."""

    class Scope(models.TextChoices):
        BILLING = "billing", _("Billing")
        SERVICES = "services", _("Services")
        TICKETS = "tickets", _("Tickets")
        READ_ONLY = "read_only", _("Read only")

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "grt"), editable=False
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="access_grants")
    grantee = models.ForeignKey(User, on_delete=models.PROTECT, related_name="access_grants")
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "grantee"],
                condition=models.Q(revoked_at__isnull=True),
                name="accounts_one_active_grant_per_grantee",
            )
        ]

    def __str__(self) -> str:
        return self.public_id


class LoginAttempt(models.Model):
    """Every sign-in attempt, successful or not, with time, identifier and IP (ACC-08)."""

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    identifier = EncryptedTextField()
    identifier_index = BlindIndexField(source="identifier", purpose="login-identifier")
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="login_attempts"
    )
    ip_address = EncryptedTextField(null=True, blank=True)
    succeeded = models.BooleanField()
    reason = models.CharField(max_length=40, blank=True)
    method = models.CharField(max_length=20, default="password")

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        outcome = "succeeded" if self.succeeded else f"failed ({self.reason})"
        return f"sign-in {outcome} at {self.occurred_at:%Y-%m-%d %H:%M:%S}"


class LoginLockout(models.Model):
    """Consecutive failures of one identifier and the time it is locked until (ACC-08)."""

    identifier_index = models.CharField(max_length=64, unique=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    lockouts = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"lockout {self.identifier_index[:8]}… until {self.locked_until}"


class PhoneConfirmation(models.Model):
    """A code sent by SMS to the client's phone number, to prove the client receives it
    (CAT-04). Only a keyed hash of the code is kept; it expires, allows a few wrong tries and
    is void once the phone number changes (``phone_index`` is the number it was sent to)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="phone_confirmations")
    phone_index = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["client", "-sent_at"], name="accounts_phone_conf_idx"),
        ]

    def __str__(self) -> str:
        return f"phone confirmation of client {self.client_id} sent {self.sent_at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A personal API token: only its SHA-256 is stored; scoped, expiring, revocable."""

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "tok"), editable=False
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, db_index=True)
    secret_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class VerificationRequest(models.Model):
    """A question staff ask a client to confirm or complete their data (ACC-10, 003 §2.2.9).

    The request goes to the client by email and shows in the client area. Unanswered after
    ``accounts.verification_answer_days`` calendar days (``answer_due_on`` is the last day to
    answer), the client is restricted: no new orders, no upgrades or extensions, and staff
    may suspend services. The restriction lifts when staff accept the answer, or at the
    latest on ``lift_due_on`` (``accounts.verification_lift_working_days`` working days after
    the answer). Unanswered until ``terminable_on``, the contract may be terminated.

    Rejecting an answer asks again with a new deadline: ``round`` counts the askings and keys
    the messages of each one. ``restricted_at`` and ``restriction_lifted_at`` record when the
    deadline step applied and lifted the restriction of the current round.
    """

    class State(models.TextChoices):
        OPEN = "open", _("Awaiting the answer")
        ANSWERED = "answered", _("Answered, awaiting review")
        ACCEPTED = "accepted", _("Answer accepted")
        REJECTED = "rejected", _("Answer rejected, asked again")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    AWAITING_ANSWER = (State.OPEN, State.REJECTED)
    """States in which the client still owes an answer."""

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "vrq"), editable=False
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="verification_requests"
    )
    question = models.TextField()
    answer = EncryptedTextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    round = models.PositiveIntegerField(default=1)
    staff_note = models.TextField(blank=True)
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_on = models.DateField()
    answer_due_on = models.DateField()
    terminable_on = models.DateField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_on = models.DateField(null=True, blank=True)
    lift_due_on = models.DateField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    restricted_at = models.DateTimeField(null=True, blank=True)
    restriction_lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["state", "answer_due_on"], name="accounts_vrq_due_idx"),
            models.Index(fields=["client", "state"], name="accounts_vrq_client_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    state__in=["open", "answered", "accepted", "rejected", "withdrawn"]
                ),
                name="accounts_vrq_state_valid",
            )
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def awaits_answer(self) -> bool:
        return self.state in self.AWAITING_ANSWER


class ClientSearchToken(models.Model):
    """A keyed hash of one searchable word prefix, e-mail address or phone number of a client.

    Staff find a client by any word of its name or company (a prefix of three letters or
    more), the owner's e-mail address or a phone number, while those stay encrypted (GDPR-11):
    the searched text is hashed with the blind-index key and looked up here. Written only by
    :mod:`hostledger.accounts.actions.search`, rebuilt by ``hostledger rotate-keys --reindex``.
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "client"], name="accounts_search_token_unique")
        ]
        indexes = [models.Index(fields=["client"], name="accounts_search_token_cli_idx")]

    def __str__(self) -> str:
        return f"search token {self.token[:8]}…"


class StaffNote(models.Model):
    """A note staff keep on a client's account: what was agreed on the phone, a warning for
    the next colleague. Only staff read them; each note is in the audit trail."""

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "note"), editable=False
    )
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="staff_notes")
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    text = EncryptedTextField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["client", "-created_at"], name="accounts_staffnote_client_idx")
        ]

    def __str__(self) -> str:
        return self.public_id


class SignInSession(AbstractBaseSession):
    """A browser session, its data encrypted with the field keys (GDPR-11).

    allauth keeps a pending sign-in, the addresses being verified and the methods a person
    signed in with (their e-mail address among them) in the session; encrypted, the database
    shows none of it. ``user`` is the person the session belongs to, signed in or signing in,
    so that their sessions can be ended without decoding every session (GDPR-04). Written only
    by :mod:`hostledger.accounts.sessions` and :mod:`hostledger.accounts.actions.sessions`.
    """

    session_data = EncryptedTextField()
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    @classmethod
    def get_session_store_class(cls):
        # A cycle: the store names this model as its own.
        from hostledger.accounts.sessions import SessionStore

        return SessionStore
