# ruff: noqa: S608 - table names come from model metadata and every value is a parameter
"""Announcements to sets of clients: policy changes (NTF-03), planned maintenance (SUP-04)
and marketing (NTF-01)."""

from __future__ import annotations

from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.catalog.models import ProductFamily, Tariff
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.core.selections import SelectionPurpose, client_selection
from hostledger.notifications.bulk import notifications_enqueue_select
from hostledger.notifications.events import (
    MAINTENANCE_PLANNED,
    MARKETING_ANNOUNCEMENT,
    POLICY_CHANGED,
)
from hostledger.notifications.models import LANGUAGES, Announcement, ConsentState
from hostledger.privacy.models import MarketingConsent
from hostledger.privacy.selectors import unrestricted_client_sql
from hostledger.subscriptions.models import Service, ServiceStatus

EVENT_OF_KIND = {
    Announcement.Kind.POLICY_CHANGE: POLICY_CHANGED,
    Announcement.Kind.MAINTENANCE: MAINTENANCE_PLANNED,
    Announcement.Kind.MARKETING: MARKETING_ANNOUNCEMENT,
}

LIVE_STATUSES = (
    ServiceStatus.TRIAL,
    ServiceStatus.PROVISIONING,
    ServiceStatus.ACTIVE,
    ServiceStatus.SUSPENDED,
)
"""A client with a service in one of these states is affected by announcements."""


def _checked_translations(translations: dict | None) -> dict:
    cleaned: dict = {}
    for language, text in (translations or {}).items():
        if language not in LANGUAGES or not isinstance(text, dict):
            raise DomainError(
                "invalid_translation",
                _("Translations are given per language (%(languages)s).")
                % {"languages": ", ".join(LANGUAGES)},
                fields={"translations": f"{language!r} is not a message language"},
            )
        cleaned[language] = {
            "subject": str(text.get("subject", "")).strip(),
            "body": str(text.get("body", "")).strip(),
        }
    return cleaned


def _resolved_audience(audience, family_codes, tariff_ids, service_ids) -> dict:
    """The audience's lists as stored: family codes, tariff and service public ids, each
    checked to exist."""
    lists = {"family_ids": [], "tariff_ids": [], "service_ids": []}
    checks = {
        Announcement.Audience.FAMILIES: ("family_ids", family_codes, ProductFamily, "code"),
        Announcement.Audience.TARIFFS: ("tariff_ids", tariff_ids, Tariff, "public_id"),
        Announcement.Audience.SERVICES: ("service_ids", service_ids, Service, "public_id"),
    }
    if audience not in Announcement.Audience.values:
        raise DomainError(
            "invalid_audience",
            _("Choose who the announcement is for."),
            fields={"audience": "unknown"},
        )
    if audience in checks:
        field, given, model, lookup = checks[audience]
        wanted = sorted({str(item) for item in given or ()})
        if not wanted:
            raise DomainError(
                "invalid_audience", _("Name at least one."), fields={field: "required"}
            )
        found = set(
            model.objects.filter(**{f"{lookup}__in": wanted}).values_list(lookup, flat=True)
        )
        missing = [item for item in wanted if item not in found]
        if missing:
            raise DomainError(
                "invalid_audience",
                _("Unknown: %(missing)s.") % {"missing": ", ".join(missing)},
                fields={field: "unknown " + ", ".join(missing)},
            )
        lists[field] = wanted
    return lists


@transaction.atomic
def announcement_create(
    *,
    kind: str,
    subject: str,
    body: str,
    audience: str,
    family_codes=(),
    tariff_ids=(),
    service_ids=(),
    translations: dict | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    effective_on: date | None = None,
    actor=None,
    now: datetime | None = None,
) -> Announcement:
    """Write an announcement, not yet sent (NTF-03, SUP-04). The audience is every client
    with a live service, or those with services of the given families (codes), tariffs or
    services (public ids)."""
    if kind not in Announcement.Kind.values:
        raise DomainError(
            "invalid_kind", _("Choose the kind of announcement."), fields={"kind": "unknown"}
        )
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject:
        raise DomainError(
            "invalid_announcement", _("A subject is needed."), fields={"subject": "required"}
        )
    if not body:
        raise DomainError(
            "invalid_announcement", _("A text is needed."), fields={"body": "required"}
        )
    if starts_at and ends_at and ends_at < starts_at:
        raise DomainError(
            "invalid_announcement",
            _("The maintenance window ends before it starts."),
            fields={"ends_at": "before the start"},
        )
    announcement = Announcement.objects.create(
        kind=kind,
        subject=subject[: Announcement._meta.get_field("subject").max_length],
        body=body,
        translations=_checked_translations(translations),
        audience=audience,
        starts_at=starts_at,
        ends_at=ends_at,
        effective_on=effective_on,
        created_at=now or timezone.now(),
        created_by=actor,
        **_resolved_audience(audience, family_codes, tariff_ids, service_ids),
    )
    record_audit_event(
        action="notifications.announcement_created",
        actor=actor,
        obj=announcement,
        data={"kind": kind, "audience": audience},
    )
    return announcement


