"""A new version of the terms or the privacy policy is published and announced (GDPR-10,
NTF-03): the version (privacy), then one announcement to every affected client by email and
in the client area (notifications), in one transaction, so a version is never published
unannounced and an announcement never names a version that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hostledger.notifications.actions import announcement_create, announcement_publish
from hostledger.notifications.models import Announcement
from hostledger.privacy.models import PolicyDocument
from hostledger.privacy.policies import policy_publish


@dataclass(frozen=True)
class PolicyPublished:
    document: PolicyDocument
    announcement: Announcement
    recipients: int


def announcement_text(document: PolicyDocument, change_summary: str) -> tuple[str, str]:
    """The subject and text of the announcement of ``document`` (NTF-03)."""
    url = settings.SITE_URL + reverse("web:policy", args=[document.kind])
    subject = f"{document.title}: version {document.version}"
    lines = [
        f"We have published version {document.version} of our {document.title.lower()}, in "
        f"force from {timezone.localdate(document.published_at):%d.%m.%Y}.",
    ]
    if change_summary.strip():
        lines += ["", "What changes:", change_summary.strip()]
    lines += ["", f"Read the new version: {url}"]
    if document.requires_reacceptance:
        lines += [
            "",
            "The change affects your rights: you will be asked to accept the new version the "
            "next time you sign in, and new orders wait until you have accepted it.",
        ]
    return subject, "\n".join(lines)


@transaction.atomic
def policy_published(
    *,
    kind: str,
    version: str,
    title: str,
    body: str,
    requires_reacceptance: bool,
    change_summary: str = "",
    actor=None,
) -> PolicyPublished:
    """Publish a version of a policy and announce it to every client with a live service
    (GDPR-10, NTF-03)."""
    document = policy_publish(
        kind=kind,
        version=version,
        title=title,
        body=body,
        requires_reacceptance=requires_reacceptance,
        actor=actor,
    )
    subject, text = announcement_text(document, change_summary or "")
    announcement = announcement_create(
        kind=Announcement.Kind.POLICY_CHANGE,
        subject=subject,
        body=text,
        audience=Announcement.Audience.ALL,
        effective_on=timezone.localdate(document.published_at),
        actor=actor,
    )
    recipients = announcement_publish(announcement=announcement, actor=actor)
    return PolicyPublished(document, announcement, recipients)
