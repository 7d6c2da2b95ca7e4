"""Bank account identifiers: IBAN (ISO 13616) and BIC (ISO 9362), checked offline.

Used where the provider's own account is set (a provider setting) and where it is printed
for a SEPA credit transfer (proformas, the EPC QR code), so a typo in the account cannot
send clients' money elsewhere.
"""

from __future__ import annotations

from stdnum import bic, iban
from stdnum.exceptions import ValidationError


def clean_iban(value: str) -> str:
    """``value`` as an IBAN without spaces, upper-case; ValueError when the check fails."""
    try:
        return iban.validate(str(value or ""))
    except ValidationError as error:
        raise ValueError(f"not a valid IBAN ({error})") from None


def clean_bic(value: str, *, required: bool = False) -> str:
    """``value`` as a BIC of 8 or 11 characters, upper-case; empty is allowed unless
    ``required``; ValueError when it is not a BIC."""
    text = str(value or "").strip()
    if not text and not required:
        return ""
    try:
        return bic.validate(text)
    except ValidationError as error:
        raise ValueError(f"not a valid BIC ({error})") from None
