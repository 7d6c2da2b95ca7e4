"""Reading ISO 20022 bank-to-customer cash management files: camt.052, camt.053, camt.054
(BIL-06).

Banks report the same booked transactions three ways: the intraday account report
(camt.052, ``BkToCstmrAcctRpt/Rpt``), the end-of-day statement (camt.053,
``BkToCstmrStmt/Stmt``) and the debit/credit notification (camt.054,
``BkToCstmrDbtCdtNtfctn/Ntfctn``); every version from .001.01 to .001.13 shares the ``Ntry``
structure read here. This module turns one file into plain records and never touches the
database. The XML is read with ``defusedxml``: a DOCTYPE, entity or external reference is
refused, so a crafted file cannot read local files or exhaust memory.

Each booked credit (``Ntry`` with ``CdtDbtInd`` = ``CRDT`` and status ``BOOK``) gives one line,
or one line per ``TxDtls`` when the bank batched several transfers into one entry. A booked
debit with ``RvslInd`` true is the bank taking back an earlier credit: a reversal line.

**The key of a line** (:attr:`StatementLine.key`) says which transaction it is, so the same
transfer in a daily and a monthly statement, or in a camt.052, a camt.054 and the day's
camt.053, is recorded once, while two different transfers are never taken for one. A bank
reference is not unique per credit (a batch shares the entry's ``AcctSvcrRef``; banks reuse
references), so the key is built from the account, the booking date, the transaction's own
references (``AcctSvcrRef``, ``EndToEndId``, ``TxId``, ``InstrId``, ``UETR``), its position in
the entry and its amount; a line without any reference is keyed by everything it says. Both
carry the line's occurrence number among identical keys of its statement, so two equal
lines in one statement stay two payments.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element

import iso4217
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from hostledger.core.errors import DomainError
from hostledger.core.money import DEFAULT_CURRENCY, Money

_NAMESPACE = re.compile(
    r"^\{urn:iso:std:iso:20022:tech:xsd:camt\.(05[234])\.001\.(\d{2})\}Document$"
)
SUPPORTED_VERSIONS = range(1, 14)
MESSAGES = {
    "052": ("BkToCstmrAcctRpt", "Rpt", "account report"),
    "053": ("BkToCstmrStmt", "Stmt", "statement"),
    "054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn", "notification"),
}
TRANSACTION_REFERENCES = ("AcctSvcrRef", "EndToEndId", "TxId", "InstrId", "UETR")
"""The references of ``TxDtls/Refs`` that identify one transaction, in key order."""
KEY_REFERENCES = ("AcctSvcrRef", "UETR", "EndToEndId", "TxId", "InstrId")
"""The reference that keys a transaction: the first of these it carries."""
NO_REFERENCE = {"NOTPROVIDED", "NONREF", "NONE", "NOREF"}
"""Placeholders banks write where the payer gave no reference; never part of a key."""
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$")


class Reason:
    """Why a line of the file is not recorded as a payment; shown on the import result."""

    DEBIT = "outgoing payment (debit)"
    NOT_BOOKED = "not booked yet (status {status})"
    OTHER_ACCOUNT = "account {account} is not one of the provider's bank accounts"
    NO_ACCOUNT = "the statement names no account"


@dataclass(frozen=True)
class StatementLine:
    """One booked transaction of the provider's account, as the bank reported it."""

    key: str
    amount: Money
    booking_date: date | None
    value_date: date | None
    account: str
    statement_id: str
    entry_number: int
    entry_reference: str
    transaction_references: dict[str, str] = field(default_factory=dict)
    structured_reference: str = ""
    unstructured_text: str = ""
    payer_name: str = ""
    payer_account: str = ""
    original_amount: Money | None = None
    """The amount in the currency the bank booked, when its counter-value in euros is used."""
    returned: bool = False
    """A credit that reverses an earlier debit (``RvslInd`` on a credit): money sent back."""

    @property
    def bank_reference(self) -> str:
        return self.transaction_references.get("AcctSvcrRef") or self.entry_reference

    @property
    def label(self) -> str:
        """Where the line is: statement, entry and reference, for messages to staff."""
        return line_label(self.statement_id, self.entry_number, self.bank_reference)

    @property
    def references_text(self) -> str:
        """The transaction's own references as stored with a payment, ``Name=value;`` each."""
        return "".join(f"{name}={value};" for name, value in self.transaction_references.items())


