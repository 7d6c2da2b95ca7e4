"""Schemas of acts of acceptance, their disputes and paper-act requests (DOC-01 … DOC-03) and
the conversions that fill them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from hostledger.api.schemas import PUBLIC_ID_PATTERN, InputSchema
from hostledger.api.schemas_invoices import PayerSnapshotOut
from hostledger.api.schemas_money import InputDate, MoneyOut, day, multiline_text
from hostledger.core.money import Money
from hostledger.invoicing.act_selectors import act_status
from hostledger.invoicing.models import AcceptanceAct, ActDispute, PaperActRequest

ActStatus = Literal[tuple(AcceptanceAct.Status.values)]
ActAcceptance = Literal[tuple(AcceptanceAct.Acceptance.values)]
DisputeOutcome = Literal[tuple(ActDispute.Outcome.values)]
PaperRequestStatus = Literal[tuple(PaperActRequest.Status.values)]
PAYER_FIELDS = (
    "kind",
    "name",
    "registry_code",
    "vat_number",
    "street",
    "city",
    "postal_code",
    "country",
    "invoice_email",
)


# ----------------------------------------------------------------------------- output


class ActSummaryOut(Schema):
    """The act of acceptance of one payer's services of one calendar month (DOC-01)."""

    id: str = Field(description="Public id of the act.", examples=["act_3k9d2m7q8w1x4z6v"])
    payer_id: str = Field(examples=["pay_3k9d2m7q8w1x4z6v"])
    period_start: date = Field(description="First day of the month the act covers.")
    period_end: date = Field(description="Last day of the month the act covers.")
    status: ActStatus = Field(
        description="formed (open for dispute), accepted, disputed or dispute_upheld. An act "
        "not disputed by its deadline is accepted (DOC-02)."
    )
    acceptance: ActAcceptance | None = Field(
        description="How it was accepted, once stored: deadline_passed, confirmed_by_client "
        "or dispute_rejected."
    )
    formed_on: date
    dispute_deadline: date = Field(description="Last day a dispute is accepted (DOC-02).")
    can_be_disputed: bool = Field(description="Whether it may still be disputed or confirmed.")
    net: MoneyOut
    vat: MoneyOut
    gross: MoneyOut


class ActLineOut(Schema):
    """One service on the act; a credit-note line is subtracted (negative amounts)."""

    position: int
    document_number: str = Field(
        description="The invoice or credit note it comes from.", examples=["INV-2026-000001"]
    )
    description: str = Field(examples=["VPS Start, one month"])
    service_month: date = Field(description="First day of the month it was rendered in.")
    period_start: date | None
    period_end: date | None
    vat_rate: str = Field(examples=["24.00"])
    net: MoneyOut
    vat: MoneyOut
    gross: MoneyOut


class ActDisputeOut(Schema):
    """A client's reasoned refusal to accept an act and how staff resolved it (DOC-02)."""

    id: str = Field(description="Public id of the dispute.", examples=["adp_3k9d2m7q8w1x4z6v"])
    act_id: str = Field(examples=["act_3k9d2m7q8w1x4z6v"])
    reasons: str | None = Field(
        description="The client's reasons; null where staff may not read personal data."
    )
    raised_at: datetime
    outcome: DisputeOutcome | None = Field(description="Null while open; upheld or rejected.")
    resolution_note: str | None = Field(
        description="Staff's note on the decision; null while open or where staff may not "
        "read personal data."
    )
    resolved_at: datetime | None


class ProviderSnapshotOut(Schema):
    """The provider as printed on the act when it was formed."""

    legal_name: str = Field(examples=["SmartApe OÜ"])
    registry_code: str
    vat_number: str
    address: str
    country: str = Field(examples=["EE"])


class ActOut(ActSummaryOut):
    """An act with its lines, both parties as printed and its dispute, if any."""

    payer: PayerSnapshotOut | None = Field(
        description="The payer as printed; null where staff may not read personal data."
    )
    provider: ProviderSnapshotOut
    accepted_at: datetime | None
    lines: list[ActLineOut]
    dispute: ActDisputeOut | None


class StaffActSummaryOut(ActSummaryOut):
    """An act in the staff list, with its client and dispute."""

    client_id: str = Field(examples=["cli_7m2k9d3q8w1x4z6v"])
    dispute_id: str | None = Field(examples=["adp_3k9d2m7q8w1x4z6v"])


class StaffActDisputeOut(ActDisputeOut):
    """A dispute as staff decide it, with the act it disputes."""

    act: StaffActSummaryOut


class PostalAddressOut(Schema):
    """Where the paper acts go: the payer's name and address when the request was filed."""

    name: str = Field(examples=["Pilvepood OÜ"])
    street: str = Field(examples=["Narva mnt 5"])
    city: str = Field(examples=["Tallinn"])
    postal_code: str = Field(examples=["10117"])
    country: str = Field(examples=["EE"])


class PaperActRequestOut(Schema):
    """A request to receive one quarter's acts on paper by post (DOC-03)."""

    id: str = Field(description="Public id of the request.", examples=["par_3k9d2m7q8w1x4z6v"])
    payer_id: str = Field(examples=["pay_3k9d2m7q8w1x4z6v"])
    period_start: date = Field(description="First day of the quarter.")
    period_end: date = Field(description="Last day of the quarter.")
    status: PaperRequestStatus = Field(description="requested, sent or withdrawn.")
    postal_address: PostalAddressOut | None = Field(
        description="Null where staff may not read personal data."
    )
    requested_at: datetime
    sent_at: datetime | None
    sent_note: str = Field(description="The postal tracking number, if any.")
    withdrawn_at: datetime | None


class StaffPaperActRequestOut(PaperActRequestOut):
    client_id: str = Field(examples=["cli_7m2k9d3q8w1x4z6v"])


