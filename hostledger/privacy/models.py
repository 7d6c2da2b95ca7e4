"""Policy documents and their acceptances (ACC-02, GDPR-10)."""

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
