"""Changes of the VAT rate table (BIL-05): rates are data with validity dates."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.invoicing.actions.invoices import clean_date
from hostledger.invoicing.models import VatRate
from hostledger.invoicing.vat import EU_MEMBER_STATES


def _rate(raw) -> Decimal:
    if isinstance(raw, float | bool):
        raise DomainError(
            "invalid_rate",
            _("rate: give the rate as a decimal number."),
            fields={"rate": "not a decimal"},
        )
    try:
        rate = Decimal(str(raw).strip())
    except InvalidOperation:
        raise DomainError(
            "invalid_rate",
            _("rate: '%(raw)s' is not a number.") % {"raw": raw},
            fields={"rate": "not a number"},
        ) from None
    if not rate.is_finite() or not Decimal(0) <= rate < Decimal(100):
        raise DomainError(
            "invalid_rate",
            _("rate: a percentage from 0 to below 100."),
            fields={"rate": "0 to 99.99"},
        )
    if rate.as_tuple().exponent < -2:
        raise DomainError(
            "invalid_rate", _("rate: at most 2 decimals."), fields={"rate": "at most 2 decimals"}
        )
    return rate.quantize(Decimal("0.01"))


@transaction.atomic
def vat_rate_schedule(
    *, country: str, rate, valid_from: date, actor=None, note: str = ""
) -> VatRate:
    """Record a new standard VAT rate of ``country`` from ``valid_from`` on (BIL-05).

    The rate in force until then is closed the day before. Final invoices keep the rate of
    their tax point; a proforma paid on or after ``valid_from`` becomes a final invoice at the
    new rate (docs/decisions/0009-vat-at-the-tax-point.md). A change can only follow the
    latest recorded one: to correct an earlier period, add the corrected rate as data
    migration with its reasons.
    """
    code = (country or "").strip().upper()
    if code not in EU_MEMBER_STATES:
        raise DomainError(
            "invalid_country",
            _("country: '%(country)s' is not an EU member state.") % {"country": country},
            fields={"country": "not an EU member state"},
        )
    value = _rate(rate)
    valid_from = clean_date(valid_from, "valid_from")
    rows = list(VatRate.objects.select_for_update().filter(country=code).order_by("valid_from"))
    if rows and rows[-1].valid_from >= valid_from:
        raise DomainError(
            "vat_rate_not_after_latest",
            _(
                "valid_from: the latest rate of %(code)s starts on %(valid_from)s; a new "
                "rate must start after it."
            )
            % {"code": code, "valid_from": rows[-1].valid_from},
            fields={"valid_from": f"on or before {rows[-1].valid_from}"},
        )
    if rows and rows[-1].valid_to is not None and rows[-1].valid_to >= valid_from:
        raise DomainError(
            "vat_rate_overlap",
            _("valid_from: the latest rate of %(code)s runs until %(valid_to)s.")
            % {"code": code, "valid_to": rows[-1].valid_to},
            fields={"valid_from": "overlaps the latest rate"},
        )
    if rows and rows[-1].valid_to is None:
        VatRate.objects.filter(pk=rows[-1].pk).update(valid_to=valid_from - timedelta(days=1))
    created = VatRate.objects.create(
        country=code, rate=value, valid_from=valid_from, note=(note or "").strip()[:200]
    )
    record_audit_event(
        action="vat_rate.scheduled",
        actor=actor,
        obj=created,
        data={"country": code, "rate": str(value), "valid_from": valid_from.isoformat()},
    )
    return created
