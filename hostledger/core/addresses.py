"""Splitting a one-line postal address into street, post code and city (BIL-10).

E-invoices (EN 16931 BG-5/BG-8) carry the address in parts. Addresses that were typed on one
line — the provider's address setting before it was split, old document snapshots — are split
here on a best-effort basis: ``"Ahtri tn 12, 10151 Tallinn, Estonia"`` gives street
``Ahtri tn 12``, post code ``10151`` and city ``Tallinn``. When no post code and city can be
recognised the whole text stays in the street, so nothing typed is ever lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from babel import Locale

# "10151 Tallinn", "D-10115 Berlin", "75008 Paris", "1010 Wien", "00-950 Warszawa",
# "LV-1050 Rīga", "SE-111 22 Stockholm" / "111 22 Stockholm"
_CODE_THEN_CITY = re.compile(
    r"^(?:[A-Z]{1,2}-)?(?P<code>\d{2,3}[- ]?\d{2,3}|\d{4,6})\s+(?P<city>\D.*)$"
)
# "Tallinn 10151", "London SW1A 1AA", "Dublin D02 X285"
_CITY_THEN_CODE = re.compile(
    r"^(?P<city>\D+?)\s+(?P<code>\d{4,6}|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}|[A-Z]\d{2}\s?[A-Z\d]{4})$"
)


@dataclass(frozen=True, slots=True)
class SplitAddress:
    street: str
    postal_code: str
    city: str


def _is_country(part: str, country: str) -> bool:
    text = part.strip().casefold()
    if not text:
        return False
    if country and text == country.casefold():
        return True
    names = {
        Locale(language).territories.get(country.upper(), "").casefold()
        for language in ("en", "et", "de", "ru")
    }
    return text in names - {""}


def split_address(text: str, country: str = "") -> SplitAddress:
    """``text`` as street, post code and city; all of it in ``street`` when not recognised."""
    original = (text or "").strip()
    parts = [part.strip() for part in original.split(",") if part.strip()]
    if parts and _is_country(parts[-1], country):
        parts = parts[:-1]
    for index in range(len(parts) - 1, 0, -1):
        for pattern in (_CODE_THEN_CITY, _CITY_THEN_CODE):
            found = pattern.match(parts[index])
            if found:
                street = ", ".join(parts[:index] + parts[index + 1 :])
                return SplitAddress(
                    street=street, postal_code=found["code"], city=found["city"].strip()
                )
    return SplitAddress(street=original, postal_code="", city="")
