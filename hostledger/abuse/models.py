"""Abuse cases: a complaint about a client's services, its evidence, the services it concerns,
its deadlines and every step taken on it (ABU-01 … ABU-03).

* :class:`AbuseCase` — one complaint (spam, prohibited content, resource overuse, a threat to
  the network, a third party's claim, an authority's order) with its status and deadlines;
* :class:`AbuseReporter` — who reported it (name, e-mail), a third party whose contact
  details are erased on request and after the retention period;
* :class:`AbuseEvidence` — the report text, the machine-readable part of an ARF report and
  files, each file addressed by the SHA-256 of its content;
* :class:`AbuseCaseService` — a service the case is about, found by IP address, host name or
  account, and whether the case suspended it;
* :class:`AbuseCaseEvent` — the timeline; each deadline that fires writes one event under a
  unique key, so a rerun of the deadline job does nothing (habit 2);
* :class:`AbuseIntakeAttempt` — the keyed hash of a public reporter's network address and the
  time, for the per-address limit of the public form.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hostledger.core.fields import BlindIndexField, EncryptedTextField
from hostledger.core.ids import new_public_id


class Category(models.TextChoices):
    """What the complaint is about (ABU-01; seed 003 annexes 2-7 and annex 10)."""

    SPAM = "spam", _("Spam")
    PROHIBITED_CONTENT = "prohibited_content", _("Prohibited content or software")
    RESOURCE_OVERUSE = "resource_overuse", _("Resource overuse")
    SECURITY_THREAT = "security_threat", _("Threat to the network (malware, attacks, spoofing)")
    THIRD_PARTY_CLAIM = "third_party_claim", _("Third-party claim (copyright, other rights)")
    AUTHORITY_ORDER = "authority_order", _("Authority order")


class CaseStatus(models.TextChoices):
    """Where a case stands. ``notified``: the client was told and the deadline runs;
    ``remedy_claimed``: the client says it is remedied and staff must check within the lift
    deadline; ``suspended``: the deadline passed and the services are suspended;
    ``resolved``: staff lifted the case (services resumed); ``dismissed``: no violation or
    no client of the provider."""

    NEW = "new", _("New")
    NOTIFIED = "notified", _("Client notified, deadline running")
    REMEDY_CLAIMED = "remedy_claimed", _("Client reports a remedy")
    SUSPENDED = "suspended", _("Services suspended")
    RESOLVED = "resolved", _("Resolved, lifted")
    DISMISSED = "dismissed", _("Dismissed")


OPEN_STATUSES = (
    CaseStatus.NEW,
    CaseStatus.NOTIFIED,
    CaseStatus.REMEDY_CLAIMED,
    CaseStatus.SUSPENDED,
)


class Source(models.TextChoices):
    FORM = "form", _("Public form")
    MAIL = "mail", _("Mail to the abuse address")
    STAFF = "staff", _("Entered by staff")


class AbuseReporter(models.Model):
    """The person or organisation who reported abuse. Their contact details are personal
    data of a third party: encrypted, erased on their request or ``abuse.reporter_
    retention_days`` after the last of their cases closed (ABU-01, GDPR-08)."""

    name = EncryptedTextField(blank=True)
    email = EncryptedTextField(blank=True)
    email_index = BlindIndexField(source="email", purpose="abuse-reporter-email")
    created_at = models.DateTimeField()
    erased_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"reporter {self.pk}"


class AbuseCase(models.Model):
    """One abuse complaint and where it stands (ABU-01).

    ``client`` is the client whose services it concerns (null until found). The deadlines:
    ``suspend_due_at`` — when the services are suspended unless remedied (ABU-02, ABU-03),
    set when the client is notified; ``terminate_due_at`` — when a termination is proposed
    to staff (003 §7.5), counted from ``opened_at``; ``lift_due_at`` — by when staff should
    lift after the client's proof of remedy (annex 10 §5).
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "abu"), editable=False
    )
    category = models.CharField(max_length=24, choices=Category.choices)
    status = models.CharField(max_length=16, choices=CaseStatus.choices, default=CaseStatus.NEW)
    source = models.CharField(max_length=8, choices=Source.choices)
    client = models.ForeignKey(
        "accounts.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="abuse_cases",
    )
    reporter = models.ForeignKey(
        AbuseReporter, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    subject = EncryptedTextField(blank=True, help_text="The report's subject line.")
    reported_ip = models.CharField(
        max_length=45, blank=True, help_text="The address the report is about (a server's)."
    )
    reported_domain = models.CharField(max_length=253, blank=True)
    message_id = models.CharField(
        max_length=250, blank=True, help_text="Message-ID of a mailed report, to drop repeats."
    )
    opened_at = models.DateTimeField()
    notified_at = models.DateTimeField(null=True, blank=True)
    suspend_due_at = models.DateTimeField(null=True, blank=True)
    terminate_due_at = models.DateTimeField(null=True, blank=True)
    remedy_claimed_at = models.DateTimeField(null=True, blank=True)
    lift_due_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    termination_decision = models.ForeignKey(
        "automation.AutomatedDecision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message_id"],
                condition=~models.Q(message_id=""),
                name="abuse_case_once_per_message",
            )
        ]
        indexes = [
            models.Index(fields=["status", "suspend_due_at"], name="abuse_case_due_idx"),
            models.Index(fields=["client", "status"], name="abuse_case_client_idx"),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class AbuseEvidence(models.Model):
    """One piece of evidence of a case: text (the report, a client's answer, a staff note)
    or a file. A file is stored base64-encoded in an encrypted column and addressed by the
    SHA-256 of its bytes; the same file twice in one case is stored once (ABU-01)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        FEEDBACK_REPORT = "feedback_report", _("ARF machine-readable report")
        FILE = "file", _("File")

    case = models.ForeignKey(AbuseCase, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = EncryptedTextField(blank=True)
    file_name = EncryptedTextField(blank=True)
    media_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    content = EncryptedTextField(blank=True, help_text="File bytes, base64.")
    truncated = models.BooleanField(default=False, help_text="Text cut at the length limit.")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "sha256"],
                condition=~models.Q(sha256=""),
                name="abuse_evidence_file_once_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.kind}:{self.pk}"


class AbuseCaseService(models.Model):
    """A service the case is about and how it was found (ABU-01); ``suspended_by_case``
    once the case's deadline suspended it, so lifting resumes exactly those (ABU-02)."""

    class MatchedBy(models.TextChoices):
        IP_ADDRESS = "ip_address", _("IP address")
        HOST_NAME = "host_name", _("Domain or host name")
        ACCOUNT = "account", _("Account or service id")
        STAFF = "staff", _("Linked by staff")

    case = models.ForeignKey(AbuseCase, on_delete=models.CASCADE, related_name="services")
    service = models.ForeignKey(
        "subscriptions.Service", on_delete=models.PROTECT, related_name="abuse_links"
    )
    matched_by = models.CharField(max_length=12, choices=MatchedBy.choices)
    suspended_by_case = models.BooleanField(default=False)
    linked_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "service"], name="abuse_case_service_once")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.service_id}"


