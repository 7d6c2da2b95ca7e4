"""Schemas of plan changes, cancellations, withdrawals and contract notices of services
(ORD-04, ORD-06, ORD-07, ORD-08, CAT-03) and the conversions that fill them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.utils.translation import gettext
from ninja import Field, Schema

from hostledger.api.schemas import PUBLIC_ID_PATTERN, InputSchema
from hostledger.api.schemas_money import FIRST_DAY, LAST_DAY, InputDate, MoneyOut
from hostledger.api.schemas_orders import AddOnChoiceIn
from hostledger.core.errors import DomainError
from hostledger.core.money import Money
from hostledger.subscriptions.models import (
    NoticeKind,
    Party,
    ServiceCancellation,
    ServiceChange,
    ServiceCredit,
)
from hostledger.subscriptions.previews import ContractOverview, PlanChangePreview

Direction = Literal[tuple(ServiceChange.Direction.values)]
ChangeState = Literal[tuple(ServiceChange.State.values)]
CancellationKind = Literal[tuple(ServiceCancellation.Kind.values)]
CancellationState = Literal[tuple(ServiceCancellation.State.values)]
PartyName = Literal[tuple(Party.values)]
NoticeKindName = Literal[tuple(NoticeKind.values)]

ADD_ON_ITEM = r"[a-z]{3}_[0-9a-z]{16}(?::[0-9]{1,5})?"
ADD_ONS_PATTERN = rf"^(?:{ADD_ON_ITEM}(?:,{ADD_ON_ITEM}){{0,49}})?$"
MAX_ADD_ON_QUANTITY = 10_000


# ----------------------------------------------------------------------------- input


class PlanChangeIn(InputSchema):
    """The new plan of a service from today (ORD-04): a tariff of the same product family
    and/or the whole new list of add-ons. Leave either out to keep it as it is; an empty
    ``add_ons`` list removes every add-on."""

    tariff: str | None = Field(
        None,
        pattern=PUBLIC_ID_PATTERN,
        description="Public id of an offered tariff of the service's family; omit to keep it.",
        examples=["trf_3k9d2m7q8w1x4z6v"],
    )
    add_ons: list[AddOnChoiceIn] | None = Field(
        None,
        max_length=50,
        description="The whole new list of add-ons with quantities; omit to keep them.",
    )


class PlanChangePreviewQuery(Schema):
    """The plan to price (ORD-04), as query parameters."""

    tariff: str | None = Field(
        None,
        pattern=PUBLIC_ID_PATTERN,
        description="Public id of the new tariff; omit to keep the current one.",
        examples=["trf_3k9d2m7q8w1x4z6v"],
    )
    add_ons: str | None = Field(
        None,
        max_length=1200,
        pattern=ADD_ONS_PATTERN,
        description=(
            "The whole new list of add-ons as comma-separated `add-on id:quantity` items "
            "(quantity 1 when left out); omit to keep the current add-ons, send it empty to "
            "remove them all."
        ),
        examples=["add_3k9d2m7q8w1x4z6v:2"],
    )

    def add_on_items(self) -> list[tuple[str, int]] | None:
        """(public id, quantity) of each add-on asked for; None when the list was left out."""
        if self.add_ons is None:
            return None
        items = []
        for index, part in enumerate(filter(None, self.add_ons.split(","))):
            public_id, _, raw = part.partition(":")
            quantity = int(raw) if raw else 1
            if not 1 <= quantity <= MAX_ADD_ON_QUANTITY:
                raise DomainError(
                    "invalid_input",
                    gettext("add_ons: item %(value)s asks for %(quantity)s; give 1 or more.")
                    % {"value": index + 1, "quantity": quantity},
                    fields={"add_ons": f"quantity of item {index + 1} out of range"},
                )
            items.append((public_id, quantity))
        return items


class CancellationIn(InputSchema):
    """The day the service is to be deactivated (ORD-06)."""

    effective_on: InputDate = Field(
        ge=FIRST_DAY,
        le=LAST_DAY,
        description=(
            "First day the service is no longer provided: at least the notice period "
            "(default 10 working days) after today."
        ),
        examples=["2027-04-15"],
    )


class ContractNoticeIn(InputSchema):
    """A notice against renewal, or a termination with notice (ORD-08)."""

    kind: NoticeKindName = Field(
        description="non_renewal: the contract ends with its term; termination: it ends "
        "after the termination notice (default one month)."
    )
    party: PartyName = Field(
        Party.CLIENT,
        description="Who gives notice: client, or provider (staff with services.manage).",
    )


class StaffCancellationFilter(Schema):
    due: bool = Field(False, description="Only those whose day has come (to carry out).")


# ----------------------------------------------------------------------------- output


class ChangeLineOut(Schema):
    """One paid period's share of a plan change, prorated to the day (ORD-04)."""

    starts_on: date = Field(description="First day of the paid period.")
    ends_on: date = Field(description="Last day of the paid period (inclusive).")
    first: date = Field(description="First day the change counts for.")
    days: int = Field(description="Days from ``first`` to ``ends_on``.", examples=[22])
    period_days: int = Field(description="Days of the whole period.", examples=[31])
    period_delta: MoneyOut = Field(description="Net difference for the whole period.")
    amount: MoneyOut = Field(description="Net prorated difference: above zero billed.")


