"""Electronic addresses of the parties of an e-invoice (EN 16931 BT-34, BT-49; BIL-10).

A receiver's system and the Peppol network find a party by an identifier in a scheme of the
EAS code list: the business-registry code where the party's country has a registry scheme
(Estonia's 0191, Denmark's 0184, …), otherwise the VAT number in its country's VAT scheme
(9931 for EE, 9930 for DE, …). The table is data: ``electronic_address_schemes.json`` beside
this module. Spaces and punctuation are dropped from the identifier, and a VAT scheme takes
the number with its country prefix, as Peppol participants register it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hostledger.invoicing.vat import compact_vat_number

SCHEMES_FILE = Path(__file__).with_name("electronic_address_schemes.json")


@dataclass(frozen=True, slots=True)
class ElectronicAddress:
    scheme: str
    identifier: str


@cache
def schemes() -> dict:
    """The scheme table: ``{"registry": {country: code}, "vat": {prefix: code}}``."""
    table = json.loads(SCHEMES_FILE.read_text(encoding="utf-8"))
    return {"registry": table["registry"], "vat": table["vat"]}


def electronic_address(
    *, country: str, registry_code: str = "", vat_number: str = ""
) -> ElectronicAddress | None:
    """The party's electronic address, or None when no scheme of the table fits."""
    table = schemes()
    registry = re.sub(r"[^0-9A-Za-z]", "", registry_code or "")
    scheme = table["registry"].get((country or "").upper())
    if registry and scheme:
        return ElectronicAddress(scheme, registry)
    vat = compact_vat_number(vat_number)
    scheme = table["vat"].get(vat[:2]) if len(vat) > 2 else None
    if scheme:
        return ElectronicAddress(scheme, vat)
    return None
