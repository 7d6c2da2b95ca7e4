"""Schemas of automated decisions (AUT-06) and late-payment penalties (BIL-07), and their
conversions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema

from hostledger.api.schemas import PUBLIC_ID_PATTERN, InputSchema, text
from hostledger.api.schemas_money import MoneyOut
from hostledger.automation import selectors
from hostledger.automation.actions import NOTE_MAX
from hostledger.automation.models import AutomatedDecision, PenaltyAccrual
from hostledger.core.money import Money

DecisionKind = Literal[
    "terminate_for_debt", "terminate_verification", "terminate_abuse", "reclaim_ip_addresses"
]
DecisionState = Literal["proposed", "applied", "rejected", "lapsed"]
ReviewFilter = Literal["open", "answered", "any"]
EXAMPLE_ID = "dec_3k9d2m7q8w1x4z6v"


class PenaltyOut(Schema):
    """The late-payment penalty of an invoice, shown apart from its total (BIL-07): a
    percentage of the unpaid amount for each day of delay, accrued daily until the invoice is
    paid, then posted to the balance once."""

    days: int = Field(description="Days of delay counted so far.", examples=[11])
    rate_percent_per_day: str = Field(
        description="Percent of the unpaid amount per day, as a decimal string.",
        examples=["0.1"],
    )
    base: MoneyOut = Field(description="The unpaid amount the penalty is computed on.")
    amount: MoneyOut = Field(description="Accrued so far, or charged once posted.")
    delay_from: date = Field(description="The first day of delay: the day after the due date.")
    accrued_through: date = Field(description="The last day counted.")
    posted: bool = Field(description="Whether the invoice was paid and the penalty charged.")


def penalty_row(accrual: PenaltyAccrual | None) -> dict | None:
    """A penalty as :class:`PenaltyOut`, or None."""
    if accrual is None:
        return None
    return {
        "days": accrual.days,
        "rate_percent_per_day": str(selectors.rate_percent_per_day(accrual)),
        "base": Money(accrual.base_minor, accrual.currency),
        "amount": accrual.amount,
        "delay_from": accrual.delay_from,
        "accrued_through": accrual.accrued_through,
        "posted": accrual.settled,
    }


class FactOut(Schema):
    """One fact a decision rested on, as recorded by the billing run."""

    key: str = Field(description="The input's key as stored.", examples=["due_on"])
    label: str = Field(examples=["Payment was due on"])
    text: str = Field(description="The value as people read it.", examples=["30 March 2027"])
    value: Any = Field(description="The value as stored.", examples=["2027-03-30"])


class DecisionOut(Schema):
    """A decision with legal effect on the client that the billing run proposed or made,
    with the facts it rested on and the client's review, if asked (AUT-06)."""

    id: str = Field(description="Public id of the decision.", examples=[EXAMPLE_ID])
    kind: DecisionKind = Field(
        description="terminate_for_debt: a renewal invoice stayed unpaid too long; "
        "terminate_verification: a data verification request went unanswered; "
        "terminate_abuse: an abuse violation was not remedied within the term; "
        "reclaim_ip_addresses: too few of the service's IP addresses are in use (SUP-06)."
    )
    kind_text: str = Field(description="What the decision means, in plain words.")
    state: DecisionState = Field(
        description="proposed: awaiting staff; applied: carried out; rejected by staff; "
        "lapsed: no longer needed (the debt was paid, the client answered, or the IP "
        "addresses are in use)."
    )
    state_text: str = Field(description="Where it stands, in plain words.")
    automatic: bool = Field(description="Made by the run alone, as the provider's setting says.")
    service_id: str | None = Field(description="The service it ends; null for the whole contract.")
    invoice_id: str | None = Field(description="The unpaid invoice it rests on, if any.")
    facts: list[FactOut]
    proposed_at: datetime
    decided_at: datetime | None
    decision_note: str = Field(description="The reason staff gave, or the run's note.")
    review_requested_at: datetime | None
    review_reason: str = Field(description="Why the client asked for a review.")
    reviewed_at: datetime | None
    review_outcome: str = Field(description="What a person found on review.")


class StaffDecisionOut(DecisionOut):
    """A decision as staff act on it, with its client and who decided and reviewed it."""

    client_id: str = Field(examples=["cli_7m2k9d3q8w1x4z6v"])
    decided_by: str | None = Field(description="Public id of the staff member who decided.")
    reviewed_by: str | None = Field(description="Public id of the staff member who reviewed.")


def decision_row(decision: AutomatedDecision) -> dict:
    """A decision (with its service and invoice loaded) as :class:`DecisionOut`."""
    return {
        "id": decision.public_id,
        "kind": decision.kind,
        "kind_text": selectors.kind_in_plain_words(decision),
        "state": decision.state,
        "state_text": selectors.state_in_plain_words(decision),
        "automatic": decision.automatic,
        "service_id": decision.service.public_id if decision.service_id else None,
        "invoice_id": decision.invoice.public_id if decision.invoice_id else None,
        "facts": [
            {"key": fact.key, "label": fact.label, "text": fact.text, "value": fact.raw}
            for fact in selectors.decision_facts(decision)
        ],
        "proposed_at": decision.proposed_at,
        "decided_at": decision.decided_at,
        "decision_note": decision.decision_note,
        "review_requested_at": decision.review_requested_at,
        "review_reason": decision.review_reason,
        "reviewed_at": decision.reviewed_at,
        "review_outcome": decision.review_outcome,
    }


def staff_decision_row(decision: AutomatedDecision) -> dict:
    """A decision (with its client, deciders and reviewers loaded) as
    :class:`StaffDecisionOut`."""
    return {
        **decision_row(decision),
        "client_id": decision.client.public_id,
        "decided_by": decision.decided_by.public_id if decision.decided_by_id else None,
        "reviewed_by": decision.reviewed_by.public_id if decision.reviewed_by_id else None,
    }


class ReviewRequestIn(InputSchema):
    reason: text(NOTE_MAX, "Why a person should review the decision.", ["I paid by bank transfer."])


class ConfirmIn(InputSchema):
    note: text(NOTE_MAX, "An optional note kept with the decision.", [""]) = ""


class RejectIn(InputSchema):
    note: text(NOTE_MAX, "Why the proposal is rejected; the client sees it.", ["Paid by bank."])


class ReviewAnswerIn(InputSchema):
    outcome: text(
        NOTE_MAX, "What a person found on review; the client reads it.", ["The debt stands."]
    )


class StaffDecisionFilter(Schema):
    state: DecisionState | None = Field(None, description="Only decisions in this state.")
    kind: DecisionKind | None = Field(None, description="Only decisions of this kind.")
    review: ReviewFilter | None = Field(
        None,
        description="open: the client asked for a review not answered yet; answered; any: "
        "a review was asked for.",
    )
    client: str | None = Field(
        None,
        pattern=PUBLIC_ID_PATTERN,
        description="Only of this client (public id).",
        examples=["cli_7m2k9d3q8w1x4z6v"],
    )
