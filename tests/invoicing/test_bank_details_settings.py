"""The provider's bank details are provider settings, checked when staff set them (BIL-10).

They are printed on proformas, the top-up page and reminders and put in EPC QR codes, so a
wrong check digit must be refused before any client sees it.
"""

from __future__ import annotations

import pytest

from hostledger.core.errors import DomainError
from hostledger.core.models import ProviderSettingChange, ProviderSettingValue
from hostledger.core.registry import all_settings, provider_setting_change, setting_value
from hostledger.invoicing.conf import PROVIDER_BIC, PROVIDER_IBAN


def test_every_declared_default_passes_its_own_check__BIL_10():
    for declaration in all_settings():
        if declaration.validator is not None:
            assert declaration.validator(declaration.default) == declaration.default


def test_iban_is_stored_without_spaces_in_capitals__BIL_10(db):
    provider_setting_change(key=PROVIDER_IBAN, raw_value=" de89 3704 0044 0532 0130 00 ")
    assert setting_value(PROVIDER_IBAN) == "DE89370400440532013000"


def test_bic_is_stored_in_capitals_and_may_be_empty__BIL_10(db):
    provider_setting_change(key=PROVIDER_BIC, raw_value="habaee2x")
    assert setting_value(PROVIDER_BIC) == "HABAEE2X"
    provider_setting_change(key=PROVIDER_BIC, raw_value="")
    assert setting_value(PROVIDER_BIC) == ""


@pytest.mark.parametrize(
    ("key", "raw"),
    [
        (PROVIDER_IBAN, "EE382200221020145686"),  # one digit off: the checksum fails
        (PROVIDER_IBAN, "EE38 2200 2210 2014 568"),  # too short for Estonia
        (PROVIDER_IBAN, "XX382200221020145685"),
        (PROVIDER_IBAN, ""),
        (PROVIDER_BIC, "1ABAEE2X"),  # the bank code is letters
        (PROVIDER_BIC, "HABAEE2"),
        (PROVIDER_BIC, "HABAXX2X"),  # no such country
    ],
)
def test_a_bad_iban_or_bic_is_refused_naming_the_setting_and_changes_nothing__BIL_10(db, key, raw):
    before = setting_value(key)
    with pytest.raises(DomainError) as error:
        provider_setting_change(key=key, raw_value=raw)
    assert list(error.value.fields) == [key]
    assert "not a valid" in error.value.fields[key]
    assert setting_value(key) == before
    assert not ProviderSettingValue.objects.exists()
    assert not ProviderSettingChange.objects.exists()
