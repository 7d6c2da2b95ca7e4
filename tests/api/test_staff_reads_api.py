"""Staff read the provider settings, the VAT rate table and the job runs through the API
with the permissions of the matching staff pages (ACC-11, BIL-05)."""

from __future__ import annotations

import pytest

from hostledger.core.jobs import run_job_now
from hostledger.core.registry import provider_setting_change
from tests.api.conftest import api_by_token, error_of, make_staff_user


@pytest.fixture
def administrator(db):
    return make_staff_user("administrator")


def _all(api, path: str) -> list[dict]:
    items, offset = [], 0
    while True:
        page = api.get(f"{path}?limit=100&offset={offset}").json()
        items += page["items"]
        offset += 100
        if offset >= page["count"]:
            return items


def test_staff_read_the_provider_settings_in_force__ACC_11(administrator):
    provider_setting_change(key="core.staff_payment_confirm_above", raw_value="2500.00")
    settings = {row["key"]: row for row in _all(api_by_token(administrator), "/staff/settings")}
    vies = settings["invoicing.vies_check_enabled"]
    assert (vies["value"], vies["default"], vies["is_default"]) == (True, True, True)
    confirm = settings["core.staff_payment_confirm_above"]
    assert (confirm["value"], confirm["default"], confirm["is_default"]) == (
        "2500.00",
        "5000.00",
        False,
    )
    refused = api_by_token(make_staff_user("billing")).get("/staff/settings")
    assert (refused.status_code, error_of(refused)["code"]) == (403, "permission_denied")


def test_staff_read_the_vat_rate_table__BIL_05(administrator):
    rates = _all(api_by_token(make_staff_user("billing")), "/staff/vat-rates")
    estonia = [(row["rate"], row["valid_from"]) for row in rates if row["country"] == "EE"]
    assert ("22.00", "2024-01-01") in estonia and ("24.00", "2025-07-01") in estonia


def test_staff_read_the_job_runs__ACC_11(administrator):
    run = run_job_now("privacy.purge_expired_sessions", actor=administrator)
    listed = api_by_token(administrator).get("/staff/job-runs").json()
    assert listed["items"][0]["id"] == run.pk
    assert listed["items"][0]["job_name"] == "privacy.purge_expired_sessions"
    refused = api_by_token(make_staff_user("support")).get("/staff/job-runs")
    assert refused.status_code == 403
