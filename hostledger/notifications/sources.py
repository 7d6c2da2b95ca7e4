"""What other apps add to the messages of their own events (NTF-02): extra template values
read when a message is rendered, and extra mail headers when it is sent.

An app whose event's text must not sit in clear in ``Notification.context`` (a support
answer, say, whose text is encrypted in the app's own table) registers a function that reads
it at rendering time; the rendered text is then kept encrypted in the delivery. Each
registry is a dict keyed by event code; the functions receive the notification and return
plain strings only.
"""

from __future__ import annotations

from collections.abc import Callable

from hostledger.notifications.models import Notification

ContextSource = Callable[[Notification], dict[str, str]]
HeaderSource = Callable[[Notification], dict[str, str]]

CONTEXT_SOURCES: dict[str, ContextSource] = {}
MAIL_HEADER_SOURCES: dict[str, HeaderSource] = {}

ALLOWED_HEADERS = frozenset({"Message-ID", "In-Reply-To", "References", "Reply-To"})
"""The mail headers an app may set; others (From, To, Subject) stay the outbox's."""


def register_context_source(event: str, source: ContextSource) -> None:
    CONTEXT_SOURCES[event] = source


def register_mail_headers(event: str, source: HeaderSource) -> None:
    MAIL_HEADER_SOURCES[event] = source


def extra_context_of(notification: Notification) -> dict[str, str]:
    """The values the event's app adds for ``notification`` (strings only)."""
    source = CONTEXT_SOURCES.get(notification.event)
    if source is None:
        return {}
    return {
        key: value
        for key, value in source(notification).items()
        if isinstance(key, str) and isinstance(value, str)
    }


def extra_headers_of(notification: Notification) -> dict[str, str]:
    """The mail headers the event's app sets for ``notification``, limited to
    :data:`ALLOWED_HEADERS` and to values without line breaks."""
    source = MAIL_HEADER_SOURCES.get(notification.event)
    if source is None:
        return {}
    return {
        name: value
        for name, value in source(notification).items()
        if name in ALLOWED_HEADERS and isinstance(value, str) and not set(value) & {"\r", "\n"}
    }
