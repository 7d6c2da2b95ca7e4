"""The register of processors and the record of processing activities (GDPR-09, GDPR art. 30,
000 §business partners).

Processors are kept by staff. The record of processing activities has one row per purpose of
processing named in the personal-data declarations (GDPR-01): the categories of data, the
legal bases, the retention rules and where the data is stored are read from the declarations,
so a new declared field appears in the record without anyone typing it; staff add what the
declarations cannot know (controller contact, data subjects, recipients, processors used,
security measures) in a :class:`ProcessingActivity` row of the same purpose.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.apps import apps
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from hostledger.accounts.validation import EU_COUNTRIES, FieldErrors, clean_country, clean_text
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError, NotFound
from hostledger.core.personal_data import personal_fields
from hostledger.core.registry import setting_value
from hostledger.privacy.models import ProcessingActivity, Processor, TransferSafeguard

EEA_COUNTRIES = EU_COUNTRIES | {"IS", "LI", "NO"}
"""Transfers inside these countries need no safeguard (GDPR chapter V)."""

MAX_TEXT_LENGTH = 2000


# ----------------------------------------------------------------------------- processors


def _checked_processor(data: dict) -> dict:
    errors = FieldErrors()
    name = clean_text(data.get("name"), "name", errors, required=True)
    function = clean_text(data.get("function"), "function", errors, required=True)
    country = clean_country(data.get("country"), "country", errors)
    safeguard = str(data.get("transfer_safeguard") or "")
    if safeguard not in TransferSafeguard.values:
        errors.add("transfer_safeguard", gettext("Choose one of the listed safeguards."))
    elif "country" not in errors.errors and country not in EEA_COUNTRIES and not safeguard:
        errors.add(
            "transfer_safeguard",
            gettext("A processor outside the EEA needs a transfer safeguard (GDPR art. 44-49)."),
        )
    signed_on = data.get("agreement_signed_on")
    if signed_on is not None and not isinstance(signed_on, date):
        errors.add("agreement_signed_on", gettext("A date (YYYY-MM-DD)."))
    errors.raise_if_any()
    return {
        "name": name,
        "function": function,
        "country": country,
        "transfer_safeguard": "" if country in EEA_COUNTRIES else safeguard,
        "agreement_signed_on": signed_on,
        "is_active": bool(data.get("is_active", True)),
    }


@transaction.atomic
def processor_create(*, data: dict, actor=None, now: datetime | None = None) -> Processor:
    """Add a processor to the register (GDPR-09); one outside the EEA needs a safeguard."""
    processor = Processor.objects.create(
        **_checked_processor(data), updated_at=now or timezone.now()
    )
    record_audit_event(
        action="privacy.processor_added", actor=actor, obj=processor, data={"name": processor.name}
    )
    return processor


@transaction.atomic
def processor_update(
    *, processor: Processor, data: dict, actor=None, now: datetime | None = None
) -> Processor:
    """Change a processor's entry; retiring one is ``is_active=False`` so the record of
    earlier activities keeps naming it (GDPR-09)."""
    processor = Processor.objects.select_for_update().get(pk=processor.pk)
    checked = _checked_processor(data)
    changed = {name: value for name, value in checked.items() if getattr(processor, name) != value}
    for name, value in checked.items():
        setattr(processor, name, value)
    processor.updated_at = now or timezone.now()
    processor.save()
    record_audit_event(
        action="privacy.processor_changed",
        actor=actor,
        obj=processor,
        data={"fields": sorted(changed)},
    )
    return processor


def processor_for_staff(public_id: str) -> Processor:
    processor = Processor.objects.filter(public_id=public_id).first()
    if processor is None:
        raise NotFound("processor")
    return processor


def processors_all() -> list[Processor]:
    return list(Processor.objects.order_by("-is_active", "name", "id"))


def processors_active() -> list[Processor]:
    """The processors working for the provider now, as clients and the public see them."""
    return list(Processor.objects.filter(is_active=True).order_by("name", "id"))


# ----------------------------------------------------------------------------- activities


def purpose_key(purpose: str) -> str:
    """A short, stable name of a purpose for addresses: ``act_`` and 16 hex digits."""
    return "act_" + hashlib.sha256(purpose.encode()).hexdigest()[:16]


@dataclass
class ActivityRecord:
    """One purpose of processing as the art. 30 record shows it."""

    purpose: str
    key: str
    categories: list[str] = field(default_factory=list)
    legal_bases: list[str] = field(default_factory=list)
    retention_rules: list[str] = field(default_factory=list)
    stored_in: list[str] = field(default_factory=list)
    encrypted: bool = True
    controller_contact: str = ""
    data_subjects: str = ""
    recipients: str = ""
    security_measures: str = ""
    processors: list[Processor] = field(default_factory=list)
    updated_at: datetime | None = None


def _declared_purposes() -> dict[str, ActivityRecord]:
    records: dict[str, ActivityRecord] = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        for name, item in personal_fields(label).items():
            record = records.setdefault(
                item.purpose, ActivityRecord(item.purpose, purpose_key(item.purpose))
            )
            for values, value in (
                (record.categories, item.category),
                (record.legal_bases, item.legal_basis),
                (record.retention_rules, item.retention),
                (record.stored_in, f"{label}.{name}"),
            ):
                if value not in values:
                    values.append(value)
            record.encrypted = record.encrypted and item.encrypted
    for record in records.values():
        for values in (record.categories, record.legal_bases, record.retention_rules):
            values.sort()
        record.stored_in.sort()
    return records


def activity_records() -> list[ActivityRecord]:
    """The record of processing activities (GDPR art. 30, GDPR-09): one row per declared
    purpose, with staff's entries where they made them. A staff entry whose purpose is no
    longer declared is left out."""
    records = _declared_purposes()
    default_contact = setting_value("privacy.controller_contact")
    for record in records.values():
        record.controller_contact = default_contact
    entries = ProcessingActivity.objects.filter(purpose__in=list(records)).prefetch_related(
        "processors"
    )
    for entry in entries:
        record = records[entry.purpose]
        record.controller_contact = entry.controller_contact or default_contact
        record.data_subjects = entry.data_subjects
        record.recipients = entry.recipients
        record.security_measures = entry.security_measures
        record.processors = sorted(entry.processors.all(), key=lambda item: item.name)
        record.updated_at = entry.updated_at
    return sorted(records.values(), key=lambda record: record.purpose)


def activity_record(key: str) -> ActivityRecord:
    for record in activity_records():
        if record.key == key:
            return record
    raise NotFound("processing activity")


@transaction.atomic
def processing_activity_save(
    *,
    purpose: str,
    controller_contact: str = "",
    data_subjects: str = "",
    recipients: str = "",
    security_measures: str = "",
    processor_ids=(),
    actor=None,
    now: datetime | None = None,
) -> ProcessingActivity:
    """Store staff's part of one purpose's entry in the record (GDPR-09). The purpose must
    be one the declarations name; processors are given by public id."""
    if purpose not in _declared_purposes():
        raise DomainError(
            "invalid_input",
            gettext("purpose: no declared personal data has this purpose."),
            fields={"purpose": "not a declared purpose"},
        )
    errors = FieldErrors()
    texts = {
        "controller_contact": clean_text(
            controller_contact, "controller_contact", errors, required=False, max_length=300
        ),
        "data_subjects": clean_text(
            data_subjects, "data_subjects", errors, required=False, max_length=300
        ),
    }
    for name, value in (("recipients", recipients), ("security_measures", security_measures)):
        text = (value or "").strip()
        if len(text) > MAX_TEXT_LENGTH:
            errors.add(
                name,
                gettext("At most %(max_text_length)s characters.")
                % {"max_text_length": MAX_TEXT_LENGTH},
            )
        elif "\x00" in text:
            errors.add(name, gettext("Control characters are not allowed."))
        texts[name] = text
    wanted = sorted({str(item) for item in processor_ids or ()})
    processors = list(Processor.objects.filter(public_id__in=wanted))
    missing = sorted(set(wanted) - {processor.public_id for processor in processors})
    if missing:
        errors.add("processors", "Unknown: " + ", ".join(missing))
    errors.raise_if_any()
    activity, _ = ProcessingActivity.objects.update_or_create(
        purpose=purpose, defaults={**texts, "updated_at": now or timezone.now()}
    )
    activity.processors.set(processors)
    record_audit_event(
        action="privacy.processing_activity_saved",
        actor=actor,
        obj=activity,
        data={"purpose": purpose[:200], "processors": wanted},
    )
    return activity


# ----------------------------------------------------------------------------- exports

CSV_COLUMNS = (
    "purpose",
    "categories of personal data",
    "legal bases",
    "retention rules",
    "stored in",
    "encrypted at rest",
    "controller contact",
    "data subjects",
    "recipients",
    "processors",
    "security measures",
)


def _processor_line(processor: Processor) -> str:
    where = processor.country
    if processor.transfer_safeguard:
        where += f", {processor.get_transfer_safeguard_display()}"
    return f"{processor.name} ({processor.function}; {where})"


def _safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: a leading =, +, - or @ would make it a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def activity_record_csv(records: list[ActivityRecord]) -> str:
    """The record as CSV, one row per purpose, lists joined with "; " (GDPR-09)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for record in records:
        row = (
            record.purpose,
            "; ".join(record.categories),
            "; ".join(record.legal_bases),
            "; ".join(record.retention_rules),
            "; ".join(record.stored_in),
            "yes" if record.encrypted else "no",
            record.controller_contact,
            record.data_subjects,
            record.recipients,
            "; ".join(_processor_line(processor) for processor in record.processors),
            record.security_measures,
        )
        writer.writerow([_safe_cell(str(cell)) for cell in row])
    return out.getvalue()


class _NothingFetched(URLFetcher):
    """The record is self-contained: nothing is fetched while it is printed."""

    def fetch(self, url, headers=None):
        raise ValueError(f"The record loads no external resources ({url[:60]}).")


def activity_record_pdf(records: list[ActivityRecord], *, site_name: str) -> bytes:
    """The record as a PDF, printed with WeasyPrint from an HTML template, as invoices are."""
    html = render_to_string(
        "privacy/activity_record_pdf.html",
        {
            "records": records,
            "processors": processors_active(),
            "site_name": site_name,
            "printed_at": timezone.now(),
        },
    )
    return HTML(string=html, url_fetcher=_NothingFetched()).write_pdf()
