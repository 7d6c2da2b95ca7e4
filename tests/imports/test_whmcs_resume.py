"""A client is imported whole or not at all, and the next run picks up what the last one
left (AUT-01's habit: a rerun after a crash does each thing once)."""

from __future__ import annotations

import pytest

from hostledger.accounts.models import Client
from hostledger.core.money import Money
from hostledger.flows import whmcs_import as flow
from hostledger.imports.models import SourceRecord
from hostledger.imports.whmcs import ConnectionSettings, WhmcsDatabase
from hostledger.invoicing.models import Invoice
from hostledger.ledger.models import Payment
from hostledger.ledger.selectors import balance_of
from tests.imports import whmcs_sample
from tests.imports.whmcs_source import unreachable_reason, whmcs_database

pytestmark = pytest.mark.skipif(bool(unreachable_reason()), reason=unreachable_reason())


@pytest.fixture(scope="module")
def source():
    with whmcs_database() as database:
        whmcs_sample.build(database)
        yield database


def run(source):
    with WhmcsDatabase(ConnectionSettings.from_url(source.url)) as database:
        return flow.whmcs_import(database=database)[1].as_dict()


def test_a_client_that_fails_half_way_leaves_nothing_and_the_next_run_imports_it(
    source, db, monkeypatch
):
    tickets_import = flow.client_tickets_import

    def failing_for_mari(work):
        if work.rows.id == whmcs_sample.MARI:
            raise RuntimeError("the connection to the mail server dropped")
        tickets_import(work)

    monkeypatch.setattr(flow, "client_tickets_import", failing_for_mari)
    first = run(source)
    failed = {item["key"]: item["reason"] for item in first["tblclients"]["unmapped_reasons"]}
    assert "rolled back" in failed["1"] and "mail server" in failed["1"]
    assert not Client.objects.filter(owner__email="mari@example.ee").exists()
    assert not Payment.objects.filter(external_id="tblaccounts:500").exists()
    assert not Invoice.objects.filter(number_display="2025-0100").exists()
    assert not SourceRecord.objects.filter(table="tblinvoices", source_key="100").exists()
    assert first["tblclients"]["imported"] == 2  # the company and John went in

    monkeypatch.setattr(flow, "client_tickets_import", tickets_import)
    second = run(source)
    assert (second["tblclients"]["imported"], second["tblclients"]["skipped"]) == (1, 2)
    assert second["tblinvoices"]["imported"] == 5  # Mari's; the company's was imported before
    mari = Client.objects.get(owner__email="mari@example.ee")
    assert balance_of(mari) == Money.of("37.50")