# ----------------------------------------------------------------------------- input


class ActFilter(Schema):
    status: ActStatus | None = Field(None, description="Only in this status (as shown today).")


class StaffActFilter(ActFilter):
    month: InputDate | None = day("Only of the month this day falls in.")
    client: str | None = Field(
        None,
        pattern=PUBLIC_ID_PATTERN,
        description="Only of this client (public id).",
        examples=["cli_7m2k9d3q8w1x4z6v"],
    )


class ActDisputeIn(InputSchema):
    reasons: multiline_text(
        4000, "Why the services are not accepted.", ["The server was down 3-5 March."]
    )


class ActDisputeResolveIn(InputSchema):
    outcome: DisputeOutcome = Field(
        description="upheld: the client is right; correct the services with a credit note. "
        "rejected: the act is accepted."
    )
    note: multiline_text(2000, "The decision explained.", ["Outage confirmed; credit note."])


class PaperActRequestFileIn(InputSchema):
    payer: str = Field(
        pattern=PUBLIC_ID_PATTERN,
        description="Public id of the payer whose acts are posted.",
        examples=["pay_3k9d2m7q8w1x4z6v"],
    )
    quarter_of: InputDate | None = day("Any day of the quarter; omit for the current quarter.")


class PaperActSentIn(InputSchema):
    note: multiline_text(200, "A postal tracking number.", ["RR123456789EE"]) = ""


class StaffPaperActFilter(Schema):
    status: PaperRequestStatus | None = Field(
        None, description="Only in this status; omit for every request."
    )
    period_start: InputDate | None = day("Only of the quarter starting on this day.")


# ----------------------------------------------------------------------------- conversions


def _money(minor: int, currency: str) -> Money:
    return Money(minor, currency)


def act_summary(act: AcceptanceAct) -> dict:
    """An act as :class:`ActSummaryOut`, with its status as shown today (DOC-02)."""
    status = getattr(act, "current_status", None) or act_status(act)
    return {
        "id": act.public_id,
        "payer_id": act.payer.public_id,
        "period_start": act.period_start,
        "period_end": act.period_end,
        "status": status,
        "acceptance": act.acceptance or None,
        "formed_on": act.formed_on,
        "dispute_deadline": act.dispute_deadline,
        "can_be_disputed": status == AcceptanceAct.Status.FORMED,
        "net": act.net,
        "vat": act.vat,
        "gross": act.gross,
    }


def staff_act_summary(act: AcceptanceAct, dispute: ActDispute | None) -> dict:
    return {
        **act_summary(act),
        "client_id": act.client.public_id,
        "dispute_id": dispute.public_id if dispute is not None else None,
    }


def dispute_row(dispute: ActDispute, *, act: AcceptanceAct, readable: bool = True) -> dict:
    """A dispute as :class:`ActDisputeOut`; its words only where ``readable``."""
    return {
        "id": dispute.public_id,
        "act_id": act.public_id,
        "reasons": dispute.reasons if readable else None,
        "raised_at": dispute.raised_at,
        "outcome": dispute.outcome or None,
        "resolution_note": (dispute.resolution_note or None) if readable else None,
        "resolved_at": dispute.resolved_at,
    }


def _payer(act: AcceptanceAct) -> dict:
    data = act.payer_data
    return {
        "payer_id": data.get("public_id", ""),
        **{name: data.get(name, "") or "" for name in PAYER_FIELDS},
    }


def _provider_address(provider: dict) -> str:
    """The provider's address on one line: as snapshotted whole, or from its parts."""
    if provider.get("address"):
        return str(provider["address"])
    town = " ".join(part for part in (provider.get("postal_code"), provider.get("city")) if part)
    return ", ".join(part for part in (provider.get("street"), town) if part)


def act_detail(
    act: AcceptanceAct, *, lines, dispute: ActDispute | None, with_personal_data: bool = True
) -> dict:
    """An act as :class:`ActOut`."""
    provider = act.provider_snapshot or {}
    return {
        **act_summary(act),
        "payer": _payer(act) if with_personal_data else None,
        "provider": {
            **{
                name: str(provider.get(name, "") or "")
                for name in ("legal_name", "registry_code", "vat_number", "country")
            },
            "address": _provider_address(provider),
        },
        "accepted_at": act.accepted_at,
        "lines": [
            {
                "position": line.position,
                "document_number": line.document_number,
                "description": line.description,
                "service_month": line.service_month,
                "period_start": line.period_start,
                "period_end": line.period_end,
                "vat_rate": str(line.vat_rate),
                "net": _money(line.net_minor, act.currency),
                "vat": _money(line.vat_minor, act.currency),
                "gross": _money(line.gross_minor, act.currency),
            }
            for line in lines
        ],
        "dispute": None
        if dispute is None
        else dispute_row(dispute, act=act, readable=with_personal_data),
    }


def paper_request_row(request: PaperActRequest, *, with_address: bool = True) -> dict:
    """A paper-act request (with its payer loaded) as :class:`PaperActRequestOut`."""
    address = None
    if with_address:
        data = request.postal_address
        address = {
            name: data.get(name, "") or ""
            for name in ("name", "street", "city", "postal_code", "country")
        }
    return {
        "id": request.public_id,
        "payer_id": request.payer.public_id,
        "period_start": request.period_start,
        "period_end": request.period_end,
        "status": request.status,
        "postal_address": address,
        "requested_at": request.requested_at,
        "sent_at": request.sent_at,
        "sent_note": request.sent_note,
        "withdrawn_at": request.withdrawn_at,
    }


def staff_paper_request_row(request: PaperActRequest, *, with_address: bool) -> dict:
    return {
        **paper_request_row(request, with_address=with_address),
        "client_id": request.client.public_id,
    }
