"""Product families, their terms and free trials (CAT-01, CAT-03, CAT-04)."""

from __future__ import annotations

from datetime import date

import pytest

from hostledger.catalog import actions, conf
from hostledger.catalog.models import FamilyCode, ProductFamily
from hostledger.catalog.selectors import (
    check_trial_request,
    commencement_deadline,
    family_by_code,
    family_terms,
    trial_terms,
)
from hostledger.core.errors import DomainError, NotFound
from hostledger.core.models import AuditEvent
from hostledger.core.registry import get_declaration, provider_setting_change
from tests.catalog.conftest import catalog_state


def test_the_eight_families_of_the_contract_exist__CAT_01(db):
    codes = list(ProductFamily.objects.values_list("code", flat=True))
    assert codes == [
        "domain",
        "shared_hosting",
        "cms_hosting",
        "vps",
        "cloud",
        "dedicated",
        "colocation",
        "licence",
    ]
    assert set(codes) == set(FamilyCode.values)
    assert all(ProductFamily.objects.values_list("is_active", flat=True))
    assert family_by_code("licence").name == "Microsoft licence rental"


def test_family_code_is_fixed_and_a_hidden_family_is_not_found_by_clients__CAT_01(families):
    with pytest.raises(DomainError) as error:
        actions.family_update(family=families["vps"], data={"code": "servers"})
    assert error.value.fields == {"code": "The family code is fixed."}

    actions.family_update(family=families["colocation"], data={"is_active": False})
    with pytest.raises(NotFound):
        family_by_code("colocation")
    assert family_by_code("colocation", include_inactive=True).is_active is False


def test_minimum_period_and_commencement_defaults_come_from_settings__CAT_03(families):
    assert get_declaration(conf.MINIMUM_SERVICE_MONTHS).default == 1
    assert get_declaration(conf.COMMENCEMENT_WORKING_DAYS).default == 1
    assert get_declaration(conf.DOMAIN_COMMENCEMENT_WORKING_DAYS).default == 5

    terms = {code: family_terms(family) for code, family in families.items()}
    assert {code: t.minimum_service_months for code, t in terms.items()} == dict.fromkeys(
        FamilyCode.values, 1
    )
    assert terms["domain"].commencement_working_days == 5
    assert {t.commencement_working_days for c, t in terms.items() if c != "domain"} == {1}
    assert all(t.minimum_service_months_is_default for t in terms.values())


def test_changed_settings_drive_every_family_without_its_own_terms__CAT_03(families):
    provider_setting_change(key=conf.MINIMUM_SERVICE_MONTHS, raw_value="3")
    provider_setting_change(key=conf.COMMENCEMENT_WORKING_DAYS, raw_value="2")
    provider_setting_change(key=conf.DOMAIN_COMMENCEMENT_WORKING_DAYS, raw_value="7")

    assert family_terms(families["vps"]).minimum_service_months == 3
    assert family_terms(families["vps"]).commencement_working_days == 2
    assert family_terms(families["domain"]).commencement_working_days == 7


def test_a_family_may_set_its_own_terms_and_return_to_the_settings__CAT_03(families, staff):
    family = actions.family_update(
        family=families["dedicated"],
        data={"minimum_service_months": 12, "commencement_working_days": 3},
        actor=staff,
    )
    terms = family_terms(family)
    assert (terms.minimum_service_months, terms.commencement_working_days) == (12, 3)
    assert terms.minimum_service_months_is_default is False
    event = AuditEvent.objects.get(action="catalog.family.updated")
    assert event.data["fields"] == ["minimum_service_months", "commencement_working_days"]

    provider_setting_change(key=conf.MINIMUM_SERVICE_MONTHS, raw_value="6")
    assert family_terms(family).minimum_service_months == 12

    family = actions.family_update(family=family, data={"minimum_service_months": None})
    assert family_terms(family).minimum_service_months == 6


def test_bad_family_terms_are_refused_naming_the_field_and_nothing_changes__CAT_03(families):
    before = catalog_state()
    with pytest.raises(DomainError) as error:
        actions.family_update(
            family=families["vps"],
            data={"minimum_service_months": -1, "commencement_working_days": "soon"},
        )
    assert set(error.value.fields) == {"minimum_service_months", "commencement_working_days"}
    assert catalog_state() == before


def test_commencement_deadline_counts_working_days_after_payment__CAT_03(families):
    # Paid on Friday 2025-06-20; Monday 23 and Tuesday 24 June are Estonian holidays.
    friday = date(2025, 6, 20)
    assert commencement_deadline(families["vps"], paid_on=friday) == date(2025, 6, 25)
    # Five working days for a domain: 25, 26, 27, 30 June and 1 July.
    assert commencement_deadline(families["domain"], paid_on=friday) == date(2025, 7, 1)


def test_vps_trial_is_ten_days_once_per_client_on_any_tariff__CAT_04(families):
    assert get_declaration(conf.VPS_TRIAL_DAYS).default == 10
    vps = families["vps"]
    assert trial_terms("vps").max_days == 10
    assert trial_terms("vps").once_per_client is True
    assert check_trial_request(family=vps) == 10
    assert check_trial_request(family=vps, days=7) == 7
    with pytest.raises(DomainError) as error:
        check_trial_request(family=vps, earlier_trials=1)
    assert error.value.code == "trial_already_used"
    with pytest.raises(DomainError) as error:
        check_trial_request(family=vps, days=11)
    assert error.value.fields == {"days": "between 1 and 10"}


def test_licence_trial_is_at_most_thirty_days__CAT_04(families):
    assert get_declaration(conf.LICENCE_TRIAL_MAX_DAYS).default == 30
    licence = families["licence"]
    assert check_trial_request(family=licence) == 30
    assert check_trial_request(family=licence, days=14) == 14
    with pytest.raises(DomainError) as error:
        check_trial_request(family=licence, days=31)
    assert error.value.fields == {"days": "between 1 and 30"}


def test_other_families_offer_no_trial__CAT_04(families):
    for code in set(FamilyCode.values) - {"vps", "licence"}:
        assert trial_terms(code) is None
        with pytest.raises(DomainError) as error:
            check_trial_request(family=families[code])
        assert error.value.code == "trial_not_offered"


def test_trial_rules_follow_the_settings__CAT_04(families):
    provider_setting_change(key=conf.VPS_TRIAL_DAYS, raw_value="14")
    provider_setting_change(key=conf.VPS_TRIAL_ONCE_PER_CLIENT, raw_value="false")
    assert check_trial_request(family=families["vps"], earlier_trials=2) == 14

    provider_setting_change(key=conf.LICENCE_TRIAL_MAX_DAYS, raw_value="0")
    assert trial_terms("licence") is None
    with pytest.raises(DomainError):
        check_trial_request(family=families["licence"])
