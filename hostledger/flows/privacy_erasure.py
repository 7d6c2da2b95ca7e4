"""Erasure of a client (GDPR-04): the steps across apps that staff pages, the API and the
data-subject requests all call.

In one transaction per client: the plan is computed again under the client's lock and refused
with its reasons while a service is live or money is owed; the client's API tokens and every
trusted-access grant of the account (and those its owner holds on other accounts) are revoked
through the accounts app; the privacy engine deletes, anonymises and holds what the
declarations say and stores the report. The steps named in the plan's ``by_step`` items run
last, in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hostledger.accounts.actions import access_grant_revoke, api_token_revoke
from hostledger.accounts.models import AccessGrant, ApiToken, Client
from hostledger.privacy.actions import erasure_execute
from hostledger.privacy.erasure import erasure_plan
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
        owner = client.owner
        for token in ApiToken.objects.filter(user=owner, revoked_at__isnull=True).order_by("id"):
            api_token_revoke(token=token, actor=actor)
        grants = AccessGrant.objects.filter(
            Q(client=client) | Q(grantee=owner), revoked_at__isnull=True
        ).order_by("id")
        for grant in grants:
            access_grant_revoke(grant=grant, actor=actor)
        report = erasure_execute(plan=plan, actor=actor, now=now)
    return report
