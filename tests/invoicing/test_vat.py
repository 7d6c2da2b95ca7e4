"""VAT decisions for each kind of client and each Estonian rate period (BIL-05)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest

from hostledger.core.errors import DomainError
from hostledger.core.models import AuditEvent
from hostledger.core.registry import provider_setting_change, setting_value
from hostledger.invoicing.actions import vat_rate_schedule
from hostledger.invoicing.models import VatNumberCheck, VatRate, VatScheme
from hostledger.invoicing.vat import EU_MEMBER_STATES, vat_decision, vat_rate_on
from hostledger.invoicing.vies import ViesAnswer, ViesUnavailableError
from tests.invoicing.conftest import (
    BAD_CHECK_DIGIT_DE_VAT,
    VALID_DE_VAT,
    VALID_EE_VAT,
    VALID_EL_VAT,
)

pytestmark = pytest.mark.django_db

SUMMER_2025 = date(2025, 8, 1)


def _decide(country, *, business=False, number="", on=SUMMER_2025, vies=None):
    return vat_decision(
        buyer_country=country,
        buyer_is_business=business,
        buyer_vat_number=number,
        supply_date=on,
        vies_result=vies,
    )


def _vies_valid(valid: bool = True) -> ViesAnswer:
    return ViesAnswer(
        valid=valid,
        country_prefix="DE",
        number=VALID_DE_VAT[2:],
        request_date=SUMMER_2025,
        consultation_number="WAPIAAAAZ1234567",
        summary={"valid": valid, "requestIdentifier": "WAPIAAAAZ1234567"},
    )


@pytest.mark.parametrize(
    ("supply_date", "rate"),
    [
        (date(2023, 12, 31), "20.00"),
        (date(2024, 1, 1), "22.00"),
        (date(2025, 6, 30), "22.00"),
        (date(2025, 7, 1), "24.00"),
    ],
)
@pytest.mark.parametrize("business", [False, True])
def test_domestic_clients_pay_the_estonian_rate_of_the_supply_date__BIL_05(
    supply_date, rate, business
):
    decision = _decide("EE", business=business, on=supply_date)
    assert decision.scheme == VatScheme.DOMESTIC
    assert decision.rate == Decimal(rate)
    assert decision.country == "EE"
    assert f"{rate} %" in decision.reason
    assert decision.number_check is None


def test_domestic_business_with_a_vat_number_is_not_reverse_charged__BIL_05():
    decision = _decide("EE", business=True, number=VALID_EE_VAT, on=date(2025, 7, 1))
    assert (decision.scheme, decision.rate) == (VatScheme.DOMESTIC, Decimal("24.00"))
    assert decision.number_check.format_valid is True
    assert decision.number_check.vies_status == "not_checked"


def test_eu_business_with_a_valid_de_number_is_reverse_charged_when_vies_is_off__BIL_05(
    vies_disabled,
):
    decision = _decide("DE", business=True, number="de 136 695 976")
    assert decision.scheme == VatScheme.REVERSE_CHARGE
    assert decision.reverse_charge is True
    assert decision.rate == Decimal("0.00")
    assert decision.country == "DE"
    assert "Article 196" in decision.reason
    check = decision.number_check
    assert (check.vat_number, check.country, check.format_valid, check.vies_status) == (
        VALID_DE_VAT,
        "DE",
        True,
        "not_checked",
    )


def test_greek_business_uses_the_el_prefix__BIL_05():
    vies_answer = ViesAnswer(
        valid=True,
        country_prefix="EL",
        number=VALID_EL_VAT[2:],
        request_date=SUMMER_2025,
        consultation_number="WAPIAAAAZ7654321",
        summary={"valid": True},
    )
    decision = _decide("GR", business=True, number=VALID_EL_VAT, vies=vies_answer)
    assert (decision.scheme, decision.rate) == (VatScheme.REVERSE_CHARGE, Decimal("0.00"))


def test_invalid_vat_number_is_charged_at_the_consumer_rate_and_recorded__BIL_05():
    decision = _decide("DE", business=True, number=BAD_CHECK_DIGIT_DE_VAT)
    assert decision.scheme == VatScheme.EU_BUSINESS_UNVERIFIED
    assert decision.rate == Decimal("19.00")
    assert decision.country == "DE"
    assert "format or check digits are not valid" in decision.reason
    assert decision.number_check.format_valid is False
    assert decision.number_check.vat_number == BAD_CHECK_DIGIT_DE_VAT


def test_vat_number_of_another_country_does_not_count__BIL_05():
    decision = _decide("AT", business=True, number=VALID_DE_VAT)
    assert (decision.scheme, decision.rate) == (VatScheme.EU_BUSINESS_UNVERIFIED, Decimal("20.00"))
    assert decision.number_check.format_valid is False


def test_eu_business_without_a_vat_number_pays_its_country_rate__BIL_05():
    decision = _decide("FR", business=True)
    assert (decision.scheme, decision.rate) == (VatScheme.EU_BUSINESS_UNVERIFIED, Decimal("20.00"))
    assert "no VAT number was given" in decision.reason
    assert decision.number_check is None


def test_vies_valid_confirms_the_reverse_charge_when_required__BIL_05(vies_enabled):
    decision = _decide("DE", business=True, number=VALID_DE_VAT, vies=_vies_valid(True))
    assert (decision.scheme, decision.rate) == (VatScheme.REVERSE_CHARGE, Decimal("0.00"))
    assert decision.number_check.vies_status == "valid"
    assert decision.number_check.vies_consultation_number == "WAPIAAAAZ1234567"
    assert "confirmed valid by VIES" in decision.reason


def test_vies_invalid_means_consumer_rate_recorded__BIL_05(vies_enabled):
    decision = _decide("DE", business=True, number=VALID_DE_VAT, vies=_vies_valid(False))
    assert (decision.scheme, decision.rate) == (VatScheme.EU_BUSINESS_UNVERIFIED, Decimal("19.00"))
    assert decision.number_check.vies_status == "invalid"
    assert "VIES reports the VAT number as not valid" in decision.reason


def test_vies_unavailable_means_consumer_rate_recorded__BIL_05(vies_enabled):
    outage = ViesUnavailableError("MS_UNAVAILABLE", "member state down", retryable=True)
    decision = _decide("DE", business=True, number=VALID_DE_VAT, vies=outage)
    assert (decision.scheme, decision.rate) == (VatScheme.EU_BUSINESS_UNVERIFIED, Decimal("19.00"))
    check = decision.number_check
    assert (check.vies_status, check.vies_error_code, check.vies_retryable) == (
        "unavailable",
        "MS_UNAVAILABLE",
        True,
    )
    assert "VIES could not confirm the VAT number (MS_UNAVAILABLE)" in decision.reason


def test_vies_is_required_by_default__BIL_05():
    assert setting_value("invoicing.vies_check_enabled") is True


def test_vies_required_but_not_asked_is_not_confirmed__BIL_05(vies_enabled):
    decision = _decide("DE", business=True, number=VALID_DE_VAT)
    assert decision.scheme == VatScheme.EU_BUSINESS_UNVERIFIED
    assert decision.number_check.vies_status == "not_checked"


def test_vies_invalid_answer_refuses_reverse_charge_even_when_not_required__BIL_05():
    decision = _decide("DE", business=True, number=VALID_DE_VAT, vies=_vies_valid(False))
    assert decision.scheme == VatScheme.EU_BUSINESS_UNVERIFIED


@pytest.mark.parametrize(
    ("country", "supply_date", "rate"),
    [
        ("DE", SUMMER_2025, "19.00"),
        ("FR", SUMMER_2025, "20.00"),
        ("HU", SUMMER_2025, "27.00"),
        ("FI", date(2024, 8, 31), "24.00"),
        ("FI", date(2024, 9, 1), "25.50"),
        ("LU", date(2023, 6, 1), "16.00"),
        ("LU", date(2024, 1, 1), "17.00"),
        ("SK", date(2025, 1, 1), "23.00"),
        ("RO", date(2025, 7, 31), "19.00"),
        ("RO", date(2025, 8, 1), "21.00"),
    ],
)
def test_eu_consumers_pay_their_country_rate_on_the_supply_date__BIL_05(country, supply_date, rate):
    decision = _decide(country, on=supply_date)
    assert decision.scheme == VatScheme.EU_CONSUMER
    assert decision.rate == Decimal(rate)
    assert decision.country == country


@pytest.mark.parametrize("business", [False, True])
def test_clients_outside_the_eu_pay_no_vat__BIL_05(business):
    decision = _decide("US", business=business)
    assert (decision.scheme, decision.rate, decision.country) == (
        VatScheme.OUTSIDE_EU,
        Decimal("0.00"),
        "US",
    )


def test_provider_country_is_a_setting__BIL_05():
    provider_setting_change(key="invoicing.provider_country", raw_value="DE")
    assert _decide("DE").scheme == VatScheme.DOMESTIC
    assert _decide("EE").scheme == VatScheme.EU_CONSUMER
    assert _decide("EE").rate == Decimal("24.00")


def test_every_member_state_has_one_rate_in_force_and_no_overlaps__BIL_05():
    assert {rate.country for rate in VatRate.objects.all()} == EU_MEMBER_STATES
    for country in EU_MEMBER_STATES:
        vat_rate_on(country, SUMMER_2025)
        periods = list(VatRate.objects.filter(country=country).order_by("valid_from"))
        for earlier, later in itertools.pairwise(periods):
            assert earlier.valid_to == later.valid_from - timedelta(days=1), country
        assert periods[-1].valid_to is None


def test_missing_rate_and_bad_country_are_refused_naming_the_field__BIL_05():
    with pytest.raises(DomainError) as missing:
        _decide("EE", on=date(2019, 12, 31))
    assert "supply_date" in missing.value.fields
    with pytest.raises(DomainError) as bad:
        _decide("Estonia")
    assert "buyer_country" in bad.value.fields


def test_a_scheduled_rate_change_applies_from_its_first_day__BIL_05(staff):
    vat_rate_schedule(country="de", rate="21.00", valid_from=date(2027, 1, 1), actor=staff)
    assert vat_rate_on("DE", date(2026, 12, 31)) == Decimal("19.00")
    assert vat_rate_on("DE", date(2027, 1, 1)) == Decimal("21.00")
    assert _decide("DE", on=date(2027, 1, 1)).rate == Decimal("21.00")
    assert AuditEvent.objects.filter(action="vat_rate.scheduled").count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"country": "US", "rate": "10", "valid_from": date(2027, 1, 1)}, "country"),
        ({"country": "DE", "rate": "100", "valid_from": date(2027, 1, 1)}, "rate"),
        ({"country": "DE", "rate": "19.005", "valid_from": date(2027, 1, 1)}, "rate"),
        ({"country": "DE", "rate": 19.5, "valid_from": date(2027, 1, 1)}, "rate"),
        ({"country": "EE", "rate": "25", "valid_from": date(2025, 7, 1)}, "valid_from"),
    ],
)
def test_a_bad_rate_change_is_refused_and_nothing_changes__BIL_05(staff, kwargs, field):
    before = list(VatRate.objects.order_by("id").values_list())
    with pytest.raises(DomainError) as refused:
        vat_rate_schedule(actor=staff, **kwargs)
    assert field in refused.value.fields
    assert list(VatRate.objects.order_by("id").values_list()) == before
    assert VatNumberCheck.objects.count() == 0
    assert AuditEvent.objects.filter(action="vat_rate.scheduled").count() == 0