@dataclass(frozen=True)
class SkippedLine:
    """A part of the file that is not recorded, and why."""

    statement_id: str
    entry_number: int
    reference: str
    amount: str
    reason: str

    @property
    def label(self) -> str:
        return line_label(self.statement_id, self.entry_number, self.reference)


@dataclass
class BankFile:
    """What a camt file holds for the provider: credits, reversals and what was skipped."""

    message_type: str
    schema_version: str
    message_id: str = ""
    statement_ids: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    credit_lines: list[StatementLine] = field(default_factory=list)
    reversal_lines: list[StatementLine] = field(default_factory=list)
    skipped: list[SkippedLine] = field(default_factory=list)

    def count_skipped(self, reason_start: str) -> int:
        return sum(1 for item in self.skipped if item.reason.startswith(reason_start))


def line_label(statement_id: str, entry_number: int, reference: str) -> str:
    where = f"statement {statement_id or '(no id)'}"
    if entry_number:
        where += f", entry {entry_number}"
    if reference:
        where += f" (reference {reference})"
    return where


def normalised_account(value: str) -> str:
    """An account id as compared: no spaces, upper case (IBANs are printed in groups)."""
    return re.sub(r"\s+", "", value or "").upper()


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

    def findall(self, element: Element | None, steps: str) -> list[Element]:
        return [] if element is None else element.findall(self.path(steps))

    def text(self, element: Element | None, *alternatives: str) -> str:
        for steps in alternatives:
            found = self.find(element, steps)
            if found is not None and (found.text or "").strip():
                return found.text.strip()
        return ""


def parse_date(value: str, where: str) -> date:
    """A ``Dt`` (``xs:date``, with or without a time-zone offset) or ``DtTm``
    (``xs:dateTime``, with or without fractions and offset) as the calendar date written."""
    value = value.strip()
    matched = _DATE.match(value)
    try:
        if matched:
            return date.fromisoformat(matched.group(1))
        if "T" in value:
            return datetime.fromisoformat(value.replace("z", "Z")).date()
    except ValueError:
        pass
    raise _refuse(f"{where}: '{value}' is not a date.")


def _currency(code: str, where: str) -> str:
    """``code`` if it is an ISO 4217 currency money can be in; ``XXX`` (no currency),
    ``XTS`` (testing), metals and unknown codes are refused naming the line."""
    code = (code or "").strip()
    if not code:
        raise _refuse(f"{where}: the amount has no currency (Ccy).")
    try:
        known = iso4217.Currency(code)
    except ValueError:
        known = None
    if known is None or known.exponent is None:
        raise _refuse(f"{where}: '{code}' is not an ISO 4217 currency of money.")
    return code


def _money(element: Element | None, where: str) -> Money | None:
    """The amount of an ``Amt``-like element: positive, in a real currency, with no more
    decimals than the currency has (trailing zeros are fine)."""
    if element is None or not (element.text or "").strip():
        return None
    currency = _currency(element.get("Ccy") or "", where)
    raw = element.text.strip()
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise _refuse(f"{where}: amount '{raw}' is not a number.") from None
    if not number.is_finite() or number <= 0:
        raise _refuse(f"{where}: amount: must be above zero (got '{raw}').")
    try:
        return Money.of(raw, currency)
    except DomainError as error:
        raise _refuse(f"{where}: amount: {error.message}") from None