class ServiceChangeOut(Schema):
    """A change of a service's plan (ORD-04): billed on ``invoice_id`` when an upgrade
    (``pending`` until paid, ORD-03), credited back when a downgrade."""

    id: str = Field(description="Public id of the change.", examples=["chg_3k9d2m7q8w1x4z6v"])
    service_id: str = Field(examples=["svc_3k9d2m7q8w1x4z6v"])
    direction: Direction
    state: ChangeState = Field(description="pending (awaiting payment), applied or cancelled.")
    from_tariff_id: str = Field(examples=["trf_3k9d2m7q8w1x4z6v"])
    to_tariff_id: str = Field(examples=["trf_8k9d2m7q8w1x4z6v"])
    from_add_ons: dict[str, int] = Field(description="Add-on codes and quantities before.")
    to_add_ons: dict[str, int] = Field(description="Add-on codes and quantities after.")
    effective_on: date
    lines: list[ChangeLineOut]
    amount: MoneyOut = Field(description="Net sum of the lines: above zero billed.")
    invoice_id: str | None = Field(description="The upgrade's proforma or invoice.")
    requested_at: datetime
    applied_at: datetime | None
    cancelled_at: datetime | None


class PlanChangePreviewOut(Schema):
    """What a plan change would bill or credit if made now (ORD-04). ``problem`` says why
    it would be refused (with ``fields`` naming the input at fault); amounts are then zero."""

    service_id: str = Field(examples=["svc_3k9d2m7q8w1x4z6v"])
    to_tariff_id: str | None = Field(examples=["trf_8k9d2m7q8w1x4z6v"])
    direction: Direction
    lines: list[ChangeLineOut]
    net: MoneyOut = Field(description="Net billed (upgrade) or credited (downgrade).")
    vat: MoneyOut
    gross: MoneyOut = Field(description="To pay now (upgrade) or back to the balance.")
    vat_rate: str = Field(description="VAT percentage applied.", examples=["24"])
    balance: MoneyOut = Field(description="The client's balance now.")
    paid_from_balance: bool = Field(
        description="An upgrade the balance covers is paid and applied at once."
    )
    problem: str = Field(description="Empty unless the change would be refused.")
    fields: dict[str, str]


class CancellationOut(Schema):
    """A cancellation (ORD-06), consumer withdrawal (ORD-07) or contract notice (ORD-08)."""

    id: str = Field(description="Public id.", examples=["cnl_3k9d2m7q8w1x4z6v"])
    service_id: str = Field(examples=["svc_3k9d2m7q8w1x4z6v"])
    kind: CancellationKind
    party: PartyName
    state: CancellationState = Field(description="requested, withdrawn or carried_out.")
    requested_on: date
    effective_on: date = Field(description="First day the service is no longer provided.")
    refund: MoneyOut = Field(
        description="What the balance received when it was carried out: the gross amount "
        "(VAT included) of the credit notes issued for the unused paid days; 0.00 before."
    )
    refund_net: MoneyOut = Field(
        description="The same refund without VAT, as the credit notes' net amounts."
    )
    requested_at: datetime
    withdrawn_at: datetime | None
    carried_out_at: datetime | None


class StaffCancellationOut(CancellationOut):
    """An open cancellation or notice as staff see it, with its client."""

    client_id: str = Field(examples=["cli_7m2k9d3q8w1x4z6v"])
    is_due: bool = Field(description="Its day has come: it may be carried out.")


class ServiceCreditOut(Schema):
    """A credit note that gave money for unused days back to the balance."""

    credit_note_id: str = Field(examples=["crn_3k9d2m7q8w1x4z6v"])
    invoice_id: str = Field(examples=["inv_3k9d2m7q8w1x4z6v"])
    change_id: str | None
    cancellation_id: str | None
    starts_on: date
    ends_on: date
    net: MoneyOut


class ContractOut(Schema):
    """The contract term of the service and what each notice given today does (ORD-08)."""

    started_on: date
    term_ends_on: date = Field(description="Last day of the current term.")
    renewal_notice_by: date = Field(description="Last day for a notice against renewal.")
    non_renewal_effective_on: date = Field(
        description="Deactivation day of a notice against renewal given today."
    )
    termination_effective_on: date = Field(
        description="Deactivation day of a termination notice given today."
    )
    notice_kind: NoticeKindName | None
    notice_party: PartyName | None
    notice_effective_on: date | None


