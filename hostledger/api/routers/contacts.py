"""Contact persons of a client — technical, billing, abuse — with their history (ACC-05)."""

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

router = Router(tags=["Contacts"])

ContactRole = Literal["technical", "billing", "abuse"]


class ContactOut(Schema):
    """A contact person of the client (ACC-05)."""

    id: str = Field(description="Public id of the contact.", examples=["con_8w1x4z6v3k9d2m7q"])
    role: ContactRole = Field(description="technical, billing or abuse.")
    name: str = Field(examples=["Jaan Tamm"])
    email: str = Field(examples=["jaan@example.com"])
    phone: str = Field(description="E.164 form, or empty.", examples=["+37251234567"])
    archived_at: datetime | None = Field(description="When it was retired, if it was.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(contact) -> str:
        return contact.public_id


class ContactVersionOut(Schema):
    """One recorded version of a contact: what it said after a change (ACC-05)."""

    changed_at: datetime = Field(description="When the change was made.")
    change: Literal["created", "changed", "deleted"] = Field(description="Kind of change.")
    changed_by: str | None = Field(
        description="Public id of the user who made it.", examples=["usr_5v8k2m9d3q7w1x4z"]
    )
    role: ContactRole
    name: str
    email: str
    phone: str
    archived_at: datetime | None

    @staticmethod
    def resolve_changed_at(version) -> datetime:
        return version.history_date

    @staticmethod
    def resolve_change(version) -> str:
        return {"+": "created", "~": "changed", "-": "deleted"}[version.history_type]

    @staticmethod
    def resolve_changed_by(version) -> str | None:
        user = version.history_user
        return user.public_id if user is not None else None


class ContactCreateIn(InputSchema):
    role: ContactRole = Field(description="technical, billing or abuse.")
    name: text(200, "Full name.", ["Jaan Tamm"])
    email: text(254, "Email address.", ["jaan@example.com"])
    phone: text(40, "Phone number with its country code.", ["+372 5123 4567"]) = ""


class ContactPatchIn(InputSchema):
    """Only the fields sent change; the previous version stays in the history (ACC-05)."""

    role: ContactRole | None = Field(None, description="technical, billing or abuse.")
    name: text(200, "Full name.", ["Jaan Tamm"]) | None = None
    email: text(254, "Email address.", ["jaan@example.com"]) | None = None
    phone: text(40, "Phone number with its country code.", ["+372 5123 4567"]) | None = None


ContactId = Annotated[str, Path(**path_id("contact", "con_8w1x4z6v3k9d2m7q"))]


@router.get(
    "/contacts",
    response=responses({200: page_of(ContactOut)}, 400, 401, 403, 404),
    summary="List contacts",
)
def contact_list(request: HttpRequest, acting: Query[ActingClient], page: Query[PageParams]):
    """The client's current contact persons by role, oldest first (ACC-05)."""
    access = selectors.client_access(request.user, acting.client)
    return paginate(access.contacts().order_by("role", "created_at", "id"), page)


@router.post(
    "/contacts", response=responses({201: ContactOut}, 400, 401, 403, 404), summary="Add a contact"
)
def contact_create(request: HttpRequest, acting: Query[ActingClient], payload: ContactCreateIn):
    """Name a contact person (ACC-05). Contacts are the account owner's to change."""
    access = selectors.client_access(request.user, acting.client)
    access.require_owner()
    contact = actions.contact_create(
        client=access.client, actor=request.user, data=payload.model_dump()
    )
    return Status(201, contact)


@router.get(
    "/contacts/{contact_id}",
    response=responses({200: ContactOut}, 400, 401, 403, 404),
    summary="Read a contact",
)
def contact_read(request: HttpRequest, contact_id: ContactId, acting: Query[ActingClient]):
    """One contact of the client, archived or not; another client's contact is not found."""
    return selectors.client_access(request.user, acting.client).contact(contact_id)


@router.patch(
    "/contacts/{contact_id}",
    response=responses({200: ContactOut}, 400, 401, 403, 404),
    summary="Change a contact",
)
def contact_update(
    request: HttpRequest,
    contact_id: ContactId,
    acting: Query[ActingClient],
    payload: ContactPatchIn,
):
    """Keep a contact current (ACC-05); the version before the change stays in its history."""
    access = selectors.client_access(request.user, acting.client)
    contact = access.contact(contact_id)
    access.require_owner()
    return actions.contact_update(contact=contact, actor=request.user, data=payload.changes())


@router.post(
    "/contacts/{contact_id}/archive",
    response=responses({200: ContactOut}, 400, 401, 403, 404),
    summary="Archive a contact",
)
def contact_archive(request: HttpRequest, contact_id: ContactId, acting: Query[ActingClient]):
    """Retire a contact person; the record and its history stay (ACC-05)."""
    access = selectors.client_access(request.user, acting.client)
    contact = access.contact(contact_id)
    access.require_owner()
    return actions.contact_archive(contact=contact, actor=request.user)


@router.get(
    "/contacts/{contact_id}/history",
    response=responses({200: page_of(ContactVersionOut)}, 400, 401, 403, 404),
    summary="A contact's history",
)
def contact_history(
    request: HttpRequest,
    contact_id: ContactId,
    acting: Query[ActingClient],
    page: Query[PageParams],
):
    """Every recorded version of a contact, newest first (ACC-05)."""
    contact = selectors.client_access(request.user, acting.client).contact(contact_id)
    return paginate(selectors.contact_history(contact), page)