def parse_bank_file(content: bytes, own_accounts: set[str] | None = None) -> BankFile:
    """Read a camt.052, .053 or .054 file; raise DomainError naming ``file`` (and the line)
    when it is not one. Statements of accounts outside ``own_accounts`` (normalised ids;
    ``None`` reads every account) are listed as skipped."""
    try:
        root = ElementTree.fromstring(content, forbid_dtd=True)
    except DefusedXmlException:
        raise _refuse(
            "The file declares a DTD or entities, which bank statements never do."
        ) from None
    except ElementTree.ParseError as error:
        raise _refuse(f"The file is not well-formed XML: {error}.") from None
    match = _NAMESPACE.match(root.tag)
    if not match or int(match.group(2)) not in SUPPORTED_VERSIONS:
        raise _refuse(
            "This is not an ISO 20022 camt.052, camt.053 or camt.054 file of versions "
            f".001.01 to .001.13 (found {root.tag!r})."
        )
    kind = match.group(1)
    body_name, container_name, container_word = MESSAGES[kind]
    reader = _Reader(root.tag[1:].split("}", 1)[0])
    # Version .001.01 names the message element with its version (BkToCstmrStmtV01).
    body = reader.find(root, body_name)
    if body is None:
        body = reader.find(root, f"{body_name}V01")
    if body is None:
        raise _refuse(f"The file has no {body_name} element.")
    parsed = BankFile(message_type=f"camt.{kind}", schema_version=f"001.{match.group(2)}")
    parsed.message_id = reader.text(body, "GrpHdr/MsgId")
    containers = reader.findall(body, container_name)
    if not containers:
        raise _refuse(f"The file holds no {container_word} ({container_name}).")
    for container in containers:
        statement_id = reader.text(container, "Id")
        parsed.statement_ids.append(statement_id)
        account = normalised_account(reader.text(container, "Acct/Id/IBAN", "Acct/Id/Othr/Id"))
        if not account or (own_accounts is not None and account not in own_accounts):
            reason = Reason.OTHER_ACCOUNT.format(account=account) if account else Reason.NO_ACCOUNT
            entries = len(reader.findall(container, "Ntry"))
            parsed.skipped.append(SkippedLine(statement_id, 0, "", f"{entries} entries", reason))
            continue
        if account not in parsed.accounts:
            parsed.accounts.append(account)
        _read_entries(reader, container, statement_id, account, parsed)
    return parsed


def _transaction_amount(
    reader: _Reader, entry: Element, detail: Element | None, batched: bool, where: str
) -> tuple[Money, Money | None]:
    """The line's amount in euros where the bank states it, and the amount it replaced.

    A lone transaction is the entry's amount (in the account's currency); a transaction of a
    batch is its own ``Amt`` (camt .03 and later) or ``AmtDtls/TxAmt``. When that is not in
    euros but the bank gives a euro counter-value (``AmtDtls/CntrValAmt`` or ``TxAmt`` in
    EUR), the euro amount is used."""
    if batched:
        amount = _money(reader.find(detail, "Amt"), where) or _money(
            reader.find(detail, "AmtDtls/TxAmt/Amt"), where
        )
        if amount is None:
            raise _refuse(f"{where}: a transfer of a batched entry has no amount.")
    else:
        amount = _money(reader.find(entry, "Amt"), where)
        if amount is None:
            raise _refuse(f"{where}: the entry has no amount.")
    if amount.currency == DEFAULT_CURRENCY:
        return amount, None
    for holder in (detail, entry):
        for steps in ("AmtDtls/CntrValAmt/Amt", "AmtDtls/TxAmt/Amt"):
            found = reader.find(holder, steps)
            if found is not None and (found.get("Ccy") or "").strip() == DEFAULT_CURRENCY:
                counter_value = _money(found, where)
                if counter_value is not None:
                    return counter_value, amount
    return amount, None


