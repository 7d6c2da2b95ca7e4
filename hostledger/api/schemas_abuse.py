"""Schemas of the abuse desk's API (ABU-01 … ABU-03) and their conversions."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from hostledger.abuse import selectors
from hostledger.abuse.actions import NOTE_MAX
from hostledger.abuse.models import AbuseCase, AbuseCaseEvent
from hostledger.api.schemas import InputSchema, text

EXAMPLE_ID = "abu_3k9d2m7q8w1x4z6v"
CategoryCode = Literal[
    "spam",
    "prohibited_content",
    "resource_overuse",
    "security_threat",
    "third_party_claim",
    "authority_order",
]
StatusCode = Literal["new", "notified", "remedy_claimed", "suspended", "resolved", "dismissed"]
CATEGORY_HELP = (
    "spam; prohibited_content (content or software the terms forbid); resource_overuse; "
    "security_threat (malware, attacks, spoofing); third_party_claim (copyright or other "
    "rights: 5 working days to act); authority_order."
)


class EvidenceOut(Schema):
    kind: Literal["text", "feedback_report", "file"] = Field(
        description="text: the report or an answer; feedback_report: the machine-readable "
        "part of an ARF report; file: an evidence file (download it in the client or staff "
        "area)."
    )
    text: str = Field(description="The text, shown as text, never as HTML.")
    truncated: bool = Field(description="The text was cut at the provider's length limit.")
    file_name: str
    media_type: str = Field(description="The file's type, read from its bytes.")
    size: int
    sha256: str = Field(description="SHA-256 of the file's bytes; files are addressed by it.")
    created_at: datetime


class EventOut(Schema):
    kind: str = Field(examples=["client_notified"])
    kind_text: str
    occurred_at: datetime
    by_client: bool
    note: str


class CaseOut(Schema):
    """An abuse case about the client's services (ABU-01), as the client sees it: without the
    reporter's identity and without staff notes."""

    id: str = Field(examples=[EXAMPLE_ID])
    category: CategoryCode = Field(description=CATEGORY_HELP)
    category_text: str
    status: StatusCode
    status_text: str
    subject: str
    opened_at: datetime
    notified_at: datetime | None
    suspend_due_at: datetime | None = Field(
        description="When the services are suspended unless remedied (ABU-02, ABU-03)."
    )
    lift_due_at: datetime | None = Field(
        description="After a claimed remedy: by when staff check it and lift any block."
    )
    services: list[str] = Field(description="Public ids of the services concerned.")
    evidence: list[EvidenceOut]
    timeline: list[EventOut]


class ReporterOut(Schema):
    name: str
    email: str
    erased: bool


class StaffCaseOut(CaseOut):
    """An abuse case with everything staff see (ABU-01)."""

    client: str | None = Field(description="Public id of the client, once found.")
    source: Literal["form", "mail", "staff"]
    reported_ip: str
    reported_domain: str
    terminate_due_at: datetime | None = Field(
        description="From when a termination may be proposed (003 §7.5)."
    )
    termination_decision: str | None = Field(
        description="Public id of the termination proposal for staff to confirm (AUT-06)."
    )
    reporter: ReporterOut | None


class AnswerIn(InputSchema):
    text: text(10_000, "Your answer.", ["We removed the files and changed the passwords."])
    remedied: bool = Field(
        False,
        description="The violation is remedied: the suspension is held while staff check, and "
        "a block is lifted within the provider's lift time.",
    )


class NoteIn(InputSchema):
    note: text(NOTE_MAX, "A note for the case's timeline.", ["Scanned: clean."]) = ""


class RequiredNoteIn(InputSchema):
    note: text(NOTE_MAX, "Why (required).", ["The report was forged."])


class NotifyIn(InputSchema):
    category: CategoryCode | None = Field(None, description="Correct the category first.")
    note: text(NOTE_MAX, "A note for the case's timeline.", ["Sent with the headers."]) = ""


class LinkServiceIn(InputSchema):
    service: text(40, "Public id of a service of the case's client.", ["svc_3k9d2m7q8w1x4z6v"])


class CaseIn(InputSchema):
    category: CategoryCode = Field(description=CATEGORY_HELP)
    text: text(50_000, "The report.", ["Our users receive spam sent from shop.example.com."])
    account: text(40, "A client or service id the report names.", ["cli_3k9d2m7q8w1x4z6v"]) = ""
    host_name: text(253, "A domain or host name the report names.", ["shop.example.com"]) = ""
    ip_address: text(45, "An IP address the report names.", ["192.0.2.10"]) = ""


class StaffCaseFilter(Schema):
    status: StatusCode | None = Field(None, description="Omit for every open case.")
    category: CategoryCode | None = None


def _evidence(case: AbuseCase) -> list[dict]:
    return [
        {
            "kind": item.kind,
            "text": item.text,
            "truncated": item.truncated,
            "file_name": item.file_name,
            "media_type": item.media_type,
            "size": item.size,
            "sha256": item.sha256,
            "created_at": item.created_at,
        }
        for item in selectors.case_evidence(case)
    ]


def _timeline(case: AbuseCase, *, for_client: bool) -> list[dict]:
    rows = []
    for event in selectors.case_timeline(case):
        if for_client and event.kind == AbuseCaseEvent.Kind.NOTE:
            continue
        rows.append(
            {
                "kind": event.kind,
                "kind_text": event.get_kind_display(),
                "occurred_at": event.occurred_at,
                "by_client": event.by_client,
                "note": event.note if (event.by_client or not for_client) else "",
            }
        )
    return rows


def case_row(case: AbuseCase, *, for_client: bool = True) -> dict:
    row = {
        "id": case.public_id,
        "category": case.category,
        "category_text": case.get_category_display(),
        "status": case.status,
        "status_text": case.get_status_display(),
        "subject": case.subject,
        "opened_at": case.opened_at,
        "notified_at": case.notified_at,
        "suspend_due_at": case.suspend_due_at,
        "lift_due_at": case.lift_due_at,
        "services": [link.service.public_id for link in selectors.case_services(case)],
        "evidence": _evidence(case),
        "timeline": _timeline(case, for_client=for_client),
    }
    return row


def staff_case_row(case: AbuseCase) -> dict:
    reporter = case.reporter
    return {
        **case_row(case, for_client=False),
        "client": case.client.public_id if case.client_id else None,
        "source": case.source,
        "reported_ip": case.reported_ip,
        "reported_domain": case.reported_domain,
        "terminate_due_at": case.terminate_due_at,
        "termination_decision": case.termination_decision.public_id
        if case.termination_decision_id
        else None,
        "reporter": None
        if reporter is None
        else {
            "name": reporter.name,
            "email": reporter.email,
            "erased": reporter.erased_at is not None,
        },
    }
