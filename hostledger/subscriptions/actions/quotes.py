"""Quotes: staff prepare an offer for one client, send it or withdraw it; the client accepts
it into orders or declines it (decision 0055).

A quote moves ``draft → sent → accepted | declined``, or to ``withdrawn`` by staff before a
decision, each move one conditional UPDATE from the state it leaves. Acceptance places one
order per unit of each line with ``order_place`` — the same checks, prices, coupon
redemption, proforma and payment from the balance as an order from the order form — all in
the one transaction that moves the quote to ``accepted``: a refused line refuses the whole
acceptance and leaves the quote sent. Accepting an accepted quote again returns its orders
and places none; an expired, withdrawn or declined quote is refused naming ``quote``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts.models import Client
from hostledger.accounts.validation import FieldErrors
from hostledger.catalog.coupons import Discount, coupon_by_code
from hostledger.catalog.models import DiscountKind, OsImage, Tariff
from hostledger.core.errors import DomainError
from hostledger.core.money import parse_staff_decimal
from hostledger.subscriptions.conf import allowed_periods
from hostledger.subscriptions.models import Order, Quote, QuoteLine, QuoteStatus

from ._common import audit
from .order_input import check_payer
from .orders import order_place

MAX_QUOTE_LINES = 20
MAX_LINE_QUANTITY = 20
MAX_NOTE_LENGTH = 2000


@dataclass(frozen=True)
class QuoteLineInput:
    """One line staff put on a quote."""

    tariff: Tariff
    period_months: int
    quantity: int = 1
    os_image: OsImage | None = None
    host_name: str = ""


def quote_discount(quote: Quote) -> tuple[str, Discount | None]:
    """The coupon code a quote's orders redeem, or the discount staff gave on it."""
    if quote.coupon_id is not None:
        return quote.coupon.code, None
    if quote.discount_percent is not None:
        return "", Discount(
            kind=DiscountKind.PERCENTAGE,
            percent=quote.discount_percent,
            label=_("Quote %(quote)s") % {"quote": quote.public_id},
        )
    return "", None


def _check_lines(lines, errors: FieldErrors) -> list[QuoteLineInput]:
    lines = list(lines or [])
    if not lines:
        errors.add("lines", _("A quote needs at least one line."))
    elif len(lines) > MAX_QUOTE_LINES:
        errors.add("lines", _("At most %(n)d lines.") % {"n": MAX_QUOTE_LINES})
    periods = allowed_periods()
    checked = []
    for index, line in enumerate(lines[:MAX_QUOTE_LINES]):
        field = f"lines[{index}]"
        if not isinstance(line, QuoteLineInput) or not isinstance(line.tariff, Tariff):
            errors.add(f"{field}.tariff", _("Choose a tariff of the catalog."))
            continue
        if line.period_months not in periods:
            errors.add(
                f"{field}.period_months",
                _("One of %(periods)s months.") % {"periods": ", ".join(map(str, periods))},
            )
        if (
            isinstance(line.quantity, bool)
            or not isinstance(line.quantity, int)
            or not 1 <= line.quantity <= MAX_LINE_QUANTITY
        ):
            errors.add(f"{field}.quantity", _("From 1 to %(n)d.") % {"n": MAX_LINE_QUANTITY})
        if line.os_image is not None and not isinstance(line.os_image, OsImage):
            errors.add(f"{field}.os_image", _("Choose an operating system of the catalog."))
        if not isinstance(line.host_name, str) or len(line.host_name) > 253:
            errors.add(f"{field}.host_name", _("At most 253 characters."))
        checked.append(line)
    return checked


@transaction.atomic
def quote_create(
    *,
    client: Client,
    payer,
    valid_until,
    lines,
    coupon_code: str = "",
    discount_percent=None,
    note: str = "",
    actor=None,
    today: date | None = None,
) -> Quote:
    """Write a draft quote for ``client`` (decision 0055): lines of tariffs with periods and
    quantities, billed to one of the client's payers, valid up to ``valid_until``
    (today or later), with a coupon or a percentage staff give, not both. Every problem is
    named under its field; nothing is written on refusal."""
    today = today or timezone.localdate()
    errors = FieldErrors()
    if not isinstance(client, Client):
        raise DomainError("invalid_input", "client: not a client.", fields={"client": "required"})
    check_payer(client, payer, errors)
    if not isinstance(valid_until, date):
        errors.add("valid_until", _("A date is required."))
    elif valid_until < today:
        errors.add("valid_until", _("The quote must be valid at least until today."))
    checked = _check_lines(lines, errors)
    coupon = None
    code = (coupon_code or "").strip() if isinstance(coupon_code, str) else ""
    if code:
        coupon = coupon_by_code(code)
        if coupon is None or not coupon.is_active:
            errors.add("coupon", _("This coupon code is not valid."))
    percent = None
    if discount_percent not in (None, ""):
        try:
            percent = parse_staff_decimal(discount_percent, field="discount_percent", places=4)
        except DomainError as error:
            errors.add("discount_percent", error.fields.get("discount_percent", error.message))
        else:
            if not Decimal(0) < percent <= Decimal(100):
                errors.add("discount_percent", _("A percentage above 0 and at most 100."))
    if code and percent is not None:
        errors.add("discount_percent", _("Give a coupon or a discount, not both."))
    if not isinstance(note, str) or len(note) > MAX_NOTE_LENGTH:
        errors.add("note", _("At most %(n)d characters.") % {"n": MAX_NOTE_LENGTH})
    errors.raise_if_any()
    quote = Quote.objects.create(
        client=client,
        payer=payer,
        valid_until=valid_until,
        coupon=coupon,
        discount_percent=percent,
        note=note.strip(),
        created_by=actor,
    )
    QuoteLine.objects.bulk_create(
        QuoteLine(
            quote=quote,
            position=position,
            tariff=line.tariff,
            period_months=line.period_months,
            quantity=line.quantity,
            os_image=line.os_image,
            host_name=line.host_name.strip(),
        )
        for position, line in enumerate(checked, start=1)
    )
    audit("quote_created", actor=actor, obj=quote, client_id=client.pk)
    return quote


