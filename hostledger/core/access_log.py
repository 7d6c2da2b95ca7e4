"""Paths as they may be logged: secrets in URLs are replaced by ``[redacted]``; in the web
server's access log, query values and the client's address are not kept either.

E-mail confirmation keys, password-reset keys and the tokens of unsubscribe and opt-in links
travel in the path; OAuth codes, gateway session ids and the like in the query. Whoever
reads a log must not be able to confirm an address, reset a password or withdraw a consent
with what it shows. :func:`redact_secrets` is applied by the web server's access log
(:class:`RedactingGunicornLogger`, used by ``hostledger run``) and by a logging filter on
every log record (:class:`SecretRedactingLogFilter`, e.g. Django's "Not Found: /…").

The access log keeps no personal data (GDPR-08, GDPR-11): of a query string it keeps only the
parameters named in :data:`SAFE_QUERY_PARAMETERS` whose values are short plain tokens (a
status, a page number, a date), every other value is replaced by ``[removed]``, so that what
a person types into a form sent by GET (a name, an e-mail address) never reaches the log; the
client's IP address is replaced by a keyed hash (:func:`pseudonymous_address`), which still
tells one visitor's requests apart for finding abuse. The access log is written to files by
day under ``LOG_DIR`` and kept for ``privacy.access_log_retention_days``.
"""

from __future__ import annotations

import logging
import os
import re
from urllib.parse import parse_qsl, quote

from django.conf import settings

from hostledger.core.crypto import blind_index
from hostledger.core.log_files import DatedFileHandler

REDACTED = "[redacted]"
REMOVED = "[removed]"

# Query parameters of HostLedger's pages and API operations whose values are never personal:
# pagination, filters by state, kind or period. A value is kept only when it is also a short
# plain token (:data:`_SAFE_QUERY_VALUE`). Free-text parameters (a search, a "client" filter
# that takes an e-mail address) are left out on purpose.
SAFE_QUERY_PARAMETERS = frozenset(
    {
        "add_on",
        "amount",
        "channel",
        "due",
        "event",
        "family",
        "forward",
        "from",
        "kind",
        "limit",
        "month",
        "offset",
        "page",
        "payment",
        "role",
        "show",
        "source",
        "state",
        "status",
        "tariff",
        "to",
    }
)
_SAFE_QUERY_VALUE = re.compile(r"^[A-Za-z0-9_.:-]{0,64}$")
_SAFE_QUERY_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
_QUERY_ATOMS = ("q", "{query_string}e")
_QUERY_IN_TEXT = re.compile(r"\?([^\s\"#]*)")
_ADDRESS_ATOMS = ("remote_addr", "forwarded", "real-ip", "real_ip", "client-ip", "client_ip")

_SECRET_PATHS = re.compile(
    r"(/accounts/confirm-email/|/accounts/password/reset/key/(?!done/)"
    r"|/notifications/opt-in/|/notifications/unsubscribe/)"
    r"[^/?#\s\"]+"
)
_SECRET_QUERY = re.compile(
    r"([?&](?:token|key|code|secret|signature|session_id|state|password|otp)=)[^&#\s\"]*",
    re.IGNORECASE,
)


def redact_secrets(text: str) -> str:
    """``text`` (a path, a request line, a log message) with URL secrets replaced."""
    if not isinstance(text, str) or not text:
        return text
    text = _SECRET_PATHS.sub(lambda match: match.group(1) + REDACTED, text)
    return _SECRET_QUERY.sub(lambda match: match.group(1) + REDACTED, text)


def _clean_query(query: str) -> str:
    kept = []
    for name, value in parse_qsl(query, keep_blank_values=True):
        shown_name = name if _SAFE_QUERY_NAME.match(name) else "param"
        if name in SAFE_QUERY_PARAMETERS and _SAFE_QUERY_VALUE.match(value):
            kept.append(f"{shown_name}={quote(value)}")
        else:
            kept.append(f"{shown_name}={REMOVED}")
    return "&".join(kept)


def drop_query_values(text: str, *, is_query: bool = False) -> str:
    """``text`` (a request line, a URL, or a bare query string when ``is_query``) with every
    query value outside the safe list replaced by ``[removed]``."""
    if not isinstance(text, str) or not text:
        return text
    if is_query:
        return _clean_query(text)
    if "?" not in text:
        return text
    return _QUERY_IN_TEXT.sub(lambda match: "?" + _clean_query(match.group(1)), text)


def pseudonymous_address(address: str) -> str:
    """A keyed hash standing for an IP address in the access log: the same address gives the
    same value (requests of one visitor can be told apart), and without the blind-index key
    the address cannot be found from it. ``-`` stays ``-``."""
    address = (address or "").strip()
    if not address or address == "-":
        return "-"
    return "ip-" + blind_index(address, purpose="access-log-address")[:16]


class SecretRedactingLogFilter(logging.Filter):
    """Removes URL secrets from a log record's message before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_secrets(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


try:  # gunicorn is the web server of ``hostledger run``; the web app itself runs without it
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover - gunicorn is a dependency of the project
    _GunicornLogger = object  # type: ignore[assignment,misc]


class RedactingGunicornLogger(_GunicornLogger):  # type: ignore[misc,valid-type]
    """gunicorn's logger (``--logger-class``) whose access-log lines keep no URL secrets, no
    query values outside the safe list and no IP address (pseudonymised), written to a file
    per day under ``LOG_DIR`` (``access-YYYY-MM-DD.log``) instead of the standard output.
    With ``HOSTLEDGER_ACCESS_LOG_TO_CONSOLE=1`` the lines also go to the standard output."""

    def setup(self, cfg):
        super().setup(cfg)
        log_dir = getattr(settings, "LOG_DIR", None)
        if cfg.accesslog is None or log_dir is None:
            return
        if os.environ.get("HOSTLEDGER_ACCESS_LOG_TO_CONSOLE", "") not in {"1", "true", "yes"}:
            for handler in list(self.access_log.handlers):
                if getattr(handler, "_gunicorn", False):
                    self.access_log.removeHandler(handler)
        handler = DatedFileHandler(log_dir, "access")
        handler.setFormatter(logging.Formatter(self.access_fmt))
        handler._gunicorn = True
        self.access_log.addHandler(handler)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        cleaned = {}
        for name, value in atoms.items():
            if name == "h" or any(part in name for part in _ADDRESS_ATOMS):
                cleaned[name] = pseudonymous_address(value) if isinstance(value, str) else "-"
            elif isinstance(value, str):
                cleaned[name] = drop_query_values(
                    redact_secrets(value), is_query=name in _QUERY_ATOMS
                )
            else:
                cleaned[name] = value
        return cleaned
