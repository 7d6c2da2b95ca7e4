"""Provider settings of licence rental (CAT-01; seed 003, annex 9).

Declared once here (habit 7); read them with ``hostledger.core.registry.setting_value(key)``
or, for the product a tariff draws its keys from, with
:func:`hostledger.licences.selectors.product_code_for_tariff`.
"""

from __future__ import annotations

import re

from hostledger.core.registry import ProviderSetting, declare

TARIFF_PRODUCTS = "licences.tariff_products"

CODE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
"""A catalog code: lower-case letters and digits, single dashes or underscores between."""
PRODUCT_CODE_MAX = 60
TARIFF_CODE_MAX = 60


def is_product_code(value: str) -> bool:
    return len(value) <= PRODUCT_CODE_MAX and bool(CODE.match(value))


def parse_tariff_products(raw: str) -> dict[str, str]:
    """The tariff → product pairs of ``licences.tariff_products``: comma-separated
    ``tariff=product`` pairs; ValueError naming the first pair that is not one."""
    pairs: dict[str, str] = {}
    for part in str(raw or "").split(","):
        if not part.strip():
            continue
        tariff, separator, product = (item.strip() for item in part.partition("="))
        tariff_ok = len(tariff) <= TARIFF_CODE_MAX and bool(CODE.match(tariff))
        if not separator or not tariff_ok or not is_product_code(product):
            raise ValueError(
                f"'{part.strip()}' is not a tariff=product pair of catalog codes "
                "(e.g. windows-server-std=windows-server-std)."
            )
        if tariff in pairs:
            raise ValueError(f"The tariff '{tariff}' is named twice.")
        pairs[tariff] = product
    return pairs


def _tariff_products(value: str) -> str:
    pairs = parse_tariff_products(value)
    return ",".join(f"{tariff}={product}" for tariff, product in pairs.items())


declare(
    ProviderSetting(
        key=TARIFF_PRODUCTS,
        default="",
        kind="str",
        label="Licence product of each licence tariff",
        help_text=(
            "Comma-separated tariff=product pairs, e.g. 'windows-server-std-2=windows-server-"
            "std'. A licence tariff not listed draws its keys from the product whose code is "
            "the tariff's own code (CAT-01, PRV-01)."
        ),
        rule="CAT-01",
        validator=_tariff_products,
    ),
)
