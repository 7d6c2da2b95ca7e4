"""Objections to processing (GDPR art. 21, GDPR-06), effective the moment they are recorded.

The client objects in the client area; staff record an objection that came by letter or
e-mail, or that answers an objection request. Each is kept with its time and source. An
objection to direct marketing withdraws every marketing consent of the client at once, which
also skips marketing messages still waiting in the outbox; giving consent again later lifts
the objection (:mod:`hostledger.privacy.actions_consents`). Other parts of HostLedger ask
:func:`hostledger.privacy.selectors_requests.objects_to` before profiling or processing on
legitimate interest.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts import permissions as perms
from hostledger.accounts.models import Client, User
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.notifications.models import Channel
from hostledger.privacy.actions_consents import checked_source, marketing_consent_withdraw
from hostledger.privacy.actions_requests import DETAILS_MAX, clean_text, request_respond
from hostledger.privacy.models import DataSubjectRequest, Objection

OBJECTION_SOURCE = "objection"
"""The source recorded on a marketing consent withdrawn by an objection."""


def _may_object(client: Client, actor) -> None:
    if actor is not None and client.owner_id == actor.pk:
        return
    if perms.has_permission(actor, perms.PRIVACY_MANAGE):
        return
    raise PermissionDenied(
        _("Only the account's owner, or privacy staff, can record an objection.")
    )


@transaction.atomic
def objection_record(
    *,
    client: Client,
    processing: str,
    source: str,
    actor: User,
    grounds: str = "",
    request: DataSubjectRequest | None = None,
    now: datetime | None = None,
) -> Objection:
    """Record ``client``'s objection to ``processing`` (marketing, profiling,
    legitimate_interest), effective now (GDPR-06). An objection already in force is returned
    unchanged. With ``request`` (an in-progress objection request of the client) the request
    is answered and completed."""
    now = now or timezone.now()
    _may_object(client, actor)
    if processing not in Objection.Processing.values:
        raise DomainError(
            "invalid_input",
            _("processing: one of %(values)s.")
            % {"values": ", ".join(Objection.Processing.values)},
            fields={"processing": "not a kind of processing"},
        )
    source = checked_source(source)
    grounds = clean_text(grounds, "grounds", DETAILS_MAX, required=False)
    if request is not None and (
        not isinstance(request, DataSubjectRequest)
        or request.kind != DataSubjectRequest.Kind.OBJECTION
        or request.client_id != client.pk
    ):
        raise DomainError(
            "invalid_input",
            _("request: not an objection request of this client."),
            fields={"request": "not an objection request of this client"},
        )
    objection = (
        Objection.objects.select_for_update()
        .filter(client=client, processing=processing, withdrawn_at__isnull=True)
        .first()
    )
    if objection is None:
        objection = Objection.objects.create(
            client=client,
            processing=processing,
            grounds=grounds,
            source=source,
            objected_at=now,
            recorded_by=actor,
            request=request,
        )
        record_audit_event(
            action="privacy.objection_recorded",
            actor=actor,
            obj=objection,
            subject_client_id=client.pk,
            data={"processing": processing, "source": source},
        )
        if processing == Objection.Processing.MARKETING:
            for channel in Channel.values:
                marketing_consent_withdraw(
                    client=client, channel=channel, source=OBJECTION_SOURCE, actor=actor, now=now
                )
    if request is not None:
        request_respond(
            request=request,
            actor=actor,
            response=(
                f"Your objection to {objection.get_processing_display().lower()} is recorded "
                f"and in force since {timezone.localtime(objection.objected_at):%d.%m.%Y %H:%M}."
            ),
            now=now,
        )
    return objection
