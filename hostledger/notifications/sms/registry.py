"""The SMS backends by name; ``settings.SMS_BACKEND`` chooses the one in use."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from hostledger.notifications.sms.console import ConsoleSmsBackend
from hostledger.notifications.sms.interface import SmsBackend
from hostledger.notifications.sms.twilio import TwilioSmsBackend

BACKENDS: dict[str, Callable[[], SmsBackend]] = {
    "console": ConsoleSmsBackend,
    "twilio": TwilioSmsBackend,
}


def sms_backend(name: str | None = None) -> SmsBackend:
    """A backend instance: ``name``, or the one configured."""
    chosen = name or getattr(settings, "SMS_BACKEND", "console")
    try:
        return BACKENDS[chosen]()
    except KeyError:
        raise RuntimeError(
            f"Unknown SMS backend {chosen!r}; known: {', '.join(sorted(BACKENDS))}."
        ) from None