class ServiceChangesOut(Schema):
    """Every plan change, cancellation, withdrawal and notice of a service, the credits
    they gave back, oldest first, and its contract term."""

    service_id: str = Field(examples=["svc_3k9d2m7q8w1x4z6v"])
    changes: list[ServiceChangeOut]
    cancellations: list[CancellationOut]
    credits: list[ServiceCreditOut]
    contract: ContractOut


# ----------------------------------------------------------------------------- conversions


def _money(minor: int, currency: str) -> Money:
    return Money(minor, currency)


def _add_ons(rows: list[dict]) -> dict[str, int]:
    return {row["code"]: row["quantity"] for row in rows}


def _line(line) -> dict:
    return {
        "starts_on": line.starts_on,
        "ends_on": line.ends_on,
        "first": line.first,
        "days": line.days,
        "period_days": line.period_days,
        "period_delta": line.period_delta,
        "amount": line.amount,
    }


def change_row(change: ServiceChange) -> dict:
    """A plan change (with its service, tariffs and invoice loaded) as ServiceChangeOut."""
    currency = change.currency
    return {
        "id": change.public_id,
        "service_id": change.service.public_id,
        "direction": change.direction,
        "state": change.state,
        "from_tariff_id": change.from_tariff.public_id,
        "to_tariff_id": change.to_tariff.public_id,
        "from_add_ons": _add_ons(change.from_add_ons),
        "to_add_ons": _add_ons(change.to_add_ons),
        "effective_on": change.effective_on,
        "lines": [
            {
                "starts_on": date.fromisoformat(line["starts_on"]),
                "ends_on": date.fromisoformat(line["ends_on"]),
                "first": date.fromisoformat(line["first"]),
                "days": line["days"],
                "period_days": line["period_days"],
                "period_delta": _money(line["period_delta_minor"], currency),
                "amount": _money(line["amount_minor"], currency),
            }
            for line in change.lines
        ],
        "amount": change.amount,
        "invoice_id": change.invoice.public_id if change.invoice_id else None,
        "requested_at": change.requested_at,
        "applied_at": change.applied_at,
        "cancelled_at": change.cancelled_at,
    }


def preview_row(preview: PlanChangePreview) -> dict:
    return {
        "service_id": preview.service.public_id,
        "to_tariff_id": preview.tariff.public_id if preview.tariff is not None else None,
        "direction": preview.direction,
        "lines": [_line(line) for line in preview.lines],
        "net": preview.net,
        "vat": preview.vat,
        "gross": preview.gross,
        "vat_rate": format(preview.vat_rate.normalize(), "f"),
        "balance": preview.balance,
        "paid_from_balance": preview.balance_covers,
        "problem": preview.problem,
        "fields": preview.fields,
    }


def refund_paid(cancellation: ServiceCancellation) -> Money:
    """The gross amount the balance received for ``cancellation``: the credit notes issued
    for it, VAT included (each credit note of a cancellation credits that cancellation only)."""
    gross = {
        credit.credit_note_id: credit.credit_note.gross_minor
        for credit in cancellation.credits.select_related("credit_note")
    }
    # Credit notes store their amounts as negatives (money back); the refund is positive.
    return Money(-sum(gross.values()), cancellation.currency)


def cancellation_row(cancellation: ServiceCancellation) -> dict:
    return {
        "id": cancellation.public_id,
        "service_id": cancellation.service.public_id,
        "kind": cancellation.kind,
        "party": cancellation.party,
        "state": cancellation.state,
        "requested_on": cancellation.requested_on,
        "effective_on": cancellation.effective_on,
        "refund": refund_paid(cancellation),
        "refund_net": cancellation.refund,
        "requested_at": cancellation.requested_at,
        "withdrawn_at": cancellation.withdrawn_at,
        "carried_out_at": cancellation.carried_out_at,
    }


def staff_cancellation_row(cancellation: ServiceCancellation, *, today: date) -> dict:
    return {
        **cancellation_row(cancellation),
        "client_id": cancellation.service.client.public_id,
        "is_due": cancellation.state == ServiceCancellation.State.REQUESTED
        and cancellation.effective_on <= today,
    }


def credit_row(credit: ServiceCredit) -> dict:
    return {
        "credit_note_id": credit.credit_note.public_id,
        "invoice_id": credit.invoice.public_id,
        "change_id": credit.change.public_id if credit.change_id else None,
        "cancellation_id": credit.cancellation.public_id if credit.cancellation_id else None,
        "starts_on": credit.starts_on,
        "ends_on": credit.ends_on,
        "net": _money(credit.net_minor, credit.currency),
    }


def contract_row(contract: ContractOverview) -> dict:
    service = contract.service
    return {
        "started_on": contract.started_on,
        "term_ends_on": contract.term_ends_on,
        "renewal_notice_by": contract.renewal_notice_by,
        "non_renewal_effective_on": contract.non_renewal_effective_on,
        "termination_effective_on": contract.termination_effective_on,
        "notice_kind": service.notice_kind or None,
        "notice_party": service.notice_party or None,
        "notice_effective_on": service.notice_effective_on,
    }
