"""Policy documents and their acceptances (ACC-02, GDPR-10); cookie consents, processors and
the record of processing activities (GDPR-13, GDPR-09); data-subject requests (GDPR-07),
objections and marketing consents (GDPR-06); restrictions of processing (GDPR-05), erasure
reports and holds (GDPR-04), legal holds and retention runs (GDPR-08); exports of personal
data (GDPR-02)."""

from __future__ import annotations

from datetime import date
from functools import partial

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hostledger.core.fields import EncryptedTextField
from hostledger.core.ids import new_public_id
from hostledger.notifications.models import Channel, ConsentState


class PolicyDocument(models.Model):
    """One version of the terms of service or the privacy policy; published ones never change."""

    class Kind(models.TextChoices):
        TERMS = "terms", _("Terms of service")
        PRIVACY = "privacy", _("Privacy policy")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    version = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    body = models.TextField()
    published_at = models.DateTimeField(null=True, blank=True)
    requires_reacceptance = models.BooleanField(default=False)

    class Meta:
        ordering = ["kind", "-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="privacy_policy_version")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.version}"


class PolicyAcceptance(models.Model):
    """A person's acceptance of a policy version, with time and IP (ACC-02)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="policy_acceptances"
    )
    document = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField()
    ip_address = EncryptedTextField(null=True, blank=True)

    class Meta:
        ordering = ["-accepted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "document"], name="privacy_accept_once")
        ]

    def __str__(self) -> str:
        return f"{self.document} accepted at {self.accepted_at:%Y-%m-%d %H:%M}"


# ----------------------------------------------------------------------------- cookie consent


class CookieConsent(models.Model):
    """A signed-in person's choice of cookie categories (GDPR-13, GDPR-06), append-only: the
    latest row is in force, earlier rows are the record of when consent was given or
    withdrawn. Anonymous visitors' choices live only in their browser's consent cookie."""

    class Source(models.TextChoices):
        BANNER = "banner", _("Cookie banner")
        SETTINGS = "settings", _("Cookie settings page")
        SIGN_IN = "sign_in", _("Choice made before signing in")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cookie_consents"
    )
    categories = models.JSONField(default=list)
    policy_version = models.CharField(max_length=20)
    source = models.CharField(max_length=10, choices=Source.choices)
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["user", "-decided_at"], name="privacy_cookie_latest")]

    def __str__(self) -> str:
        return f"{self.user_id}: {', '.join(self.categories) or 'necessary only'}"


# ----------------------------------------------------------------------------- processors


class TransferSafeguard(models.TextChoices):
    """The safeguard of a transfer of personal data outside the EEA (GDPR art. 44-49)."""

    NONE = "", _("None needed (inside the EEA)")
    ADEQUACY = "adequacy", _("Adequacy decision (art. 45)")
    SCC = "scc", _("Standard contractual clauses (art. 46(2)(c))")
    BCR = "bcr", _("Binding corporate rules (art. 47)")
    DEROGATION = "derogation", _("Derogation for a specific situation (art. 49)")


class Processor(models.Model):
    """A processor or other recipient of personal data that works for the provider (GDPR-09,
    000 §business partners): who it is, what it does, where, under which safeguard and since
    which data processing agreement."""

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "prc"), editable=False
    )
    name = models.CharField(max_length=200)
    function = models.CharField(max_length=200)
    country = models.CharField(max_length=2)
    transfer_safeguard = models.CharField(
        max_length=12, choices=TransferSafeguard.choices, blank=True, default=""
    )
    agreement_signed_on = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ProcessingActivity(models.Model):
    """What staff add to one purpose of processing in the art. 30 record (GDPR-09); the
    categories, legal bases, storage and retention of the purpose come from the personal-data
    declarations, so they are never typed twice and never out of date."""

    purpose = models.CharField(max_length=300, unique=True)
    controller_contact = models.CharField(max_length=300, blank=True)
    data_subjects = models.CharField(max_length=300, blank=True)
    recipients = models.TextField(blank=True)
    security_measures = models.TextField(blank=True)
    processors = models.ManyToManyField(Processor, blank=True, related_name="activities")
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["purpose"]

    def __str__(self) -> str:
        return self.purpose


class RestrictionReason(models.TextChoices):
    """Why processing of a client's data is restricted (GDPR-05)."""

    REQUESTED = "requested", _("Requested by the client")
    HELD_AFTER_ERASURE = "held_after_erasure", _("Data held by law after erasure")
    DISPUTE = "dispute", _("Accuracy or lawfulness disputed")


class ProcessingRestriction(models.Model):
    """A restriction of processing of one client's data (GDPR-05): while it is not lifted the
    client is left out of every bulk selection for marketing, announcements other than legal
    notices, exports to processors and statistics (``privacy.restriction``)."""

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "rst"), editable=False
    )
    client = models.ForeignKey(
        "accounts.Client", on_delete=models.PROTECT, related_name="processing_restrictions"
    )
    reason = models.CharField(max_length=20, choices=RestrictionReason.choices)
    note = models.TextField(blank=True)
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lift_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["client", "lifted_at"], name="privacy_restriction_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "reason"],
                condition=models.Q(lifted_at__isnull=True),
                name="privacy_one_open_restriction_per_reason",
            )
        ]

    def __str__(self) -> str:
        return self.public_id


