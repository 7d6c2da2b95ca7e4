"""Paths as they may be logged: secrets in URLs are replaced by ``[redacted]``.

E-mail confirmation keys, password-reset keys and the tokens of unsubscribe and opt-in links
travel in the path; OAuth codes, gateway session ids and the like in the query. Whoever
reads a log must not be able to confirm an address, reset a password or withdraw a consent
with what it shows. :func:`redact_secrets` is applied by the web server's access log
(:class:`RedactingGunicornLogger`, used by ``hostledger run``) and by a logging filter on
every log record (:class:`SecretRedactingLogFilter`, e.g. Django's "Not Found: /…").
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"

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
    """gunicorn's logger with every value of an access-log line (the request line, path,
    query, referrer, raw environment values) stripped of URL secrets (``--logger-class``)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {name: redact_secrets(value) for name, value in atoms.items()}
