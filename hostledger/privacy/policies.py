"""Versioned policy documents and their acceptance (ACC-02, GDPR-10)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from hostledger.core.errors import DomainError
from hostledger.privacy.models import PolicyAcceptance, PolicyDocument


def current_policy(kind: str) -> PolicyDocument | None:
    """The published version of a policy in force now (the latest published)."""
    return (
        PolicyDocument.objects.filter(kind=kind, published_at__lte=timezone.now())
        .order_by("-published_at", "-id")
        .first()
    )


def current_policies() -> dict[str, PolicyDocument | None]:
    return {kind: current_policy(kind) for kind in PolicyDocument.Kind.values}


@transaction.atomic
def policy_publish(
    *,
    kind: str,
    version: str,
    title: str,
    body: str,
    requires_reacceptance: bool = False,
    published_at=None,
) -> PolicyDocument:
    """Publish a new version; earlier versions stay as the archive (GDPR-10)."""
    if kind not in PolicyDocument.Kind.values:
        raise DomainError("invalid_input", "kind: unknown policy kind.", fields={"kind": "unknown"})
    if PolicyDocument.objects.filter(kind=kind, version=version).exists():
        raise DomainError(
            "duplicate_version",
            f"version: {kind} version {version} already exists.",
            fields={"version": "already exists"},
        )
    return PolicyDocument.objects.create(
        kind=kind,
        version=version,
        title=title,
        body=body,
        requires_reacceptance=requires_reacceptance,
        published_at=published_at or timezone.now(),
    )


def policy_accept(*, user, document: PolicyDocument, ip_address: str | None) -> PolicyAcceptance:
    """Record that ``user`` accepted ``document`` now, from ``ip_address`` (ACC-02)."""
    acceptance, _ = PolicyAcceptance.objects.get_or_create(
        user=user,
        document=document,
        defaults={"accepted_at": timezone.now(), "ip_address": ip_address},
    )
    return acceptance
