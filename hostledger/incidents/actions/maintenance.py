# ruff: noqa: S608 - table names come from model metadata and every value is a parameter
"""Announcing planned maintenance to the clients it affects (SUP-04, seed 003 §2.2.12).

Staff give the window (start, end), a title and a text, and what it affects: the live
services of given products (catalog family codes), of given tariffs, or a list of services.
The catalog has no data-centre locations, so a window cannot be aimed by location; by product,
tariff or service list it can. The window must start in the future and at least
``incidents.maintenance_notice_hours`` after it is announced. The notifications app carries
the message (its ``maintenance_planned`` texts in English, Estonian and Russian, in each
client's language and channels), one per client whatever number of its services are
affected, under the announcement's own key, so announcing or publishing again never tells a
client twice.

A client whose processing is restricted (GDPR-05) is told too: the notice is part of
carrying out the contract with that client, whose services keep running and will be
unavailable during the window (§2.2.12 obliges the provider to say so), not a use of its data
for anything else. The notifications app's publishing leaves restricted clients out of
announcements; the selection below adds them under the contract purpose.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.catalog.models import ProductFamily, Tariff
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.core.selections import SelectionPurpose, client_selection
from hostledger.incidents.actions._common import clean_moment, clean_text, require_services_manage
from hostledger.incidents.conf import MAINTENANCE_NOTICE_HOURS
from hostledger.incidents.models import MaintenanceScope, MaintenanceWindow
from hostledger.notifications.actions import announcement_create, announcement_publish
from hostledger.notifications.bulk import notifications_enqueue_select
from hostledger.notifications.events import MAINTENANCE_PLANNED
from hostledger.notifications.models import Announcement
from hostledger.subscriptions.models import Service, ServiceStatus

LIVE_STATUSES = (
    ServiceStatus.TRIAL,
    ServiceStatus.PROVISIONING,
    ServiceStatus.ACTIVE,
    ServiceStatus.SUSPENDED,
)
"""Services in these states are affected by maintenance of their product."""

TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 5000


def _clean_window(starts_at, ends_at, now: datetime) -> tuple[datetime, datetime]:
    starts_at = clean_moment(starts_at, "starts_at")
    ends_at = clean_moment(ends_at, "ends_at")
    if ends_at <= starts_at:
        raise DomainError(
            "invalid_window",
            _("ends_at: the window must end after it starts."),
            fields={"ends_at": "not after the start"},
        )
    hours = setting_value(MAINTENANCE_NOTICE_HOURS)
    earliest = now + timedelta(hours=hours)
    if starts_at < earliest:
        raise DomainError(
            "notice_too_short",
            _(
                "starts_at: maintenance is announced at least %(hours)s hours ahead; "
                "choose a start after %(earliest)s."
            )
            % {"hours": hours, "earliest": f"{timezone.localtime(earliest):%Y-%m-%d %H:%M}"},
            fields={"starts_at": f"less than {hours} hours ahead"},
        )
    return starts_at, ends_at


def _scope_ids(scope: str, family_codes, tariff_ids, service_ids) -> tuple[str, list, list, list]:
    """The scope and its three lists; only the scope's own list is kept."""
    if scope not in MaintenanceScope.values:
        raise DomainError(
            "invalid_scope",
            _("scope: choose products, tariffs or services."),
            fields={"scope": "unknown"},
        )
    lists = {
        MaintenanceScope.FAMILIES: [str(item) for item in family_codes or ()],
        MaintenanceScope.TARIFFS: [str(item) for item in tariff_ids or ()],
        MaintenanceScope.SERVICES: [str(item) for item in service_ids or ()],
    }
    chosen = sorted(set(lists[scope]))
    return (
        scope,
        chosen if scope == MaintenanceScope.FAMILIES else [],
        chosen if scope == MaintenanceScope.TARIFFS else [],
        chosen if scope == MaintenanceScope.SERVICES else [],
    )


