"""What a plan change, a cancellation, a withdrawal or a contract notice of a service would
do, computed before the client confirms it (ORD-04, ORD-06, ORD-07, ORD-08, CAT-03).

Nothing here writes. Each preview runs the same checks and the same proration as the action
it announces (``hostledger.subscriptions.actions``): the prorated lines of a plan change,
the unused paid days a cancellation or a withdrawal gives back, and the days a contract
notice takes effect. A change the action would refuse is not an error here: the preview
carries the action's message in ``problem`` and the field it names in ``fields``, so the
page and the API can show why before anything is sent.

VAT is shown as the documents will carry it: an upgrade's proforma at the VAT of the
service's payer today (without asking VIES, as the order quote does), a credit at the VAT
rate of the invoice that billed the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import QuerySet

from hostledger.accounts.models import Client
from hostledger.catalog.models import Tariff
from hostledger.catalog.selectors import OfferedFamily, catalog_for_browsing
from hostledger.core.errors import DomainError, NotFound
from hostledger.core.money import Money
from hostledger.core.registry import setting_value
from hostledger.invoicing.lines import price_line
from hostledger.invoicing.vat import compact_vat_number, vat_decision
from hostledger.ledger.selectors import balance_of
from hostledger.subscriptions import conf
from hostledger.subscriptions.actions._credits import Portion, unused_portions
from hostledger.subscriptions.actions.cancellation import (
    earliest_cancellation_day,
    minimum_period_last_day,
)
from hostledger.subscriptions.actions.changes import _change_lines, _check_change
from hostledger.subscriptions.actions.contracts import current_term_end, next_term_end
from hostledger.subscriptions.actions.order_input import add_months
from hostledger.subscriptions.actions.withdrawal import _first_refunded_day, withdrawal_last_day
from hostledger.subscriptions.models import (
    Service,
    ServiceCancellation,
    ServiceChange,
    ServicePeriod,
    ServiceStatus,
)

ONE_DAY = timedelta(days=1)
ZERO_RATE = Decimal("0")
BUSINESS_PAYER_KIND = "legal"
"""A payer that is a legal person buys as a business (BIL-05), as the proforma decides."""
EARLIEST_DAY = date(1, 1, 1)


def _refusal(error: DomainError) -> tuple[str, dict[str, str]]:
    """The action's message for people (without the "field: " the API's messages start
    with) and the fields it names."""
    message = error.message
    for name in error.fields or {}:
        if message.startswith(f"{name}: "):
            message = message.removeprefix(f"{name}: ")
            message = message[:1].upper() + message[1:]
            break
    return message, dict(error.fields or {})


# ----------------------------------------------------------------------------- plan change


@dataclass(frozen=True)
class ChangeLine:
    """One paid period's share of a plan change: the days from ``first`` to ``ends_on`` of
    the period ``starts_on``-``ends_on``, and the prorated net difference (ORD-04)."""

    starts_on: date
    ends_on: date
    first: date
    days: int
    period_days: int
    period_delta: Money
    amount: Money


@dataclass(frozen=True)
class PlanChangePreview:
    """A plan change as ``service_plan_change`` would make it today (ORD-04, ORD-03).

    ``direction`` is upgrade, downgrade or even. An upgrade is billed ``gross`` on a
    proforma, paid from the balance at once when ``balance_covers`` it; a downgrade credits
    ``gross`` back to the balance. ``problem`` (with ``fields``) is why the action would
    refuse the change; the amounts are then zero.
    """

    service: Service
    tariff: Tariff | None
    net: Money
    vat: Money
    gross: Money
    balance: Money
    direction: str = ServiceChange.Direction.EVEN
    lines: list[ChangeLine] = field(default_factory=list)
    vat_rate: Decimal = ZERO_RATE
    problem: str = ""
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def is_upgrade(self) -> bool:
        return self.direction == ServiceChange.Direction.UPGRADE

    @property
    def is_downgrade(self) -> bool:
        return self.direction == ServiceChange.Direction.DOWNGRADE

    @property
    def balance_covers(self) -> bool:
        return self.is_upgrade and self.balance >= self.gross

    @property
    def shortfall(self) -> Money:
        """What the balance lacks to pay an upgrade at once (zero when it covers it)."""
        if not self.is_upgrade or self.balance_covers:
            return Money.zero(self.gross.currency)
        return self.gross - self.balance


def _payer_vat_rate(service: Service, today: date) -> Decimal:
    payer = service.payer
    decision = vat_decision(
        buyer_country=payer.country,
        buyer_is_business=payer.kind == BUSINESS_PAYER_KIND,
        buyer_vat_number=compact_vat_number(payer.vat_number),
        supply_date=today,
    )
    return decision.rate


def _invoice_rates(lines: list[dict]) -> dict[int, Decimal]:
    """The VAT rate of the invoice that billed each period the lines name."""
    periods = ServicePeriod.objects.filter(pk__in=[line["period"] for line in lines])
    return {
        period.pk: (period.invoice.vat_rate if period.invoice is not None else ZERO_RATE)
        for period in periods.select_related("invoice")
    }


def plan_change_preview(
    *, service: Service, tariff=None, add_ons=None, today: date
) -> PlanChangePreview:
    """Price a change of ``service`` to ``tariff`` (None: keep it) and ``add_ons`` (None:
    keep them; otherwise the whole new list of ``AddOnChoice``) from ``today`` (ORD-04),
    exactly as ``service_plan_change`` would bill or credit it."""
    currency = service.tariff.currency
    zero = Money.zero(currency)
    balance = balance_of(service.client)
    try:
        old_plan, new_plan = _check_change(service, tariff, add_ons, today=today)
    except DomainError as error:
        problem, fields = _refusal(error)
        return PlanChangePreview(
            service=service,
            tariff=tariff if isinstance(tariff, Tariff) else None,
            net=zero,
            vat=zero,
            gross=zero,
            balance=balance,
            problem=problem,
            fields=fields,
        )
    stored = _change_lines(service, old_plan, new_plan, today=today)
    amount = sum(line["amount_minor"] for line in stored)
    direction = (
        ServiceChange.Direction.UPGRADE
        if amount > 0
        else ServiceChange.Direction.DOWNGRADE
        if amount < 0
        else ServiceChange.Direction.EVEN
    )
    lines = [
        ChangeLine(
            starts_on=date.fromisoformat(line["starts_on"]),
            ends_on=date.fromisoformat(line["ends_on"]),
            first=date.fromisoformat(line["first"]),
            days=line["days"],
            period_days=line["period_days"],
            period_delta=Money(line["period_delta_minor"], currency),
            amount=Money(line["amount_minor"], currency),
        )
        for line in stored
    ]
    net_minor = vat_minor = 0
    vat_rate = ZERO_RATE
    problem = ""
    if direction == ServiceChange.Direction.UPGRADE:
        try:
            vat_rate = _payer_vat_rate(service, today)
        except DomainError as error:
            problem = error.message
        for line in stored:
            if line["amount_minor"] > 0:
                net, vat = price_line(
                    quantity=Decimal(1),
                    unit_price=Money(line["amount_minor"], currency),
                    vat_rate=vat_rate,
                )
                net_minor += net.minor
                vat_minor += vat.minor
    elif direction == ServiceChange.Direction.DOWNGRADE:
        rates = _invoice_rates(stored)
        for line in stored:
            if line["amount_minor"] < 0:
                vat_rate = rates.get(line["period"], ZERO_RATE)
                net, vat = price_line(
                    quantity=Decimal(1),
                    unit_price=Money(-line["amount_minor"], currency),
                    vat_rate=vat_rate,
                )
                net_minor += net.minor
                vat_minor += vat.minor
    return PlanChangePreview(
        service=service,
        tariff=new_plan[0],
        direction=direction,
        lines=lines,
        net=Money(net_minor, currency),
        vat=Money(vat_minor, currency),
        gross=Money(net_minor + vat_minor, currency),
        vat_rate=vat_rate,
        balance=balance,
        problem=problem,
    )


# ----------------------------------------------------------------------------- money back


@dataclass(frozen=True)
class MoneyBack:
    """Net and gross minor units of unused paid days (VAT at the rate of the invoice that
    billed each period)."""

    net: Money
    gross: Money


def _money_back(portions: list[Portion], currency: str) -> MoneyBack:
    net_minor = gross_minor = 0
    for portion in portions:
        invoice = portion.period.invoice
        rate = invoice.vat_rate if invoice is not None else ZERO_RATE
        net, vat = price_line(
            quantity=Decimal(1), unit_price=Money(portion.amount_minor, currency), vat_rate=rate
        )
        net_minor += net.minor
        gross_minor += net.minor + vat.minor
    return MoneyBack(Money(net_minor, currency), Money(gross_minor, currency))


# ----------------------------------------------------------------------------- cancellation


@dataclass(frozen=True)
class CancellationPreview:
    """A cancellation of ``service`` for ``effective_on`` (ORD-06, CAT-03).

    ``earliest`` is the first day a cancellation filed today may take effect; ``refund`` is
    what goes back to the balance for the paid days from ``refund_from`` on, and
    ``minimum_period_kept`` what the paid days before it that fall in the minimum service
    period (up to ``minimum_period_last_day``) hold and do not come back. Amounts are those
    of the periods paid today; a later payment or plan change adds to them.
    """

    service: Service
    earliest: date
    effective_on: date
    minimum_period_last_day: date
    refund_from: date
    refund: MoneyBack
    minimum_period_kept: MoneyBack
    problem: str = ""
    fields: dict[str, str] = field(default_factory=dict)


def cancellation_preview(
    *, service: Service, effective_on: date | None, today: date
) -> CancellationPreview:
    """What a cancellation filed ``today`` for ``effective_on`` (None: the earliest day)
    gives back when it is carried out (ORD-06, CAT-03)."""
    currency = service.tariff.currency
    earliest = earliest_cancellation_day(today)
    effective_on = effective_on or earliest
    last_minimum_day = minimum_period_last_day(service)
    refund_from = max(effective_on, last_minimum_day + ONE_DAY)
    refund = _money_back(unused_portions(service, refund_from), currency)
    unused_from_effective = _money_back(unused_portions(service, effective_on), currency)
    kept = MoneyBack(
        unused_from_effective.net - refund.net, unused_from_effective.gross - refund.gross
    )
    problem, fields = "", {}
    if service.status in (ServiceStatus.TERMINATED, ServiceStatus.PENDING):
        problem = (
            "The service has ended already."
            if service.status == ServiceStatus.TERMINATED
            else "The service awaits its first payment; withdraw its unpaid order instead."
        )
        fields = {"service": f"status is {service.status}"}
    elif effective_on < earliest:
        problem = (
            f"A cancellation filed on {today.isoformat()} takes effect on "
            f"{earliest.isoformat()} at the earliest."
        )
        fields = {"effective_on": f"on or after {earliest.isoformat()}"}
    elif open_cancellation(service) is not None:
        problem = "The service is already to end; withdraw that request first."
        fields = {"service": "a cancellation is already requested"}
    return CancellationPreview(
        service=service,
        earliest=earliest,
        effective_on=effective_on,
        minimum_period_last_day=last_minimum_day,
        refund_from=refund_from,
        refund=refund,
        minimum_period_kept=kept,
        problem=problem,
        fields=fields,
    )


def open_cancellation(service: Service) -> ServiceCancellation | None:
    """The service's cancellation or contract notice not yet carried out, if any."""
    return ServiceCancellation.objects.filter(
        service=service, state=ServiceCancellation.State.REQUESTED
    ).first()


