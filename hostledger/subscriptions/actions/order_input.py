"""Checking what a client orders and pricing it at the moment of the order (ORD-01, CAT-02).

:func:`check_order_input` checks every input of an order and reports all problems at once,
each under the name of its field; :func:`price_items` prices the tariff, the add-ons and a
paid OS licence with the fees in force for the first period (CAT-06).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _

from hostledger.accounts.models import Client, Payer
from hostledger.accounts.validation import FieldErrors
from hostledger.catalog.coupons import Discount
from hostledger.catalog.models import AddOn, FamilyCode, OsImage, ProductFamily, Tariff
from hostledger.catalog.selectors import (
    add_on_price_in_force,
    check_add_on_offered,
    check_os_image_offered,
    price_in_force,
)
from hostledger.core.errors import DomainError
from hostledger.core.money import Money
from hostledger.domains.availability import RegistryAnswer
from hostledger.domains.contacts import AdminContactInput, ContactPlan, contact_plan
from hostledger.domains.models import ZoneRule
from hostledger.domains.names import DomainName, parse_name, registrable_problem
from hostledger.domains.selectors import (
    live_domain_named,
    years_of,
    zone_periods,
    zone_rule_for,
)
from hostledger.invoicing.lines import UNIT_MONTH, UNIT_ONE, LineInput
from hostledger.subscriptions.conf import allowed_periods
from hostledger.subscriptions.models import OrderItem

OS_IMAGE_REQUIRED_FAMILIES = (FamilyCode.VPS, FamilyCode.DEDICATED)
"""Families installed with the operating system chosen in the order (seed 003 annex 4 §2.1,
annex 6). A cloud pool takes none: each server in it gets its own (annex 5 §2.4)."""

HOST_NAME_REQUIRED_FAMILIES = (
    FamilyCode.DOMAIN,
    FamilyCode.SHARED_HOSTING,
    FamilyCode.CMS_HOSTING,
)
"""Families ordered for a name (ORD-01, DOM-01): the domain to register, or the domain a
hosting account serves. Other families take a host name if the client gives one (a server's
name)."""

AUTH_CODE_MAX_CHARS = 255


@dataclass(frozen=True)
class DomainOrder:
    """The domain part of a checked order (DOM-01, DOM-02, DOM-03): the name, its zone's
    rule, the years registered, the contacts, and for a transfer in its transfer code."""

    name: DomainName
    rule: ZoneRule
    years: int
    contacts: ContactPlan
    is_transfer: bool = False
    auth_code: str = ""


@dataclass(frozen=True)
class AddOnChoice:
    """An add-on chosen in an order and how many of it (at most its ``max_quantity``)."""

    add_on: AddOn
    quantity: int = 1


@dataclass(frozen=True)
class CheckedOrder:
    """The checked input of an order; the period is ``starts_on`` to ``ends_on`` inclusive."""

    client: Client
    payer: Payer
    family: ProductFamily
    tariff: Tariff
    period_months: int
    add_ons: tuple[AddOnChoice, ...]
    os_image: OsImage | None
    start_at_once: bool
    starts_on: date
    ends_on: date
    host_name: str = ""
    domain: DomainOrder | None = None


@dataclass(frozen=True)
class PricedItem:
    """One item of an order with its monthly fee for the first period (ORD-01)."""

    kind: str
    code: str
    name: str
    monthly_fee: Money
    quantity: int
    months: int
    tariff: Tariff | None = None
    add_on: AddOn | None = None
    os_image: OsImage | None = None

    @property
    def amount(self) -> Money:
        """The net amount of the whole period: fee times quantity times months (exact in cents)."""
        return Money(
            self.monthly_fee.minor * self.quantity * self.months, self.monthly_fee.currency
        )


def item_line(
    item: PricedItem, starts_on: date, ends_on: date, discount: Discount | None = None
) -> LineInput:
    """The proforma line of an item for the whole period: quantity = units times months at
    the monthly fee (ORD-01, BIL-02). The tariff's line with a discount (a coupon, or a
    quote's) is one amount instead: the discounted net of the period, rounded once, with the
    discount and the list price in its description (decision 0055)."""
    units = f"{item.quantity} x " if item.quantity > 1 else ""
    description = f"{units}{item.name}, {months_text(item.months)}"
    if discount is not None and item.kind == OrderItem.Kind.TARIFF:
        net_minor = discount.net_minor(item.amount.minor)
        if net_minor != item.amount.minor:
            off = Money(item.amount.minor - net_minor, item.amount.currency)
            return LineInput(
                description=f"{description}, {discount.describe()} ({item.amount} less {off})",
                quantity=1,
                unit_price=Money(net_minor, item.amount.currency),
                period_start=starts_on,
                period_end=ends_on,
                unit_code=UNIT_ONE,
            )
    return LineInput(
        description=description,
        quantity=item.quantity * item.months,
        unit_price=item.monthly_fee,
        period_start=starts_on,
        period_end=ends_on,
        unit_code=UNIT_MONTH,
    )


def discount_off_minor(items: list[PricedItem], discount: Discount | None) -> int:
    """What ``discount`` takes off the tariff's item of a period (0 without one)."""
    if discount is None:
        return 0
    return sum(
        discount.off_minor(item.amount.minor)
        for item in items
        if item.kind == OrderItem.Kind.TARIFF
    )


