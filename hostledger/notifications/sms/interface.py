"""The interface every SMS backend implements, and what it answers (habit 4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class SmsMessage:
    """One text message: the number in E.164 form (``+3725551234``) and the text."""

    to: str
    text: str
    reference: str = ""
    """Our own id of the message (the delivery's public id), for the provider's logs."""


@dataclass(frozen=True)
class SmsReceipt:
    """What the provider said when it accepted a message."""

    provider_message_id: str
    status: str = ""


class SmsError(Exception):
    """The provider did not accept the message. ``retryable`` says whether sending the same
    message later can help (a timeout, a 5xx, a rate limit) or not (a bad number, bad
    credentials)."""

    def __init__(self, message: str, *, retryable: bool):
        super().__init__(message)
        self.retryable = retryable


class SmsBackend(Protocol):
    """Sends one message; raises :class:`SmsError` when it was not accepted."""

    name: str

    def send(self, message: SmsMessage) -> SmsReceipt: ...
