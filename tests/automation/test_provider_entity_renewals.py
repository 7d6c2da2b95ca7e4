"""The billing run renews a service for the provider entity of its product family: the
renewal proforma prints that entity as the seller and, when the balance pays it, takes the
next number of that entity's own series (BIL-04, AUT-01)."""

from __future__ import annotations

from datetime import date

from hostledger.automation.models import ServiceRenewal
from hostledger.catalog.models import ProductFamily
from hostledger.invoicing.models import Invoice
from hostledger.ledger.selectors import verify_balances
from tests.invoicing.entity_factories import TELEPHONY, telephony_entity

ISSUE_DAY = date(2027, 3, 22)
DUE_DAY = date(2027, 3, 30)
PERIOD_START = date(2027, 4, 1)


def test_renewal_is_issued_and_numbered_by_the_familys_entity__BIL_04_AUT_01(
    active_service, client_record, run_as_of
):
    telephony = telephony_entity()
    ProductFamily.objects.filter(code="vps").update(entity=telephony)
    service = active_service("30.00")
    first = Invoice.objects.get(client=client_record)
    assert (first.entity_id, first.number_display) == (telephony.pk, "TEL-2027-000001")

    assert run_as_of(ISSUE_DAY)["renewals_issued"] == 1
    renewal = ServiceRenewal.objects.get(service=service, starts_on=PERIOD_START)
    issued = Invoice.objects.get(pk=renewal.invoice_id)
    assert issued.entity_id == telephony.pk
    assert issued.provider_snapshot["legal_name"] == TELEPHONY["legal_name"]

    assert run_as_of(DUE_DAY)["renewals_charged"] == 1
    paid = Invoice.objects.get(pk=renewal.invoice_id)
    assert (paid.status, paid.number_display) == (Invoice.Status.PAID, "TEL-2027-000002")
    assert not Invoice.objects.filter(number_display__startswith="INV-").exists()
    assert verify_balances() == []
