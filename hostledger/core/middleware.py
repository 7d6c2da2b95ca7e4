"""A request id for every request, carried into logs and audit events."""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

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
