"""Staff operations of the privacy engine: erasure plans and erasure (GDPR-04), restriction of
processing (GDPR-05), legal holds and the retention schedule's preview (GDPR-08).

Every operation needs ``privacy.manage`` (the privacy officer and the administrator, ACC-11).
Erasure is refused with 400 ``erasure_refused`` naming every reason while the client has a
service that is not terminated or owes money; nothing is written then.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema
from ninja.responses import Status

from hostledger.accounts import permissions as perms
from hostledger.accounts import selectors as account_selectors
from hostledger.api.errors import responses
from hostledger.api.schemas import InputSchema, path_id, text
from hostledger.core.errors import DomainError
from hostledger.flows.privacy_erasure import client_erase
from hostledger.privacy import actions, selectors
from hostledger.privacy.erasure import erasure_plan
from hostledger.privacy.retention import retention_preview

router = Router(tags=["Personal data protection"])

ClientId = Annotated[str, Path(**path_id("client", "cli_7m2k9d3q8w1x4z6v"))]
ReportId = Annotated[str, Path(**path_id("erasure report", "ers_3k9d2m7q8w1x4z6v"))]
RestrictionId = Annotated[str, Path(**path_id("restriction", "rst_3k9d2m7q8w1x4z6v"))]
HoldId = Annotated[str, Path(**path_id("legal hold", "lgh_3k9d2m7q8w1x4z6v"))]

Action = Literal["delete", "anonymise", "hold", "by_step"]


class ErasureItemOut(Schema):
    """What erasure does, or did, to one asset of the client."""

    model_label: str = Field(description="The asset's model.", examples=["accounts.Payer"])
    asset: str = Field(examples=["accounts: payers"])
    action: Action = Field(
        description="delete: the rows go; anonymise: the fields are blanked; hold: kept, "
        "restricted, until held_until, then erased; by_step: reached by a named step."
    )
    fields: list[str] = Field(examples=[["name", "street"]])
    rows: int = Field(examples=[1])
    held_until: date | None = Field(description="The last day held data is kept.")
    year: int | None = Field(description="The year of use of held traffic data.")
    step: str = Field(description="The step of the erasure flow that reaches the fields.")


class ErasurePlanOut(Schema):
    """What erasing the client would do today, and why it is refused if it is (GDPR-04)."""

    client: str = Field(examples=["cli_7m2k9d3q8w1x4z6v"])
    allowed: bool
    refusals: list[str] = Field(examples=[["services are not terminated: svc_… (active)"]])
    contract_ended_on: date
    items: list[ErasureItemOut]


class ErasureReportOut(Schema):
    """The stored report of an erasure (GDPR-04)."""

    id: str = Field(examples=["ers_3k9d2m7q8w1x4z6v"])
    client: str = Field(examples=["cli_7m2k9d3q8w1x4z6v"])
    executed_at: datetime
    contract_ended_on: date
    items: list[ErasureItemOut]


class ErasureIn(InputSchema):
    confirm: bool = Field(description="Must be true: erasure cannot be undone.", examples=[True])


class RestrictionOut(Schema):
    """A restriction of processing of a client's data (GDPR-05)."""

    id: str = Field(examples=["rst_3k9d2m7q8w1x4z6v"])
    client: str = Field(examples=["cli_7m2k9d3q8w1x4z6v"])
    reason: Literal["requested", "held_after_erasure", "dispute"]
    note: str
    started_at: datetime
    lifted_at: datetime | None
    lift_note: str


class RestrictionIn(InputSchema):
    reason: Literal["requested", "dispute"] = Field(
        description="requested: the client asked; dispute: the accuracy or lawfulness of the "
        "data is disputed."
    )
    note: text(2000, "Why, and how the request came.", ["Asked by letter of 3 March."])


class LiftIn(InputSchema):
    note: text(2000, "Why the restriction is lifted; kept in the record.", ["Data corrected."])


class LegalHoldOut(Schema):
    """A legal hold: no retention rule erases the client's data until it is lifted (GDPR-08)."""

    id: str = Field(examples=["lgh_3k9d2m7q8w1x4z6v"])
    client: str = Field(examples=["cli_7m2k9d3q8w1x4z6v"])
    reason: str
    started_at: datetime
    lifted_at: datetime | None


class LegalHoldIn(InputSchema):
    reason: text(2000, "Why the data must be kept.", ["Court case 2-27-1234."])


class RetentionTargetOut(Schema):
    rule: str = Field(examples=["communications"])
    model_label: str = Field(examples=["notifications.Delivery"])
    action: str = Field(examples=["anonymise"])
    fields: list[str]
    rows: int


class RetentionPreviewOut(Schema):
    """What the next run of the retention schedule would erase, per rule and asset."""

    targets: list[RetentionTargetOut]


def _client_of(item) -> str:
    return item.client.public_id


def _restriction(item) -> dict:
    return {
        "id": item.public_id,
        "client": _client_of(item),
        "reason": item.reason,
        "note": item.note,
        "started_at": item.started_at,
        "lifted_at": item.lifted_at,
        "lift_note": item.lift_note,
    }


def _hold(item) -> dict:
    return {
        "id": item.public_id,
        "client": _client_of(item),
        "reason": item.reason,
        "started_at": item.started_at,
        "lifted_at": item.lifted_at,
    }


def _report(report) -> dict:
    return {
        "id": report.public_id,
        "client": report.client.public_id,
        "executed_at": report.executed_at,
        "contract_ended_on": report.contract_ended_on,
        "items": report.items,
    }


def _staff_client(request: HttpRequest, client_id: str):
    account_selectors.require_staff_permission(request.user, perms.PRIVACY_MANAGE)
    return account_selectors.staff_client(client_id)


