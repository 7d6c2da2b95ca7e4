"""Policy documents (GDPR-10, NTF-03): anyone signed in reads the version in force of the
terms or the privacy policy and the archive of every version; a person accepts the version
in force (a client whose account holder has a version to re-accept cannot order until it is
accepted: ``policy_acceptance_required``); staff with ``privacy.manage`` publish a new
version in Markdown, which is announced to every client with a live service."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from hostledger.accounts import permissions as perms
from hostledger.accounts.selectors import require_staff_permission
from hostledger.api.errors import responses
from hostledger.api.schemas import InputSchema, PageParams, page_of, paginate, text
from hostledger.api.schemas_money import multiline_text
from hostledger.core.errors import DomainError, NotFound
from hostledger.core.middleware import client_ip_of
from hostledger.flows.policies import policy_published
from hostledger.privacy.policies import (
    MAX_BODY_LENGTH,
    current_policy,
    policies_reaccept,
    policies_to_reaccept,
    policy_version,
    policy_versions,
    render_policy_markdown,
)

router = Router(tags=["Policies"])

PolicyKind = Literal["terms", "privacy"]


class PolicyKindQuery(Schema):
    kind: PolicyKind = Field(description="terms or privacy.")


class PolicyVersionOut(Schema):
    """A published version of a policy, without its text."""

    kind: PolicyKind
    version: str = Field(examples=["2.0"])
    title: str = Field(examples=["Terms of service"])
    published_at: datetime = Field(description="In force from this moment.")
    in_force_until: datetime | None = Field(
        description="When the next version replaced it; null for the version in force."
    )
    requires_reacceptance: bool = Field(
        description="Whether every client was asked to accept this version again."
    )


class PolicyOut(PolicyVersionOut):
    """A published version of a policy with its text in Markdown and as safe HTML."""

    body: str = Field(description="The text in Markdown.")
    body_html: str = Field(description="The text as HTML; raw HTML in the Markdown is escaped.")
    to_accept: bool = Field(
        description="Whether the caller must accept this version before ordering again."
    )


class PolicyAcceptIn(InputSchema):
    kind: PolicyKind
    version: text(20, "The version in force being accepted.", ["2.0"])


class PolicyAcceptanceOut(Schema):
    """A recorded acceptance of a policy version (ACC-02, GDPR-10)."""

    kind: PolicyKind
    version: str
    accepted_at: datetime


class PolicyPublishIn(InputSchema):
    kind: PolicyKind
    version: text(20, "A version name not used before for this kind.", ["2.0"])
    title: text(200, "The title.", ["Terms of service"])
    body: multiline_text(MAX_BODY_LENGTH, "The text in Markdown.", ["# Terms\n\n1. Scope"])
    requires_reacceptance: bool = Field(
        False, description="Ask every client to accept this version before ordering again."
    )
    change_summary: multiline_text(
        5000, "What changes, for the announcement to clients.", ["Section 7 changes."]
    ) = ""


class PolicyPublishedOut(Schema):
    """A published version and how many clients its announcement was queued to (NTF-03)."""

    policy: PolicyVersionOut
    announcement_id: str = Field(examples=["ann_3k9d2m7q8w1x4z6v"])
    recipients: int = Field(description="Clients the announcement was queued to.")


def _version_out(document, in_force_until=None) -> dict:
    return {
        "kind": document.kind,
        "version": document.version,
        "title": document.title,
        "published_at": document.published_at,
        "in_force_until": in_force_until,
        "requires_reacceptance": document.requires_reacceptance,
    }


@router.get(
    "/policies/current",
    response=responses({200: PolicyOut}, 400, 401, 403, 404),
    summary="Read the policy in force",
)
def policy_current(request: HttpRequest, query: Query[PolicyKindQuery]):
    """The version of the terms or the privacy policy in force, with its text (GDPR-10).
    ``to_accept`` says whether the caller must accept it before ordering again."""
    document = current_policy(query.kind)
    if document is None:
        raise NotFound("policy")
    pending = {item.pk for item in policies_to_reaccept(request.user)}
    return {
        **_version_out(document),
        "body": document.body,
        "body_html": str(render_policy_markdown(document.body)),
        "to_accept": document.pk in pending,
    }


@router.get(
    "/policies",
    response=responses({200: page_of(PolicyVersionOut)}, 400, 401, 403),
    summary="List every version of a policy",
)
def policy_archive(request: HttpRequest, query: Query[PolicyKindQuery], page: Query[PageParams]):
    """Every published version of a policy, newest first, with the dates it was in force
    (GDPR-10)."""
    found = paginate(policy_versions(query.kind), page)
    found["items"] = [_version_out(item, item.in_force_until) for item in found["items"]]
    return found


@router.post(
    "/policies/accept",
    response=responses({200: PolicyAcceptanceOut}, 400, 401, 403),
    summary="Accept the policy in force",
)
def policy_accept(request: HttpRequest, payload: PolicyAcceptIn):
    """Record the caller's acceptance of the version in force (GDPR-10, ACC-02). Accepting
    it again changes nothing; a version not in force answers 400 ``policy_not_current``."""
    document = policy_version(payload.kind, payload.version)
    if document is None:
        raise DomainError(
            "policy_not_current",
            _("version: %(kind)s has no published version %(version)s.")
            % {"kind": payload.kind, "version": payload.version},
            fields={"version": "no such version"},
        )
    (acceptance,) = policies_reaccept(
        user=request.user, documents=[document], ip_address=client_ip_of(request)
    )
    return {
        "kind": document.kind,
        "version": document.version,
        "accepted_at": acceptance.accepted_at,
    }


@router.post(
    "/staff/policies",
    response=responses({201: PolicyPublishedOut}, 400, 401, 403),
    summary="Publish a new policy version",
)
def policy_publish(request: HttpRequest, payload: PolicyPublishIn):
    """Publish a new version of the terms or the privacy policy in Markdown and announce it
    to every client with a live service by email and in the client area (GDPR-10, NTF-03).
    Needs privacy.manage. A used version name answers 400 with ``fields.version``."""
    require_staff_permission(request.user, perms.PRIVACY_MANAGE)
    published = policy_published(actor=request.user, **payload.model_dump())
    return Status(
        201,
        {
            "policy": _version_out(published.document),
            "announcement_id": published.announcement.public_id,
            "recipients": published.recipients,
        },
    )
