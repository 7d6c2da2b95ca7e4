"""The one error format of API v1: ``{"code": str, "message": str, "fields": {field: problem}}``.

Every failure the API answers — a refused business rule (``DomainError``), input that does not
fit the documented schema, a missing or bad credential, a denied permission, an unknown object
or URL, a wrong method and an unexpected error — has this shape, so a program needs one error
parser. ``code`` is stable for programs, ``message`` is for people and ``fields`` names each
input field with what is wrong with it (empty when no single field is at fault).

Input that does not fit the schema answers 400 with code ``invalid_input``, the same status and
code the business rules use for bad input, so callers handle one status for "fix your input".
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from hostledger.core.errors import DomainError
from hostledger.core.middleware import current_request_id

logger = logging.getLogger("hostledger.api")

CONTENT_TYPE = "application/json; charset=utf-8"
WWW_AUTHENTICATE = 'Bearer realm="HostLedger API"'

NOT_AUTHENTICATED_MESSAGE = (
    "Send a valid API token as 'Authorization: Bearer hl_…' or sign in to the client area."
)

_CODE_OF_STATUS = {
    400: "invalid_input",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    429: "throttled",
}

_FRIENDLY_PROBLEMS = {
    "missing": "This field is required.",
    "extra_forbidden": "Unknown field.",
    "string_type": "Must be a string.",
    "int_type": "Must be a whole number.",
    "int_parsing": "Must be a whole number.",
    "bool_type": "Must be true or false.",
    "bool_parsing": "Must be true or false.",
    "list_type": "Must be a list.",
    "model_type": "Must be a JSON object.",
    "model_attributes_type": "Must be a JSON object.",
    "dict_type": "Must be a JSON object.",
}


class ErrorOut(Schema):
    """Every error answer of the API."""

    code: str = Field(
        description="Stable machine-readable error code.",
        examples=["invalid_input", "not_found", "permission_denied"],
    )
    message: str = Field(
        description="What went wrong, for people.",
        examples=["name: This field is required."],
    )
    fields: dict[str, str] = Field(
        description="Each input field that is at fault, with what is wrong with it.",
        examples=[{"name": "This field is required."}],
    )


def error_response(
    status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> HttpResponse:
    response = JsonResponse(
        {"code": code, "message": message, "fields": fields or {}},
        status=status,
        content_type=CONTENT_TYPE,
    )
    if status == 401:
        response["WWW-Authenticate"] = WWW_AUTHENTICATE
    return response


def responses(success: dict, *errors: int) -> dict:
    """The ``response=`` of an operation: its success bodies and each error status it may
    answer, all documented with :class:`ErrorOut` so schema checks see no undocumented status."""
    documented = dict(success)
    for status in errors:
        documented[status] = ErrorOut
    return documented


# ----------------------------------------------------------------------------- handlers


def _field_name(location: tuple, body_parameters: frozenset[str]) -> str:
    """The input field an error location points at: ``("body", "payload", "name")`` → name,
    ``("query", "limit")`` → limit; a whole missing body → body."""
    parts = [str(part) for part in location]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        source = parts.pop(0)
        if source == "body" and parts and parts[0] in body_parameters:
            parts.pop(0)
        if not parts:
            return source
    return ".".join(parts) or "body"


def validation_problems(errors: list[dict], body_parameters: frozenset[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for error in errors:
        name = _field_name(tuple(error.get("loc", ())), body_parameters)
        problem = _FRIENDLY_PROBLEMS.get(error.get("type", ""), error.get("msg", "Invalid."))
        if name == "body" and error.get("type") == "missing":
            problem = "Send a JSON object as the request body."
        if problem.startswith("Value error, "):
            problem = problem.removeprefix("Value error, ")
        fields.setdefault(name, problem)
    return fields


BODY_PARAMETER_NAMES = frozenset({"payload"})
"""Handlers name their JSON body parameter ``payload``; it is not part of a field's name."""


def handle_validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    fields = validation_problems(error.errors, BODY_PARAMETER_NAMES)
    summary = "; ".join(f"{field}: {problem}" for field, problem in fields.items())
    return error_response(400, "invalid_input", summary or "The request is not valid.", fields)


BUSINESS_REFUSAL_STATUS = 400
"""Every refusal by a business rule answers 400 with its own ``code`` (decision 0004 and
docs/decisions/0016-one-status-for-refusals.md): whether a value is wrong or the state
of an object does not allow the action (an invoice already paid, a key used for another
movement), the caller fixes its request; ``code`` says which rule refused. Only "who are you"
(401), "not yours to do" (403), "no such object" (404) keep their own statuses."""

_STATUSES_OF_THEIR_OWN = frozenset({401, 403, 404, 413, 429})


def handle_domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    status = error.status if error.status in _STATUSES_OF_THEIR_OWN else BUSINESS_REFUSAL_STATUS
    return error_response(status, error.code, error.message, error.fields)


def handle_http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    status = error.status_code
    if isinstance(error, AuthenticationError) or status == 401:
        return error_response(401, "not_authenticated", NOT_AUTHENTICATED_MESSAGE)
    if status == 400 and "parse request body" in error.message:
        return error_response(
            400,
            "invalid_input",
            "The request body is not valid JSON.",
            {"body": "Send a JSON object as the request body."},
        )
    return error_response(status, _CODE_OF_STATUS.get(status, "error"), error.message)


def handle_not_found(request: HttpRequest, error: Exception) -> HttpResponse:
    return error_response(404, "not_found", "Nothing exists at this address.")


def handle_django_permission_denied(request: HttpRequest, error: Exception) -> HttpResponse:
    return error_response(403, "permission_denied", "You are not allowed to do this.")


def handle_request_too_large(request: HttpRequest, error: Exception) -> HttpResponse:
    """A body Django refused to read whole (no or a wrong Content-Length): 413."""
    message = "The request body is larger than the server accepts."
    return error_response(413, "request_too_large", message, {"body": message})


def handle_unexpected_error(request: HttpRequest, error: Exception) -> HttpResponse:
    """Log the error with its traceback; the caller learns only the request id to quote."""
    logger.exception("Unexpected error answering %s %s", request.method, request.path)
    return error_response(
        500,
        "server_error",
        "Something went wrong on our side. It has been logged; quote request id "
        f"{current_request_id()} when you contact support.",
    )


def install_handlers(api) -> None:
    """Make every failure of ``api`` answer in the one error format."""
    api.add_exception_handler(ValidationError, handle_validation_error)
    api.add_exception_handler(DomainError, handle_domain_error)
    api.add_exception_handler(HttpError, handle_http_error)
    api.add_exception_handler(Http404, handle_not_found)
    api.add_exception_handler(DjangoPermissionDenied, handle_django_permission_denied)
    api.add_exception_handler(RequestDataTooBig, handle_request_too_large)
    api.add_exception_handler(Exception, handle_unexpected_error)
