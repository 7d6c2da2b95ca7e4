"""Payers: the billing identities printed on a client's invoices (ACC-04)."""

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

router = Router(tags=["Payers"])

BILLING_AREA = "billing"


class PayerOut(Schema):
    """A billing identity of the client (ACC-04)."""

    id: str = Field(description="Public id of the payer.", examples=["pay_3k9d2m7q8w1x4z6v"])
    kind: Literal["natural", "legal"] = Field(description="Natural or legal person.")
    name: str = Field(description="Name printed on invoices.", examples=["Pilvepood OÜ"])
    registry_code: str = Field(description="Business registry code.", examples=["12345678"])
    vat_number: str = Field(description="EU VAT number.", examples=["EE102329731"])
    vat_number_format_valid: bool = Field(
        description="The VAT number passed the format and check-digit test."
    )
    street: str = Field(examples=["Narva mnt 5"])
    city: str = Field(examples=["Tallinn"])
    postal_code: str = Field(examples=["10117"])
    country: str = Field(description="Two-letter ISO country code.", examples=["EE"])
    invoice_email: str = Field(
        description="Where invoices are sent.", examples=["billing@pilvepood.example"]
    )
    buyer_reference: str = Field(
        description="The buyer's reference printed on invoices (EN 16931 BT-10).",
        examples=["Cost centre 4410"],
    )
    is_default: bool = Field(description="Used for new orders unless another is chosen.")
    archived_at: datetime | None = Field(description="When it was retired, if it was.")
    created_at: datetime

    @staticmethod
    def resolve_id(payer) -> str:
        return payer.public_id


class PayerCreateIn(InputSchema):
    kind: Literal["natural", "legal"] = Field(description="Natural or legal person.")
    name: text(200, "Name printed on invoices.", ["Pilvepood OÜ"])
    registry_code: text(
        40, "Business registry code (required for legal persons).", ["12345678"]
    ) = ""
    vat_number: text(30, "EU VAT number with its country prefix.", ["EE102329731"]) = ""
    street: text(200, "Street address.", ["Narva mnt 5"])
    city: text(100, "City.", ["Tallinn"])
    postal_code: text(20, "Postal code.", ["10117"]) = ""
    country: text(2, "Two-letter ISO country code.", ["EE"])
    invoice_email: text(254, "Where invoices are sent.", ["billing@pilvepood.example"]) = ""
    buyer_reference: text(
        100, "The buyer's reference printed on invoices (EN 16931 BT-10).", ["Cost centre 4410"]
    ) = ""
    is_default: bool = Field(False, description="Make it the default payer.")


class PayerPatchIn(InputSchema):
    """Only the fields sent change; invoices already issued keep their own copy (ACC-04)."""

    kind: Literal["natural", "legal"] | None = Field(None, description="Natural or legal person.")
    name: text(200, "Name printed on invoices.", ["Pilvepood OÜ"]) | None = None
    registry_code: text(40, "Business registry code.", ["12345678"]) | None = None
    vat_number: text(30, "EU VAT number with its country prefix.", ["EE102329731"]) | None = None
    street: text(200, "Street address.", ["Narva mnt 5"]) | None = None
    city: text(100, "City.", ["Tallinn"]) | None = None
    postal_code: text(20, "Postal code.", ["10117"]) | None = None
    country: text(2, "Two-letter ISO country code.", ["EE"]) | None = None
    invoice_email: text(254, "Where invoices are sent.", ["billing@pilvepood.example"]) | None = (
        None
    )
    buyer_reference: (
        text(100, "The buyer's reference printed on invoices (BT-10).", ["Cost centre 4410"]) | None
    ) = None
    is_default: bool | None = Field(None, description="true makes it the default payer.")


PayerId = Annotated[str, Path(**path_id("payer", "pay_3k9d2m7q8w1x4z6v"))]


@router.get(
    "/payers",
    response=responses({200: page_of(PayerOut)}, 400, 401, 403, 404),
    summary="List payers",
)
def payer_list(request: HttpRequest, acting: Query[ActingClient], page: Query[PageParams]):
    """The client's current payers, oldest first (ACC-04). Archived payers are left out."""
    access = selectors.client_access(request.user, acting.client)
    return paginate(access.payers().order_by("created_at", "id"), page)


@router.post(
    "/payers", response=responses({201: PayerOut}, 400, 401, 403, 404), summary="Add a payer"
)
def payer_create(request: HttpRequest, acting: Query[ActingClient], payload: PayerCreateIn):
    """Add a billing identity (ACC-04); the first one becomes the default. Needs the owner or
    a trusted user with the billing scope (ACC-06)."""
    access = selectors.client_access(request.user, acting.client)
    access.require_write(BILLING_AREA)
    payer = actions.payer_create(
        client=access.client, actor=request.user, data=payload.model_dump()
    )
    return Status(201, payer)


@router.get(
    "/payers/{payer_id}",
    response=responses({200: PayerOut}, 400, 401, 403, 404),
    summary="Read a payer",
)
def payer_read(request: HttpRequest, payer_id: PayerId, acting: Query[ActingClient]):
    """One payer of the client, archived or not; another client's payer is not found."""
    return selectors.client_access(request.user, acting.client).payer(payer_id)


@router.patch(
    "/payers/{payer_id}",
    response=responses({200: PayerOut}, 400, 401, 403, 404),
    summary="Change a payer",
)
def payer_update(
    request: HttpRequest, payer_id: PayerId, acting: Query[ActingClient], payload: PayerPatchIn
):
    """Change a payer (ACC-04); invoices already issued keep the data they were issued with."""
    access = selectors.client_access(request.user, acting.client)
    payer = access.payer(payer_id)
    access.require_write(BILLING_AREA)
    return actions.payer_update(payer=payer, actor=request.user, data=payload.changes())


@router.post(
    "/payers/{payer_id}/archive",
    response=responses({200: PayerOut}, 400, 401, 403, 404),
    summary="Archive a payer",
)
def payer_archive(request: HttpRequest, payer_id: PayerId, acting: Query[ActingClient]):
    """Retire a payer; it stays for the invoices that name it. A client keeps at least one."""
    access = selectors.client_access(request.user, acting.client)
    payer = access.payer(payer_id)
    access.require_write(BILLING_AREA)
    return actions.payer_archive(payer=payer, actor=request.user)
