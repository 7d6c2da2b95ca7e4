"""Marketing consents (NTF-01, GDPR-06): double opt-in by email, withdrawal at any time, by
the link in every marketing message, or by an objection to direct marketing.

Moved here from the notifications app, which still sends the messages: the consent rows keep
their tables (``notifications_marketingconsent``, ``notifications_marketingconsentchange``)
and their audit action names, so existing proof of consent reads as before. Giving consent
again lifts an earlier objection to direct marketing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts.models import Client
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.notifications import conf
from hostledger.notifications.actions.consents import marketing_deliveries_skip
from hostledger.notifications.actions.messages import notification_enqueue
from hostledger.notifications.events import OPT_IN_CONFIRM
from hostledger.notifications.models import Channel, ConsentState
from hostledger.notifications.tokens import opt_in_url, read_opt_in_token, read_unsubscribe_token
from hostledger.privacy.models import MarketingConsent, MarketingConsentChange, Objection

CONFIRMATION_LINK_SOURCE = "confirmation_link"
UNSUBSCRIBE_LINK_SOURCE = "unsubscribe_link"
SOURCE_MAX_CHARS = MarketingConsent._meta.get_field("source").max_length


def _checked_channel(channel: str) -> str:
    if channel not in Channel.values:
        raise DomainError(
            "invalid_channel",
            _("%(channel)s is not a channel.") % {"channel": f"{channel!r}"},
            fields={"channel": "unknown"},
        )
    return channel


def checked_source(source: str) -> str:
    """``source`` stripped; DomainError naming it when empty or too long."""
    source = (source or "").strip()
    if not source or len(source) > SOURCE_MAX_CHARS:
        raise DomainError(
            "invalid_source",
            _("Say where the consent was given (e.g. client_area, api, sign_up)."),
            fields={"source": f"required, at most {SOURCE_MAX_CHARS} characters"},
        )
    return source


def _locked_consent(client, channel: str) -> MarketingConsent | None:
    return (
        MarketingConsent.objects.select_for_update().filter(client=client, channel=channel).first()
    )


def _record_change(
    consent: MarketingConsent, *, actor, now: datetime, action: str, source: str = ""
) -> None:
    source = source or consent.source
    MarketingConsentChange.objects.create(
        consent=consent,
        state=consent.state,
        source=source,
        wording_version=consent.wording_version,
        occurred_at=now,
        actor=actor,
    )
    record_audit_event(
        action=action,
        actor=actor,
        obj=consent,
        subject_client_id=consent.client_id,
        data={
            "channel": consent.channel,
            "state": consent.state,
            "source": source,
            "wording_version": consent.wording_version,
        },
    )


@transaction.atomic
def marketing_consent_request(
    *,
    client,
    channel: str,
    source: str,
    actor=None,
    wording_version: str | None = None,
    now: datetime | None = None,
) -> MarketingConsent:
    """Record that ``client`` asked for marketing messages by ``channel`` (NTF-01).

    By email this is a request only: a message with a signed confirmation link goes to the
    address, and the consent counts from the moment the link is opened (double opt-in). By
    SMS, asked for while signed in, it counts at once. The consent wording's version and the
    source are recorded. Asking again while confirmed changes nothing.
    """
    _checked_channel(channel)
    source = checked_source(source)
    now = now or timezone.now()
    version = str(wording_version or setting_value(conf.CONSENT_WORDING_VERSION))
    consent = _locked_consent(client, channel)
    if consent is not None and consent.state == ConsentState.CONFIRMED:
        return consent
    if consent is None:
        consent = MarketingConsent(client=client, channel=channel)
    consent.source = source
    consent.wording_version = version
    consent.changed_at = now
    consent.request_number += 1
    consent.requested_at = now
    consent.withdrawn_at = None
    if channel == Channel.EMAIL:
        consent.state = ConsentState.REQUESTED
    else:
        consent.state = ConsentState.CONFIRMED
        consent.confirmed_at = now
    consent.save()
    _record_change(consent, actor=actor, now=now, action=f"notifications.consent_{consent.state}")
    _lift_marketing_objections(client, now=now, actor=actor)
    if consent.state == ConsentState.REQUESTED:
        notification_enqueue(
            key=f"{OPT_IN_CONFIRM}:{consent.public_id}:{consent.request_number}",
            client=client,
            event=OPT_IN_CONFIRM,
            context={
                "confirm_url": opt_in_url(
                    consent_public_id=consent.public_id, request_number=consent.request_number
                )
            },
            now=now,
        )
    return consent


@transaction.atomic
def marketing_consent_confirm(*, token: str, now: datetime | None = None) -> MarketingConsent:
    """Confirm an email opt-in by the signed link sent for it (NTF-01, double opt-in).

    Opening the link again changes nothing. A link of an earlier request, or one opened
    after the consent was withdrawn, is refused: the client asks again.
    """
    now = now or timezone.now()
    max_age = timedelta(days=setting_value(conf.OPT_IN_LINK_DAYS))
    consent_public_id, request_number = read_opt_in_token(token, max_age=max_age)
    consent = (
        MarketingConsent.objects.select_for_update().filter(public_id=consent_public_id).first()
    )
    if consent is None:
        raise DomainError("invalid_link", _("This link is not valid."), fields={"token": "invalid"})
    if consent.request_number != request_number or consent.state == ConsentState.WITHDRAWN:
        raise DomainError(
            "link_superseded",
            _("This confirmation link is no longer valid. Ask again in the client area."),
            fields={"token": "superseded"},
        )
    if consent.state == ConsentState.CONFIRMED:
        return consent
    consent.state = ConsentState.CONFIRMED
    consent.confirmed_at = now
    consent.changed_at = now
    consent.save(update_fields=["state", "confirmed_at", "changed_at"])
    _record_change(
        consent,
        actor=None,
        now=now,
        action="notifications.consent_confirmed",
        source=CONFIRMATION_LINK_SOURCE,
    )
    return consent


@transaction.atomic
def marketing_consent_withdraw(
    *, client, channel: str, source: str, actor=None, now: datetime | None = None
) -> MarketingConsent | None:
    """Withdraw ``client``'s marketing consent by ``channel``, at once (NTF-01).

    Marketing messages of that channel still waiting in the outbox are skipped. Returns the
    consent, or None when there was none to withdraw.
    """
    _checked_channel(channel)
    source = checked_source(source)
    now = now or timezone.now()
    consent = _locked_consent(client, channel)
    if consent is None or consent.state == ConsentState.WITHDRAWN:
        return consent
    consent.state = ConsentState.WITHDRAWN
    consent.withdrawn_at = now
    consent.changed_at = now
    consent.source = source
    consent.save(update_fields=["state", "withdrawn_at", "changed_at", "source"])
    _record_change(consent, actor=actor, now=now, action="notifications.consent_withdrawn")
    marketing_deliveries_skip(client=client, channel=channel)
    return consent


@transaction.atomic
def marketing_unsubscribe(*, token: str, now: datetime | None = None) -> MarketingConsent | None:
    """Withdraw the marketing consent named by the signed link of a marketing message,
    without signing in (NTF-01). DomainError for a bad or altered link."""
    client_public_id, channel = read_unsubscribe_token(token)
    client = Client.objects.filter(public_id=client_public_id).first()
    if client is None or channel not in Channel.values:
        raise DomainError("invalid_link", _("This link is not valid."), fields={"token": "invalid"})
    return marketing_consent_withdraw(
        client=client, channel=channel, source=UNSUBSCRIBE_LINK_SOURCE, now=now
    )


def _lift_marketing_objections(client, *, now: datetime, actor=None) -> None:
    lifted = Objection.objects.filter(
        client=client, processing=Objection.Processing.MARKETING, withdrawn_at__isnull=True
    ).update(withdrawn_at=now)
    if lifted:
        record_audit_event(
            action="privacy.objection_lifted",
            actor=actor,
            obj=client,
            subject_client_id=client.pk,
            data={"processing": Objection.Processing.MARKETING, "by": "marketing consent"},
        )