class LegalHold(models.Model):
    """A legal hold on a client's data: while it is not lifted no retention rule erases any
    of the client's rows (GDPR-08), e.g. during a court case or an authority's inquiry."""

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "lgh"), editable=False
    )
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return self.public_id


class ErasureReport(models.Model):
    """What the erasure of one client did (GDPR-04): per asset, the rows deleted, the fields
    anonymised and what is held until when (``items``, a list of dicts), and the named steps
    of the erasure flow that ran. Kept as the answer to the client's request."""

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "ers"), editable=False
    )
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    executed_at = models.DateTimeField()
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contract_ended_on = models.DateField()
    items = models.JSONField(default=list)

    class Meta:
        ordering = ["-executed_at", "-id"]

    def __str__(self) -> str:
        return self.public_id


class ErasureHold(models.Model):
    """Rows of one asset of an erased client kept by law until ``held_until`` (GDPR-04); the
    retention schedule applies ``then`` (delete or anonymise) to them the day after, unless a
    legal hold stops it. ``year`` narrows the rows to one year of use (traffic data)."""

    report = models.ForeignKey(ErasureReport, on_delete=models.PROTECT, related_name="holds")
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    model_label = models.CharField(max_length=100)
    fields = models.JSONField(default=list)
    then = models.CharField(max_length=12)
    year = models.PositiveIntegerField(null=True, blank=True)
    held_until = models.DateField()
    released_at = models.DateTimeField(null=True, blank=True)
    released_rows = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["held_until", "id"]
        indexes = [models.Index(fields=["released_at", "held_until"], name="privacy_hold_due_idx")]

    def __str__(self) -> str:
        return f"{self.model_label} held until {self.held_until}"


class RetentionRun(models.Model):
    """One run of the retention schedule (GDPR-08) with how many rows each rule erased."""

    ran_at = models.DateTimeField()
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-ran_at", "-id"]

    def __str__(self) -> str:
        return f"retention run at {self.ran_at:%Y-%m-%d %H:%M}"


class DataSubjectRequest(models.Model):
    """One request of a data subject under GDPR art. 15-21, tracked to its answer (GDPR-07).

    The deadline is one calendar month from receipt (``privacy.request_response_months``);
    staff may extend it once or twice, by at most ``privacy.request_extension_max_months``
    months in all, telling the client why (art. 12(3)). Identity is verified before the
    request is handled: by a fresh re-authentication of the signed-in client (with the
    second factor when the client has one), or by staff who record how they verified it.
    """

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access to personal data")
        PORTABILITY = "portability", _("Data portability")
        RECTIFICATION = "rectification", _("Rectification")
        ERASURE = "erasure", _("Erasure")
        RESTRICTION = "restriction", _("Restriction of processing")
        OBJECTION = "objection", _("Objection to processing")

    class Channel(models.TextChoices):
        CLIENT_AREA = "client_area", _("Client area")
        API = "api", _("API")
        LETTER = "letter", _("Letter")
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        AWAITING_VERIFICATION = "awaiting_verification", _("Awaiting identity verification")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class VerificationMethod(models.TextChoices):
        SECOND_FACTOR = "second_factor_reauthentication", _("Re-authenticated with second factor")
        PASSWORD = "password_reauthentication", _("Re-authenticated with password")
        STAFF_RECORDED = "staff_recorded", _("Verified by staff")

    OPEN_STATUSES = (Status.AWAITING_VERIFICATION, Status.IN_PROGRESS)

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "dsr"), editable=False
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    client = models.ForeignKey(
        "accounts.Client", on_delete=models.PROTECT, related_name="data_subject_requests"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    status = models.CharField(max_length=30, choices=Status.choices)
    details = EncryptedTextField(blank=True)
    verification_method = models.CharField(
        max_length=40, choices=VerificationMethod.choices, blank=True
    )
    verification_note = EncryptedTextField(blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField()
    deadline_on = models.DateField()
    extended_until = models.DateField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    response = EncryptedTextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "deadline_on"], name="privacy_dsr_queue")]

    def __str__(self) -> str:
        return self.public_id

    @property
    def due_on(self) -> date:
        """The day by which the request must be answered: the deadline or its extension."""
        return self.extended_until or self.deadline_on

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class DataSubjectRequestReminder(models.Model):
    """A reminder sent to staff about one request at one threshold (due soon, overdue), kept
    so that each is sent once (GDPR-07, habit 2)."""

    class Threshold(models.TextChoices):
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")

    request = models.ForeignKey(
        DataSubjectRequest, on_delete=models.CASCADE, related_name="reminders"
    )
    threshold = models.CharField(max_length=10, choices=Threshold.choices)
    due_on = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["request", "threshold", "due_on"], name="privacy_dsr_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id}:{self.threshold}:{self.due_on}"


