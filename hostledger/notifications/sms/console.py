"""An SMS backend for development and tests: messages go to the log and to a list."""

from __future__ import annotations

import itertools
import logging

from hostledger.notifications.sms.interface import SmsError, SmsMessage, SmsReceipt

logger = logging.getLogger("hostledger.sms")

sent_messages: list[SmsMessage] = []
"""Every message the console backend accepted in this process, oldest first."""

_numbers = itertools.count(1)


class ConsoleSmsBackend:
    """Writes each message to the log and appends it to :data:`sent_messages`."""

    name = "console"

    def send(self, message: SmsMessage) -> SmsReceipt:
        if not message.to.startswith("+") or not message.to[1:].isdigit():
            raise SmsError(f"{message.to!r} is not a phone number in E.164 form.", retryable=False)
        sent_messages.append(message)
        logger.info("SMS to %s: %s", message.to, message.text)
        return SmsReceipt(provider_message_id=f"console-{next(_numbers)}", status="sent")