def _audience_select(announcement: Announcement) -> tuple[str, list]:
    """SELECT of (key, client_id, service_id, invoice_id, amount_minor, on_date): one row per
    affected client."""
    services = Service._meta.db_table
    key_prefix = f"announcement:{announcement.public_id}:"
    conditions = [f"s.status IN ({', '.join(['%s'] * len(LIVE_STATUSES))})"]
    params: list = [key_prefix, announcement.effective_on and announcement.effective_on.isoformat()]
    params += list(LIVE_STATUSES)
    if announcement.audience == Announcement.Audience.FAMILIES:
        ids = list(
            ProductFamily.objects.filter(code__in=announcement.family_ids).values_list(
                "id", flat=True
            )
        )
        conditions.append(_in("s.family_id", ids, params))
    elif announcement.audience == Announcement.Audience.TARIFFS:
        ids = list(
            Tariff.objects.filter(public_id__in=announcement.tariff_ids).values_list(
                "id", flat=True
            )
        )
        conditions.append(_in("s.tariff_id", ids, params))
    elif announcement.audience == Announcement.Audience.SERVICES:
        ids = list(
            Service.objects.filter(public_id__in=announcement.service_ids).values_list(
                "id", flat=True
            )
        )
        conditions.append(_in("s.id", ids, params))
    if announcement.kind != Announcement.Kind.POLICY_CHANGE:
        # Only legal notices reach a client whose processing is restricted (GDPR-05).
        conditions.append(unrestricted_client_sql("s.client_id"))
    if announcement.kind == Announcement.Kind.MARKETING:
        conditions.append(
            f"EXISTS (SELECT 1 FROM {MarketingConsent._meta.db_table} consent "
            "WHERE consent.client_id = s.client_id AND consent.state = %s)"
        )
        params.append(ConsentState.CONFIRMED)
    date_parameter = "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"
    select_sql = (
        "SELECT CAST(%s AS varchar(200)) || CAST(s.client_id AS varchar(20)), s.client_id, "
        f"NULL, NULL, NULL, {date_parameter} FROM {services} s "
        f"WHERE {' AND '.join(conditions)} GROUP BY s.client_id"
    )
    return select_sql, params


def _in(column: str, ids: list[int], params: list) -> str:
    if not ids:
        return "1 = 0"
    params.extend(ids)
    return f"{column} IN ({', '.join(['%s'] * len(ids))})"


@client_selection(SelectionPurpose.ANNOUNCEMENT)
@transaction.atomic
def announcement_publish(
    *, announcement: Announcement, actor=None, now: datetime | None = None
) -> int:
    """Queue the announcement to every affected client, once each, in one statement
    (NTF-03, SUP-04, NTF-01 for marketing: only clients with a confirmed consent; GDPR-05:
    a client whose processing is restricted gets only changes of terms and policies). Publishing
    again reaches only clients affected since; returns how many messages were queued now."""
    now = now or timezone.now()
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    select_sql, params = _audience_select(announcement)
    queued = notifications_enqueue_select(
        event=EVENT_OF_KIND[announcement.kind],
        select_sql=select_sql,
        params=params,
        now=now,
        announcement_id=announcement.pk,
    )
    announcement.recipient_count += queued
    if announcement.published_at is None:
        announcement.published_at = now
        announcement.published_by = actor
    announcement.save(update_fields=["recipient_count", "published_at", "published_by"])
    record_audit_event(
        action="notifications.announcement_published",
        actor=actor,
        obj=announcement,
        data={"queued": queued},
    )
    return queued
