"""Reads of the order and service pages of the client and staff areas (ORD-01, ORD-05, CAT-03,
CAT-04).

The order page needs what may be ordered with one tariff (its family's other tariffs, the
add-ons, OS images and trial) and a quote: the lines and VAT the proforma will carry if the
order is placed as chosen. The staff pages need orders across clients. Nothing here writes;
client-facing reads stay scoped to the client the caller obtained from
``hostledger.accounts.selectors.client_access`` (habit 6).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import F, Q, QuerySet

from hostledger.catalog.coupons import Discount
from hostledger.catalog.models import FamilyCode, OsImage, Tariff
from hostledger.catalog.selectors import OfferedFamily, OfferedTariff, catalog_for_browsing
from hostledger.core.calendar import working_days_between
from hostledger.core.conf import CALENDAR_COUNTRY
from hostledger.core.errors import DomainError, NotFound
from hostledger.core.money import Money
from hostledger.core.registry import setting_value
from hostledger.domains.models import ZoneRule
from hostledger.domains.selectors import zone_periods, zone_rule
from hostledger.invoicing.lines import PricedLine, line_totals, price_lines
from hostledger.invoicing.models import VatScheme
from hostledger.invoicing.vat import compact_vat_number, vat_decision, vies_look_up_wanted
from hostledger.subscriptions.actions.order_input import (
    HOST_NAME_REQUIRED_FAMILIES,
    OS_IMAGE_REQUIRED_FAMILIES,
    AddOnChoice,
    discount_off_minor,
    item_line,
    period_end,
    price_items,
)
from hostledger.subscriptions.conf import allowed_periods
from hostledger.subscriptions.models import Order, Service, ServiceStatus
from hostledger.subscriptions.selectors import AwaitingActivation, _orders, _services

BUSINESS_PAYER_KIND = "legal"
"""A payer that is a legal person buys as a business (BIL-05), as the proforma decides."""
STAFF_LIST_LIMIT = 200
"""The most rows a staff list shows at once; filters narrow it down."""


# Ordering ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderOptions:
    """What a client may choose when ordering a tariff of ``family`` (ORD-01, CAT-04, CAT-05).

    ``tariffs`` are the family's active tariffs with today's fees, ``chosen`` the one asked
    for; ``add_ons`` those offered with it; ``os_images`` the family's images when the family
    is installed with one; ``trial_days`` the longest free trial the client may still start
    (None when the family offers none or the client used it); ``periods`` the order periods
    (for a domain, those its zone's registry sells, DOM-03); ``zone_rule`` the rule of the
    zone a domain tariff registers, if it names one.
    """

    family: OfferedFamily
    chosen: OfferedTariff
    tariffs: list[OfferedTariff]
    os_images: list[OsImage]
    periods: tuple[int, ...]
    trial_days: int | None
    zone_rule: ZoneRule | None = None

    @property
    def takes_os_image(self) -> bool:
        return self.family.family.code in OS_IMAGE_REQUIRED_FAMILIES

    @property
    def is_domain(self) -> bool:
        return self.family.family.code == FamilyCode.DOMAIN

    @property
    def host_name_required(self) -> bool:
        return self.family.family.code in HOST_NAME_REQUIRED_FAMILIES

    @property
    def add_ons(self):
        return self.chosen.add_ons


def _earlier_trials(client, family) -> int:
    return Service.objects.filter(client=client, family=family, is_trial=True).count()


def order_options(client, tariff_public_id: str, *, today: date) -> OrderOptions:
    """The choices of an order of the tariff ``tariff_public_id`` for ``client``; an unknown or
    withdrawn tariff is not found."""
    for offered in catalog_for_browsing(today=today):
        for candidate in offered.tariffs:
            if candidate.tariff.public_id != tariff_public_id:
                continue
            trial_days = None
            if offered.trial is not None and not (
                offered.trial.once_per_client and _earlier_trials(client, offered.family) > 0
            ):
                trial_days = offered.trial.max_days
            takes_os = offered.family.code in OS_IMAGE_REQUIRED_FAMILIES
            rule = None
            if offered.family.code == FamilyCode.DOMAIN:
                rule = zone_rule(str((candidate.tariff.specs or {}).get("zone") or ""))
            return OrderOptions(
                family=offered,
                chosen=candidate,
                tariffs=offered.tariffs,
                os_images=offered.os_images if takes_os else [],
                periods=zone_periods(rule, allowed_periods()),
                trial_days=trial_days,
                zone_rule=rule,
            )
    raise NotFound("tariff")


@dataclass(frozen=True)
class OrderQuote:
    """The proforma an order would get if placed now (ORD-01, BIL-02, BIL-05): its lines with
    net and VAT rounded as the invoice rounds them, the totals, and how VAT applies.

    ``vat_note`` is set when the VAT depends on a check made only when the proforma is
    issued (a VAT number confirmed by VIES); the quote then shows VAT as if it were not
    confirmed. ``problem`` says why no quote could be made (no VAT rate for the country).
    """

    lines: list[PricedLine]
    net: Money
    vat: Money
    gross: Money
    vat_rate: object = None
    vat_scheme_label: str = ""
    vat_reason: str = ""
    vat_note: str = ""
    is_trial: bool = False
    trial_days: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    problem: str = ""
    monthly_net: Money | None = None
    discount: Money | None = None
    coupon_problem: str = ""


def order_quote(
    *,
    payer,
    tariff: Tariff,
    add_ons: list[AddOnChoice],
    os_image: OsImage | None,
    period_months: int,
    today: date,
    trial_days: int | None = None,
    discount: Discount | None = None,
    coupon_problem: str = "",
) -> OrderQuote:
    """Price an order as ``order_place`` bills it: one proforma line per item for the whole
    period at the fees in force for it (CAT-06), VAT for ``payer`` on ``today`` (BIL-05),
    each line rounded half up to the cent (BIL-02). A free trial bills nothing (CAT-04).

    VIES is never asked from here (the page updates as the client types); a business payer
    whose reverse charge depends on it gets the VAT of an unconfirmed number and a note.
    ``discount`` (a coupon's, or a quote's) lowers the tariff's line as the proforma will
    (decision 0055); ``coupon_problem`` is why a code typed cannot be used."""
    items = price_items(
        tariff=tariff, add_ons=add_ons, os_image=os_image, months=period_months, starts_on=today
    )
    currency = items[0].monthly_fee.currency
    zero = Money.zero(currency)
    ends_on = period_end(today, period_months)
    monthly = Money(sum(item.monthly_fee.minor * item.quantity for item in items), currency)
    if trial_days is not None:
        return OrderQuote(
            lines=[],
            net=zero,
            vat=zero,
            gross=zero,
            is_trial=True,
            trial_days=trial_days,
            starts_on=today,
            ends_on=today,
            monthly_net=monthly,
        )
    inputs = [item_line(item, today, ends_on, discount) for item in items]
    off = Money(discount_off_minor(items, discount), currency)
    vat_number = compact_vat_number(payer.vat_number)
    is_business = payer.kind == BUSINESS_PAYER_KIND
    try:
        decision = vat_decision(
            buyer_country=payer.country,
            buyer_is_business=is_business,
            buyer_vat_number=vat_number,
            supply_date=today,
        )
    except DomainError as error:
        return OrderQuote(
            lines=[], net=zero, vat=zero, gross=zero, problem=error.message, monthly_net=monthly
        )
    note = ""
    if vat_number and vies_look_up_wanted(
        buyer_country=payer.country, buyer_is_business=is_business, vat_number=vat_number
    ):
        note = (
            "If VIES confirms the VAT number when the proforma is issued, the reverse charge "
            "applies and no VAT is added."
        )
    priced, currency = price_lines(inputs, vat_rate=decision.rate)
    net, vat = line_totals(priced, currency)
    return OrderQuote(
        lines=priced,
        net=net,
        vat=vat,
        gross=net + vat,
        vat_rate=decision.rate,
        vat_scheme_label=dict(VatScheme.choices).get(decision.scheme, decision.scheme),
        vat_reason=decision.reason,
        vat_note=note,
        starts_on=today,
        ends_on=ends_on,
        monthly_net=monthly,
        discount=off if off.is_positive() else None,
        coupon_problem=coupon_problem,
    )


# Staff -------------------------------------------------------------------------------------


def orders_for_staff(*, status: str | None = None, client=None) -> QuerySet[Order]:
    """Every client's orders, newest first, by status and client when given."""
    orders = _orders().select_related("client")
    if status:
        orders = orders.filter(status=status)
    if client is not None:
        orders = orders.filter(client=client)
    return orders


def staff_order(public_id: str) -> Order:
    order = orders_for_staff().filter(public_id=public_id).first()
    if order is None:
        raise NotFound("order")
    return order


def order_services(order: Order) -> list[Service]:
    """The service an order created, or the trial it pays for (ORD-01)."""
    if order.trial_service_id is not None:
        return [order.trial_service]
    return list(order.services.order_by("id"))


def services_to_activate(*, today: date) -> list[AwaitingActivation]:
    """The services staff must set up, as ``selectors.services_awaiting_activation`` lists
    them (overdue first, then by commencement deadline, CAT-03), for a page: the calendar's
    country is read once, so the page makes the same queries however long the queue is."""
    country = setting_value(CALENDAR_COUNTRY)
    waiting = (
        _services()
        .filter(
            Q(status=ServiceStatus.PROVISIONING)
            | Q(status__in=(ServiceStatus.TRIAL, ServiceStatus.ACTIVE), activated_at__isnull=True)
        )
        .order_by(F("commencement_deadline").asc(nulls_last=True), "created_at", "id")
    )
    rows = [
        AwaitingActivation(
            service=service,
            commencement_deadline=service.commencement_deadline,
            working_days_left=(
                working_days_between(today, service.commencement_deadline, country=country)
                if service.commencement_deadline is not None
                else None
            ),
            is_overdue=service.commencement_overdue(today),
        )
        for service in waiting
    ]
    rows.sort(key=lambda row: not row.is_overdue)  # stable: keeps the deadline order
    return rows


def open_trial_continuation(service: Service) -> Order | None:
    """The unpaid order that continues a free trial, if one was placed (CAT-04)."""
    if service.status != ServiceStatus.TRIAL:
        return None
    return (
        Order.objects.filter(trial_service=service, status=Order.Status.PLACED)
        .select_related("proforma")
        .first()
    )


def family_codes() -> list[tuple[str, str]]:
    """The product families as (code, label), for filters."""
    return list(FamilyCode.choices)
