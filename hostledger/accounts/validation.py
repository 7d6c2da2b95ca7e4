"""Checks of registration and billing-identity input; each failure names its field (ACC-01)."""

from __future__ import annotations

import re

import phonenumbers
from babel import Locale
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumValidationError

from hostledger.core.errors import DomainError

EU_COUNTRIES = frozenset(
    {
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    }
)
COUNTRY_NAMES: dict[str, str] = {
    code: name
    for code, name in sorted(Locale("en").territories.items(), key=lambda item: item[1])
    if len(code) == 2 and code.isalpha() and code not in {"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"}
}


class FieldErrors:
    """Collects field problems so the person sees all of them at once."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field: str, problem: str) -> None:
        self.errors.setdefault(field, problem)

    def raise_if_any(self) -> None:
        if self.errors:
            summary = "; ".join(f"{field}: {problem}" for field, problem in self.errors.items())
            raise DomainError("invalid_input", summary, fields=self.errors)


def clean_text(
    value: str | None, field: str, errors: FieldErrors, *, required: bool, max_length: int = 200
) -> str:
    text = (value or "").strip()
    if required and not text:
        errors.add(field, _("This field is required."))
    elif len(text) > max_length:
        errors.add(field, _("At most %(max_length)s characters.") % {"max_length": max_length})
    elif any(ord(char) < 32 for char in text):
        errors.add(field, _("Control characters are not allowed."))
    return text


def clean_country(value: str | None, field: str, errors: FieldErrors) -> str:
    code = (value or "").strip().upper()
    if code not in COUNTRY_NAMES:
        errors.add(field, _("Choose a country (two-letter ISO code)."))
    return code


def clean_email(value: str | None, field: str, errors: FieldErrors, *, required: bool) -> str:
    email = (value or "").strip()
    if not email:
        if required:
            errors.add(field, _("This field is required."))
        return ""
    try:
        validate_email(email)
    except DjangoValidationError:
        errors.add(field, _("Enter a valid email address."))
    return email


def clean_phone(
    value: str | None, field: str, errors: FieldErrors, *, country: str, required: bool
) -> str:
    """Phone numbers are kept in E.164 form (+3725551234)."""
    raw = (value or "").strip()
    if not raw:
        if required:
            errors.add(field, _("This field is required."))
        return ""
    try:
        number = phonenumbers.parse(raw, country if country in COUNTRY_NAMES else None)
    except phonenumbers.NumberParseException:
        errors.add(field, _("Enter a phone number with its country code, e.g. +372 5555 1234."))
        return raw
    if not phonenumbers.is_possible_number(number):
        errors.add(field, _("This is not a possible phone number."))
        return raw
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_vat_number(value: str | None, field: str, errors: FieldErrors, *, country: str) -> str:
    """An EU VAT number, checked for format and check digits with python-stdnum (BIL-05).

    The number must carry its country prefix (EE, DE, …; EL for Greece). Outside the EU no
    VAT number is taken.
    """
    raw = (value or "").strip()
    if not raw:
        return ""
    compact = re.sub(r"[\s.\-]", "", raw).upper()
    if country and country not in EU_COUNTRIES:
        errors.add(field, _("A VAT number is only taken for countries of the European Union."))
        return compact
    try:
        compact = eu_vat.validate(compact)
    except StdnumValidationError:
        errors.add(field, _("This is not a valid EU VAT number (country prefix and digits)."))
        return compact
    prefix = compact[:2]
    expected = "EL" if country == "GR" else country
    if country and prefix != expected:
        errors.add(
            field,
            _("The VAT number's prefix %(prefix)s does not match the country %(country)s.")
            % {"prefix": prefix, "country": country},
        )
    return compact
