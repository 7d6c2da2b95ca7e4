"""Import of camt.053 bank statements (BIL-06)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction

from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.ledger.actions.payments import payment_receive
from hostledger.ledger.chart import provider_account
from hostledger.ledger.conf import BANK_STATEMENT_MAX_BYTES
from hostledger.ledger.gateways.bank_statement.camt053 import StatementLine, parse_camt053
from hostledger.ledger.locks import lock_client_balance
from hostledger.ledger.models import BankStatementImport, LedgerAccount, Payment
from hostledger.ledger.references import (
    compact_creditor_reference,
    compact_reference_number,
    is_valid_creditor_reference,
    is_valid_reference_number,
    references_in_text,
)
from hostledger.ledger.selectors import clients_for_references


def _line_references(line: StatementLine) -> list[str]:
    """The payment references a line carries: the structured creditor reference first, then
    any found in the free text."""
    found: list[str] = []
    structured = line.structured_reference
    if structured and is_valid_creditor_reference(structured):
        found.append(compact_creditor_reference(structured))
    elif structured and is_valid_reference_number(structured):
        found.append(compact_reference_number(structured))
    for reference in references_in_text(line.unstructured_text):
        if reference not in found:
            found.append(reference)
    return found


def _match(line: StatementLine, clients_by_reference: dict) -> tuple[Any, str, str]:
    """The client a line pays for, the reference that says so, or why there is none."""
    references = _line_references(line)
    matched = {
        clients_by_reference[ref].pk: ref for ref in references if ref in clients_by_reference
    }
    if len(matched) == 1:
        reference = next(iter(matched.values()))
        return clients_by_reference[reference], reference, ""
    if len(matched) > 1:
        return None, "", "references of more than one client"
    if references:
        return None, references[0][:40], "reference belongs to no client"
    return None, line.structured_reference[:40], "no payment reference"


@transaction.atomic
def bank_statement_import(
    *, content: bytes, actor: Any, file_name: str = ""
) -> BankStatementImport:
    """Import a camt.053 statement file: each credit line becomes a payment once (BIL-06).

    A line whose reference (Estonian 7-3-1 reference number or RF creditor reference, in the
    structured field or the free text) names one client is posted to that client's balance;
    any other line waits in the review queue. Debit lines and lines not yet booked are
    skipped and counted. Importing the same file again records nothing new: every line is
    counted as a duplicate. The import itself is kept with the file's hash and its counts.
    """
    if not isinstance(content, bytes) or not content:
        raise DomainError("required", "Choose a statement file.", fields={"file": "required"})
    limit = setting_value(BANK_STATEMENT_MAX_BYTES)
    if len(content) > limit:
        raise DomainError(
            "file_too_large",
            f"The statement file is larger than {limit} bytes.",
            fields={"file": "too large"},
        )
    statement = parse_camt053(content)
    record = BankStatementImport.objects.create(
        file_name=(file_name or "")[:255],
        file_sha256=hashlib.sha256(content).hexdigest(),
        message_id=statement.message_id[:100],
        statement_ids=statement.statement_ids,
        account_iban=statement.account_iban[:34],
        schema_version=statement.schema_version,
        credit_lines=len(statement.credit_lines),
        debit_lines_skipped=statement.debit_lines_skipped,
        not_booked_skipped=statement.not_booked_skipped,
        imported_by=actor,
    )
    references = {ref for line in statement.credit_lines for ref in _line_references(line)}
    clients_by_reference = clients_for_references(references)
    matches = [(line, *_match(line, clients_by_reference)) for line in statement.credit_lines]
    # Lock the balances in client order, so two imports at once cannot deadlock, and before
    # the bank account is looked up (see locks.py).
    for client in sorted({item[1] for item in matches if item[1]}, key=lambda item: item.pk):
        lock_client_balance(client)
    bank = provider_account(LedgerAccount.Kind.BANK)
    counts = {"payments_recorded": 0, "duplicates": 0, "matched": 0, "unmatched": 0}
    for line, client, reference, note in matches:
        payment, created = payment_receive(
            source=Payment.Source.BANK_STATEMENT,
            external_id=line.external_id,
            amount=line.amount,
            counter_account=bank,
            client=client,
            value_date=line.value_date,
            booking_date=line.booking_date,
            reference=reference,
            payer_name=line.payer_name,
            payer_account=line.payer_account,
            remittance_information=line.unstructured_text,
            review_note=note,
            statement_import=record,
            actor=actor,
        )
        if not created:
            counts["duplicates"] += 1
            continue
        counts["payments_recorded"] += 1
        counts["matched" if payment.status == Payment.Status.MATCHED else "unmatched"] += 1
    for name, value in counts.items():
        setattr(record, name, value)
    record.save(update_fields=list(counts))
    record_audit_event(
        action="ledger.bank_statement_imported",
        actor=actor,
        obj=record,
        data={"file_sha256": record.file_sha256, **counts},
    )
    return record
