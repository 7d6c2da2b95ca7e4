"""A client asks to confirm its phone number: the code (accounts) goes out by SMS
(notifications' SMS backend) once it is stored (CAT-04).

The web page and the API both call :func:`phone_confirmation_send`. The SMS is sent after the
code is committed, never inside the transaction; when the provider refuses it, the code is
discarded so that the client may ask again at once.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from hostledger.accounts import actions as accounts
from hostledger.accounts.models import Client, User
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.notifications.sms.interface import SmsError, SmsMessage
from hostledger.notifications.sms.registry import sms_backend


def phone_confirmation_send(*, client: Client, actor: User) -> None:
    """Send a new confirmation code to the client's phone number (CAT-04)."""
    confirmation, code = accounts.phone_confirmation_create(client=client, actor=actor)
    minutes = setting_value("accounts.phone_code_minutes")
    text = (
        f"{settings.SITE_NAME}: your phone confirmation code is {code}. "
        f"It is valid for {minutes} minutes."
    )
    try:
        sms_backend().send(SmsMessage(to=client.phone, text=text))
    except SmsError as refused:
        accounts.phone_confirmation_discard(confirmation=confirmation)
        raise DomainError(
            "sms_not_sent",
            _("phone: the SMS could not be sent; try again in a few minutes.")
            if refused.retryable
            else _("phone: the SMS could not be sent; check the number."),
            fields={"phone": "The SMS could not be sent to this number."},
        ) from refused
