"""Reading ISO 20022 bank-to-customer statements, camt.053 (BIL-06).

Estonian banks (Swedbank, SEB, LHV, Coop, Luminor) export account statements as camt.053,
versions 001.02 to 001.13. This module turns one file into plain :class:`StatementLine`
records and never touches the database. The XML is read with ``defusedxml``: a DOCTYPE,
entity or external reference is refused, so a crafted file cannot read local files or
exhaust memory.

Each booked credit entry (``Ntry`` with ``CdtDbtInd`` = ``CRDT`` and status ``BOOK``) gives
one line, or one line per ``TxDtls`` when the bank batched several transfers into one entry.
The line's ``external_id`` is the bank's own reference (``AcctSvcrRef`` of the transaction or
the entry, else ``NtryRef``), prefixed with the account IBAN, so the same transfer in a daily
and in a monthly statement is the same payment. A line without any bank reference gets a
digest of its contents instead.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from hostledger.core.errors import DomainError
from hostledger.core.money import Money

_NAMESPACE = re.compile(r"^\{urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d{2})\}Document$")
SUPPORTED_VERSIONS = range(2, 14)


@dataclass(frozen=True)
class StatementLine:
    """One credit transfer into the provider's account, as the bank reported it."""

    external_id: str
    amount: Money
    booking_date: date | None
    value_date: date | None
    structured_reference: str = ""
    unstructured_text: str = ""
    payer_name: str = ""
    payer_account: str = ""


@dataclass
class Statement:
    """What a camt.053 file holds: the account, its statements' ids and the credit lines."""

    schema_version: str
    message_id: str = ""
    account_iban: str = ""
    statement_ids: list[str] = field(default_factory=list)
    credit_lines: list[StatementLine] = field(default_factory=list)
    debit_lines_skipped: int = 0
    not_booked_skipped: int = 0


def _refuse(message: str) -> DomainError:
    return DomainError("invalid_bank_statement", message, fields={"file": message})


class _Reader:
    """Namespace-aware look-ups inside one document."""

    def __init__(self, namespace: str):
        self.namespace = namespace

    def path(self, steps: str) -> str:
        return "/".join(f"{{{self.namespace}}}{step}" for step in steps.split("/"))

    def find(self, element: Element | None, steps: str) -> Element | None:
        return None if element is None else element.find(self.path(steps))

    def findall(self, element: Element, steps: str) -> list[Element]:
        return element.findall(self.path(steps))

    def text(self, element: Element | None, *alternatives: str) -> str:
        for steps in alternatives:
            found = self.find(element, steps)
            if found is not None and (found.text or "").strip():
                return found.text.strip()
        return ""

    def date(self, element: Element | None, steps: str) -> date | None:
        value = self.text(element, f"{steps}/Dt", f"{steps}/DtTm")
        if not value:
            return None
        try:
            return (
                datetime.fromisoformat(value).date() if "T" in value else date.fromisoformat(value)
            )
        except ValueError:
            raise _refuse(f"'{value}' is not a date.") from None

    def amount(self, element: Element | None) -> Money | None:
        if element is None or not (element.text or "").strip():
            return None
        currency = (element.get("Ccy") or "").strip()
        if not currency:
            raise _refuse("An amount has no currency (Ccy).")
        value = element.text.strip()
        if value.startswith("-"):
            raise _refuse(f"Amount '{value}' is negative; camt.053 amounts never are.")
        return Money.of(value, currency, field="file")


