"""Versioned policy documents and their acceptance (ACC-02, GDPR-10).

A published version never changes; a new version is a new row, and every earlier one stays
readable as the archive. A version marked ``requires_reacceptance`` must be accepted by every
client before they order again: they are asked at their next sign-in, and an order is
refused (``policy_acceptance_required``) until they accept.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from markdown_it import MarkdownIt

from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.privacy.models import PolicyAcceptance, PolicyDocument

_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


def render_policy_markdown(text: str) -> SafeString:
    """A policy's Markdown as HTML. Raw HTML in the text is shown as text, never run, and
    links with ``javascript:`` or ``data:`` addresses are not made links."""
    return mark_safe(_MARKDOWN.render(text or ""))  # noqa: S308 - markdown-it escapes raw HTML


def current_policy(kind: str, *, now: datetime | None = None) -> PolicyDocument | None:
    """The published version of a policy in force now (the latest published)."""
    return (
        PolicyDocument.objects.filter(kind=kind, published_at__lte=now or timezone.now())
        .order_by("-published_at", "-id")
        .first()
    )


def current_policies() -> dict[str, PolicyDocument | None]:
    return {kind: current_policy(kind) for kind in PolicyDocument.Kind.values}


def policy_versions(kind: str, *, now: datetime | None = None) -> list[PolicyDocument]:
    """Every published version of a policy, newest first, each with ``in_force_until``: the
    moment the next version replaced it (None for the version in force) (GDPR-10)."""
    versions = list(
        PolicyDocument.objects.filter(kind=kind, published_at__lte=now or timezone.now())
        .order_by("-published_at", "-id")
        .defer("body")
    )
    replaced_at = None
    for version in versions:
        version.in_force_until = replaced_at
        replaced_at = version.published_at
    return versions


def policy_version(kind: str, version: str) -> PolicyDocument | None:
    """One published version of a policy, or None."""
    return PolicyDocument.objects.filter(
        kind=kind, version=version, published_at__lte=timezone.now()
    ).first()


MAX_BODY_LENGTH = 200_000


def check_policy_input(*, kind: str, version: str, title: str, body: str) -> dict:
    """The new version's fields, stripped, or a DomainError naming every bad field."""
    fields: dict[str, str] = {}
    if kind not in PolicyDocument.Kind.values:
        fields["kind"] = "unknown policy kind"
    version, title, body = (version or "").strip(), (title or "").strip(), (body or "").strip()
    limits = {
        "version": PolicyDocument._meta.get_field("version").max_length,
        "title": PolicyDocument._meta.get_field("title").max_length,
        "body": MAX_BODY_LENGTH,
    }
    for name, value in (("version", version), ("title", title), ("body", body)):
        if not value:
            fields[name] = "required"
        elif len(value) > limits[name]:
            fields[name] = f"at most {limits[name]} characters"
        elif "\x00" in value:
            fields[name] = "contains a NUL character"
    if (
        "version" not in fields
        and "kind" not in fields
        and PolicyDocument.objects.filter(kind=kind, version=version).exists()
    ):
        fields["version"] = "already exists"
    if fields:
        raise DomainError(
            "invalid_input",
            "; ".join(f"{name}: {problem}" for name, problem in fields.items()) + ".",
            fields=fields,
        )
    return {"kind": kind, "version": version, "title": title, "body": body}


@transaction.atomic
def policy_publish(
    *,
    kind: str,
    version: str,
    title: str,
    body: str,
    requires_reacceptance: bool = False,
    published_at=None,
    actor=None,
) -> PolicyDocument:
    """Publish a new version; earlier versions stay as the archive (GDPR-10)."""
    checked = check_policy_input(kind=kind, version=version, title=title, body=body)
    document = PolicyDocument.objects.create(
        **checked,
        requires_reacceptance=bool(requires_reacceptance),
        published_at=published_at or timezone.now(),
    )
    record_audit_event(
        action="privacy.policy_published",
        actor=actor,
        obj=document,
        data={
            "kind": document.kind,
            "version": document.version,
            "requires_reacceptance": document.requires_reacceptance,
        },
    )
    return document