def _move(quote: Quote, *, from_states, to_state: str, actor, **values) -> bool:
    moved = Quote.objects.filter(pk=quote.pk, status__in=from_states).update(
        status=to_state, **values
    )
    return bool(moved)


def _refuse_state(quote: Quote, verb: str) -> None:
    status = Quote.objects.get(pk=quote.pk).status
    problem = _("The quote is %(status)s; it cannot be %(verb)s.") % {
        "status": QuoteStatus(status).label.lower(),
        "verb": verb,
    }
    raise DomainError("quote_state", f"quote: {problem}", fields={"quote": problem})


@transaction.atomic
def quote_send(*, quote: Quote, actor=None, today: date | None = None) -> Quote:
    """Show a draft quote to its client (decision 0055); an expired date is refused."""
    today = today or timezone.localdate()
    if quote.valid_until < today:
        problem = _("The quote expired on %(day)s.") % {"day": quote.valid_until.isoformat()}
        raise DomainError(
            "quote_expired", f"valid_until: {problem}", fields={"valid_until": problem}
        )
    if not _move(
        quote,
        from_states=[QuoteStatus.DRAFT],
        to_state=QuoteStatus.SENT,
        actor=actor,
        sent_at=timezone.now(),
    ):
        _refuse_state(quote, _("sent"))
    audit("quote_sent", actor=actor, obj=quote, client_id=quote.client_id)
    return Quote.objects.get(pk=quote.pk)


@transaction.atomic
def quote_withdraw(*, quote: Quote, actor=None) -> Quote:
    """Take back a draft or sent quote before the client decides (decision 0055)."""
    if not _move(
        quote,
        from_states=[QuoteStatus.DRAFT, QuoteStatus.SENT],
        to_state=QuoteStatus.WITHDRAWN,
        actor=actor,
        decided_at=timezone.now(),
        decided_by=actor,
    ):
        _refuse_state(quote, _("withdrawn"))
    audit("quote_withdrawn", actor=actor, obj=quote, client_id=quote.client_id)
    return Quote.objects.get(pk=quote.pk)


@transaction.atomic
def quote_decline(*, quote: Quote, actor=None) -> Quote:
    """The client turns a sent quote down (decision 0055)."""
    if not _move(
        quote,
        from_states=[QuoteStatus.SENT],
        to_state=QuoteStatus.DECLINED,
        actor=actor,
        decided_at=timezone.now(),
        decided_by=actor,
    ):
        _refuse_state(quote, _("declined"))
    audit("quote_declined", actor=actor, obj=quote, client_id=quote.client_id)
    return Quote.objects.get(pk=quote.pk)


@transaction.atomic
def quote_accept(
    *, quote: Quote, actor, start_at_once: bool = False, today: date | None = None
) -> list[Order]:
    """Accept a sent quote into orders, once (decision 0055, ORD-01).

    The quote moves ``sent → accepted`` by a conditional UPDATE that also requires it to be
    valid today; then each line places ``quantity`` orders with ``order_place`` (the quote's
    coupon redeemed by each, or the staff discount on each first period). A second
    acceptance, even a concurrent one, finds the quote accepted and returns the orders the
    first one placed. An expired, withdrawn or declined quote is refused naming ``quote``;
    an order a line cannot place refuses the whole acceptance, naming the line's field.
    ``start_at_once`` is the consumer's request to start before the withdrawal period ends
    (ORD-07), as on the order form.
    """
    today = today or timezone.localdate()
    moved = Quote.objects.filter(
        pk=quote.pk, status=QuoteStatus.SENT, valid_until__gte=today
    ).update(status=QuoteStatus.ACCEPTED, decided_at=timezone.now(), decided_by=actor)
    fresh = Quote.objects.select_related("client", "payer", "coupon").get(pk=quote.pk)
    if not moved:
        if fresh.status == QuoteStatus.ACCEPTED:
            return list(Order.objects.filter(quote=fresh).order_by("id"))
        if fresh.status == QuoteStatus.SENT:
            problem = _("This quote expired on %(day)s.") % {"day": fresh.valid_until.isoformat()}
            raise DomainError("quote_expired", f"quote: {problem}", fields={"quote": problem})
        _refuse_state(fresh, _("accepted"))
    coupon_code, discount = quote_discount(fresh)
    orders = []
    for line in fresh.lines.select_related("tariff", "tariff__family", "os_image"):
        for _unit in range(line.quantity):
            try:
                orders.append(
                    order_place(
                        client=fresh.client,
                        payer=fresh.payer,
                        tariff=line.tariff,
                        period_months=line.period_months,
                        os_image=line.os_image,
                        start_at_once=start_at_once,
                        actor=actor,
                        today=today,
                        host_name=line.host_name,
                        coupon_code=coupon_code,
                        manual_discount=discount,
                        quote=fresh,
                    )
                )
            except DomainError as refused:
                fields = {
                    f"lines[{line.position - 1}].{name}": problem
                    for name, problem in (refused.fields or {"quote": refused.message}).items()
                }
                raise DomainError(refused.code, refused.message, fields=fields) from None
    audit(
        "quote_accepted",
        actor=actor,
        obj=fresh,
        client_id=fresh.client_id,
        data={"orders": [order.public_id for order in orders]},
    )
    return orders