@router.get(
    "/staff/clients/{client_id}/erasure-plan",
    response=responses({200: ErasurePlanOut}, 400, 401, 403, 404),
    summary="Preview an erasure",
)
def staff_erasure_plan(request: HttpRequest, client_id: ClientId):
    """What erasing the client would delete, anonymise and hold until when, and why it is
    refused if it is (GDPR-04). Reads only. Needs privacy.manage."""
    client = _staff_client(request, client_id)
    plan = erasure_plan(client)
    return {
        "client": client.public_id,
        "allowed": plan.allowed,
        "refusals": plan.refusals,
        "contract_ended_on": plan.contract_ended_on,
        "items": [item.as_dict() for item in plan.items],
    }


@router.post(
    "/staff/clients/{client_id}/erasure",
    response=responses({201: ErasureReportOut}, 400, 401, 403, 404),
    summary="Erase a client",
)
def staff_client_erase(request: HttpRequest, client_id: ClientId, payload: ErasureIn):
    """Erase the client's personal data as the declarations say and return the report
    (GDPR-04). ``confirm`` must be true. Refused with 400 ``erasure_refused`` while a service
    is not terminated or money is owed. Needs privacy.manage."""
    client = _staff_client(request, client_id)
    if not payload.confirm:
        raise DomainError(
            "confirmation_required",
            _("confirm: erasure cannot be undone; confirm it."),
            fields={"confirm": "must be true"},
        )
    report = client_erase(client=client, actor=request.user)
    return Status(201, _report(report))


@router.get(
    "/staff/erasure-reports/{report_id}",
    response=responses({200: ErasureReportOut}, 400, 401, 403, 404),
    summary="Read an erasure report",
)
def staff_erasure_report(request: HttpRequest, report_id: ReportId):
    """What an erasure deleted, anonymised and holds until when (GDPR-04). Needs
    privacy.manage."""
    account_selectors.require_staff_permission(request.user, perms.PRIVACY_MANAGE)
    return _report(selectors.erasure_report(report_id))


@router.get(
    "/staff/clients/{client_id}/restrictions",
    response=responses({200: list[RestrictionOut]}, 400, 401, 403, 404),
    summary="List a client's restrictions",
)
def staff_restriction_list(request: HttpRequest, client_id: ClientId):
    """The client's restrictions of processing, newest first (GDPR-05). Needs
    privacy.manage."""
    client = _staff_client(request, client_id)
    return [_restriction(item) for item in selectors.client_restrictions(client)]


@router.post(
    "/staff/clients/{client_id}/restrictions",
    response=responses({201: RestrictionOut}, 400, 401, 403, 404),
    summary="Restrict processing",
)
def staff_restriction_start(request: HttpRequest, client_id: ClientId, payload: RestrictionIn):
    """Restrict processing of the client's data: it is left out of marketing, announcements
    other than legal notices, exports to processors and statistics until lifted; the client
    is told (GDPR-05). Needs privacy.manage."""
    client = _staff_client(request, client_id)
    restriction = actions.processing_restriction_start(
        client=client, reason=payload.reason, note=payload.note, actor=request.user
    )
    return Status(201, _restriction(restriction))


@router.post(
    "/staff/restrictions/{restriction_id}/lift",
    response=responses({200: RestrictionOut}, 400, 401, 403, 404),
    summary="Lift a restriction",
)
def staff_restriction_lift(request: HttpRequest, restriction_id: RestrictionId, payload: LiftIn):
    """Lift a restriction with a reason; the client is told (GDPR-05). One kept because
    data is held after erasure answers 400 ``held_data``. Needs privacy.manage."""
    account_selectors.require_staff_permission(request.user, perms.PRIVACY_MANAGE)
    restriction = selectors.staff_restriction(restriction_id)
    lifted = actions.processing_restriction_lift(
        restriction=restriction, note=payload.note, actor=request.user
    )
    return _restriction(lifted)


@router.post(
    "/staff/clients/{client_id}/legal-holds",
    response=responses({201: LegalHoldOut}, 400, 401, 403, 404),
    summary="Put a legal hold",
)
def staff_legal_hold_start(request: HttpRequest, client_id: ClientId, payload: LegalHoldIn):
    """Stop every retention rule for the client's data until the hold is lifted (GDPR-08).
    Needs privacy.manage."""
    client = _staff_client(request, client_id)
    hold = actions.legal_hold_start(client=client, reason=payload.reason, actor=request.user)
    return Status(201, _hold(hold))


@router.post(
    "/staff/legal-holds/{hold_id}/lift",
    response=responses({200: LegalHoldOut}, 400, 401, 403, 404),
    summary="Lift a legal hold",
)
def staff_legal_hold_lift(request: HttpRequest, hold_id: HoldId):
    """End a legal hold; the retention schedule applies to the client again (GDPR-08).
    Needs privacy.manage."""
    account_selectors.require_staff_permission(request.user, perms.PRIVACY_MANAGE)
    hold = selectors.staff_legal_hold(hold_id)
    return _hold(actions.legal_hold_lift(hold=hold, actor=request.user))


@router.get(
    "/staff/retention/preview",
    response=responses({200: RetentionPreviewOut}, 401, 403),
    summary="Preview the retention schedule",
)
def staff_retention_preview(request: HttpRequest):
    """What the next run of the retention schedule would erase, per rule and asset (GDPR-08).
    Reads only. Needs privacy.manage."""
    account_selectors.require_staff_permission(request.user, perms.PRIVACY_MANAGE)
    return {
        "targets": [
            {
                "rule": target.rule,
                "model_label": target.model_label,
                "action": target.action,
                "fields": list(target.fields),
                "rows": target.rows,
            }
            for target in retention_preview()
        ]
    }