# ----------------------------------------------------------------------------- withdrawal


@dataclass(frozen=True)
class WithdrawalPreview:
    """A consumer's withdrawal from the contract of ``service`` today (ORD-07).

    ``is_available`` says whether the client may withdraw (a natural person, within the
    withdrawal period ending ``last_day``, a service not yet terminated); ``problem`` says
    why not. ``started_at_request`` is true when the client asked for an early start and
    the service started: the days used up to today (``used``) are then charged and only
    ``refund`` comes back; otherwise everything ``paid`` comes back.
    """

    service: Service
    last_day: date
    is_natural_person: bool
    started_at_request: bool
    refund_from: date
    paid: MoneyBack
    refund: MoneyBack
    used: MoneyBack
    problem: str = ""
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def is_available(self) -> bool:
        return not self.problem


def withdrawal_preview(*, service: Service, today: date) -> WithdrawalPreview:
    """What ``service_withdraw`` would charge and give back today (ORD-07)."""
    currency = service.tariff.currency
    last_day = withdrawal_last_day(service)
    first = _first_refunded_day(service, today)
    paid = _money_back(unused_portions(service, EARLIEST_DAY), currency)
    refund = _money_back(unused_portions(service, first), currency)
    used = MoneyBack(paid.net - refund.net, paid.gross - refund.gross)
    is_natural = service.client.kind == Client.Kind.NATURAL
    problem, fields = "", {}
    if not is_natural:
        problem = (
            "Only a consumer (a natural person) may withdraw from the contract; a company "
            "may cancel the service with notice instead."
        )
        fields = {"client": "not a natural person"}
    elif service.status == ServiceStatus.TERMINATED:
        problem = "The service has ended already."
        fields = {"service": "status is terminated"}
    elif today > last_day:
        problem = f"The withdrawal period of this contract ended on {last_day.isoformat()}."
        fields = {"service": f"withdrawal period ended on {last_day.isoformat()}"}
    return WithdrawalPreview(
        service=service,
        last_day=last_day,
        is_natural_person=is_natural,
        started_at_request=first > service.contract_started_on,
        refund_from=first,
        paid=paid,
        refund=refund,
        used=used,
        problem=problem,
        fields=fields,
    )


