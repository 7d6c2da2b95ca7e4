"""Realistic camt.053 statement files for tests, shaped as Estonian banks export them.

Swedbank and SEB export camt.053.001.02 with ``<Sts>BOOK</Sts>`` and the debtor's name in
``RltdPties/Dbtr/Nm``; LHV exports camt.053.001.08 (statuses as ``<Sts><Cd>BOOK</Cd></Sts>``,
the debtor under ``Dbtr/Pty``). Every entry carries the bank's ``AcctSvcrRef``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from xml.sax.saxutils import escape

BANKS = {
    "swedbank": {"version": "02", "bic": "HABAEE2X", "name": "Swedbank AS"},
    "seb": {"version": "02", "bic": "EEUHEE2X", "name": "AS SEB Pank"},
    "lhv": {"version": "08", "bic": "LHVBEE22", "name": "AS LHV Pank"},
}

PROVIDER_IBAN = "EE382200221020145685"


@dataclass
class Line:
    """One entry of the statement; ``transfers`` > 1 batches several into one entry."""

    amount: str
    bank_reference: str
    direction: str = "CRDT"
    structured_reference: str = ""
    text: str = ""
    payer_name: str = "MARI TAMM"
    payer_iban: str = "EE471000001020145685"
    booked: bool = True
    currency: str = "EUR"
    booking_date: date = date(2026, 11, 20)
    transfers: list[Line] = field(default_factory=list)
    end_to_end_id: str = "NOTPROVIDED"
    reversal: bool = False
    counter_value_eur: str = ""


def _transfer(line: Line, version: str, *, own_reference: bool) -> str:
    end_to_end = f"<EndToEndId>{escape(line.end_to_end_id)}</EndToEndId>"
    refs = (
        f"<Refs><AcctSvcrRef>{escape(line.bank_reference)}</AcctSvcrRef>{end_to_end}</Refs>"
        if own_reference
        else f"<Refs>{end_to_end}</Refs>"
    )
    if version >= "08":
        parties = (
            f"<RltdPties><Dbtr><Pty><Nm>{escape(line.payer_name)}</Nm></Pty></Dbtr>"
            f"<DbtrAcct><Id><IBAN>{line.payer_iban}</IBAN></Id></DbtrAcct></RltdPties>"
        )
        amount = f'<Amt Ccy="{line.currency}">{line.amount}</Amt>'
    else:
        parties = (
            f"<RltdPties><Dbtr><Nm>{escape(line.payer_name)}</Nm></Dbtr>"
            f"<DbtrAcct><Id><IBAN>{line.payer_iban}</IBAN></Id></DbtrAcct></RltdPties>"
        )
        amount = f'<AmtDtls><TxAmt><Amt Ccy="{line.currency}">{line.amount}</Amt></TxAmt></AmtDtls>'
    if line.counter_value_eur:
        counter = f'<CntrValAmt><Amt Ccy="EUR">{line.counter_value_eur}</Amt></CntrValAmt>'
        if "<AmtDtls>" in amount:
            amount = amount.replace("</AmtDtls>", counter + "</AmtDtls>")
        else:
            amount += f"<AmtDtls>{counter}</AmtDtls>"
    remittance = ""
    if line.structured_reference or line.text:
        remittance = "<RmtInf>"
        if line.text:
            remittance += f"<Ustrd>{escape(line.text)}</Ustrd>"
        if line.structured_reference:
            remittance += (
                "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>"
                f"<Ref>{escape(line.structured_reference)}</Ref></CdtrRefInf></Strd>"
            )
        remittance += "</RmtInf>"
    return f"<TxDtls>{refs}{amount}{parties}{remittance}</TxDtls>"


def _entry(line: Line, version: str) -> str:
    status = "BOOK" if line.booked else "PDNG"
    status_xml = f"<Sts><Cd>{status}</Cd></Sts>" if version >= "08" else f"<Sts>{status}</Sts>"
    if line.transfers:
        details = "".join(_transfer(item, version, own_reference=True) for item in line.transfers)
    else:
        details = _transfer(line, version, own_reference=False)
    day = line.booking_date.isoformat()
    return (
        f'<Ntry><Amt Ccy="{line.currency}">{line.amount}</Amt>'
        f"<CdtDbtInd>{line.direction}</CdtDbtInd>"
        f"{'<RvslInd>true</RvslInd>' if line.reversal else ''}{status_xml}"
        f"<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>"
        f"<AcctSvcrRef>{escape(line.bank_reference)}</AcctSvcrRef>"
        "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>BOOK</SubFmlyCd></Fmly>"
        "</Domn></BkTxCd>"
        f"<NtryDtls>{details}</NtryDtls></Ntry>"
    )


def camt053(
    lines: list[Line],
    *,
    bank: str = "swedbank",
    statement_id: str = "2026-11-20-1",
    iban: str = PROVIDER_IBAN,
    version: str | None = None,
) -> bytes:
    """A camt.053 file of one statement of the provider's account holding ``lines``."""
    profile = BANKS[bank]
    version = version or profile["version"]
    namespace = f"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}"
    entries = "".join(_entry(line, version) for line in lines)
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<Document xmlns="{namespace}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<BkToCstmrStmt>"
        f"<GrpHdr><MsgId>{bank.upper()}-{statement_id}</MsgId>"
        "<CreDtTm>2026-11-21T06:00:00+02:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>{statement_id}</Id><ElctrncSeqNb>1</ElctrncSeqNb>"
        "<CreDtTm>2026-11-21T06:00:00+02:00</CreDtTm>"
        "<FrToDt><FrDtTm>2026-11-20T00:00:00+02:00</FrDtTm>"
        "<ToDtTm>2026-11-20T23:59:59+02:00</ToDtTm></FrToDt>"
        f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy>"
        f"<Ownr><Nm>HostLedger OU</Nm></Ownr><Svcr><FinInstnId><BIC>{profile['bic']}</BIC>"
        f"<Nm>{profile['name']}</Nm></FinInstnId></Svcr></Acct>"
        '<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt>'
        "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-20</Dt></Dt></Bal>"
        f"{entries}</Stmt></BkToCstmrStmt></Document>"
    )
    return document.encode("utf-8")


MESSAGE_ELEMENTS = {
    "052": ("BkToCstmrAcctRpt", "Rpt"),
    "054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn"),
}


def as_message(content: bytes, kind: str) -> bytes:
    """The same file as a camt.052 account report or camt.054 notification: the entries
    stay as they are, only the message and its container are named accordingly."""
    body, container = MESSAGE_ELEMENTS[kind]
    text = content.decode("utf-8").replace("camt.053.001.", f"camt.{kind}.001.")
    text = text.replace("BkToCstmrStmt>", f"{body}>").replace("Stmt>", f"{container}>")
    return text.encode("utf-8")