class Objection(models.Model):
    """A client's objection to a kind of processing (GDPR art. 21, GDPR-06), effective from
    ``objected_at``; an objection to marketing also withdraws every marketing consent."""

    class Processing(models.TextChoices):
        MARKETING = "marketing", _("Direct marketing")
        PROFILING = "profiling", _("Profiling and analytics")
        LEGITIMATE_INTEREST = "legitimate_interest", _("Processing on legitimate interest")

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "obj"), editable=False
    )
    client = models.ForeignKey(
        "accounts.Client", on_delete=models.PROTECT, related_name="objections"
    )
    processing = models.CharField(max_length=20, choices=Processing.choices)
    grounds = EncryptedTextField(blank=True)
    source = models.CharField(max_length=40)
    objected_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    request = models.ForeignKey(
        DataSubjectRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-objected_at", "-id"]

    def __str__(self) -> str:
        return f"{self.public_id}:{self.processing}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class MarketingConsent(models.Model):
    """A client's consent to marketing messages by one channel, as it stands (NTF-01,
    GDPR-06).

    Only ``confirmed`` counts. By email the consent is confirmed by a signed link sent to the
    address (double opt-in). ``wording_version`` is the version of the consent text the
    client agreed to; every change is kept in :class:`MarketingConsentChange`.
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "mkc"), editable=False
    )
    client = models.ForeignKey(
        "accounts.Client", on_delete=models.PROTECT, related_name="marketing_consents"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    state = models.CharField(max_length=10, choices=ConsentState.choices)
    source = models.CharField(max_length=40)
    wording_version = models.CharField(max_length=40)
    request_number = models.PositiveIntegerField(default=0)
    requested_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField()

    class Meta:
        db_table = "notifications_marketingconsent"  # kept from before the move (GDPR-06)
        constraints = [
            models.UniqueConstraint(fields=["client", "channel"], name="notifications_consent_once")
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def is_active(self) -> bool:
        return self.state == ConsentState.CONFIRMED


class MarketingConsentChange(models.Model):
    """One change of a marketing consent: the new state, when, from where, which wording
    (NTF-01). Append-only; it is the proof of consent."""

    consent = models.ForeignKey(MarketingConsent, on_delete=models.PROTECT, related_name="changes")
    state = models.CharField(max_length=10, choices=ConsentState.choices)
    source = models.CharField(max_length=40)
    wording_version = models.CharField(max_length=40)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = "notifications_marketingconsentchange"  # kept from before the move
        ordering = ["consent", "occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.consent_id}:{self.state}"

    def is_finished(self) -> bool:
        return self.status not in (self.Status.QUEUED, self.Status.BUILDING)

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.READY:
            return 100
        if not self.progress_total:
            return 0
        return min(99, self.progress_done * 100 // self.progress_total)


class PersonalDataExport(models.Model):
    """One export of a client's personal data (GDPR-02): a ZIP built in the background from
    the personal-data declarations, stored encrypted under the var dir until its link expires.

    The file is encrypted with a key of its own (``file_key``), which is itself stored
    encrypted with the field keys, so key rotation re-wraps it and an expired export is
    unreadable as soon as the key is cleared (docs/decisions/0025-personal-data-export.md).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        BUILDING = "building", _("Building")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "exp"), editable=False
    )
    client = models.ForeignKey(
        "accounts.Client", on_delete=models.PROTECT, related_name="personal_data_exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    row_counts = models.JSONField(default=dict, blank=True)
    file_path = models.CharField(max_length=300, blank=True)
    file_size = models.BigIntegerField(default=0)
    file_key = EncryptedTextField(blank=True)
    error = models.TextField(blank=True)
    downloads = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "expires_at"], name="privacy_export_expiry")]

    def __str__(self) -> str:
        return self.public_id

    @property
    def is_finished(self) -> bool:
        return self.status not in (self.Status.QUEUED, self.Status.BUILDING)

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.READY:
            return 100
        if not self.progress_total:
            return 0
        return min(99, self.progress_done * 100 // self.progress_total)
