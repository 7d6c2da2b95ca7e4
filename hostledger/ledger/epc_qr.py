"""The EPC QR code: a SEPA credit transfer a banking app fills in from a photo (BIL-06).

The European Payments Council's guidelines EPC069-12 ("Quick Response Code: Guidelines to
Enable Data Capture for the Initiation of a SEPA Credit Transfer"), version 002, define the
payload: twelve elements, one per line, separated by a line feed:

====  ==========================================  ============================================
line  element                                     here
====  ==========================================  ============================================
1     service tag                                 ``BCD``
2     version                                     ``002`` (the BIC may be left out in the EEA)
3     character set                               ``1`` (UTF-8)
4     identification                              ``SCT`` (SEPA credit transfer)
5     BIC of the beneficiary's bank               8 or 11 characters, or empty
6     name of the beneficiary                     at most 70 characters, required
7     IBAN of the beneficiary                     at most 34 characters, required
8     amount                                      ``EUR`` and 0.01 to 999999999.99, or empty
9     purpose                                     four letters, or empty
10    structured remittance (creditor reference)  an ISO 11649 ``RF`` reference, at most 35
11    unstructured remittance                     at most 140 characters
12    beneficiary to originator information       at most 70 characters
====  ==========================================  ============================================

Lines 10 and 11 are exclusive: one of them or neither. The Estonian 7-3-1 reference number is
not an ISO 11649 reference, so the structured field carries the client's RF reference, which
HostLedger builds on the same digits (``hostledger.ledger.references``). Empty trailing
elements are left out, the whole payload is at most 331 bytes, and the code uses error
correction level M, as the guidelines require.

:func:`epc_qr_svg` draws the code as an SVG image with a text alternative, to be placed
inline in pages and PDFs; no raster image and no file is made.
"""

from __future__ import annotations

import re
from decimal import Decimal
from html import escape
from typing import Protocol

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from hostledger.core.bank_accounts import clean_bic, clean_iban
from hostledger.core.money import Money, format_money
from hostledger.ledger.references import compact_creditor_reference

SERVICE_TAG = "BCD"
VERSION = "002"
CHARACTER_SET_UTF8 = "1"
IDENTIFICATION = "SCT"
MAX_PAYLOAD_BYTES = 331
NAME_MAX = 70
IBAN_MAX = 34
CREDITOR_REFERENCE_MAX = 35
REMITTANCE_TEXT_MAX = 140
BENEFICIARY_NOTE_MAX = 70
AMOUNT_MIN = Decimal("0.01")
AMOUNT_MAX = Decimal("999999999.99")
QUIET_ZONE_MODULES = 4  # the margin ISO/IEC 18004 asks for around a QR code
_PURPOSE = re.compile(r"^[A-Z]{4}$")
_LINE_BREAKS = re.compile(r"[\r\n]+")


def _one_line(value: str) -> str:
    """A field's text on one line: a line break would shift every element after it."""
    return _LINE_BREAKS.sub(" ", str(value or "")).strip()


def _at_most(value: str, limit: int, field: str) -> str:
    if len(value) > limit:
        raise ValueError(f"{field} is at most {limit} characters in an EPC QR code.")
    return value


def _amount(amount: Money | None) -> str:
    if amount is None:
        return ""
    if amount.currency != "EUR":
        raise ValueError(f"An EPC QR code carries euros only, not {amount.currency}.")
    value = amount.amount
    if not AMOUNT_MIN <= value <= AMOUNT_MAX:
        raise ValueError(f"An EPC QR code amount is {AMOUNT_MIN} to {AMOUNT_MAX} euros.")
    return f"EUR{value:.2f}"


