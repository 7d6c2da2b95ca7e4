"""The messages an abuse case sends its client, through the notifications app (ABU-02,
NTF-01): the complaint with its deadline, the suspension when the deadline passed, and the
lifting. Each is queued once, keyed by the case, in the caller's transaction; the texts are
the notification events ``abuse_case_notified``, ``abuse_services_suspended`` and
``abuse_case_lifted`` in English, Estonian and Russian, editable by staff."""

from __future__ import annotations

from django.utils import timezone, translation

from hostledger.abuse.models import AbuseCase
from hostledger.notifications.actions.messages import notification_enqueue
from hostledger.notifications.events import (
    ABUSE_CASE_LIFTED,
    ABUSE_CASE_NOTIFIED,
    ABUSE_SERVICES_SUSPENDED,
    normalised_language,
)


def _context(case: AbuseCase) -> dict:
    deadline = ""
    if case.suspend_due_at is not None:
        deadline = f"{timezone.localtime(case.suspend_due_at):%Y-%m-%d %H:%M %Z}"
    # The category is printed in the client's language, whoever's action sent the message.
    with translation.override(normalised_language(case.client.owner.preferred_language)):
        category = case.get_category_display()
    return {
        "case_id": case.public_id,
        "case_category": category,
        "deadline": deadline,
    }


def _send(event: str, case: AbuseCase):
    return notification_enqueue(
        key=f"{event}:{case.public_id}",
        client=case.client,
        event=event,
        on_date=timezone.localdate(),
        context=_context(case),
    )


def case_notified_notify(*, case: AbuseCase):
    """Tell the client of the complaint and the deadline to remedy it (ABU-02, ABU-03)."""
    return _send(ABUSE_CASE_NOTIFIED, case)


def case_suspended_notify(*, case: AbuseCase):
    """Tell the client the deadline passed and the services are suspended (ABU-02)."""
    return _send(ABUSE_SERVICES_SUSPENDED, case)


def case_lifted_notify(*, case: AbuseCase):
    """Tell the client the case is closed and its services resumed (ABU-02)."""
    return _send(ABUSE_CASE_LIFTED, case)
