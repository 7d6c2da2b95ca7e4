"""A small client of the European Commission's VIES REST API (BIL-05).

One call, :func:`vies_check_number`, asks whether a VAT number is registered for
intra-community supplies. It answers a :class:`ViesAnswer` when VIES gave a definite answer
(valid or not valid) and raises :class:`ViesUnavailableError` when it could not, saying
whether trying again later can help (habit 4: errors say whether a retry can help; every
outbound call has a timeout).

The provider's own VAT number is sent as the requester, so VIES returns a consultation
number: the evidence, for a tax audit, that the number was confirmed on that day. The
trader's name and address that VIES returns are not kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import requests

ENDPOINT = "/check-vat-number"

# Error codes VIES returns ("userError" or "errorWrappers[].error"). Busy or down services
# may answer differently later; the others will answer the same again.
RETRYABLE_ERRORS = frozenset(
    {
        "SERVICE_UNAVAILABLE",
        "MS_UNAVAILABLE",
        "TIMEOUT",
        "GLOBAL_MAX_CONCURRENT_REQ",
        "GLOBAL_MAX_CONCURRENT_REQ_TIME",
        "MS_MAX_CONCURRENT_REQ",
        "MS_MAX_CONCURRENT_REQ_TIME",
    }
)
DEFINITE_ANSWERS = frozenset({"VALID", "INVALID"})

# Fields of the answer worth keeping as proof; the trader's name and address are left out.
SUMMARY_FIELDS = ("countryCode", "vatNumber", "requestDate", "valid", "requestIdentifier")


@dataclass(frozen=True, slots=True)
class ViesAnswer:
    """VIES's definite answer about one VAT number."""

    valid: bool
    country_prefix: str
    number: str
    request_date: date | None
    consultation_number: str
    summary: dict


class ViesUnavailableError(Exception):
    """VIES gave no definite answer. ``retryable`` says whether asking later can help."""

    def __init__(self, code: str, message: str, *, retryable: bool):
        super().__init__(message)
        self.code = code
        self.retryable = retryable


def split_vat_number(vat_number: str) -> tuple[str, str]:
    """``"DE123456789"`` → ``("DE", "123456789")``: the VIES prefix (EL for Greece) and digits."""
    compact = "".join(vat_number.split()).upper()
    return compact[:2], compact[2:]


def vies_check_number(
    *,
    vat_number: str,
    base_url: str,
    timeout_seconds: float,
    requester_vat_number: str = "",
    session: requests.Session | None = None,
) -> ViesAnswer:
    """Ask VIES whether ``vat_number`` (with its country prefix) is valid.

    Raises :class:`ViesUnavailableError` when VIES does not answer in ``timeout_seconds``,
    answers with an error or with something that is not a VIES answer.
    """
    prefix, number = split_vat_number(vat_number)
    body = {"countryCode": prefix, "vatNumber": number}
    if requester_vat_number:
        requester_prefix, requester_number = split_vat_number(requester_vat_number)
        body["requesterMemberStateCode"] = requester_prefix
        body["requesterNumber"] = requester_number
    http = session or requests
    try:
        response = http.post(
            base_url.rstrip("/") + ENDPOINT,
            json=body,
            timeout=timeout_seconds,
            headers={"Accept": "application/json"},
        )
    except requests.Timeout as error:
        raise ViesUnavailableError(
            "TIMEOUT", f"VIES did not answer: {error}", retryable=True
        ) from error
    except requests.RequestException as error:
        raise ViesUnavailableError(
            "CONNECTION_ERROR", f"VIES could not be reached: {error}", retryable=True
        ) from error
    return _read_answer(response, prefix=prefix, number=number)


def _read_answer(response: requests.Response, *, prefix: str, number: str) -> ViesAnswer:
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        retryable = response.status_code >= 500 or response.status_code == 429
        raise ViesUnavailableError(
            f"HTTP_{response.status_code}",
            f"VIES answered HTTP {response.status_code} without a JSON body.",
            retryable=retryable,
        )
    error_code = _error_code(payload)
    if error_code and error_code not in DEFINITE_ANSWERS:
        raise ViesUnavailableError(
            error_code,
            f"VIES could not check the number: {error_code}.",
            retryable=error_code in RETRYABLE_ERRORS,
        )
    if response.status_code >= 400:
        raise ViesUnavailableError(
            f"HTTP_{response.status_code}",
            f"VIES answered HTTP {response.status_code}.",
            retryable=response.status_code >= 500 or response.status_code == 429,
        )
    valid = payload.get("valid", payload.get("isValid"))
    if not isinstance(valid, bool):
        raise ViesUnavailableError(
            "MALFORMED_ANSWER",
            "VIES's answer does not say whether the number is valid.",
            retryable=False,
        )
    summary = {key: payload[key] for key in SUMMARY_FIELDS if key in payload}
    return ViesAnswer(
        valid=valid,
        country_prefix=prefix,
        number=number,
        request_date=_parse_date(payload.get("requestDate")),
        consultation_number=str(payload.get("requestIdentifier") or "")[:64],
        summary=summary,
    )


def _error_code(payload: dict) -> str:
    wrappers = payload.get("errorWrappers")
    if isinstance(wrappers, list) and wrappers and isinstance(wrappers[0], dict):
        return str(wrappers[0].get("error") or "UNKNOWN_ERROR")
    user_error = payload.get("userError")
    return str(user_error) if user_error else ""


def _parse_date(value) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