# ----------------------------------------------------------------------------- contract


@dataclass(frozen=True)
class ContractOverview:
    """Where the contract of ``service`` stands today and what each notice would do (ORD-08).

    ``term_ends_on`` is the last day of the current term; a notice against renewal given
    today ends the contract on ``non_renewal_effective_on`` (the day after the current term
    when given at least ``renewal_notice_days`` before it ends, by ``renewal_notice_by``,
    else after the following term); a termination notice on ``termination_effective_on``.
    ``open_notice`` is the open cancellation or notice, if any.
    """

    service: Service
    started_on: date
    term_months: int
    term_ends_on: date
    renewal_notice_days: int
    renewal_notice_by: date
    non_renewal_effective_on: date
    termination_notice_months: int
    termination_effective_on: date
    open_notice: ServiceCancellation | None

    @property
    def is_live(self) -> bool:
        return self.service.status != ServiceStatus.TERMINATED

    @property
    def may_give_notice(self) -> bool:
        return self.is_live and self.open_notice is None

    @property
    def notice_is_late(self) -> bool:
        """A notice against renewal given today ends the contract after the following term."""
        return self.non_renewal_effective_on > self.term_ends_on + ONE_DAY


def contract_overview(*, service: Service, today: date) -> ContractOverview:
    """The contract term of ``service`` and the effect of each notice given ``today``, by the
    same rules as ``contract_notice_give`` and ``contract_termination_notice_give``."""
    notice_days = setting_value(conf.RENEWAL_NOTICE_DAYS)
    months = setting_value(conf.TERMINATION_NOTICE_MONTHS)
    term_end = current_term_end(service, today)
    last_day = term_end
    if (last_day - today).days < notice_days:
        last_day = next_term_end(last_day)
    return ContractOverview(
        service=service,
        started_on=service.contract_started_on,
        term_months=setting_value(conf.CONTRACT_TERM_MONTHS),
        term_ends_on=term_end,
        renewal_notice_days=notice_days,
        renewal_notice_by=term_end - timedelta(days=notice_days),
        non_renewal_effective_on=last_day + ONE_DAY,
        termination_notice_months=months,
        termination_effective_on=add_months(today, months),
        open_notice=open_cancellation(service),
    )


