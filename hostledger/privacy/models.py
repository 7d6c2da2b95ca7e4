"""Policy documents and their acceptances (ACC-02, GDPR-10)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hostledger.core.fields import EncryptedTextField


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
    ip_address = EncryptedTextField(null=True, blank=True)

    class Meta:
        ordering = ["-accepted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "document"], name="privacy_accept_once")
        ]

    def __str__(self) -> str:
        return f"{self.document} accepted at {self.accepted_at:%Y-%m-%d %H:%M}"