class AbuseCaseEvent(models.Model):
    """One step in a case's timeline (ABU-01). ``key`` is unique: a deadline's event is
    keyed by the case and the deadline, so the deadline job acting twice writes once."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Report received")
        CLIENT_FOUND = "client_found", _("Client and services found")
        EVIDENCE_ADDED = "evidence_added", _("Evidence added")
        CLIENT_NOTIFIED = "client_notified", _("Client notified")
        CLIENT_ANSWERED = "client_answered", _("Client answered")
        REMEDY_CLAIMED = "remedy_claimed", _("Client reports the violation remedied")
        SUSPENDED = "suspended", _("Services suspended (deadline passed)")
        TERMINATION_PROPOSED = "termination_proposed", _("Termination proposed to staff")
        LIFTED = "lifted", _("Case lifted, services resumed")
        DISMISSED = "dismissed", _("Case dismissed")
        NOTE = "note", _("Staff note")

    case = models.ForeignKey(AbuseCase, on_delete=models.CASCADE, related_name="events")
    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    by_client = models.BooleanField(default=False)
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return self.key


class AbuseIntakeAttempt(models.Model):
    """One report sent through the public form: the keyed hash of the sender's network
    address (never the address itself) and when, for the per-address hourly limit (ABU-01).
    Rows older than a day are deleted by the deadline job."""

    address_hash = models.CharField(max_length=64, db_index=True)
    attempted_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["address_hash", "attempted_at"], name="abuse_intake_addr_idx")
        ]

    def __str__(self) -> str:
        return f"{self.address_hash[:8]} at {self.attempted_at}"