# ----------------------------------------------------------------------------- page reads


def plan_options(service: Service, *, today: date) -> OfferedFamily | None:
    """The service's product family as offered today: its active tariffs with their fees and
    the add-ons offered with each (ORD-04, CAT-06); None when the family is withdrawn."""
    for offered in catalog_for_browsing(today=today):
        if offered.family.pk == service.family_id:
            return offered
    return None


def current_add_on_quantities(service: Service) -> dict[int, int]:
    """How many of each add-on the service has now, by add-on id."""
    return {item.add_on_id: item.quantity for item in service.add_ons.all()}


def open_cancellations_for_staff(*, due_on: date | None = None) -> QuerySet[ServiceCancellation]:
    """Open cancellations and contract notices of every client, the soonest day first, so
    those already due come first; only those due by ``due_on`` when given (ORD-06, ORD-08)."""
    open_requests = ServiceCancellation.objects.filter(state=ServiceCancellation.State.REQUESTED)
    if due_on is not None:
        open_requests = open_requests.filter(effective_on__lte=due_on)
    return open_requests.select_related(
        "service", "service__client", "service__tariff", "service__family", "requested_by"
    ).order_by("effective_on", "id")


def staff_cancellation(public_id: str) -> ServiceCancellation:
    """Any client's cancellation or notice by its public id, for staff."""
    found = (
        ServiceCancellation.objects.filter(public_id=public_id)
        .select_related("service", "service__client")
        .first()
    )
    if found is None:
        raise NotFound("cancellation")
    return found
