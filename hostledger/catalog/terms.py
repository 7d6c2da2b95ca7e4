"""The terms of a product family: minimum service period, commencement term, free trial.

CAT-03: each family has a minimum service period and a commencement term; a family's own
values win, otherwise the provider settings apply. CAT-04: virtual servers may be tried free
for ``catalog.vps_trial_days`` days, once per client, on any tariff; a rented licence for at
most ``catalog.licence_trial_max_days`` days. Other families have no trial.

The functions take an optional ``values`` mapping (``hostledger.core.registry.current_values()``)
so that a page listing every family reads the settings in one query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

from hostledger.core.calendar import add_working_days
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value

from . import conf
from .models import FamilyCode, ProductFamily


@dataclass(frozen=True, slots=True)
class FamilyTerms:
    """The minimum service period and commencement term in force for one family (CAT-03)."""

    minimum_service_months: int
    commencement_working_days: int
    minimum_service_months_is_default: bool
    commencement_working_days_is_default: bool


@dataclass(frozen=True, slots=True)
class TrialTerms:
    """The free trial a family offers (CAT-04): at most ``max_days`` days, on any tariff."""

    max_days: int
    once_per_client: bool


_TRIAL_SETTINGS = {
    FamilyCode.VPS: (conf.VPS_TRIAL_DAYS, conf.VPS_TRIAL_ONCE_PER_CLIENT),
    FamilyCode.LICENCE: (conf.LICENCE_TRIAL_MAX_DAYS, conf.LICENCE_TRIAL_ONCE_PER_CLIENT),
}
"""The families whose contract annex offers a free trial, with the settings that shape it."""


def _value(key: str, values: dict[str, Any] | None) -> Any:
    return values[key] if values is not None else setting_value(key)


def default_commencement_key(family_code: str) -> str:
    """The provider setting holding the commencement term of a family without its own."""
    if family_code == FamilyCode.DOMAIN:
        return conf.DOMAIN_COMMENCEMENT_WORKING_DAYS
    return conf.COMMENCEMENT_WORKING_DAYS


def family_terms(family: ProductFamily, *, values: dict[str, Any] | None = None) -> FamilyTerms:
    """The minimum service period and the commencement term of ``family`` (CAT-03)."""
    months = family.minimum_service_months
    days = family.commencement_working_days
    return FamilyTerms(
        minimum_service_months=(
            months if months is not None else _value(conf.MINIMUM_SERVICE_MONTHS, values)
        ),
        commencement_working_days=(
            days if days is not None else _value(default_commencement_key(family.code), values)
        ),
        minimum_service_months_is_default=months is None,
        commencement_working_days_is_default=days is None,
    )


def commencement_deadline(family: ProductFamily, *, paid_on: date | datetime) -> date:
    """The last day on which a service of ``family`` paid on ``paid_on`` must start (CAT-03).

    Counted in working days of the provider's calendar; the day of payment does not count.
    """
    return add_working_days(paid_on, family_terms(family).commencement_working_days)


def trial_terms(family_code: str, *, values: dict[str, Any] | None = None) -> TrialTerms | None:
    """The free trial of a family (CAT-04), or None when it offers none or it is switched off."""
    keys = _TRIAL_SETTINGS.get(family_code)
    if keys is None:
        return None
    days_key, once_key = keys
    max_days = _value(days_key, values)
    if max_days <= 0:
        return None
    return TrialTerms(max_days=max_days, once_per_client=bool(_value(once_key, values)))


def check_trial_request(
    *, family: ProductFamily, days: int | None = None, earlier_trials: int = 0
) -> int:
    """The length in days of a free trial the client may start, or a DomainError (CAT-04).

    ``days`` is the length asked for (None: the longest allowed); ``earlier_trials`` is how
    many trials of this family the client already had, counted by the caller from its
    services. Refused when the family has no trial, the length is out of range, or the
    trial is once per client and one was already used.
    """
    terms = trial_terms(family.code)
    if terms is None:
        raise DomainError(
            "trial_not_offered",
            _("%(name)s has no free trial.") % {"name": family.name},
            fields={"trial": "not offered for this product family"},
        )
    if terms.once_per_client and earlier_trials > 0:
        raise DomainError(
            "trial_already_used",
            _("The free trial of %(name)s can be used once per client.") % {"name": family.name},
            fields={"trial": "already used by this client"},
        )
    if days is None:
        return terms.max_days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= terms.max_days:
        raise DomainError(
            "invalid_trial_days",
            _("days: a free trial of %(name)s lasts 1 to %(max_days)s days.")
            % {"name": family.name, "max_days": terms.max_days},
            fields={"days": f"between 1 and {terms.max_days}"},
        )
    return days
