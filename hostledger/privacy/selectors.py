"""Reads of the privacy app shared by web, API, jobs and other apps' bulk selections:
restrictions of processing (GDPR-05), legal holds (GDPR-08), erasure reports (GDPR-04).

Every bulk selection of clients for marketing, announcements other than legal notices,
exports to processors and statistics leaves restricted clients out through
:func:`exclude_restricted` (querysets) or :func:`unrestricted_client_sql` (SQL), and is
registered with :func:`hostledger.core.selections.client_selection`; a test walks them all.
"""

from __future__ import annotations

from django.db.models import QuerySet

from hostledger.core.errors import NotFound
from hostledger.privacy.models import (
    ErasureHold,
    ErasureReport,
    LegalHold,
    ProcessingRestriction,
    RetentionRun,
)


def restricted_client_ids() -> QuerySet:
    """The ids of clients with a restriction that is not lifted (a subquery)."""
    return ProcessingRestriction.objects.filter(lifted_at__isnull=True).values("client_id")


def exclude_restricted(queryset: QuerySet, client_path: str = "client") -> QuerySet:
    """``queryset`` without the rows of restricted clients; ``client_path`` leads from the
    queryset's model to the client (``"id"`` on clients themselves) (GDPR-05)."""
    return queryset.exclude(**{f"{client_path}__in": restricted_client_ids()})


def unrestricted_client_sql(client_column: str) -> str:
    """An SQL condition true when the client in ``client_column`` is not restricted, for
    set-based selections written in SQL (GDPR-05). ``client_column`` is code, never input."""
    table = ProcessingRestriction._meta.db_table
    return (
        f"NOT EXISTS (SELECT 1 FROM {table} restriction "  # noqa: S608 - names from metadata
        f"WHERE restriction.client_id = {client_column} AND restriction.lifted_at IS NULL)"
    )


def client_is_restricted(client) -> bool:
    return ProcessingRestriction.objects.filter(client=client, lifted_at__isnull=True).exists()


def client_restrictions(client) -> QuerySet[ProcessingRestriction]:
    return ProcessingRestriction.objects.filter(client=client).order_by("-started_at", "-id")


def open_restrictions() -> QuerySet[ProcessingRestriction]:
    return ProcessingRestriction.objects.filter(lifted_at__isnull=True).select_related("client")


def staff_restriction(public_id: str) -> ProcessingRestriction:
    restriction = (
        ProcessingRestriction.objects.filter(public_id=public_id).select_related("client").first()
    )
    if restriction is None:
        raise NotFound("restriction")
    return restriction


def legally_held_client_ids() -> QuerySet:
    """The ids of clients under a legal hold that is not lifted (a subquery)."""
    return LegalHold.objects.filter(lifted_at__isnull=True).values("client_id")


def client_legal_holds(client) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(client=client).order_by("-started_at", "-id")


def open_legal_holds() -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(lifted_at__isnull=True).select_related("client")


def staff_legal_hold(public_id: str) -> LegalHold:
    hold = LegalHold.objects.filter(public_id=public_id).select_related("client").first()
    if hold is None:
        raise NotFound("legal hold")
    return hold


def client_erasure_reports(client) -> QuerySet[ErasureReport]:
    return ErasureReport.objects.filter(client=client).order_by("-executed_at", "-id")


def erasure_report(public_id: str) -> ErasureReport:
    report = ErasureReport.objects.filter(public_id=public_id).select_related("client").first()
    if report is None:
        raise NotFound("erasure report")
    return report


def held_data_of(client) -> QuerySet[ErasureHold]:
    return ErasureHold.objects.filter(client=client).order_by("held_until", "id")


def retention_runs(limit: int = 20) -> list[RetentionRun]:
    return list(RetentionRun.objects.order_by("-ran_at", "-id")[:limit])
