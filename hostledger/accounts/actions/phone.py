"""Confirmation of the client's phone number by a code sent in an SMS (CAT-04).

A free trial is given once per client; a confirmed phone number makes it harder for one person
to take trial after trial. The code is kept only as a keyed hash; it expires after
``accounts.phone_code_minutes``, allows ``accounts.phone_code_attempts`` wrong tries, and is
void when the phone number changes. Sending the SMS is the caller's part
(:mod:`hostledger.flows.phone_confirmation`), after the code is stored.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from hostledger.accounts.models import Client, PhoneConfirmation, User
from hostledger.core.audit import record_audit_event
from hostledger.core.crypto import blind_index
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value

CODE_DIGITS = 6


def _code_hash(confirmation_key: str, code: str) -> str:
    return blind_index(f"{confirmation_key}:{code}", purpose="phone-confirmation-code")


@transaction.atomic
def phone_confirmation_create(*, client: Client, actor: User) -> tuple[PhoneConfirmation, str]:
    """Store a new code for the client's current phone number and return it with its code,
    to be sent by SMS. Refused without a phone number, sooner than
    ``accounts.phone_code_resend_seconds`` after the last code and beyond
    ``accounts.phone_codes_per_day`` codes in 24 hours (CAT-04)."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    if not (client.phone or "").strip():
        raise DomainError(
            "phone_missing",
            gettext("phone: add your phone number to your account first."),
            fields={"phone": "Add your phone number first."},
        )
    now = timezone.now()
    sent = PhoneConfirmation.objects.filter(client=client, sent_at__gt=now - timedelta(days=1))
    last = sent.order_by("-sent_at").first()
    wait = setting_value("accounts.phone_code_resend_seconds")
    if last is not None and last.sent_at > now - timedelta(seconds=wait):
        raise DomainError(
            "phone_code_sent_recently",
            gettext(
                "phone: a code was sent less than %(wait)s seconds ago; wait before asking again."
            )
            % {"wait": wait},
            fields={"phone": f"Wait {wait} seconds between two codes."},
        )
    if sent.count() >= setting_value("accounts.phone_codes_per_day"):
        raise DomainError(
            "phone_code_limit",
            gettext("phone: no more codes can be sent today; try again tomorrow."),
            fields={"phone": "No more codes today."},
        )
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    confirmation = PhoneConfirmation(
        client=client,
        phone_index=client.phone_index,
        sent_at=now,
        expires_at=now + timedelta(minutes=setting_value("accounts.phone_code_minutes")),
    )
    confirmation.code_hash = "-"
    confirmation.save()
    confirmation.code_hash = _code_hash(str(confirmation.pk), code)
    confirmation.save(update_fields=["code_hash"])
    record_audit_event(
        action="client.phone_code_sent",
        actor=actor,
        obj=client,
        subject_client_id=client.pk,
        data={},
    )
    return confirmation, code


@transaction.atomic
def phone_confirmation_discard(*, confirmation: PhoneConfirmation) -> None:
    """Forget a code whose SMS could not be sent, so that asking again is not held back."""
    PhoneConfirmation.objects.filter(pk=confirmation.pk, confirmed_at__isnull=True).delete()


def _count_failure(confirmation: PhoneConfirmation) -> None:
    with transaction.atomic():
        PhoneConfirmation.objects.filter(pk=confirmation.pk).update(
            failed_attempts=confirmation.failed_attempts + 1
        )


def phone_confirmation_check(*, client: Client, code: str, actor: User) -> Client:
    """Confirm the client's phone number with the code of the latest SMS (CAT-04).

    A wrong code counts against the code's attempts (that count is kept although the call is
    refused); an expired, used-up or superseded code, or one sent to another number, is
    refused. A success records ``phone_confirmed_at`` on the client."""
    code = (code or "").strip().replace(" ", "")
    if not code.isdigit() or len(code) != CODE_DIGITS:
        raise DomainError(
            "invalid_phone_code",
            gettext("code: the code has %(code_digits)s digits.") % {"code_digits": CODE_DIGITS},
            fields={"code": f"Enter the {CODE_DIGITS}-digit code from the SMS."},
        )
    now = timezone.now()
    confirmation = (
        PhoneConfirmation.objects.filter(client=client, confirmed_at__isnull=True)
        .order_by("-sent_at", "-id")
        .first()
    )
    if (
        confirmation is None
        or confirmation.expires_at <= now
        or confirmation.phone_index != client.phone_index
        or confirmation.failed_attempts >= setting_value("accounts.phone_code_attempts")
    ):
        raise DomainError(
            "phone_code_expired",
            gettext("code: this code is no longer valid; ask for a new one."),
            fields={"code": "The code expired or was tried too often; ask for a new one."},
        )
    if not hmac.compare_digest(confirmation.code_hash, _code_hash(str(confirmation.pk), code)):
        _count_failure(confirmation)
        raise DomainError(
            "invalid_phone_code",
            gettext("code: the code is wrong."),
            fields={"code": "The code is wrong."},
        )
    with transaction.atomic():
        updated = PhoneConfirmation.objects.filter(
            pk=confirmation.pk, confirmed_at__isnull=True
        ).update(confirmed_at=now)
        if not updated:
            raise DomainError(
                "phone_code_expired",
                gettext("code: this code is no longer valid; ask for a new one."),
                fields={"code": "The code was used already."},
            )
        client = Client.objects.select_for_update().get(pk=client.pk)
        client.phone_confirmed_at = now
        client._history_user = actor
        client.save(update_fields=["phone_confirmed_at"])
        record_audit_event(
            action="client.phone_confirmed",
            actor=actor,
            obj=client,
            subject_client_id=client.pk,
            data={},
        )
    return client
