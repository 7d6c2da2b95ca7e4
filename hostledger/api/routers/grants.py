"""Trusted access: the owner grants another registered user scoped access (ACC-06)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status

from hostledger.accounts import actions, selectors
from hostledger.api.errors import responses
from hostledger.api.schemas import (
    ActingClient,
    InputSchema,
    PageParams,
    page_of,
    paginate,
    path_id,
    text,
)

router = Router(tags=["Access grants"])

GrantScope = Literal["billing", "services", "tickets", "read_only"]


class GrantOut(Schema):
    """Access of a trusted user to the client's account (ACC-06)."""

    id: str = Field(description="Public id of the grant.", examples=["grt_4z6v3k9d2m7q8w1x"])
    grantee_id: str = Field(
        description="Public id of the trusted user.", examples=["usr_9d2m7q8w1x4z6v3k"]
    )
    grantee_email: str = Field(
        description="Email address of the trusted user.", examples=["accountant@example.com"]
    )
    scopes: list[str] = Field(
        description="billing, services, tickets, or read_only alone.", examples=[["billing"]]
    )
    created_at: datetime
    revoked_at: datetime | None = Field(description="When access ended, if it has.")

    @staticmethod
    def resolve_id(grant) -> str:
        return grant.public_id

    @staticmethod
    def resolve_grantee_id(grant) -> str:
        return grant.grantee.public_id

    @staticmethod
    def resolve_grantee_email(grant) -> str:
        return grant.grantee.email


class GrantCreateIn(InputSchema):
    grantee_email: text(254, "Email address of a registered user.", ["accountant@example.com"])
    scopes: list[GrantScope] = Field(
        min_length=1,
        max_length=4,
        description="What the user may change: billing, services, tickets; or read_only alone.",
        examples=[["billing"]],
    )


GrantId = Annotated[str, Path(**path_id("access grant", "grt_4z6v3k9d2m7q8w1x"))]


@router.get(
    "/grants",
    response=responses({200: page_of(GrantOut)}, 400, 401, 403, 404),
    summary="List access grants",
)
def grant_list(request: HttpRequest, acting: Query[ActingClient], page: Query[PageParams]):
    """Every grant of the account, revoked ones included, newest first (ACC-06). Owner only."""
    access = selectors.client_access(request.user, acting.client)
    return paginate(access.grants().order_by("-created_at", "-id"), page)


@router.post(
    "/grants", response=responses({201: GrantOut}, 400, 401, 403, 404), summary="Grant access"
)
def grant_create(request: HttpRequest, acting: Query[ActingClient], payload: GrantCreateIn):
    """Give another registered user scoped access to the account (ACC-06); the grant is
    logged. Owner only."""
    access = selectors.client_access(request.user, acting.client)
    access.require_owner()
    grant = actions.access_grant_create(
        client=access.client,
        actor=request.user,
        grantee_email=payload.grantee_email,
        scopes=payload.scopes,
    )
    return Status(201, grant)


@router.post(
    "/grants/{grant_id}/revoke",
    response=responses({200: GrantOut}, 400, 401, 403, 404),
    summary="Revoke access",
)
def grant_revoke(request: HttpRequest, grant_id: GrantId, acting: Query[ActingClient]):
    """End a trusted user's access at once (ACC-06); the grant stays as a record. Owner only."""
    grant = selectors.client_access(request.user, acting.client).grant(grant_id)
    return actions.access_grant_revoke(grant=grant, actor=request.user)