def parse_camt053(content: bytes) -> Statement:
    """Read a camt.053 file; raise DomainError naming ``file`` when it is not one."""
    try:
        root = ElementTree.fromstring(content, forbid_dtd=True)
    except DefusedXmlException:
        raise _refuse(
            "The file declares a DTD or entities, which bank statements never do."
        ) from None
    except ElementTree.ParseError as error:
        raise _refuse(f"The file is not well-formed XML: {error}.") from None
    match = _NAMESPACE.match(root.tag)
    if not match or int(match.group(1)) not in SUPPORTED_VERSIONS:
        raise _refuse(
            f"This is not an ISO 20022 camt.053.001.02 to .13 statement (found {root.tag!r})."
        )
    namespace = root.tag[1:].split("}", 1)[0]
    reader = _Reader(namespace)
    body = reader.find(root, "BkToCstmrStmt")
    if body is None:
        raise _refuse("The file has no BkToCstmrStmt element.")
    statement = Statement(schema_version=f"001.{match.group(1)}")
    statement.message_id = reader.text(body, "GrpHdr/MsgId")
    statements = reader.findall(body, "Stmt")
    if not statements:
        raise _refuse("The file holds no statement (Stmt).")
    for stmt in statements:
        statement.statement_ids.append(reader.text(stmt, "Id"))
        iban = reader.text(stmt, "Acct/Id/IBAN", "Acct/Id/Othr/Id")
        if statement.account_iban and iban and iban != statement.account_iban:
            raise _refuse("The statements in one file are of different accounts.")
        statement.account_iban = statement.account_iban or iban
        _read_entries(reader, stmt, statement)
    return statement


def _read_entries(reader: _Reader, stmt: Element, statement: Statement) -> None:
    seen_digests: dict[str, int] = {}
    for entry in reader.findall(stmt, "Ntry"):
        direction = reader.text(entry, "CdtDbtInd")
        if direction == "DBIT":
            statement.debit_lines_skipped += 1
            continue
        if direction != "CRDT":
            raise _refuse(f"Entry direction '{direction}' is neither CRDT nor DBIT.")
        status = reader.text(entry, "Sts/Cd", "Sts")
        if status and status != "BOOK":
            statement.not_booked_skipped += 1
            continue
        entry_amount = reader.amount(reader.find(entry, "Amt"))
        if entry_amount is None:
            raise _refuse("A credit entry has no amount.")
        booking_date = reader.date(entry, "BookgDt")
        value_date = reader.date(entry, "ValDt") or booking_date
        entry_reference = reader.text(entry, "AcctSvcrRef") or reader.text(entry, "NtryRef")
        details = reader.findall(entry, "NtryDtls/TxDtls")
        if not details:
            details = [None]
        for position, detail in enumerate(details):
            if len(details) > 1:
                amount = reader.amount(reader.find(detail, "Amt")) or reader.amount(
                    reader.find(detail, "AmtDtls/TxAmt/Amt")
                )
                if amount is None:
                    raise _refuse("A transfer of a batched entry has no amount.")
            else:
                amount = entry_amount
            own_reference = reader.text(detail, "Refs/AcctSvcrRef")
            if own_reference:
                bank_reference = own_reference
            elif entry_reference:
                bank_reference = (
                    entry_reference if len(details) == 1 else f"{entry_reference}/{position + 1}"
                )
            else:
                bank_reference = ""
            line = StatementLine(
                external_id="",
                amount=amount,
                booking_date=booking_date,
                value_date=value_date,
                structured_reference=reader.text(detail, "RmtInf/Strd/CdtrRefInf/Ref"),
                unstructured_text=" ".join(
                    (item.text or "").strip()
                    for item in (
                        reader.findall(detail, "RmtInf/Ustrd") if detail is not None else []
                    )
                ).strip(),
                payer_name=reader.text(detail, "RltdPties/Dbtr/Pty/Nm", "RltdPties/Dbtr/Nm"),
                payer_account=reader.text(
                    detail, "RltdPties/DbtrAcct/Id/IBAN", "RltdPties/DbtrAcct/Id/Othr/Id"
                ),
            )
            if bank_reference:
                external_id = f"{statement.account_iban}:{bank_reference}"
            else:
                external_id = _digest_id(statement.account_iban, line, seen_digests)
            statement.credit_lines.append(
                StatementLine(**{**line.__dict__, "external_id": external_id[:200]})
            )


def _digest_id(iban: str, line: StatementLine, seen: dict[str, int]) -> str:
    """An id for a line the bank gave no reference: a digest of what the line says, with the
    count of identical lines before it in this statement (two equal transfers stay two)."""
    canonical = "|".join(
        [
            iban,
            str(line.booking_date),
            str(line.value_date),
            str(line.amount.minor),
            line.amount.currency,
            line.structured_reference,
            line.unstructured_text,
            line.payer_name,
            line.payer_account,
        ]
    )
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:40]
    seen[digest] = seen.get(digest, 0) + 1
    return f"{iban}:sha256:{digest}:{seen[digest]}"
