"""VAT of a sale: which scheme applies, at which rate, and why (BIL-05).

* Clients in the provider's own country (natural or legal persons) pay the provider's rate.
* Businesses in another EU member state whose VAT number has a valid format (python-stdnum)
  and, when ``invoicing.vies_check_enabled`` is on (the default), is confirmed by VIES are
  reverse-charged at 0 %; the recipient accounts for the VAT.
* When VIES cannot be reached (time-out, connection error, a member state's service down),
  the number is *not* confirmed: the business pays the VAT of its country like a consumer,
  the check is recorded as ``unavailable`` with VIES's error code, and the next document asks
  VIES again. No reverse charge is ever given on an unconfirmed number.
* Businesses whose number is missing, malformed, refused or not confirmed by VIES are charged
  like consumers of their country, and the reason is recorded.
* Consumers elsewhere in the EU pay the rate of their country on the supply date.
* Clients outside the EU pay no EU VAT.

Rates come from the :class:`~hostledger.invoicing.models.VatRate` table, never from code.
:func:`vat_decision` neither writes nor calls the network: the VIES look-up, when wanted, is
made beforehand with :func:`vies_look_up` and passed in, so the decision can be tested and
repeated exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumValidationError

from hostledger.core.conf import CALENDAR_COUNTRY_CHOICES
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.invoicing import conf
from hostledger.invoicing.models import VatNumberCheck, VatRate, VatScheme
from hostledger.invoicing.vies import ViesAnswer, ViesUnavailableError, vies_check_number

EU_MEMBER_STATES = frozenset(code for code, _ in CALENDAR_COUNTRY_CHOICES)
"""ISO 3166-1 codes of the EU member states (GR for Greece)."""

ZERO_RATE = Decimal("0.00")

ViesStatus = VatNumberCheck.ViesStatus


def vat_prefix_of(country: str) -> str:
    """The VAT number prefix of an EU country: its ISO code, except EL for Greece."""
    return "EL" if country == "GR" else country


def compact_vat_number(vat_number: str | None) -> str:
    """The number without spaces, dots or dashes, upper case (``"de 123.456.789"`` → DE…)."""
    return re.sub(r"[\s.\-]", "", vat_number or "").upper()


@dataclass(frozen=True, slots=True)
class VatNumberCheckResult:
    """The outcome of checking one VAT number, as stored in a ``VatNumberCheck`` row."""

    vat_number: str
    country: str
    format_valid: bool
    vies_status: str
    vies_consultation_number: str = ""
    vies_error_code: str = ""
    vies_retryable: bool = False
    vies_summary: dict = field(default_factory=dict)
    checked_at: datetime | None = None

    def confirmed(self, *, vies_required: bool) -> bool:
        """Good enough for a reverse charge: valid format and prefix, and VIES if required."""
        if not self.format_valid or self.vies_status == ViesStatus.INVALID:
            return False
        return self.vies_status == ViesStatus.VALID if vies_required else True

    def as_model_fields(self) -> dict:
        return {
            "vat_number": self.vat_number,
            "country": self.country,
            "format_valid": self.format_valid,
            "vies_status": self.vies_status,
            "vies_consultation_number": self.vies_consultation_number,
            "vies_error_code": self.vies_error_code,
            "vies_summary": self.vies_summary,
            "checked_at": self.checked_at or timezone.now(),
        }


@dataclass(frozen=True, slots=True)
class VatDecision:
    """How VAT applies to one sale: ``scheme``, ``rate`` in percent, the ``country`` whose
    rate applies (the buyer's for a reverse charge or outside the EU), a ``reason`` for people,
    and the record of the VAT number check when the buyer gave a number."""

    scheme: str
    rate: Decimal
    country: str
    reason: str
    number_check: VatNumberCheckResult | None = None

    @property
    def reverse_charge(self) -> bool:
        return self.scheme == VatScheme.REVERSE_CHARGE


def vat_rate_on(country: str, day: date) -> Decimal:
    """The standard VAT rate of ``country`` in force on ``day``, from the rate table."""
    rate = (
        VatRate.objects.filter(country=country, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from")
        .values_list("rate", flat=True)
        .first()
    )
    if rate is None:
        raise DomainError(
            "vat_rate_missing",
            gettext(
                "No VAT rate of %(country)s is recorded for %(date)s; add it to the VAT rate table."
            )
            % {"country": country, "date": day.isoformat()},
            fields={"supply_date": f"no VAT rate of {country} on this date"},
        )
    return Decimal(rate).quantize(Decimal("0.01"))


RATED_SCHEMES = frozenset(
    {VatScheme.DOMESTIC, VatScheme.EU_CONSUMER, VatScheme.EU_BUSINESS_UNVERIFIED}
)
"""The schemes charged at a country's rate; the others charge none whatever the date."""


def tax_point_rate(*, scheme: str, country: str, billed_rate: Decimal, tax_point: date) -> Decimal:
    """The VAT rate of a sale whose tax point is ``tax_point`` (BIL-05, EU VAT Directive
    art. 65: for a prepaid period, the day the payment was received): the rate of
    ``country`` in force that day for a scheme charged at a country's rate, else the rate
    billed (none for a reverse charge or outside the EU)."""
    if scheme not in RATED_SCHEMES:
        return Decimal(billed_rate).quantize(Decimal("0.01"))
    return vat_rate_on(country, tax_point)


def vat_number_format_valid(vat_number: str, country: str) -> bool:
    """Prefix, length and check digits by python-stdnum; the prefix must match ``country``."""
    compact = compact_vat_number(vat_number)
    if not compact or compact[:2] != vat_prefix_of(country):
        return False
    try:
        eu_vat.validate(compact)
    except StdnumValidationError:
        return False
    return True


def vies_look_up(*, vat_number: str) -> ViesAnswer | ViesUnavailableError:
    """Ask VIES about ``vat_number`` with the provider's settings; never raises for an outage.

    Call this outside any database transaction: it waits for the network.
    """
    try:
        return vies_check_number(
            vat_number=compact_vat_number(vat_number),
            base_url=setting_value(conf.VIES_API_URL),
            timeout_seconds=setting_value(conf.VIES_TIMEOUT_SECONDS),
            requester_vat_number=setting_value(conf.PROVIDER_VAT_NUMBER),
        )
    except ViesUnavailableError as error:
        return error


def vies_look_up_wanted(*, buyer_country: str, buyer_is_business: bool, vat_number: str) -> bool:
    """Whether a sale's VAT would depend on a VIES answer: VIES on, and a business in another
    member state with a well-formed number."""
    country = (buyer_country or "").strip().upper()
    return (
        bool(setting_value(conf.VIES_CHECK_ENABLED))
        and buyer_is_business
        and country in EU_MEMBER_STATES
        and country != setting_value(conf.PROVIDER_COUNTRY)
        and vat_number_format_valid(vat_number, country)
    )


def _number_check(
    vat_number: str, country: str, vies_result: ViesAnswer | ViesUnavailableError | None
) -> VatNumberCheckResult:
    format_valid = country in EU_MEMBER_STATES and vat_number_format_valid(vat_number, country)
    if isinstance(vies_result, ViesAnswer) and format_valid:
        return VatNumberCheckResult(
            vat_number=vat_number,
            country=country,
            format_valid=True,
            vies_status=ViesStatus.VALID if vies_result.valid else ViesStatus.INVALID,
            vies_consultation_number=vies_result.consultation_number,
            vies_summary=dict(vies_result.summary),
            checked_at=timezone.now(),
        )
    if isinstance(vies_result, ViesUnavailableError) and format_valid:
        return VatNumberCheckResult(
            vat_number=vat_number,
            country=country,
            format_valid=True,
            vies_status=ViesStatus.UNAVAILABLE,
            vies_error_code=vies_result.code[:64],
            vies_retryable=vies_result.retryable,
            checked_at=timezone.now(),
        )
    return VatNumberCheckResult(
        vat_number=vat_number,
        country=country,
        format_valid=format_valid,
        vies_status=ViesStatus.NOT_CHECKED,
        checked_at=timezone.now(),
    )


def _why_not_confirmed(check: VatNumberCheckResult | None) -> str:
    if check is None:
        return "no VAT number was given"
    if not check.format_valid:
        return "the VAT number's format or check digits are not valid"
    if check.vies_status == ViesStatus.INVALID:
        return "VIES reports the VAT number as not valid"
    if check.vies_status == ViesStatus.UNAVAILABLE:
        return f"VIES could not confirm the VAT number ({check.vies_error_code})"
    return "the VAT number was not checked in VIES"


def _clean_country(buyer_country: str | None) -> str:
    country = (buyer_country or "").strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise DomainError(
            "invalid_country",
            gettext("buyer_country: '%(buyer_country)s' is not a two-letter country code.")
            % {"buyer_country": buyer_country},
            fields={"buyer_country": "not a two-letter country code"},
        )
    return country


def vat_decision(
    *,
    buyer_country: str,
    buyer_is_business: bool,
    buyer_vat_number: str | None,
    supply_date: date,
    vies_result: ViesAnswer | ViesUnavailableError | None = None,
) -> VatDecision:
    """Decide the VAT scheme and rate of a sale to this buyer on ``supply_date`` (BIL-05).

    ``vies_result`` is the answer of :func:`vies_look_up` for the buyer's number, or None
    when VIES was not asked. With ``invoicing.vies_check_enabled`` on, only a VIES answer
    "valid" allows a reverse charge; with it off, a valid format is enough.
    """
    country = _clean_country(buyer_country)
    if not isinstance(supply_date, date) or isinstance(supply_date, datetime):
        raise DomainError(
            "invalid_date",
            gettext("supply_date: expected a date."),
            fields={"supply_date": "not a date"},
        )
    provider_country = setting_value(conf.PROVIDER_COUNTRY)
    vies_required = bool(setting_value(conf.VIES_CHECK_ENABLED))
    vat_number = compact_vat_number(buyer_vat_number)
    check = _number_check(vat_number, country, vies_result) if vat_number else None
    on_day = supply_date.isoformat()

    if country == provider_country:
        rate = vat_rate_on(provider_country, supply_date)
        return VatDecision(
            scheme=VatScheme.DOMESTIC,
            rate=rate,
            country=provider_country,
            reason=f"Domestic supply in {country}: the provider's rate of {rate} % on {on_day}.",
            number_check=check,
        )
    if country not in EU_MEMBER_STATES:
        return VatDecision(
            scheme=VatScheme.OUTSIDE_EU,
            rate=ZERO_RATE,
            country=country,
            reason=f"Client outside the EU ({country}): no EU VAT is charged.",
            number_check=check,
        )
    if buyer_is_business and check is not None and check.confirmed(vies_required=vies_required):
        how = (
            "confirmed valid by VIES"
            if check.vies_status == ViesStatus.VALID
            else "valid in format (VIES confirmation not required)"
        )
        return VatDecision(
            scheme=VatScheme.REVERSE_CHARGE,
            rate=ZERO_RATE,
            country=country,
            reason=(
                f"Reverse charge: business client in {country} with VAT number {how}; the "
                "recipient accounts for the VAT (Article 196 of Council Directive 2006/112/EC)."
            ),
            number_check=check,
        )
    rate = vat_rate_on(country, supply_date)
    if buyer_is_business:
        why = _why_not_confirmed(check)
        return VatDecision(
            scheme=VatScheme.EU_BUSINESS_UNVERIFIED,
            rate=rate,
            country=country,
            reason=(
                f"Business client in {country} charged as a consumer because {why}: "
                f"{country}'s rate of {rate} % on {on_day}."
            ),
            number_check=check,
        )
    return VatDecision(
        scheme=VatScheme.EU_CONSUMER,
        rate=rate,
        country=country,
        reason=f"Consumer in {country}: {country}'s rate of {rate} % on {on_day}.",
        number_check=check,
    )