def policy_accept(*, user, document: PolicyDocument, ip_address: str | None) -> PolicyAcceptance:
    """Record that ``user`` accepted ``document`` now, from ``ip_address`` (ACC-02)."""
    acceptance, _ = PolicyAcceptance.objects.get_or_create(
        user=user,
        document=document,
        defaults={"accepted_at": timezone.now(), "ip_address": ip_address},
    )
    return acceptance


def policies_to_reaccept(user, *, now: datetime | None = None) -> list[PolicyDocument]:
    """The versions in force that ``user`` must accept before ordering again (GDPR-10): for
    each kind whose latest version marked "re-acceptance required" the user has not accepted
    (that version or a later one), the version in force. Staff are never asked."""
    if user is None or not user.is_authenticated or user.is_staff:
        return []
    now = now or timezone.now()
    pending = []
    for kind in PolicyDocument.Kind.values:
        required = (
            PolicyDocument.objects.filter(
                kind=kind, requires_reacceptance=True, published_at__lte=now
            )
            .order_by("-published_at", "-id")
            .only("published_at")
            .first()
        )
        if required is None:
            continue
        accepted = PolicyAcceptance.objects.filter(
            user=user,
            document__kind=kind,
            document__published_at__gte=required.published_at,
            document__published_at__lte=now,
        ).exists()
        if not accepted:
            document = current_policy(kind, now=now)
            if document is not None:
                pending.append(document)
    return pending


def check_policies_accepted_for_ordering(account_holder) -> None:
    """Refuse an order while the client's account holder has a policy version to re-accept
    (GDPR-10): code ``policy_acceptance_required``, naming the versions."""
    pending = policies_to_reaccept(account_holder)
    if pending:
        names = " and ".join(
            f"{document.title.lower()} (version {document.version})" for document in pending
        )
        raise DomainError(
            "policy_acceptance_required",
            gettext(
                "The account holder must accept the new %(names)s before an order is "
                "placed; the client area asks for it at sign-in."
            )
            % {"names": names},
        )


@transaction.atomic
def policies_reaccept(
    *, user, documents: list[PolicyDocument], ip_address: str | None
) -> list[PolicyAcceptance]:
    """Record ``user``'s acceptance of each version in ``documents`` (GDPR-10, ACC-02); each
    must be the version in force of its kind."""
    acceptances = []
    for document in documents:
        current = current_policy(document.kind)
        if current is None or current.pk != document.pk:
            raise DomainError(
                "policy_not_current",
                gettext("version: %(version)s is not the version in force of the %(state)s.")
                % {"version": document.version, "state": document.get_kind_display().lower()},
                fields={"version": "not the version in force"},
            )
        acceptances.append(policy_accept(user=user, document=document, ip_address=ip_address))
        record_audit_event(
            action="privacy.policy_accepted",
            actor=user,
            obj=document,
            data={"kind": document.kind, "version": document.version},
            ip_address=ip_address,
        )
    return acceptances


@dataclass(frozen=True)
class DiffLine:
    """One line of the difference between two versions: ``change`` is "added", "removed"
    or "same"."""

    change: str
    text: str


def policy_diff(previous: str, proposed: str) -> list[DiffLine]:
    """The lines of ``proposed`` against ``previous``, with three lines of context around
    each change; a gap between hunks is one "…" line."""
    lines: list[DiffLine] = []
    diff = difflib.unified_diff(
        (previous or "").splitlines(), (proposed or "").splitlines(), lineterm="", n=3
    )
    for raw in diff:
        if raw.startswith(("---", "+++")):
            continue
        if raw.startswith("@@"):
            if lines:
                lines.append(DiffLine("gap", "…"))
            continue
        change = {"+": "added", "-": "removed"}.get(raw[:1], "same")
        lines.append(DiffLine(change, raw[1:]))
    return lines
