"""Checks of catalog input from staff; every problem names its field (CAT-01 … CAT-06).

The cleaners collect problems in a :class:`FieldErrors` so that staff see all of them at
once; ``raise_if_any`` turns them into one DomainError before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError
from hostledger.core.money import Money

from .models import RESOURCE_SPEC_FAMILIES, ProductFamily
from .pricing import parse_fee, parse_unit_price, quantity_to_micro

CODE_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
REQUIRED_SPECS = ("cpu", "ram_gb", "disk_gb")
MAX_SORT_ORDER = 32767


class FieldErrors:
    """Collects field problems so the person sees all of them at once."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field: str, problem: str) -> None:
        self.errors.setdefault(field, problem)

    def capture(self, cleaner: Callable[[], Any], default: Any = None) -> Any:
        """Run ``cleaner``; a DomainError it raises is recorded under its fields."""
        try:
            return cleaner()
        except DomainError as error:
            for field, problem in (error.fields or {"input": error.message}).items():
                self.add(field, problem)
            return default

    def raise_if_any(self) -> None:
        if self.errors:
            summary = "; ".join(f"{field}: {problem}" for field, problem in self.errors.items())
            raise DomainError("invalid_input", summary, fields=self.errors)


def clean_code(value: Any, errors: FieldErrors, *, field: str = "code") -> str:
    code = value.strip().lower() if isinstance(value, str) else ""
    if not code:
        errors.add(field, _("A code is required."))
    elif len(code) > 60 or not CODE_PATTERN.match(code):
        errors.add(field, _("Lower-case letters, digits, '-' and '_', at most 60 characters."))
    return code


def clean_text(
    value: Any, field: str, errors: FieldErrors, *, required: bool, max_length: int | None = 120
) -> str:
    if value is not None and not isinstance(value, str):
        errors.add(field, _("Text is required."))
        return ""
    text = (value or "").strip()
    if required and not text:
        errors.add(field, _("This field is required."))
    elif max_length is not None and len(text) > max_length:
        errors.add(field, _("At most %(max_length)s characters.") % {"max_length": max_length})
    elif any(ord(char) < 32 and char not in "\n\r\t" for char in text):
        errors.add(field, _("Control characters are not allowed."))
    return text


def clean_whole_number(
    value: Any,
    field: str,
    errors: FieldErrors,
    *,
    minimum: int = 0,
    maximum: int = MAX_SORT_ORDER,
    allow_none: bool = False,
) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        errors.add(field, _("A whole number is required."))
        return None
    if not minimum <= value <= maximum:
        errors.add(
            field,
            _("Between %(minimum)s and %(maximum)s.") % {"minimum": minimum, "maximum": maximum},
        )
        return None
    return value


def clean_bool(value: Any, field: str, errors: FieldErrors) -> bool:
    if not isinstance(value, bool):
        errors.add(field, _("Yes or no is required."))
        return False
    return value


def clean_fee(value: Any, field: str, errors: FieldErrors) -> Money | None:
    return errors.capture(lambda: parse_fee(value, field=field))


def clean_unit_price(value: Any, field: str, errors: FieldErrors) -> int | None:
    return errors.capture(lambda: parse_unit_price(value, field=field))


def clean_quantity(value: Any, field: str, errors: FieldErrors) -> int | None:
    return errors.capture(lambda: quantity_to_micro(value, field=field))


def clean_specs(value: Any, family: ProductFamily, errors: FieldErrors) -> dict:
    """Resources of a tariff: a flat mapping of names to whole numbers or short texts.

    Virtual servers and cloud pools must state ``cpu``, ``ram_gb`` and ``disk_gb`` as
    positive whole numbers: services are built, and cloud pools checked (ORD-05), from them.
    """
    specs = {} if value is None else value
    if not isinstance(specs, dict):
        errors.add("specs", _("A mapping of resource names to values is required."))
        return {}
    for key, item in specs.items():
        if not isinstance(key, str) or not CODE_PATTERN.match(key):
            errors.add("specs", _("'%(key)s' is not a valid resource name.") % {"key": key})
            return {}
        if isinstance(item, float):
            errors.add(
                "specs", _("%(key)s: give a whole number or a text, not a float.") % {"key": key}
            )
            return {}
        if isinstance(item, str):
            if len(item) > 120:
                errors.add("specs", _("%(key)s: at most 120 characters.") % {"key": key})
                return {}
        elif isinstance(item, bool) or not isinstance(item, int) or item < 0:
            errors.add(
                "specs", _("%(key)s: a whole number of at least 0 or a short text.") % {"key": key}
            )
            return {}
    if family.code in RESOURCE_SPEC_FAMILIES:
        for key in REQUIRED_SPECS:
            item = specs.get(key)
            if isinstance(item, bool) or not isinstance(item, int) or item < 1:
                errors.add(
                    "specs",
                    _("%(name)s tariffs state %(key)s as a positive number.")
                    % {"name": family.name, "key": key},
                )
                break
    return dict(specs)


def refuse_unknown_fields(data: dict, editable: set[str], hints: dict[str, str]) -> None:
    """Refuse keys that are not editable; ``hints`` say what to do instead for some."""
    if not isinstance(data, dict):
        raise DomainError("invalid_input", _("The changes must be a mapping of field names."))
    errors = FieldErrors()
    for key in data:
        if key in hints:
            errors.add(key, hints[key])
        elif key not in editable:
            errors.add(key, _("This field cannot be changed."))
    errors.raise_if_any()
