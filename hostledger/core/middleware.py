"""A request id for every request, carried into logs and audit events."""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.module_loading import import_string

_current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "hostledger_request_id", default="-"
)
_current_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "hostledger_client_ip", default=None
)
_ACCEPTED_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    return _current_request_id.get()


def current_client_ip() -> str | None:
    return _current_client_ip.get()


def client_ip_of(request) -> str | None:
    """The address the request came from. Behind a proxy, set the proxy to pass REMOTE_ADDR."""
    return request.META.get("REMOTE_ADDR") or None


class RequestIdMiddleware:
    """Gives each request an id (or keeps a well-formed X-Request-ID) and echoes it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get("X-Request-ID", "")
        request_id = offered if _ACCEPTED_REQUEST_ID.match(offered) else uuid.uuid4().hex
        request.request_id = request_id
        id_token = _current_request_id.set(request_id)
        ip_token = _current_client_ip.set(client_ip_of(request))
        try:
            response = self.get_response(request)
        finally:
            _current_request_id.reset(id_token)
            _current_client_ip.reset(ip_token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class RequestBodyLimitMiddleware:
    """Answers 413 to a request whose declared body is larger than the server accepts, before
    any of it is read (a 10 MB JSON body used to end in a 500).

    The limit is ``settings.DATA_UPLOAD_MAX_MEMORY_SIZE`` plus room for form fields; uploads
    of bank statements (paths in ``settings.HOSTLEDGER_LARGE_UPLOAD_PATHS``) may be as large
    as the provider setting ``ledger.bank_statement_max_bytes`` plus the same room, read through
    ``settings.HOSTLEDGER_LARGE_UPLOAD_LIMIT`` (a callable path) so that the core does not
    depend on the ledger. API paths answer in the API's error format, pages with a short page.
    """

    FORM_ROOM = 64 * 1024

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = _declared_length(request)
        usual_limit = int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) + self.FORM_ROOM
        # Only a body over the usual limit costs a look at the statement upload's setting.
        if declared is not None and declared > usual_limit:
            limit = self.limit_for(request.path_info)
            if declared > limit:
                return body_too_large_response(request, limit)
        return self.get_response(request)

    def limit_for(self, path: str) -> int:
        if path.startswith(tuple(settings.HOSTLEDGER_LARGE_UPLOAD_PATHS)):
            return int(import_string(settings.HOSTLEDGER_LARGE_UPLOAD_LIMIT)()) + self.FORM_ROOM
        # Other uploads with a limit of their own (ticket attachments): path prefix → callable.
        for prefix, limit in getattr(settings, "HOSTLEDGER_UPLOAD_LIMITS", {}).items():
            if path.startswith(prefix):
                return int(import_string(limit)()) + self.FORM_ROOM
        return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) + self.FORM_ROOM


def _declared_length(request) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


def body_too_large_response(request, limit: int) -> HttpResponse:
    """413 in the API's error format under /api/, a plain page elsewhere."""
    message = f"The request body is larger than the {limit:,} bytes accepted here."
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"code": "request_too_large", "message": message, "fields": {"body": message}},
            status=413,
        )
    return HttpResponse(
        f"<!DOCTYPE html><title>Request too large</title><h1>Request too large</h1>"
        f'<p>{message}</p><p><a href="/">Back to the start page</a></p>',
        status=413,
        content_type="text/html; charset=utf-8",
    )