def _service_condition(window: MaintenanceWindow, params: list) -> str:
    """SQL condition on services ``s`` affected by the window; ids are looked up here."""
    if window.scope == MaintenanceScope.FAMILIES:
        ids = list(
            ProductFamily.objects.filter(code__in=window.family_codes).values_list("id", flat=True)
        )
        column = "s.family_id"
    elif window.scope == MaintenanceScope.TARIFFS:
        ids = list(
            Tariff.objects.filter(public_id__in=window.tariff_ids).values_list("id", flat=True)
        )
        column = "s.tariff_id"
    else:
        ids = list(
            Service.objects.filter(public_id__in=window.service_ids).values_list("id", flat=True)
        )
        column = "s.id"
    if not ids:
        return "1 = 0"
    params.extend(ids)
    return f"{column} IN ({', '.join(['%s'] * len(ids))})"


@client_selection(
    SelectionPurpose.CONTRACT,
    "planned maintenance of the client's own live services, which the contract obliges the "
    "provider to announce in advance (seed 003 §2.2.12); restricted clients included",
)
def maintenance_recipients_enqueue(
    *, window: MaintenanceWindow, announcement: Announcement, now: datetime
) -> int:
    """Queue the maintenance message to every client with a live affected service that has
    not got it yet, restricted or not, keyed like the announcement's own messages (one per
    client). Returns how many were queued."""
    params: list = [f"announcement:{announcement.public_id}:", *LIVE_STATUSES]
    condition = _service_condition(window, params)
    select_sql = (
        "SELECT CAST(%s AS varchar(200)) || CAST(s.client_id AS varchar(20)), s.client_id, "
        f"NULL, NULL, NULL, NULL FROM {Service._meta.db_table} s "
        f"WHERE s.status IN (%s, %s, %s, %s) AND {condition} GROUP BY s.client_id"
    )
    return notifications_enqueue_select(
        event=MAINTENANCE_PLANNED,
        select_sql=select_sql,
        params=params,
        now=now,
        announcement_id=announcement.pk,
    )


@transaction.atomic
def maintenance_window_announce(
    *,
    title: str,
    description: str,
    starts_at: datetime,
    ends_at: datetime,
    scope: str,
    family_codes=(),
    tariff_ids=(),
    service_ids=(),
    translations: dict | None = None,
    actor,
    now: datetime | None = None,
) -> MaintenanceWindow:
    """Record a maintenance window and tell every affected client once (SUP-04): the window
    must start at least ``incidents.maintenance_notice_hours`` from now and end after it
    starts; unknown products, tariffs or services are refused naming them. Needs
    services.manage. The announcement is written and published by the notifications app;
    restricted clients are added under the contract purpose (see the module's text)."""
    require_services_manage(actor)
    now = now or timezone.now()
    title = clean_text(title, "title", max_length=TITLE_MAX_LENGTH)
    description = clean_text(description, "description", max_length=DESCRIPTION_MAX_LENGTH)
    starts_at, ends_at = _clean_window(starts_at, ends_at, now)
    scope, families, tariffs, services = _scope_ids(scope, family_codes, tariff_ids, service_ids)
    announcement = announcement_create(
        kind=Announcement.Kind.MAINTENANCE,
        subject=title,
        body=description,
        audience=scope,
        family_codes=families,
        tariff_ids=tariffs,
        service_ids=services,
        translations=translations,
        starts_at=starts_at,
        ends_at=ends_at,
        actor=actor,
        now=now,
    )
    window = MaintenanceWindow.objects.create(
        title=title,
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        scope=scope,
        family_codes=families,
        tariff_ids=tariffs,
        service_ids=services,
        announcement=announcement,
        created_at=now,
        created_by=actor,
    )
    told = announcement_publish(announcement=announcement, actor=actor, now=now)
    told += maintenance_recipients_enqueue(window=window, announcement=announcement, now=now)
    MaintenanceWindow.objects.filter(pk=window.pk).update(recipient_count=told)
    window.recipient_count = told
    record_audit_event(
        action="incidents.maintenance_announced",
        actor=actor,
        obj=window,
        data={"scope": scope, "recipients": told, "starts_at": starts_at.isoformat()},
    )
    return window
