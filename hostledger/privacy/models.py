"""Policy documents and their acceptances (ACC-02, GDPR-10); restrictions of processing
(GDPR-05), erasure reports and holds (GDPR-04), legal holds and retention runs (GDPR-08)."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import models

from hostledger.core.ids import new_public_id


class PolicyDocument(models.Model):
    """One version of the terms of service or the privacy policy; published ones never change."""

    class Kind(models.TextChoices):
        TERMS = "terms", "Terms of service"
        PRIVACY = "privacy", "Privacy policy"

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
    ip_address = models.GenericIPAddressField(null=True, blank=True)

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
        BANNER = "banner", "Cookie banner"
        SETTINGS = "settings", "Cookie settings page"
        SIGN_IN = "sign_in", "Choice made before signing in"

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

    NONE = "", "None needed (inside the EEA)"
    ADEQUACY = "adequacy", "Adequacy decision (art. 45)"
    SCC = "scc", "Standard contractual clauses (art. 46(2)(c))"
    BCR = "bcr", "Binding corporate rules (art. 47)"
    DEROGATION = "derogation", "Derogation for a specific situation (art. 49)"


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

    REQUESTED = "requested", "Requested by the client"
    HELD_AFTER_ERASURE = "held_after_erasure", "Data held by law after erasure"
    DISPUTE = "dispute", "Accuracy or lawfulness disputed"


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
