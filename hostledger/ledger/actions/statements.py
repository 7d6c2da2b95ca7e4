"""Import of bank files: camt.053 statements, camt.052 reports, camt.054 notifications
(BIL-06).

Each booked credit line of the provider's own accounts becomes a payment once, keyed by what
identifies that transaction (see :mod:`hostledger.ledger.gateways.bank_statement.camt`), so a
statement imported again, an overlapping statement, or the same transfer in a 052, a 054
and the day's 053 records nothing twice, while two transfers under one bank reference stay
two payments. A line is matched to its client by the client's payment reference (7-3-1
reference number or RF creditor reference) and, failing that, by an invoice named in the
remittance text; any other line waits in the review queue. A booked reversal of a credit
reverses that payment. Every line not recorded is listed on the import with the reason.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.core.money import DEFAULT_CURRENCY
from hostledger.core.registry import setting_value
from hostledger.ledger.actions.payments import payment_receive, reversal_record
from hostledger.ledger.chart import provider_account
from hostledger.ledger.conf import BANK_STATEMENT_MAX_BYTES
from hostledger.ledger.gateways.bank_statement.camt import (
    BankFile,
    SkippedLine,
    StatementLine,
    parse_bank_file,
)
from hostledger.ledger.locks import lock_client_balance
from hostledger.ledger.models import BankStatementImport, LedgerAccount, Payment, PaymentReversal
from hostledger.ledger.references import (
    compact_creditor_reference,
    compact_reference_number,
    is_valid_creditor_reference,
    is_valid_reference_number,
    references_in_text,
)
from hostledger.ledger.selectors import (
    clients_for_references,
    entity_of_bank_account,
    provider_bank_accounts,
)

InvoicesNamed = Callable[[set[str]], dict[str, Any]]
"""Given words of remittance texts (upper case), the invoices they name: word → an object
with ``client`` and ``public_id`` (an invoice number or a proforma's id). Supplied by the
caller, since invoices belong to the invoicing app, which builds on the ledger."""

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_/-]{3,39}")
WORDS_PER_LINE = 30
NOTE_RETURNED = "money sent back to the provider (reversal of an outgoing payment)"


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


def remittance_words(line: StatementLine) -> list[str]:
    """The words of a line's remittance that could be an invoice number or id, upper case."""
    text = f"{line.unstructured_text} {line.structured_reference}"
    return [word.upper().rstrip("/-") for word in _WORD.findall(text)][:WORDS_PER_LINE]


def _match(line: StatementLine, clients_by_reference: dict, invoices: dict) -> dict:
    """The client a line pays for, the reference that says so, the invoice it names, or why
    there is no client."""
    references = _line_references(line)
    matched = {
        clients_by_reference[ref].pk: ref for ref in references if ref in clients_by_reference
    }
    # A statement line reached one entity's account: it names only that entity's documents,
    # so a reference to another entity's invoice never pays it.
    entity_id = entity_of_bank_account(line.account)
    named = [
        invoices[word]
        for word in remittance_words(line)
        if word in invoices and getattr(invoices[word], "entity_id", entity_id) == entity_id
    ]
    if len(matched) > 1:
        return {"client": None, "reference": "", "note": "references of more than one client"}
    if matched:
        reference = next(iter(matched.values()))
        client = clients_by_reference[reference]
        own = [item for item in named if item.client.pk == client.pk]
        return {
            "client": client,
            "reference": reference,
            "invoice": own[0].public_id if own else "",
        }
    named_clients = {item.client.pk for item in named}
    if len(named_clients) == 1:
        return {"client": named[0].client, "reference": "", "invoice": named[0].public_id}
    if len(named_clients) > 1:
        return {"client": None, "reference": "", "note": "invoices of more than one client"}
    if references:
        return {"reference": references[0][:40], "note": "reference belongs to no client"}
    return {"reference": line.structured_reference[:40], "note": "no payment reference"}


def _not_recorded(item: SkippedLine | StatementLine, reason: str, amount: str = "") -> dict:
    return {
        "line": item.label,
        "amount": amount or str(getattr(item, "amount", "")),
        "reason": reason,
    }


def _duplicate_reason(stored: Payment | PaymentReversal) -> str:
    earlier = stored.statement_import
    if earlier is not None:
        return f"duplicate: recorded by import {earlier.public_id} as {stored.public_id}"
    return f"duplicate: recorded earlier as {stored.public_id}"


def _check_size(content: Any) -> None:
    if not isinstance(content, bytes) or not content:
        raise DomainError(
            "required", gettext("Choose a statement file."), fields={"file": "required"}
        )
    limit = setting_value(BANK_STATEMENT_MAX_BYTES)
    if len(content) > limit:
        raise DomainError(
            "file_too_large",
            gettext("The statement file is larger than %(limit)s bytes.") % {"limit": limit},
            fields={"file": "too large"},
        )


@transaction.atomic
def bank_statement_import(
    *,
    content: bytes,
    actor: Any,
    file_name: str = "",
    invoices_named: InvoicesNamed | None = None,
) -> BankStatementImport:
    """Import a camt.052, camt.053 or camt.054 file (BIL-06).

    Each booked credit line of the provider's accounts becomes a payment once: posted to the
    client its payment reference (or, failing that, the invoice its remittance names) points
    to, else waiting in the review queue with the reason; a line naming an open proforma
    keeps that proforma's id for the next step (:attr:`Payment.named_invoice`). A booked
    reversal of a credit reverses that payment (a new correction entry), or waits for staff
    when the payment cannot be found. Lines of other accounts, debits, lines not booked and
    lines recorded by an earlier import are listed in :attr:`BankStatementImport.not_recorded`
    with the reason. A refused file records nothing.
    """
    _check_size(content)
    parsed = parse_bank_file(content, own_accounts=provider_bank_accounts())
    record = BankStatementImport.objects.create(
        file_name=(file_name or "")[:255],
        file_sha256=hashlib.sha256(content).hexdigest(),
        message_id=parsed.message_id[:100],
        message_type=parsed.message_type,
        statement_ids=parsed.statement_ids,
        accounts=parsed.accounts,
        account_iban=(parsed.accounts[0] if parsed.accounts else "")[:34],
        schema_version=parsed.schema_version,
        credit_lines=len(parsed.credit_lines),
        debit_lines_skipped=parsed.count_skipped("outgoing"),
        not_booked_skipped=parsed.count_skipped("not booked"),
        imported_by=actor,
    )
    not_recorded = [_not_recorded(item, item.reason, item.amount) for item in parsed.skipped]
    counts = _credits_record(parsed, record, actor, invoices_named, not_recorded)
    counts.update(_reversals_record(parsed, record, actor, not_recorded))
    for name, value in counts.items():
        setattr(record, name, value)
    record.not_recorded = not_recorded
    record.save(update_fields=[*counts, "not_recorded"])
    record_audit_event(
        action="ledger.bank_statement_imported",
        actor=actor,
        obj=record,
        data={"file_sha256": record.file_sha256, **counts},
    )
    return record


def _credits_record(
    parsed: BankFile,
    record: BankStatementImport,
    actor: Any,
    invoices_named: InvoicesNamed | None,
    not_recorded: list[dict],
) -> dict[str, int]:
    lines = parsed.credit_lines
    references = {ref for line in lines for ref in _line_references(line)}
    clients_by_reference = clients_for_references(references)
    words = {word for line in lines for word in remittance_words(line)}
    invoices = invoices_named(words) if invoices_named and words else {}
    matches = []
    for line in lines:
        found = _match(line, clients_by_reference, invoices)
        if line.returned:
            found = {"reference": found.get("reference", ""), "note": NOTE_RETURNED}
        elif line.amount.currency != DEFAULT_CURRENCY:
            note = f"paid in {line.amount.currency}, not {DEFAULT_CURRENCY}"
            found = {"reference": found.get("reference", ""), "note": note}
        matches.append((line, found))
    # Lock the balances in client order, so two imports at once cannot deadlock, and before
    # the bank account is looked up (see locks.py).
    clients = {found["client"].pk: found["client"] for _, found in matches if found.get("client")}
    for client_id in sorted(clients):
        lock_client_balance(clients[client_id])
    bank = provider_account(LedgerAccount.Kind.BANK)
    counts = {"payments_recorded": 0, "duplicates": 0, "matched": 0, "unmatched": 0}
    for line, found in matches:
        payment, created = payment_receive(
            source=Payment.Source.BANK_STATEMENT,
            external_id=line.key,
            amount=line.amount,
            counter_account=bank,
            client=found.get("client"),
            value_date=line.value_date,
            booking_date=line.booking_date,
            reference=found.get("reference", ""),
            payer_name=line.payer_name,
            payer_account=line.payer_account,
            remittance_information=line.unstructured_text,
            review_note=found.get("note", ""),
            statement_import=record,
            actor=actor,
            bank_account=line.account,
            bank_references=line.references_text,
            named_invoice=found.get("invoice", ""),
        )
        if not created:
            counts["duplicates"] += 1
            not_recorded.append(_not_recorded(line, _duplicate_reason(payment)))
            continue
        counts["payments_recorded"] += 1
        counts["matched" if payment.status == Payment.Status.MATCHED else "unmatched"] += 1
    return counts


def _reversals_record(
    parsed: BankFile, record: BankStatementImport, actor: Any, not_recorded: list[dict]
) -> dict[str, int]:
    counts = {"reversals_applied": 0, "reversals_waiting": 0}
    for line in parsed.reversal_lines:
        reversal, created = reversal_record(
            external_id=line.key,
            amount=line.amount,
            booking_date=line.booking_date,
            bank_account=line.account,
            bank_references=line.references_text,
            reason=f"Reversed by the bank: {line.label}.",
            statement_import=record,
            actor=actor,
        )
        if not created:
            not_recorded.append(_not_recorded(line, _duplicate_reason(reversal)))
            continue
        if reversal.status == PaymentReversal.Status.APPLIED:
            counts["reversals_applied"] += 1
        else:
            counts["reversals_waiting"] += 1
    return counts
