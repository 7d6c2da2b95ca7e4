"""The VIES client and VIES look-ups recorded with invoices (BIL-05); HTTP mocked offline."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
import requests
import responses

from hostledger.core.errors import DomainError
from hostledger.core.models import AuditEvent
from hostledger.invoicing.actions import proforma_create
from hostledger.invoicing.models import Invoice, VatNumberCheck, VatScheme
from hostledger.invoicing.vies import ViesUnavailableError, vies_check_number
from tests.invoicing.conftest import BAD_CHECK_DIGIT_DE_VAT, VALID_DE_VAT, line, make_payer

BASE = "https://vies.test/rest-api"
URL = BASE + "/check-vat-number"
DEFAULT_URL = "https://ec.europa.eu/taxation_customs/vies/rest-api/check-vat-number"

VALID_ANSWER = {
    "countryCode": "DE",
    "vatNumber": "136695976",
    "requestDate": "2025-08-01T10:15:00.000Z",
    "valid": True,
    "requestIdentifier": "WAPIAAAAZ1234567",
    "name": "Firma GmbH",
    "address": "Hauptstraße 1, 10115 Berlin",
    "traderName": "Firma GmbH",
}


def _check(**kwargs):
    return vies_check_number(vat_number=VALID_DE_VAT, base_url=BASE, timeout_seconds=7, **kwargs)


@responses.activate
def test_valid_answer_keeps_proof_but_no_name_or_address__BIL_05():
    responses.post(URL, json=VALID_ANSWER)
    answer = _check(requester_vat_number="EE102329731")
    assert answer.valid is True
    assert answer.consultation_number == "WAPIAAAAZ1234567"
    assert answer.request_date == date(2025, 8, 1)
    assert "name" not in answer.summary and "address" not in answer.summary
    assert "Firma" not in json.dumps(answer.summary)
    (call,) = responses.calls
    assert json.loads(call.request.body) == {
        "countryCode": "DE",
        "vatNumber": "136695976",
        "requesterMemberStateCode": "EE",
        "requesterNumber": "102329731",
    }
    assert call.request.req_kwargs["timeout"] == 7


@responses.activate
def test_invalid_answer_is_a_definite_no__BIL_05():
    responses.post(URL, json={**VALID_ANSWER, "valid": False, "name": "---", "address": "---"})
    assert _check().valid is False


@pytest.mark.parametrize(
    ("kwargs", "code", "retryable"),
    [
        (
            {"json": {"actionSucceed": False, "errorWrappers": [{"error": "MS_UNAVAILABLE"}]}},
            "MS_UNAVAILABLE",
            True,
        ),
        (
            {
                "json": {
                    "actionSucceed": False,
                    "errorWrappers": [{"error": "MS_MAX_CONCURRENT_REQ"}],
                },
                "status": 500,
            },
            "MS_MAX_CONCURRENT_REQ",
            True,
        ),
        (
            {"json": {"isValid": False, "userError": "INVALID_INPUT"}, "status": 400},
            "INVALID_INPUT",
            False,
        ),
        ({"json": {"errorWrappers": [{"error": "VAT_BLOCKED"}]}}, "VAT_BLOCKED", False),
        ({"body": "<html>Bad gateway</html>", "status": 502}, "HTTP_502", True),
        ({"body": "<html>Not found</html>", "status": 404}, "HTTP_404", False),
        ({"json": {"nothing": "useful"}}, "MALFORMED_ANSWER", False),
        ({"body": requests.ConnectTimeout("timed out")}, "TIMEOUT", True),
        ({"body": requests.ConnectionError("refused")}, "CONNECTION_ERROR", True),
    ],
)
@responses.activate
def test_errors_say_whether_a_retry_can_help__BIL_05(kwargs, code, retryable):
    responses.post(URL, **kwargs)
    with pytest.raises(ViesUnavailableError) as failed:
        _check()
    assert failed.value.code == code
    assert failed.value.retryable is retryable


@responses.activate
def test_proforma_for_a_vies_confirmed_business_is_reverse_charged__BIL_05(
    vies_enabled, german_company, german_company_payer
):
    responses.post(DEFAULT_URL, json=VALID_ANSWER)
    invoice = proforma_create(
        client=german_company,
        payer=german_company_payer,
        lines=[line(price="100.00")],
        issued_on=date(2025, 8, 1),
    )
    assert invoice.vat_scheme == VatScheme.REVERSE_CHARGE
    assert (invoice.net_minor, invoice.vat_minor, invoice.gross_minor) == (10000, 0, 10000)
    check = invoice.vat_number_check
    assert (check.vat_number, check.format_valid, check.vies_status) == (
        VALID_DE_VAT,
        True,
        "valid",
    )
    assert check.vies_consultation_number == "WAPIAAAAZ1234567"
    assert check.payer == german_company_payer
    assert check.vies_summary["valid"] is True
    assert "Firma" not in json.dumps(check.vies_summary)
    assert len(responses.calls) == 1


@pytest.mark.parametrize(
    ("kwargs", "status", "error_code"),
    [
        ({"json": {**VALID_ANSWER, "valid": False}}, "invalid", ""),
        (
            {"json": {"errorWrappers": [{"error": "SERVICE_UNAVAILABLE"}]}, "status": 500},
            "unavailable",
            "SERVICE_UNAVAILABLE",
        ),
        ({"body": requests.ReadTimeout("slow")}, "unavailable", "TIMEOUT"),
    ],
)
@responses.activate
def test_vies_refusal_or_outage_charges_german_vat_and_records_why__BIL_05(
    vies_enabled, german_company, german_company_payer, kwargs, status, error_code
):
    responses.post(DEFAULT_URL, **kwargs)
    invoice = proforma_create(
        client=german_company,
        payer=german_company_payer,
        lines=[line(price="100.00")],
        issued_on=date(2025, 8, 1),
    )
    assert invoice.vat_scheme == VatScheme.EU_BUSINESS_UNVERIFIED
    assert (invoice.vat_rate, invoice.vat_country) == (Decimal("19.00"), "DE")
    assert (invoice.net_minor, invoice.vat_minor, invoice.gross_minor) == (10000, 1900, 11900)
    assert (invoice.vat_number_check.vies_status, invoice.vat_number_check.vies_error_code) == (
        status,
        error_code,
    )


@responses.activate
def test_vies_is_not_asked_when_off_or_not_needed__BIL_05(
    vies_disabled, german_company, german_company_payer, estonian_client, estonian_payer
):
    invoice = proforma_create(
        client=german_company,
        payer=german_company_payer,
        lines=[line()],
        issued_on=date(2025, 8, 1),
    )
    assert invoice.vat_scheme == VatScheme.REVERSE_CHARGE
    assert invoice.vat_number_check.vies_status == "not_checked"
    assert len(responses.calls) == 0


@responses.activate
def test_vies_is_not_asked_for_a_malformed_number__BIL_05(vies_enabled, german_company):
    payer = make_payer(
        german_company, kind="legal", country="DE", vat_number=BAD_CHECK_DIGIT_DE_VAT
    )
    audit_before = AuditEvent.objects.count()
    invoice = proforma_create(
        client=german_company, payer=payer, lines=[line()], issued_on=date(2025, 8, 1)
    )
    assert len(responses.calls) == 0
    assert invoice.vat_scheme == VatScheme.EU_BUSINESS_UNVERIFIED
    assert invoice.vat_number_check.format_valid is False
    assert invoice.vat_number_check.vies_status == "not_checked"
    assert VatNumberCheck.objects.count() == 1
    assert Invoice.objects.count() == 1
    assert AuditEvent.objects.count() == audit_before + 1


@responses.activate
def test_bad_lines_are_refused_before_vies_is_asked__BIL_05(
    vies_enabled, german_company, german_company_payer
):
    with pytest.raises(DomainError) as refused:
        proforma_create(
            client=german_company,
            payer=german_company_payer,
            lines=[line(quantity="-1")],
            issued_on=date(2025, 8, 1),
        )
    assert "lines[0].quantity" in refused.value.fields
    assert len(responses.calls) == 0
    assert (Invoice.objects.count(), VatNumberCheck.objects.count()) == (0, 0)


@responses.activate
def test_vies_is_asked_by_default_and_an_unreachable_vies_means_no_reverse_charge__BIL_05(
    german_company, german_company_payer
):
    """With the settings as shipped, VIES is asked; while it cannot be reached the business
    pays German VAT with the reason recorded, and the next document, once VIES answers,
    is reverse-charged."""
    responses.post(DEFAULT_URL, body=requests.ConnectionError("no route to host"))
    unreachable = proforma_create(
        client=german_company,
        payer=german_company_payer,
        lines=[line(price="100.00")],
        issued_on=date(2025, 8, 1),
    )
    assert unreachable.vat_scheme == VatScheme.EU_BUSINESS_UNVERIFIED
    assert (unreachable.net_minor, unreachable.vat_minor, unreachable.gross_minor) == (
        10000,
        1900,
        11900,
    )
    check = unreachable.vat_number_check
    assert (check.vies_status, check.vies_error_code) == ("unavailable", "CONNECTION_ERROR")
    assert "VIES could not confirm the VAT number (CONNECTION_ERROR)" in unreachable.vat_reason

    responses.replace(responses.POST, DEFAULT_URL, json=VALID_ANSWER)
    confirmed = proforma_create(
        client=german_company,
        payer=german_company_payer,
        lines=[line(price="100.00")],
        issued_on=date(2025, 8, 2),
    )
    assert confirmed.vat_scheme == VatScheme.REVERSE_CHARGE
    assert (confirmed.net_minor, confirmed.vat_minor, confirmed.gross_minor) == (10000, 0, 10000)
    assert confirmed.vat_number_check.vies_status == "valid"
    assert len(responses.calls) == 2
