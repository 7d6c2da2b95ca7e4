"""What a client writes in an interruption report is its personal data: encrypted at rest
under its key, exported with its data, and anonymised two years after the month (GDPR-01,
GDPR-02, GDPR-08, GDPR-11; SUP-03)."""

from __future__ import annotations

from datetime import date

from django.db import connection

from hostledger.incidents.actions import interruption_reject, interruption_report
from hostledger.incidents.models import Interruption
from hostledger.privacy.export import asset_of
from hostledger.privacy.retention import retention_run
from tests.incidents.conftest import at


def _report(service, staff, text="Our shop is down since 08:55, Mari Tamm, +372 5555 1234"):
    interruption = interruption_report(
        client=service.client, service=service, description=text, actor=service.client.owner
    )
    return interruption_reject(interruption=interruption, reason="No outage seen.", actor=staff)


def test_the_report_is_stored_encrypted_and_exported_with_the_client__SUP_03_GDPR_11(
    active_service, staff
):
    service = active_service()
    interruption = _report(service, staff)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT description, rejection_reason FROM {Interruption._meta.db_table} "
            "WHERE id = %s",
            [interruption.pk],
        )
        stored = cursor.fetchone()
    assert all(value.startswith("enc") for value in stored)
    assert "Mari" not in stored[0]
    asset = asset_of(Interruption)
    assert {"description", "rejection_reason"} <= {column.name for column in asset.columns}
    mine = Interruption._base_manager.filter(
        asset.subject_filter(client_id=service.client_id, user_id=service.client.owner_id)
    )
    assert list(mine) == [interruption]


def test_reports_are_anonymised_two_years_after_their_month__SUP_03_GDPR_08(
    active_service, staff, clock
):
    service = active_service()
    clock(at(date(2027, 3, 5), 9))
    interruption = _report(service, staff)
    clock(at(date(2029, 3, 31), 12))
    retention_run()
    assert Interruption.objects.get(pk=interruption.pk).description != ""
    clock(at(date(2029, 4, 2), 12))
    retention_run()
    kept = Interruption.objects.get(pk=interruption.pk)
    assert (kept.description, kept.rejection_reason) == ("", "")
    assert kept.status == "rejected"  # the record of what happened stays