def epc_qr_payload(
    *,
    beneficiary_name: str,
    iban: str,
    bic: str = "",
    amount: Money | None = None,
    creditor_reference: str = "",
    remittance_text: str = "",
    purpose: str = "",
    beneficiary_note: str = "",
) -> str:
    """The EPC069-12 version 002 payload of a SEPA credit transfer; ValueError naming the
    field when a value cannot be put in it.

    The beneficiary's name is cut to its 70 characters, as banks print long names; every
    other element is refused when too long, since cutting a reference or an account would
    send the money astray.
    """
    name = _one_line(beneficiary_name)[:NAME_MAX].strip()
    if not name:
        raise ValueError("The beneficiary's name is required in an EPC QR code.")
    account = _at_most(clean_iban(iban), IBAN_MAX, "The IBAN")
    structured = ""
    if creditor_reference:
        structured = _at_most(
            compact_creditor_reference(creditor_reference),
            CREDITOR_REFERENCE_MAX,
            "The creditor reference",
        )
    text = _at_most(_one_line(remittance_text), REMITTANCE_TEXT_MAX, "The remittance text")
    if structured and text:
        raise ValueError("An EPC QR code carries a creditor reference or a text, not both.")
    purpose_code = _one_line(purpose).upper()
    if purpose_code and not _PURPOSE.match(purpose_code):
        raise ValueError("The purpose of an EPC QR code is four letters (ISO 20022).")
    elements = [
        SERVICE_TAG,
        VERSION,
        CHARACTER_SET_UTF8,
        IDENTIFICATION,
        clean_bic(bic),
        name,
        account,
        _amount(amount),
        purpose_code,
        structured,
        text,
        _at_most(_one_line(beneficiary_note), BENEFICIARY_NOTE_MAX, "The note"),
    ]
    while not elements[-1]:
        elements.pop()
    payload = "\n".join(elements)
    size = len(payload.encode("utf-8"))
    if size > MAX_PAYLOAD_BYTES:
        raise ValueError(
            f"An EPC QR code holds at most {MAX_PAYLOAD_BYTES} bytes; this one needs {size}."
        )
    return payload


def epc_qr_matrix(payload: str) -> list[list[bool]]:
    """The QR code's modules, dark as True, with its quiet zone, at error correction M."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE_MODULES)
    code.add_data(payload.encode("utf-8"), optimize=0)
    code.make(fit=True)
    return code.get_matrix()


def _dark_runs(matrix: list[list[bool]]):
    """(column, row, length) of each horizontal run of dark modules."""
    for row_number, row in enumerate(matrix):
        column = 0
        while column < len(row):
            if row[column]:
                start = column
                while column < len(row) and row[column]:
                    column += 1
                yield start, row_number, column - start
            else:
                column += 1


def epc_qr_svg(payload: str, *, label: str) -> str:
    """The QR code of ``payload`` as an inline SVG image whose text alternative is
    ``label`` (what the code pays, in words, for people who cannot scan it)."""
    matrix = epc_qr_matrix(payload)
    size = len(matrix)
    path = "".join(f"M{x} {y}h{length}v1h-{length}z" for x, y, length in _dark_runs(matrix))
    text = escape(label)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'class="epc-qr" role="img" aria-label="{text}" shape-rendering="crispEdges">'
        f"<title>{text}</title>"
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path d="{path}" fill="#000"/></svg>'
    )


class CreditTransfer(Protocol):
    """What a transfer to the provider says: the account, the amount (None for any) and the
    client's RF reference ("" for none)."""

    beneficiary: str
    iban: str
    bic: str
    amount: Money | None
    creditor_reference: str


def credit_transfer_qr_svg(transfer: CreditTransfer, language: str = "en") -> str:
    """The EPC QR code of ``transfer``, or "" when its details cannot be put in one (no
    IBAN, an amount in another currency): the page then shows the details in words alone.
    The text alternative says what the code pays."""
    try:
        payload = epc_qr_payload(
            beneficiary_name=transfer.beneficiary,
            iban=transfer.iban,
            bic=transfer.bic,
            amount=transfer.amount,
            creditor_reference=transfer.creditor_reference,
        )
    except ValueError:
        return ""
    amount = transfer.amount
    what = f"{format_money(amount, language)} " if amount is not None else ""
    label = f"QR code for a bank transfer of {what}to {transfer.beneficiary}, IBAN {transfer.iban}"
    if transfer.creditor_reference:
        label += f", reference {transfer.creditor_reference}"
    return epc_qr_svg(payload, label=label)
