"""Real bank files, published by banks and by the test suites of camt parsers, imported whole
(BIL-06): every booked credit recorded exactly once, a second import records nothing.

The count and sum of booked credit lines are computed here with a few XPath expressions,
independently of the importer's own parser (see tests/data/bank/README.md for the files).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from hostledger.core.registry import provider_setting_change
from hostledger.ledger.actions import bank_statement_import
from hostledger.ledger.models import Payment
from hostledger.ledger.selectors import verify_balances
from tests.ledger.helpers import ledger_snapshot

CORPUS = Path(__file__).resolve().parent.parent / "data" / "bank"
FILES = sorted(path.name for path in CORPUS.glob("*.xml"))


def _local(name: str) -> str:
    return f"*[local-name()='{name}']"


def _text(node, path: str) -> str:
    found = node.xpath(f"string({path})")
    return found.strip()


def expected_credits(content: bytes) -> tuple[list[str], Counter, Counter]:
    """The accounts of the file, and the count and sum per currency of its booked credit
    lines: one per transaction detail of a booked credit entry (one for an entry without
    details); a lone transaction carries the entry's amount."""
    root = etree.fromstring(content)
    containers = root.xpath(
        "/*/*/*[local-name()='Stmt' or local-name()='Rpt' or local-name()='Ntfctn']"
    )
    accounts, count, total = [], Counter(), Counter()
    for container in containers:
        account = _text(container, f"{_local('Acct')}/{_local('Id')}//{_local('IBAN')}") or _text(
            container, f"{_local('Acct')}/{_local('Id')}/{_local('Othr')}/{_local('Id')}"
        )
        accounts.append(account)
        for entry in container.xpath(_local("Ntry")):
            status = "".join(entry.xpath(f"{_local('Sts')}//text()")).strip()
            if _text(entry, _local("CdtDbtInd")) != "CRDT" or status not in {"BOOK", ""}:
                continue
            details = entry.xpath(f"{_local('NtryDtls')}/{_local('TxDtls')}")
            if len(details) <= 1:
                amounts = entry.xpath(_local("Amt"))
            else:
                amounts = [
                    (
                        detail.xpath(_local("Amt"))
                        or detail.xpath(f"{_local('AmtDtls')}/{_local('TxAmt')}/{_local('Amt')}")
                    )[0]
                    for detail in details
                ]
            for position, amount in enumerate(amounts):
                if amount.get("Ccy") != "EUR":
                    # The bank's counter-value in euros, where it states one, is what is used.
                    holders = [details[position]] if details else []
                    amount = next(
                        (
                            found
                            for holder in [*holders, entry]
                            for found in holder.xpath(
                                f"{_local('AmtDtls')}/*[local-name()='CntrValAmt' or "
                                f"local-name()='TxAmt']/{_local('Amt')}[@Ccy='EUR']"
                            )
                        ),
                        amount,
                    )
                currency = amount.get("Ccy")
                count[currency] += 1
                total[currency] += Decimal(amount.text.strip())
    return accounts, count, total


def test_the_corpus_holds_twenty_real_files_of_five_sources__BIL_06():
    sources = {name.split("-")[0] for name in FILES}
    assert len(FILES) >= 20
    assert len(sources) >= 5
    readme = (CORPUS / "README.md").read_text()
    for name in FILES:
        assert name in readme, f"{name} has no source and licence in the README"


@pytest.mark.parametrize("name", FILES)
def test_real_bank_file_records_every_booked_credit_once__BIL_06(name, staff):
    content = (CORPUS / name).read_bytes()
    accounts, count, total = expected_credits(content)
    provider_setting_change(
        key="ledger.provider_bank_accounts", raw_value=" ".join(filter(None, accounts))
    )

    imported = bank_statement_import(content=content, actor=staff, file_name=name)

    payments = Payment.objects.filter(source=Payment.Source.BANK_STATEMENT)
    recorded_count, recorded_total = Counter(), Counter()
    for payment in payments:
        recorded_count[payment.currency] += 1
        recorded_total[payment.currency] += payment.amount.amount
    assert recorded_count == count
    assert recorded_total == total
    assert imported.payments_recorded == sum(count.values()) == imported.credit_lines
    assert imported.duplicates == 0
    assert not [item for item in imported.not_recorded if "duplicate" in item["reason"]]

    before = ledger_snapshot()
    again = bank_statement_import(content=content, actor=staff, file_name=name)
    assert (again.payments_recorded, again.duplicates) == (0, sum(count.values()))
    assert ledger_snapshot() == before
    duplicates = [item for item in again.not_recorded if " as pmt_" in item["reason"]]
    assert len(duplicates) == sum(count.values())
    assert all(imported.public_id in item["reason"] for item in duplicates)
    assert verify_balances() == []
