"""Erasure of a client (GDPR-04): the steps across apps that staff pages, the API and the
data-subject requests all call.

In one transaction per client: the plan is computed again under the client's lock and refused
with its reasons while a service is live or money is owed; the client's API tokens and every
trusted-access grant of the account (and those its owner holds on other accounts) are revoked
through the accounts app; the privacy engine deletes, anonymises and holds what the
declarations say and stores the report. The steps named in the plan's ``by_step`` items run
last, in the same transaction: the login e-mail is released (which also ends every session
and removes the second factors) and the erasure is appended to the erasure log kept apart
from the database, so that a restored backup erases the client again (GDPR-14). Mail files
of the development mail backend that name the client go after the commit.

:func:`client_erase_replay` is that replay: ``hostledger restore`` registers it.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hostledger.accounts.actions import (
    access_grant_revoke,
    api_token_revoke,
    sessions_end_for_user,
    staff_searches_forget,
    user_login_email_release,
)
from hostledger.accounts.models import AccessGrant, ApiToken, Client, Contact, Payer
from hostledger.core.actions import subject_keys_destroy
from hostledger.privacy.actions import erasure_execute, mail_files_erase_for
from hostledger.privacy.erasure import ErasurePlan, erasure_plan
from hostledger.privacy.erasure_log import erasure_log_record
from hostledger.privacy.models import ErasureReport


def client_erase(*, client: Client, actor, now: datetime | None = None) -> ErasureReport:
    """Erase ``client``'s personal data as its declarations say and return the stored
    erasure report (GDPR-04). Refused with a DomainError naming every reason while a
    service is not terminated or a debt is open; nothing is written then."""
    now = now or timezone.now()
    with transaction.atomic():
        client = Client.objects.select_for_update().select_related("owner").get(pk=client.pk)
        plan = erasure_plan(client, as_of=timezone.localdate(now))
        plan.refuse_if_not_allowed()
        return _erase(client=client, plan=plan, actor=actor, now=now)


def client_erase_replay(*, subject: str, erased_at: datetime) -> None:
    """Erase again, after ``hostledger restore``, a client erased after the backup was taken
    (GDPR-14); ``subject`` is its public id, as the erasure log holds it.

    The erasure was decided when it was first made: the restored copy may still show a live
    service or a debt of that earlier day, so the refusals are not asked again. A client
    missing from the copy, or erased in it already, is left alone.
    """
    with transaction.atomic():
        client = (
            Client.objects.select_for_update()
            .select_related("owner")
            .filter(public_id=subject)
            .first()
        )
        if client is None:
            return
        if ErasureReport.objects.filter(client=client, executed_at__gte=erased_at).exists():
            return
        plan = erasure_plan(client, as_of=timezone.localdate(erased_at))
        plan.refusals = []
        _erase(client=client, plan=plan, actor=None, now=erased_at, log=False)


def _erase(
    *, client: Client, plan: ErasurePlan, actor, now: datetime, log: bool = True
) -> ErasureReport:
    owner = client.owner
    addresses = _addresses_of(client)
    for token in ApiToken.objects.filter(user=owner, revoked_at__isnull=True).order_by("id"):
        api_token_revoke(token=token, actor=actor)
    grants = AccessGrant.objects.filter(
        Q(client=client) | Q(grantee=owner), revoked_at__isnull=True
    ).order_by("id")
    for grant in grants:
        access_grant_revoke(grant=grant, actor=actor)
    report = erasure_execute(plan=plan, actor=actor, now=now)
    steps = {
        "sessions_end_for_user": lambda: sessions_end_for_user(user_id=owner.pk),
        "user_login_email_release": lambda: user_login_email_release(user=owner, actor=actor),
    }
    for step in plan.steps:
        if step != "subject_keys_destroy":
            steps[step]()
    staff_searches_forget()
    # Last: the keys go at once, not at the commit, and everything held is under the field
    # keys by now (erasure_execute moved it).
    subject_keys_destroy(client_id=client.pk, actor=actor)
    if log:
        # Appended before the commit: should the commit fail, a restore would erase a client
        # whose erasure was decided; appended after, a crash in between would bring an erased
        # client back with the next restore.
        erasure_log_record(subject=client.public_id, erased_at=now)
    transaction.on_commit(lambda: mail_files_erase_for(addresses=addresses))
    return report


def _addresses_of(client: Client) -> list[str]:
    """Every e-mail address of the client, read before the erasure blanks them: the files of
    the development mail backend are searched for them."""
    addresses = {client.owner.email}
    addresses.update(Contact.objects.filter(client=client).values_list("email", flat=True))
    addresses.update(Payer.objects.filter(client=client).values_list("invoice_email", flat=True))
    return sorted(address for address in addresses if address)
