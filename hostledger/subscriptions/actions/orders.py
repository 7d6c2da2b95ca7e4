"""Placing orders (ORD-01, CAT-02, CAT-04, CAT-05).

An order records what the client asked for and the prices in force for its first period,
creates the service in ``pending`` and bills the whole period on a proforma, then pays it
from the balance at once if the balance covers it (``payments.py``: ORD-03).
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts.models import Client
from hostledger.accounts.selectors import check_client_not_restricted
from hostledger.accounts.validation import FieldErrors
from hostledger.catalog.actions import coupon_redeem
from hostledger.catalog.coupons import Discount, check_coupon, coupon_discount
from hostledger.catalog.models import Coupon, FamilyCode, Tariff
from hostledger.catalog.terms import check_trial_request
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.domains.actions import domain_claims_release, domain_order_record
from hostledger.domains.availability import RegistryAnswer, registry_availability
from hostledger.domains.contacts import AdminContactInput
from hostledger.domains.names import parse_name
from hostledger.invoicing.actions import proforma_create
from hostledger.invoicing.models import Invoice
from hostledger.ledger.locks import lock_client_balance
from hostledger.notifications.actions import order_received_notify, proforma_issued_notify
from hostledger.privacy.policies import check_policies_accepted_for_ordering
from hostledger.provisioning.modules.registry import module_for
from hostledger.subscriptions import conf
from hostledger.subscriptions.models import (
    Order,
    OrderItem,
    Quote,
    Service,
    ServiceAddOn,
    ServiceStatus,
    ServiceStatusChange,
)
from hostledger.subscriptions.numbering import order_number_next

from ._common import audit, locked_service
from .lifecycle import service_trial_start
from .order_input import (
    AddOnChoice,
    PricedItem,
    check_order_input,
    check_payer,
    check_period,
    clean_order_date,
    discount_off_minor,
    item_line,
    months_text,
    period_end,
    price_items,
)
from .payments import client_payments_apply


def _months_text(months: int) -> str:
    return months_text(months)


def _order_create(
    *,
    client,
    payer,
    family,
    tariff,
    tariff_specs: dict,
    os_image,
    months: int,
    starts_on: date,
    items: list[PricedItem],
    status: str,
    actor,
    start_at_once: bool = False,
    trial_days: int | None = None,
    trial_service: Service | None = None,
    coupon: Coupon | None = None,
    discount: Discount | None = None,
    quote: Quote | None = None,
) -> Order:
    currency = items[0].monthly_fee.currency
    off_minor = 0 if trial_days else discount_off_minor(items, discount)
    net_minor = 0 if trial_days else sum(item.amount.minor for item in items) - off_minor
    placed_at = timezone.now()
    order = Order.objects.create(
        number=order_number_next(placed_on=timezone.localdate(placed_at)),
        client=client,
        payer=payer,
        family=family,
        tariff=tariff,
        tariff_specs=dict(tariff_specs or {}),
        os_image=os_image,
        period_months=months,
        period_starts_on=starts_on,
        period_ends_on=period_end(starts_on, months),
        is_trial=trial_days is not None,
        trial_days=trial_days,
        start_at_once=start_at_once,
        trial_service=trial_service,
        currency=currency,
        net_minor=net_minor,
        coupon=coupon,
        discount_minor=off_minor,
        quote=quote,
        status=status,
        placed_at=placed_at,
        placed_by=actor,
    )
    OrderItem.objects.bulk_create(
        OrderItem(
            order=order,
            position=position,
            kind=item.kind,
            tariff=item.tariff,
            add_on=item.add_on,
            os_image=item.os_image,
            code=item.code,
            name=item.name,
            monthly_fee_minor=item.monthly_fee.minor,
            currency=item.monthly_fee.currency,
            quantity=item.quantity,
            months=item.months,
            amount_minor=item.amount.minor,
        )
        for position, item in enumerate(items, start=1)
    )
    return order


def _bill(
    order: Order,
    items: list[PricedItem],
    *,
    actor,
    today: date,
    discount: Discount | None = None,
) -> Invoice:
    """Issue the order's proforma, one line per item for the whole period (the tariff's
    discounted when a coupon or a quote lowers it), and link it."""
    lines = [
        item_line(item, order.period_starts_on, order.period_ends_on, discount) for item in items
    ]
    proforma = proforma_create(
        client=order.client,
        payer=order.payer,
        lines=lines,
        actor=actor,
        issued_on=today,
        order_reference=order.number or order.public_id,
        entity=order.family.entity,
    )
    Order.objects.filter(pk=order.pk, proforma__isnull=True).update(proforma=proforma)
    return proforma


def _earlier_trials(client: Client, family) -> int:
    return Service.objects.filter(client=client, family=family, is_trial=True).count()


def _check_trial_contacts(client: Client, errors: FieldErrors) -> None:
    """A free trial is for a client whose e-mail address and phone number are confirmed
    (CAT-04), so that one person cannot take trial after trial; each missing one is named
    under its own field."""
    if not EmailAddress.objects.filter(user_id=client.owner_id, verified=True).exists():
        errors.add(
            "email",
            _(
                "Confirm your e-mail address (the link in the message we sent you) before"
                " starting a free trial."
            ),
        )
    if not (client.phone or "").strip():
        errors.add(
            "phone", _("Add your phone number to your account before starting a free trial.")
        )
    elif client.phone_confirmed_at is None:
        errors.add(
            "phone",
            _("Confirm your phone number (the code we send by SMS) before starting a free trial."),
        )


def _check_trial(client, family, trial, trial_days, errors: FieldErrors) -> int | None:
    """The length of the free trial asked for, or None for a paid order (CAT-04)."""
    if not isinstance(trial, bool):
        errors.add("trial", _("Say yes or no."))
        return None
    if not trial:
        if trial_days is not None:
            errors.add("trial_days", _("A length is given for a free trial only."))
        return None
    if family is None:
        return None
    _check_trial_contacts(client, errors)
    try:
        return check_trial_request(
            family=family, days=trial_days, earlier_trials=_earlier_trials(client, family)
        )
    except DomainError as refused:
        for field, problem in refused.fields.items():
            errors.add("trial_days" if field == "days" else "trial", problem)
        return None


def _check_coupon(
    code, client: Client, tariff, trial_length: int | None, today: date, errors: FieldErrors
) -> Coupon | None:
    """The coupon ``code`` names when the client may use it on ``tariff`` today (decision
    0055); each refusal is recorded under ``coupon``. An empty code asks for none."""
    if code is None or (isinstance(code, str) and not code.strip()):
        return None
    if not isinstance(code, str):
        errors.add("coupon", "Give the coupon code as text.")
        return None
    if trial_length is not None:
        errors.add("coupon", "A coupon lowers a paid order, not a free trial.")
        return None
    if not isinstance(tariff, Tariff):
        return None
    try:
        return check_coupon(code, client=client, tariff=tariff, today=today)
    except DomainError as refused:
        errors.add("coupon", refused.fields["coupon"])
        return None


def _registry_answer(tariff, host_name) -> RegistryAnswer | None:
    """What the registry says of the domain a domain order names, asked before the order's
    transaction opens so that a slow registry holds no lock (DOM-02)."""
    if not isinstance(tariff, Tariff) or not isinstance(host_name, str) or not host_name.strip():
        return None
    if tariff.family.code != FamilyCode.DOMAIN:
        return None
    return registry_availability(host_name)


def _release_stale_claims(tariff, host_name) -> None:
    """A domain name held by an order withdrawn before payment is free to order again."""
    if isinstance(tariff, Tariff) and tariff.family.code == FamilyCode.DOMAIN:
        # Not a name: check_order_input names the field.
        with contextlib.suppress(DomainError):
            domain_claims_release(ascii_name=parse_name(host_name).ascii)


def order_place(
    *,
    client,
    payer,
    tariff,
    period_months,
    add_ons=(),
    os_image=None,
    trial=False,
    start_at_once=False,
    actor,
    today: date | None = None,
    trial_days: int | None = None,
    host_name: str = "",
    domain_admin: AdminContactInput | None = None,
    transfer_auth_code: str = "",
    coupon_code: str = "",
    manual_discount: Discount | None = None,
    quote: Quote | None = None,
) -> Order:
    """Place an order for a new service (ORD-01, ORD-03, CAT-02, CAT-04, CAT-05, DOM-01,
    DOM-03).

    Checks every input and names each bad field (nothing is written on refusal): the payer is
    the client's own and not archived; the tariff is offered; the period is one of
    ``subscriptions.allowed_periods``; each add-on (an ``AddOn`` or ``AddOnChoice(add_on,
    quantity)``) is offered with the tariff; the OS image is offered for the family that
    takes one (a paid-licence image adds its licence fee). Stores the order with the fees in
    force for the first period, a ``pending`` service and a proforma with one line per item
    for the whole period, then pays the proforma from the balance if it covers it and, if
    paid, starts provisioning (ORD-03) — all in one transaction.

    ``host_name`` is required for domains (the name to register) and hosting (the domain it
    serves), optional for servers; it is kept on the service. A domain must be in a zone sold
    here and the tariff's, valid under its zone's rule, not registered or ordered here, free
    at the registry (asked before the transaction opens; a registry that does not answer is
    a field error, not a failure), ordered for whole years where its registry sells years,
    and has the administrator contact the zone demands (``domain_admin``, else the client's
    data or earlier contact). With ``transfer_auth_code`` the domain, registered elsewhere,
    is transferred in instead (DOM-02).

    ``trial=True`` asks for the free trial of the family (CAT-04, once per client by default;
    ``trial_days`` up to the family's longest trial): nothing is billed, and the service goes
    to ``trial`` and is provisioned at once. ``start_at_once`` records the consumer's explicit
    request to start before the withdrawal period ends (ORD-07).

    ``coupon_code`` names a coupon (any letter case) the client may use on the tariff today;
    it lowers the tariff's fee of the first period, is redeemed with the order and, when it
    is for every period, stays on the service for its renewals (decision 0055). A code that
    cannot be used is a field error under ``coupon``. ``manual_discount`` is a discount
    staff gave on an accepted quote; it lowers the first period only.
    """
    registry_answer = _registry_answer(tariff, host_name)
    return _order_place(
        client=client,
        payer=payer,
        tariff=tariff,
        period_months=period_months,
        add_ons=add_ons,
        os_image=os_image,
        trial=trial,
        start_at_once=start_at_once,
        actor=actor,
        today=today,
        trial_days=trial_days,
        host_name=host_name,
        domain_admin=domain_admin,
        transfer_auth_code=transfer_auth_code,
        registry_answer=registry_answer,
        coupon_code=coupon_code,
        manual_discount=manual_discount,
        quote=quote,
    )


@transaction.atomic
def _order_place(
    *,
    client,
    payer,
    tariff,
    period_months,
    add_ons,
    os_image,
    trial,
    start_at_once,
    actor,
    today: date | None,
    trial_days: int | None,
    host_name,
    domain_admin: AdminContactInput | None,
    transfer_auth_code,
    registry_answer: RegistryAnswer | None,
    coupon_code: str = "",
    manual_discount: Discount | None = None,
    quote: Quote | None = None,
) -> Order:
    today = clean_order_date(today or timezone.localdate())
    if not isinstance(client, Client):
        raise DomainError(
            "invalid_input",
            _("client: an order is placed for a client."),
            fields={"client": "not a client"},
        )
    check_client_not_restricted(client, on=today)  # an overdue verification request (ACC-10)
    check_policies_accepted_for_ordering(client.owner)  # a new version to accept (GDPR-10)
    lock_client_balance(client)  # one order of a client at a time: trials, settlement
    _release_stale_claims(tariff, host_name)
    errors = FieldErrors()
    checked = check_order_input(
        client=client,
        payer=payer,
        tariff=tariff,
        period_months=period_months,
        add_ons=add_ons,
        os_image=os_image,
        start_at_once=start_at_once,
        today=today,
        errors=errors,
        host_name=host_name,
        domain_admin=domain_admin,
        transfer_auth_code=transfer_auth_code,
        registry_answer=registry_answer,
    )
    family = tariff.family if isinstance(tariff, Tariff) else None
    trial_length = _check_trial(client, family, trial, trial_days, errors)
    coupon = _check_coupon(coupon_code, client, tariff, trial_length, today, errors)
    errors.raise_if_any()
    assert checked is not None
    is_trial = trial_length is not None
    discount = coupon_discount(coupon) if coupon is not None else manual_discount
    starts_on = (
        checked.starts_on
        if is_trial
        else service_first_day(client, start_at_once=checked.start_at_once, today=today)
    )
    items = price_items(
        tariff=checked.tariff,
        add_ons=checked.add_ons,
        os_image=checked.os_image,
        months=checked.period_months,
        starts_on=starts_on,
    )
    order = _order_create(
        client=client,
        payer=checked.payer,
        family=checked.family,
        tariff=checked.tariff,
        tariff_specs=checked.tariff.specs,
        os_image=checked.os_image,
        months=checked.period_months,
        starts_on=starts_on,
        items=items,
        status=Order.Status.FREE_TRIAL if is_trial else Order.Status.PLACED,
        actor=actor,
        start_at_once=checked.start_at_once,
        trial_days=trial_length,
        coupon=coupon,
        discount=discount,
        quote=quote,
    )
    if coupon is not None:
        coupon_redeem(
            coupon=coupon,
            client=client,
            tariff=checked.tariff,
            order_reference=order.public_id,
            discount_minor=order.discount_minor,
            today=today,
        )
    service = _service_create(
        order,
        checked.add_ons,
        actor=actor,
        concluded_on=today,
        host_name=checked.host_name,
        coupon=coupon if coupon is not None and coupon.is_every_period else None,
    )
    if checked.domain is not None:
        domain_order_record(
            service=service,
            name=checked.domain.name,
            rule=checked.domain.rule,
            years=checked.domain.years,
            plan=checked.domain.contacts,
            is_transfer=checked.domain.is_transfer,
            auth_code=checked.domain.auth_code,
        )
    audit(
        "order_placed",
        actor=actor,
        obj=order,
        client_id=client.pk,
        data={"net_minor": order.net_minor, "trial": is_trial, "service": service.public_id},
    )
    if is_trial:
        service_trial_start(service=service, starts_on=today, days=trial_length, actor=actor)
    else:
        _bill(order, items, actor=actor, today=today, discount=discount)
        client_payments_apply(client=client, actor=actor, today=today)
        _tell_order_received(order, service=service)
    return Order.objects.get(pk=order.pk)


def _tell_order_received(order: Order, *, service: Service) -> None:
    """Tell the client the order was received and, when the balance did not pay it, that
    its proforma waits to be paid (NTF-01). A free trial is told by its start (CAT-04)."""
    order.refresh_from_db(fields=["proforma", "status"])
    order_received_notify(order=order, service=service)
    if order.proforma is not None and order.proforma.status == Invoice.Status.ISSUED:
        proforma_issued_notify(proforma=order.proforma)


def service_first_day(client: Client, *, start_at_once: bool, today: date) -> date:
    """The first day of the paid period of a new order (ORD-07, 003 §11.6): today, unless
    the client is a consumer (a natural person) who did not ask explicitly for the service
    to start before the withdrawal period ends; then the day after that period
    (``subscriptions.withdrawal_days`` days after the contract is concluded today)."""
    if start_at_once or client.kind != Client.Kind.NATURAL:
        return today
    return today + timedelta(days=setting_value(conf.WITHDRAWAL_DAYS) + 1)


def _service_create(
    order: Order,
    add_ons: tuple[AddOnChoice, ...],
    *,
    actor,
    concluded_on: date,
    host_name: str = "",
    coupon: Coupon | None = None,
) -> Service:
    now = timezone.now()
    service = Service.objects.create(
        client=order.client,
        payer=order.payer,
        order=order,
        family=order.family,
        tariff=order.tariff,
        specs=dict(order.tariff_specs or {}),
        os_image=order.os_image,
        status=ServiceStatus.PENDING,
        status_changed_at=now,
        contract_started_on=concluded_on,
        contract_ends_on=period_end(concluded_on, setting_value(conf.CONTRACT_TERM_MONTHS)),
        module_name=module_for(order.family.code).name,
        host_name=host_name,
        coupon=coupon,
    )
    ServiceAddOn.objects.bulk_create(
        ServiceAddOn(service=service, add_on=choice.add_on, quantity=choice.quantity)
        for choice in add_ons
    )
    ServiceStatusChange.objects.create(
        service=service,
        from_status="",
        to_status=ServiceStatus.PENDING,
        reason=f"Order {order.number} placed.",
        actor=actor,
        changed_at=now,
    )
    return service


@transaction.atomic
def order_place_for_trial(
    *, service: Service, payer, period_months, actor, today: date | None = None
) -> Order:
    """Order the paid continuation of a free trial (CAT-04, ORD-01, ORD-02).

    The order repeats the trial service's tariff, add-ons and OS image at the fees in force
    for its period, which starts the day after the trial ends (or today, if it already
    ended). When it is paid the service goes ``trial → active`` and keeps its resource.
    """
    today = clean_order_date(today or timezone.localdate())
    if not isinstance(service, Service):
        raise DomainError(
            "invalid_input", _("service: no such service."), fields={"service": "not a service"}
        )
    check_client_not_restricted(service.client, on=today)  # verification overdue (ACC-10)
    check_policies_accepted_for_ordering(service.client.owner)  # new version (GDPR-10)
    lock_client_balance(service.client)
    locked = locked_service(service)
    errors = FieldErrors()
    check_payer(locked.client, payer, errors)
    months = check_period(period_months, errors)
    if locked.status != ServiceStatus.TRIAL:
        errors.add(
            "service",
            _("The service is %(status)s, not on a free trial.") % {"status": locked.status},
        )
    elif Order.objects.filter(trial_service=locked, status=Order.Status.PLACED).exists():
        errors.add("service", _("The continuation of this trial is already ordered."))
    errors.raise_if_any()
    starts_on = max(today, locked.trial_ends_on + timedelta(days=1))
    add_ons = tuple(
        AddOnChoice(item.add_on, item.quantity)
        for item in locked.add_ons.select_related("add_on").order_by("id")
    )
    items = price_items(
        tariff=locked.tariff,
        add_ons=add_ons,
        os_image=locked.os_image,
        months=months,
        starts_on=starts_on,
    )
    order = _order_create(
        client=locked.client,
        payer=payer,
        family=locked.family,
        tariff=locked.tariff,
        tariff_specs=locked.specs,
        os_image=locked.os_image,
        months=months,
        starts_on=starts_on,
        items=items,
        status=Order.Status.PLACED,
        actor=actor,
        trial_service=locked,
    )
    audit(
        "order_placed",
        actor=actor,
        obj=order,
        client_id=locked.client_id,
        data={"net_minor": order.net_minor, "trial_service": locked.public_id},
    )
    _bill(order, items, actor=actor, today=today)
    client_payments_apply(client=locked.client, actor=actor, today=today)
    _tell_order_received(order, service=locked)
    return Order.objects.get(pk=order.pk)
