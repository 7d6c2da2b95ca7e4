"""Twilio's Messages API over HTTPS with ``requests`` and explicit timeouts.

Configured by HOSTLEDGER_TWILIO_ACCOUNT_SID, HOSTLEDGER_TWILIO_AUTH_TOKEN and
HOSTLEDGER_TWILIO_FROM (read in config/settings.py). Twilio answers 201 with the message's
``sid`` when it accepted it; 4xx answers other than 429 are final (a bad number or bad
credentials), 429, 5xx and network errors are worth a retry.
"""

from __future__ import annotations

import requests
from django.conf import settings

from hostledger.notifications.sms.interface import SmsError, SmsMessage, SmsReceipt

API_BASE = "https://api.twilio.com/2010-04-01"
CONNECT_TIMEOUT_SECONDS = 5
READ_TIMEOUT_SECONDS = 20


class TwilioSmsBackend:
    name = "twilio"

    def __init__(self, *, account_sid: str = "", auth_token: str = "", sender: str = ""):
        self.account_sid = account_sid or settings.TWILIO_ACCOUNT_SID
        self.auth_token = auth_token or settings.TWILIO_AUTH_TOKEN
        self.sender = sender or settings.TWILIO_FROM

    @property
    def url(self) -> str:
        return f"{API_BASE}/Accounts/{self.account_sid}/Messages.json"

    def send(self, message: SmsMessage) -> SmsReceipt:
        if not (self.account_sid and self.auth_token and self.sender):
            raise SmsError("Twilio is not configured.", retryable=False)
        try:
            response = requests.post(
                self.url,
                data={"To": message.to, "From": self.sender, "Body": message.text},
                auth=(self.account_sid, self.auth_token),
                timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS),
            )
        except requests.RequestException as error:
            raise SmsError(f"Twilio could not be reached: {error}", retryable=True) from error
        if response.status_code in (200, 201):
            try:
                payload = response.json()
                return SmsReceipt(
                    provider_message_id=str(payload["sid"]), status=str(payload.get("status", ""))
                )
            except (ValueError, KeyError, TypeError) as error:
                raise SmsError(
                    "Twilio accepted the message but its answer had no message id.",
                    retryable=False,
                ) from error
        detail = _error_detail(response)
        retryable = response.status_code == 429 or response.status_code >= 500
        raise SmsError(f"Twilio answered {response.status_code}: {detail}", retryable=retryable)


def _error_detail(response: requests.Response) -> str:
    try:
        payload = response.json()
        return f"{payload.get('code', '')} {payload.get('message', '')}".strip()
    except ValueError:
        return response.text[:200]
