"""Reads of what the billing run produced, shared by the web pages and the API (AUT-01,
AUT-06, BIL-07).

Client-facing reads take the client and return only its rows, so another client's decision
is not found (habit 6); staff reads take the filters of the staff list. The facts a decision
rests on (``AutomatedDecision.inputs``) are turned into labelled, readable rows here, once,
for both the pages and the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.utils import dateformat
from django.utils.translation import get_language

from hostledger.automation import conf
from hostledger.automation.models import AutomatedDecision, PenaltyAccrual, ServiceRenewal
from hostledger.core.errors import NotFound
from hostledger.core.money import DEFAULT_CURRENCY, Money, format_money
from hostledger.core.registry import setting_value

STAFF_LIST_LIMIT = 200
"""Rows on the staff list of decisions; filters narrow it."""

KIND_IN_PLAIN_WORDS = {
    AutomatedDecision.Kind.TERMINATE_FOR_DEBT: "Ending the service's contract because a "
    "renewal invoice is unpaid",
    AutomatedDecision.Kind.TERMINATE_FOR_VERIFICATION: "Ending the contract because a data "
    "verification request was not answered in time",
    AutomatedDecision.Kind.TERMINATE_FOR_ABUSE: "Ending the service's contract because an "
    "abuse violation was not remedied within the term (003 §7.5)",
    AutomatedDecision.Kind.RECLAIM_IP_ADDRESSES: "Taking back IP addresses allocated to the "
    "service because too few of them are in use",
}
"""What each kind of decision means, in the words the client reads."""

STATE_IN_PLAIN_WORDS = {
    AutomatedDecision.State.PROPOSED: "Proposed: a staff member will confirm or reject it",
    AutomatedDecision.State.APPLIED: "Carried out",
    AutomatedDecision.State.REJECTED: "Not carried out: staff rejected it",
    AutomatedDecision.State.LAPSED: "Dropped: what it rested on no longer holds",
}
"""Where a decision stands, in the words the client reads."""

FACT_LABELS = {
    "invoice": "Unpaid invoice",
    "gross_minor": "Invoice amount",
    "issued_on": "Invoice date",
    "due_on": "Payment was due on",
    "service": "Service",
    "period_starts_on": "Period starting on",
    "termination_after_days": "Termination allowed after (days from the invoice date)",
    "verification_request": "Verification request",
    "opened_on": "Request opened on",
    "answer_due_on": "Answer was due on",
    "terminable_on": "Contract may end from",
    "abuse_case": "Abuse case",
    "category": "Kind of violation",
    "opened_at": "Case opened at",
    "suspended_at": "Service suspended at",
    "as_of": "Billing run as of",
    "network": "IP addresses",
    "addresses_allocated": "Addresses allocated",
    "addresses_in_use": "Addresses in use",
    "required_percent": "Share required in use (%)",
    "allocated_on": "Allocated on",
    "warned_on": "Client warned on",
    "remedy_by": "Time to remedy ended on",
    "checked_on": "Checked on",
}
"""The label of each input the run records, in the order the facts are shown; inputs not
named here are shown after them under their own key."""

DATE_FACTS = frozenset(
    {
        "issued_on",
        "due_on",
        "period_starts_on",
        "opened_on",
        "answer_due_on",
        "terminable_on",
        "allocated_on",
        "warned_on",
        "remedy_by",
        "checked_on",
    }
)
MONEY_FACTS = frozenset({"gross_minor"})
LINKED_FACTS = {"invoice": "invoice", "service": "service"}
"""Inputs that name an object the pages link to, by the kind of object."""


@dataclass(frozen=True)
class Fact:
    """One input of a decision: its key as stored, a label, the value as people read it,
    the raw value as stored, and what kind of object it names (``invoice``, ``service``) if
    any."""

    key: str
    label: str
    text: str
    raw: object
    links_to: str = ""


def _fact_text(key: str, value) -> str:
    if value is None or value == "":
        return "—"
    if key in MONEY_FACTS and isinstance(value, int | str):
        try:
            return format_money(
                Money(int(value), DEFAULT_CURRENCY), (get_language() or "en").split("-")[0]
            )
        except ValueError:
            return str(value)
    if key in DATE_FACTS and isinstance(value, str):
        try:
            return dateformat.format(date.fromisoformat(value[:10]), settings.DATE_FORMAT)
        except ValueError:
            return value
    if key == "as_of" and isinstance(value, str):
        try:
            return dateformat.format(datetime.fromisoformat(value), settings.DATE_FORMAT)
        except ValueError:
            return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def decision_facts(decision: AutomatedDecision) -> list[Fact]:
    """The inputs the decision rested on as labelled, readable rows (AUT-06): the known
    inputs in a fixed order, then any others by key."""
    inputs = decision.inputs if isinstance(decision.inputs, dict) else {}
    known = [key for key in FACT_LABELS if key in inputs]
    others = sorted(key for key in inputs if key not in FACT_LABELS)
    return [
        Fact(
            key=key,
            label=FACT_LABELS.get(key, key.replace("_", " ").capitalize()),
            text=_fact_text(key, inputs[key]),
            raw=inputs[key],
            links_to=LINKED_FACTS.get(key, ""),
        )
        for key in known + others
    ]


def kind_in_plain_words(decision: AutomatedDecision) -> str:
    return KIND_IN_PLAIN_WORDS.get(decision.kind, decision.get_kind_display())


def state_in_plain_words(decision: AutomatedDecision) -> str:
    return STATE_IN_PLAIN_WORDS.get(decision.state, decision.get_state_display())


def review_is_open(decision: AutomatedDecision) -> bool:
    """Whether the client asked for a review that staff have not answered yet."""
    return decision.review_requested_at is not None and decision.reviewed_at is None


def _decisions() -> QuerySet[AutomatedDecision]:
    return AutomatedDecision.objects.select_related(
        "client", "service", "service__tariff", "invoice", "decided_by", "reviewed_by"
    )


# ----------------------------------------------------------------------------- clients


def client_decisions(client) -> QuerySet[AutomatedDecision]:
    """Every decision about the client, newest first (AUT-06)."""
    return _decisions().filter(client=client).order_by("-proposed_at", "-id")


def client_decision(client, public_id: str) -> AutomatedDecision:
    """One decision about the client; another client's is not found (habit 6)."""
    decision = client_decisions(client).filter(public_id=public_id).first()
    if decision is None:
        raise NotFound("decision")
    return decision