def months_text(months: int) -> str:
    return "1 month" if months == 1 else f"{months} months"


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` calendar months on, on the same day of the month or the last
    day of a shorter month (31 January + 1 month = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(starts_on: date, months: int) -> date:
    """The last day (inclusive) of a period of ``months`` months starting on ``starts_on``."""
    return add_months(starts_on, months) - timedelta(days=1)


def clean_order_date(value, field: str = "today") -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise DomainError(
            "invalid_date",
            _("%(field)s: expected a date.") % {"field": field},
            fields={field: "expected a date"},
        )
    return value


def fresh(instance):
    """``instance`` as stored now (None if it is gone), so that a check never trusts an
    object the caller read before a concurrent change (a payer archived, a tariff withdrawn)."""
    manager = type(instance)._default_manager
    if isinstance(instance, Tariff):
        manager = manager.select_related("family")
    return manager.filter(pk=instance.pk).first()


def _is_whole_number(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_payer(client, payer, errors: FieldErrors) -> None:
    """The payer must be one of the client's billing identities and not archived (ACC-04)."""
    payer = fresh(payer) if isinstance(payer, Payer) else None
    if payer is None or payer.client_id != getattr(client, "pk", None):
        errors.add("payer", _("Choose one of your payers."))
    elif payer.archived_at is not None:
        errors.add("payer", _("This payer is archived; choose another."))


def check_period(period_months, errors: FieldErrors) -> int:
    offered = allowed_periods()
    if not _is_whole_number(period_months) or period_months not in offered:
        listed = ", ".join(str(months) for months in offered)
        errors.add("period_months", _("Choose a period of %(listed)s months.") % {"listed": listed})
        return 0
    return period_months


def _add_on_choices(raw, tariff: Tariff | None, errors: FieldErrors) -> tuple[AddOnChoice, ...]:
    if raw is None:
        return ()
    if isinstance(raw, (str, bytes, dict)) or not isinstance(raw, Iterable):
        errors.add("add_ons", _("Give a list of add-ons."))
        return ()
    choices: list[AddOnChoice] = []
    seen: set[int] = set()
    for item in raw:
        choice = AddOnChoice(item) if isinstance(item, AddOn) else item
        if isinstance(choice, tuple) and len(choice) == 2:
            choice = AddOnChoice(*choice)
        add_on = None
        if isinstance(choice, AddOnChoice) and isinstance(choice.add_on, AddOn):
            add_on = fresh(choice.add_on)
        if add_on is None:
            errors.add("add_ons", _("Each add-on is an add-on of the catalog."))
            return ()
        choice = AddOnChoice(add_on, choice.quantity)
        if add_on.pk in seen:
            errors.add(
                "add_ons",
                _("%(name)s is chosen twice; give its quantity instead.") % {"name": add_on.name},
            )
            return ()
        seen.add(add_on.pk)
        if not _is_whole_number(choice.quantity) or not 1 <= choice.quantity <= add_on.max_quantity:
            errors.add(
                "add_ons",
                _("%(name)s: choose from 1 to %(max_quantity)s.")
                % {"name": add_on.name, "max_quantity": add_on.max_quantity},
            )
            return ()
        if tariff is not None:
            try:
                check_add_on_offered(tariff=tariff, add_on=add_on)
            except DomainError as refused:
                errors.add("add_ons", refused.message)
                return ()
        choices.append(choice)
    return tuple(choices)


def check_os_image(os_image, family: ProductFamily | None, errors: FieldErrors) -> None:
    """An image offered for the family where the family is installed with one (CAT-05)."""
    if family is None:
        return
    if os_image is None:
        if family.code in OS_IMAGE_REQUIRED_FAMILIES:
            errors.add(
                "os_image",
                _("Choose the operating system of the %(name)s.") % {"name": family.name},
            )
        return
    if isinstance(os_image, OsImage):
        os_image = fresh(os_image)
    if not isinstance(os_image, OsImage):
        errors.add("os_image", _("Choose an operating system of the list."))
    elif family.code not in OS_IMAGE_REQUIRED_FAMILIES:
        errors.add(
            "os_image",
            _("%(name)s takes no operating system in the order.") % {"name": family.name},
        )
    else:
        try:
            check_os_image_offered(family=family, os_image=os_image)
        except DomainError as refused:
            errors.add("os_image", refused.message)


def check_periods_of_zone(rule: ZoneRule, months: int, errors: FieldErrors) -> None:
    """A domain is ordered only for the periods its zone's registry sells (DOM-03)."""
    periods = zone_periods(rule, allowed_periods())
    if months and months not in periods:
        listed = ", ".join(str(item) for item in periods) or "none of the periods offered"
        errors.add(
            "period_months",
            _(
                "Domains in .%(zone)s are registered for whole years from %(min_years)s "
                "to %(max_years)s: choose %(listed)s months."
            )
            % {
                "zone": rule.zone,
                "min_years": rule.min_years,
                "max_years": rule.max_years,
                "listed": listed,
            },
        )


def _check_domain(
    name: DomainName,
    *,
    client,
    tariff: Tariff,
    months: int,
    domain_admin: AdminContactInput | None,
    transfer_auth_code: str,
    registry_answer: RegistryAnswer | None,
    errors: FieldErrors,
) -> DomainOrder | None:
    """The domain of a domain order (DOM-01, DOM-02, DOM-03): in a zone sold here and the
    tariff's, a name the zone's rule takes, not held by a domain here, free at the registry
    (registered elsewhere for a transfer in), for the years the registry sells, with the
    administrator the zone demands."""
    rule = zone_rule_for(name)
    if rule is None:
        errors.add(
            "host_name",
            _("Domains in .%(labels)s are not sold here.") % {"labels": name.labels[-1]},
        )
        return None
    tariff_zone = str((tariff.specs or {}).get("zone") or "").strip().lower().lstrip(".")
    if tariff_zone and tariff_zone != rule.zone:
        errors.add(
            "host_name",
            _("%(name)s registers .%(tariff_zone)s domains; %(unicode)s is in .%(zone)s.")
            % {
                "name": tariff.name,
                "tariff_zone": tariff_zone,
                "unicode": name.unicode,
                "zone": rule.zone,
            },
        )
        return None
    problem = registrable_problem(name, rule)
    if problem:
        errors.add("host_name", problem)
        return None
    check_periods_of_zone(rule, months, errors)
    auth_code = (transfer_auth_code or "").strip() if isinstance(transfer_auth_code, str) else ""
    if len(auth_code) > AUTH_CODE_MAX_CHARS or any(ord(char) < 32 for char in auth_code):
        errors.add(
            "transfer_auth_code",
            _("At most %(auth_code_max_chars)s printable characters.")
            % {"auth_code_max_chars": AUTH_CODE_MAX_CHARS},
        )
        return None
    held = live_domain_named(name.ascii)
    if held is not None:
        errors.add(
            "host_name",
            _("%(unicode)s is already registered or ordered here.") % {"unicode": name.unicode},
        )
        return None
    if registry_answer is None or registry_answer.name != name.ascii:
        errors.add("host_name", _("The registry was not asked about this name; try again."))
        return None
    if registry_answer.available is None:
        errors.add("host_name", registry_answer.problem)
        return None
    if auth_code and registry_answer.available:
        errors.add(
            "host_name",
            _(
                "%(unicode)s is not registered anywhere: order its registration instead "
                "of a transfer."
            )
            % {"unicode": name.unicode},
        )
        return None
    if not auth_code and not registry_answer.available:
        reason = f" ({registry_answer.reason})" if registry_answer.reason else ""
        errors.add(
            "host_name",
            _(
                "%(unicode)s is not available at the registry%(reason)s. If it is yours "
                "at another registrar, order its transfer with its transfer code."
            )
            % {"unicode": name.unicode, "reason": reason},
        )
        return None
    plan = contact_plan(client, rule, domain_admin, errors)
    if plan is None:
        return None
    return DomainOrder(
        name=name,
        rule=rule,
        years=years_of(months),
        contacts=plan,
        is_transfer=bool(auth_code),
        auth_code=auth_code,
    )


def check_host_name(
    value,
    *,
    client,
    tariff: Tariff | None,
    months: int,
    domain_admin: AdminContactInput | None = None,
    transfer_auth_code: str = "",
    registry_answer: RegistryAnswer | None = None,
    errors: FieldErrors,
) -> tuple[str, DomainOrder | None]:
    """The host name of an order, as stored on the service (its Unicode form), and for the
    domain family the domain to register (ORD-01, DOM-01): required for domains and hosting,
    optional for other families; refused naming ``host_name`` when it is not a valid name."""
    family = tariff.family if tariff is not None else None
    if value is not None and not isinstance(value, str):
        errors.add("host_name", _("Enter a domain or host name."))
        return "", None
    text = (value or "").strip()
    if not text:
        if family is not None and family.code in HOST_NAME_REQUIRED_FAMILIES:
            what = "domain to register" if family.code == FamilyCode.DOMAIN else "domain it serves"
            errors.add("host_name", _("Enter the %(what)s, e.g. example.ee.") % {"what": what})
        return "", None
    try:
        name = parse_name(text)
    except DomainError as refused:
        errors.add("host_name", refused.fields["host_name"])
        return "", None
    if family is None or family.code != FamilyCode.DOMAIN:
        if transfer_auth_code:
            errors.add("transfer_auth_code", _("A transfer code is given only for a domain."))
        return name.unicode, None
    domain = _check_domain(
        name,
        client=client,
        tariff=tariff,
        months=months,
        domain_admin=domain_admin,
        transfer_auth_code=transfer_auth_code,
        registry_answer=registry_answer,
        errors=errors,
    )
    return name.unicode, domain


def check_order_input(
    *,
    client,
    payer,
    tariff,
    period_months,
    add_ons,
    os_image,
    start_at_once,
    today: date,
    errors: FieldErrors,
    host_name: str = "",
    domain_admin: AdminContactInput | None = None,
    transfer_auth_code: str = "",
    registry_answer: RegistryAnswer | None = None,
) -> CheckedOrder | None:
    """Check the inputs of a new order, adding each problem to ``errors`` under its field.

    ``host_name`` is the domain to register (domain family), the domain a hosting account
    serves, or a server's name; ``registry_answer`` is what the registry said of a domain's
    name, asked before the order's transaction (``domains.availability``). Returns the
    checked order, or None when a problem was found (the caller raises).
    """
    if not isinstance(client, Client):
        errors.add("client", _("An order is placed for a client."))
    check_payer(client, payer, errors)
    if isinstance(payer, Payer):
        payer = fresh(payer)
    if isinstance(os_image, OsImage):
        os_image = fresh(os_image)
    family = None
    if isinstance(tariff, Tariff):
        tariff = fresh(tariff)
    if not isinstance(tariff, Tariff):
        errors.add("tariff", _("Choose a tariff of the catalog."))
        tariff = None
    elif not (tariff.is_active and tariff.is_published and tariff.family.is_active):
        errors.add("tariff", _("%(name)s is not offered.") % {"name": tariff.name})
    else:
        family = tariff.family
    months = check_period(period_months, errors)
    choices = _add_on_choices(add_ons, tariff if family is not None else None, errors)
    check_os_image(os_image, family, errors)
    checked_name, domain = check_host_name(
        host_name,
        client=client,
        tariff=tariff if family is not None else None,
        months=months,
        domain_admin=domain_admin,
        transfer_auth_code=transfer_auth_code,
        registry_answer=registry_answer,
        errors=errors,
    )
    if not isinstance(start_at_once, bool):
        errors.add("start_at_once", _("Say yes or no."))
    if errors.errors:
        return None
    return CheckedOrder(
        client=client,
        payer=payer,
        family=family,
        tariff=tariff,
        period_months=months,
        add_ons=choices,
        os_image=os_image,
        start_at_once=start_at_once,
        starts_on=today,
        ends_on=period_end(today, months),
        host_name=checked_name,
        domain=domain,
    )


def price_items(
    *,
    tariff: Tariff,
    add_ons: Iterable[AddOnChoice],
    os_image: OsImage | None,
    months: int,
    starts_on: date,
) -> list[PricedItem]:
    """The items of an order with the monthly fees in force for a period starting on
    ``starts_on`` (CAT-06): the tariff, each add-on, and the licence of a paid OS image."""
    items = [
        PricedItem(
            kind=OrderItem.Kind.TARIFF,
            code=tariff.code,
            name=tariff.name,
            monthly_fee=price_in_force(tariff, period_start=starts_on),
            quantity=1,
            months=months,
            tariff=tariff,
        )
    ]
    for choice in add_ons:
        items.append(
            PricedItem(
                kind=OrderItem.Kind.ADD_ON,
                code=choice.add_on.code,
                name=choice.add_on.name,
                monthly_fee=add_on_price_in_force(choice.add_on, period_start=starts_on),
                quantity=choice.quantity,
                months=months,
                add_on=choice.add_on,
            )
        )
    if os_image is not None and os_image.requires_paid_licence:
        items.append(
            PricedItem(
                kind=OrderItem.Kind.OS_LICENCE,
                code=os_image.code,
                name=f"{os_image.name} licence",
                monthly_fee=os_image.licence_monthly_fee,
                quantity=1,
                months=months,
                os_image=os_image,
            )
        )
    return items