def _read_entries(
    reader: _Reader, container: Element, statement_id: str, account: str, parsed: BankFile
) -> None:
    occurrences: dict[str, int] = {}
    for number, entry in enumerate(reader.findall(container, "Ntry"), start=1):
        entry_reference = reader.text(entry, "AcctSvcrRef") or reader.text(entry, "NtryRef")
        where = line_label(statement_id, number, entry_reference)
        direction = reader.text(entry, "CdtDbtInd")
        reversal = reader.text(entry, "RvslInd").lower() in {"true", "1"}
        status = reader.text(entry, "Sts/Cd", "Sts")
        raw_amount = reader.text(entry, "Amt")
        if direction not in {"CRDT", "DBIT"}:
            raise _refuse(f"{where}: direction '{direction}' is neither CRDT nor DBIT.")
        if status and status != "BOOK":
            parsed.skipped.append(
                SkippedLine(
                    statement_id,
                    number,
                    entry_reference,
                    raw_amount,
                    Reason.NOT_BOOKED.format(status=status),
                )
            )
            continue
        if direction == "DBIT" and not reversal:
            parsed.skipped.append(
                SkippedLine(statement_id, number, entry_reference, raw_amount, Reason.DEBIT)
            )
            continue
        booking_date = _entry_date(reader, entry, "BookgDt", where)
        value_date = _entry_date(reader, entry, "ValDt", where) or booking_date
        details = reader.findall(entry, "NtryDtls/TxDtls") or [None]
        batched = len(details) > 1
        for position, detail in enumerate(details, start=1):
            references = {
                name: value
                for name in TRANSACTION_REFERENCES
                if (value := reader.text(detail, f"Refs/{name}"))
                and value.upper() not in NO_REFERENCE
            }
            line_where = line_label(
                statement_id, number, references.get("AcctSvcrRef") or entry_reference
            )
            amount, original = _transaction_amount(reader, entry, detail, batched, line_where)
            debtor = "Cdtr" if direction == "DBIT" else "Dbtr"
            line = StatementLine(
                key="",
                returned=reversal and direction == "CRDT",
                amount=amount,
                original_amount=original,
                booking_date=booking_date,
                value_date=value_date,
                account=account,
                statement_id=statement_id,
                entry_number=number,
                entry_reference=entry_reference,
                transaction_references=references,
                structured_reference=reader.text(detail, "RmtInf/Strd/CdtrRefInf/Ref"),
                unstructured_text=" ".join(
                    (item.text or "").strip() for item in reader.findall(detail, "RmtInf/Ustrd")
                ).strip(),
                payer_name=reader.text(
                    detail, f"RltdPties/{debtor}/Pty/Nm", f"RltdPties/{debtor}/Nm"
                ),
                payer_account=reader.text(
                    detail,
                    f"RltdPties/{debtor}Acct/Id/IBAN",
                    f"RltdPties/{debtor}Acct/Id/Othr/Id",
                ),
            )
            keyed = StatementLine(
                **{**line.__dict__, "key": _line_key(line, position, direction, occurrences)}
            )
            if direction == "DBIT":
                parsed.reversal_lines.append(keyed)
            else:
                parsed.credit_lines.append(keyed)


def _entry_date(reader: _Reader, entry: Element, name: str, where: str) -> date | None:
    value = reader.text(entry, f"{name}/Dt", f"{name}/DtTm")
    return parse_date(value, where) if value else None


def _line_key(
    line: StatementLine, position: int, direction: str, occurrences: dict[str, int]
) -> str:
    """The line's identity: account and booking date, then the transaction's own reference
    with its position in the entry and its amount, or — without any reference — everything
    the line says; followed by the occurrence of that identity in this statement.

    The reference is the first the transaction has of :data:`KEY_REFERENCES` (the bank's own
    ``AcctSvcrRef`` first: a bank repeats it in its 052, 054 and 053, while later schema
    versions add a ``UETR`` the older ones of the same message lack), else the entry's."""
    reference = next(
        (
            f"{name}={line.transaction_references[name]}"
            for name in KEY_REFERENCES
            if line.transaction_references.get(name)
        ),
        f"AcctSvcrRef={line.entry_reference}" if line.entry_reference else "",
    )
    money = f"{line.amount.minor}{line.amount.currency}"
    if reference:
        kind, parts = "ref", [reference, str(position)]
    else:
        kind = "content"
        parts = [
            str(line.value_date),
            line.structured_reference,
            line.unstructured_text,
            line.payer_name,
            line.payer_account,
        ]
    canonical = "|".join([direction, line.account, str(line.booking_date), money, *parts])
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:40]
    occurrences[digest] = occurrences.get(digest, 0) + 1
    return f"{line.account}:{kind}:{digest}:{occurrences[digest]}"