# ----------------------------------------------------------------------------- staff


REVIEW_FILTERS = {
    "open": "Review asked, not answered",
    "answered": "Review answered",
    "any": "Review asked",
}


def decisions_for_staff(
    *, state: str | None = None, kind: str | None = None, review: str | None = None, client=None
) -> QuerySet[AutomatedDecision]:
    """Decisions of every client, newest first, by state, kind, review (``open``: asked and
    not answered, ``answered``, ``any``: asked at all) and client (AUT-06)."""
    found = _decisions().order_by("-proposed_at", "-id")
    if state:
        found = found.filter(state=state)
    if kind:
        found = found.filter(kind=kind)
    if client is not None:
        found = found.filter(client=client)
    if review == "open":
        found = found.filter(review_requested_at__isnull=False, reviewed_at__isnull=True)
    elif review == "answered":
        found = found.filter(reviewed_at__isnull=False)
    elif review == "any":
        found = found.filter(review_requested_at__isnull=False)
    return found


def staff_decision(public_id: str) -> AutomatedDecision:
    decision = _decisions().filter(public_id=public_id).first()
    if decision is None:
        raise NotFound("decision")
    return decision


def open_reviews_count() -> int:
    """Decisions whose client asked for a review that nobody answered yet."""
    return decisions_for_staff(review="open").count()


# ----------------------------------------------------------------------------- penalties


def invoice_penalty(invoice) -> PenaltyAccrual | None:
    """The late-payment penalty of the invoice, accrued so far or posted, or None (BIL-07)."""
    return PenaltyAccrual.objects.filter(invoice=invoice).first()


def rate_percent_per_day(accrual: PenaltyAccrual) -> Decimal:
    """The accrual's rate as a percentage per day (1,000 ppm is 0.1 %)."""
    return (Decimal(accrual.rate_ppm) / Decimal(10_000)).normalize()


def service_penalties(service) -> list[PenaltyAccrual]:
    """The penalties of the service's renewal invoices, oldest first (BIL-07)."""
    return list(
        PenaltyAccrual.objects.filter(invoice__renewal__service=service)
        .select_related("invoice")
        .order_by("delay_from", "id")
    )


# ----------------------------------------------------------------------------- renewals


def service_renewals(service) -> list[ServiceRenewal]:
    """The service's renewal periods with their invoices, newest first (AUT-01)."""
    return list(
        ServiceRenewal.objects.filter(service=service)
        .select_related("invoice")
        .order_by("-starts_on", "-id")
    )


def service_decisions(service) -> list[AutomatedDecision]:
    """The decisions about the service, newest first (AUT-06)."""
    return list(_decisions().filter(service=service).order_by("-proposed_at", "-id"))


@dataclass(frozen=True)
class RenewalOutlook:
    """How far a service is paid and billed, and what comes next (AUT-01).

    ``awaiting`` is the oldest renewal invoiced and not paid yet; otherwise, for a live
    service billed period by period, ``next_starts_on`` is the first day not billed yet and
    ``invoice_expected_on`` the day the run issues its invoice."""

    paid_through: date | None
    invoiced_through: date | None
    awaiting: ServiceRenewal | None
    next_starts_on: date | None
    invoice_expected_on: date | None


LIVE_STATUSES = ("trial", "provisioning", "active", "suspended")


def renewal_outlook(service, renewals: list[ServiceRenewal] | None = None) -> RenewalOutlook:
    """``service``'s paid-through and invoiced-through days and its next renewal; pass its
    ``service_renewals`` when already loaded."""
    if renewals is None:
        renewals = service_renewals(service)
    invoiced = [item for item in renewals if item.state == ServiceRenewal.State.INVOICED]
    awaiting = min(invoiced, key=lambda item: item.starts_on) if invoiced else None
    next_starts_on = expected = None
    if (
        service.status in LIVE_STATUSES
        and service.renewal_months
        and service.invoiced_through is not None
    ):
        next_starts_on = service.invoiced_through + timedelta(days=1)
        if service.notice_effective_on and next_starts_on >= service.notice_effective_on:
            next_starts_on = None  # the contract ends before another period
        else:
            expected = next_starts_on - timedelta(
                days=setting_value(conf.RENEWAL_INVOICE_DAYS_AHEAD)
            )
    return RenewalOutlook(
        paid_through=service.paid_through,
        invoiced_through=service.invoiced_through,
        awaiting=awaiting,
        next_starts_on=next_starts_on,
        invoice_expected_on=expected,
    )
