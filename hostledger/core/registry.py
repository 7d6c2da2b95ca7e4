"""Provider settings: every number of SPEC.md is a setting with the seed's value as default.

Each app declares its settings once, in its ``conf.py``, with :func:`declare`. Staff
overrides live in :class:`~hostledger.core.models.ProviderSettingValue`; every change is kept
in :class:`~hostledger.core.models.ProviderSettingChange`. Code reads a value with
:func:`setting_value` and never writes the number itself (habit 7).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from hostledger.core.errors import DomainError

_TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
_FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


@dataclass(frozen=True)
class ProviderSetting:
    """The declaration of one provider setting.

    ``kind`` is one of "int", "decimal", "bool", "str", "choice". ``rule`` names the SPEC
    rule the number comes from; ``unit`` says what the number counts (days, percent, …).
    ``validator``, when given, checks a parsed value and returns it in its stored form (for
    example an IBAN without spaces); it raises ValueError with the problem in words.
    """

    key: str
    default: Any
    kind: str
    label: str
    help_text: str = ""
    rule: str = ""
    unit: str = ""
    minimum: Any = None
    maximum: Any = None
    choices: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    validator: Callable[[Any], Any] | None = None

    @property
    def app(self) -> str:
        return self.key.split(".", 1)[0]

    def parse(self, raw: Any) -> Any:
        """Turn a submitted value into the stored one, or raise DomainError naming the field."""
        try:
            if self.kind == "int":
                value: Any = int(str(raw).strip())
            elif self.kind == "decimal":
                value = Decimal(str(raw).strip())
                if not value.is_finite():
                    raise InvalidOperation
            elif self.kind == "bool":
                if isinstance(raw, bool):
                    value = raw
                elif str(raw).strip().lower() in _TRUE_WORDS:
                    value = True
                elif str(raw).strip().lower() in _FALSE_WORDS:
                    value = False
                else:
                    # Anything else is a typo, not "no": refuse it rather than switch off.
                    raise ValueError(raw)
            elif self.kind == "choice":
                value = str(raw).strip()
                if value not in {code for code, _ in self.choices}:
                    raise DomainError(
                        "invalid_choice",
                        gettext("%(key)s: '%(value)s' is not one of the offered values.")
                        % {"key": self.key, "value": value},
                        fields={self.key: "not one of the offered values"},
                    )
            else:
                value = str(raw).strip()
        except (ValueError, InvalidOperation) as error:
            raise DomainError(
                "invalid_setting",
                gettext("%(key)s: '%(raw)s' is not a valid %(kind)s.")
                % {"key": self.key, "raw": raw, "kind": self.kind},
                fields={self.key: f"must be a {self.kind}"},
            ) from error
        if self.minimum is not None and value < self.minimum:
            raise DomainError(
                "invalid_setting",
                gettext("%(key)s: must be at least %(minimum)s.")
                % {"key": self.key, "minimum": self.minimum},
                fields={self.key: f"must be at least {self.minimum}"},
            )
        if self.maximum is not None and value > self.maximum:
            raise DomainError(
                "invalid_setting",
                gettext("%(key)s: must be at most %(maximum)s.")
                % {"key": self.key, "maximum": self.maximum},
                fields={self.key: f"must be at most {self.maximum}"},
            )
        if self.validator is not None:
            try:
                value = self.validator(value)
            except ValueError as error:
                raise DomainError(
                    "invalid_setting",
                    gettext("%(key)s: %(error)s") % {"key": self.key, "error": error},
                    fields={self.key: str(error)},
                ) from error
        return value

    def to_json(self, value: Any) -> Any:
        return str(value) if self.kind == "decimal" else value

    def from_json(self, stored: Any) -> Any:
        return Decimal(stored) if self.kind == "decimal" else stored


_REGISTRY: dict[str, ProviderSetting] = {}


def declare(*declarations: ProviderSetting) -> None:
    """Register settings; called at import time of each app's ``conf.py``."""
    for declaration in declarations:
        existing = _REGISTRY.get(declaration.key)
        if existing is not None and existing != declaration:
            raise RuntimeError(f"Provider setting {declaration.key} is declared twice.")
        _REGISTRY[declaration.key] = declaration


def all_settings() -> list[ProviderSetting]:
    return sorted(_REGISTRY.values(), key=lambda item: item.key)


def get_declaration(key: str) -> ProviderSetting:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise DomainError(
            "unknown_setting",
            gettext("%(key)s: no such provider setting.") % {"key": key},
            fields={"key": "unknown"},
        ) from None


def setting_value(key: str) -> Any:
    """The value in force: the staff override if there is one, else the declared default."""
    from hostledger.core.models import ProviderSettingValue

    declaration = get_declaration(key)
    stored = ProviderSettingValue.objects.filter(key=key).values_list("value", flat=True).first()
    if stored is None:
        return declaration.default
    return declaration.from_json(stored)


def current_values() -> dict[str, Any]:
    """Every declared setting with the value in force, in one query."""
    from hostledger.core.models import ProviderSettingValue

    overrides = dict(ProviderSettingValue.objects.values_list("key", "value"))
    return {
        item.key: item.from_json(overrides[item.key]) if item.key in overrides else item.default
        for item in all_settings()
    }


def _locked_value_in_force(declaration: ProviderSetting) -> Any:
    """The value in force, read with the override row locked until the transaction ends.

    Two staff members changing the same setting at once then record each other's value as
    the old one, so the history stays a true sequence.
    """
    from hostledger.core.models import ProviderSettingValue

    stored = (
        ProviderSettingValue.objects.select_for_update()
        .filter(key=declaration.key)
        .values_list("value", flat=True)
        .first()
    )
    return declaration.default if stored is None else declaration.from_json(stored)


@transaction.atomic
def provider_setting_change(*, key: str, raw_value: Any, actor=None, reason: str = "") -> Any:
    """Override a provider setting; the change and the previous value are kept in history."""
    from hostledger.core.models import ProviderSettingChange, ProviderSettingValue

    declaration = get_declaration(key)
    value = declaration.parse(raw_value)
    old = _locked_value_in_force(declaration)
    ProviderSettingValue.objects.update_or_create(
        key=key, defaults={"value": declaration.to_json(value), "updated_by": actor}
    )
    ProviderSettingChange.objects.create(
        key=key,
        old_value=declaration.to_json(old),
        new_value=declaration.to_json(value),
        changed_by=actor,
        reason=reason,
    )
    return value


@transaction.atomic
def provider_setting_reset(*, key: str, actor=None, reason: str = "") -> Any:
    """Drop the override so the declared default applies again; kept in history."""
    from hostledger.core.models import ProviderSettingChange, ProviderSettingValue

    declaration = get_declaration(key)
    old = _locked_value_in_force(declaration)
    ProviderSettingValue.objects.filter(key=key).delete()
    ProviderSettingChange.objects.create(
        key=key,
        old_value=declaration.to_json(old),
        new_value=declaration.to_json(declaration.default),
        reset_to_default=True,
        changed_by=actor,
        reason=reason,
    )
    return declaration.default


def setting_changes(key: str | None = None, *, limit: int = 100) -> list:
    """The latest changes of provider settings (of one key if given), newest first."""
    from hostledger.core.models import ProviderSettingChange

    changes = ProviderSettingChange.objects.select_related("changed_by").order_by(
        "-changed_at", "-id"
    )
    if key is not None:
        changes = changes.filter(key=key)
    return list(changes[:limit])
