"""Declarations of personal data (GDPR-01): every model field of every app is declared either
personal (category, purpose, legal basis, retention rule) or not personal.

Each app declares its models in its ``personal_data.py`` with :func:`declare`; the modules are
loaded when the apps are ready. Export, erasure and retention read these declarations, so a
new field cannot be forgotten by them: ``undeclared_fields()`` lists any field left out, and a
test fails on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist


class Category:
    IDENTITY = "identity"  # names, registry codes, dates of birth
    CONTACT = "contact"  # email, phone, postal address
    ACCOUNT = "account"  # login identifiers, credentials, security settings
    BILLING = "billing"  # billing identity, VAT numbers, invoices
    TECHNICAL = "technical"  # IP addresses, request logs, device data
    COMMUNICATION = "communication"  # messages, tickets
    CONSENT = "consent"  # acceptances and opt-ins


class LegalBasis:
    CONTRACT = "contract"  # GDPR art. 6(1)(b)
    LEGAL_OBLIGATION = "legal_obligation"  # art. 6(1)(c)
    LEGITIMATE_INTEREST = "legitimate_interest"  # art. 6(1)(f)
    CONSENT = "consent"  # art. 6(1)(a)


class Retention:
    """Names of retention rules; their periods are provider settings of the privacy app."""

    ACCOUNT_LIFETIME = "account_lifetime"  # erased or anonymised on erasure (GDPR-04)
    BILLING_RECORDS = "billing_records"  # 7 years after the financial year (GDPR-04)
    TRAFFIC_DATA = "traffic_data"  # 7 years after the year of use (GDPR-04)
    ACCESS_LOGS = "access_logs"  # 60 days (GDPR-08)
    COMMUNICATIONS = "communications"  # 2 years after the month (GDPR-08)
    CONSENT_RECORDS = "consent_records"  # as long as the consent can be disputed
    AUDIT_TRAIL = "audit_trail"  # kept for the defence of claims (GDPR-12)
    SESSIONS = "sessions"  # until the session expires or the person signs out


@dataclass(frozen=True)
class Personal:
    category: str
    purpose: str
    legal_basis: str
    retention: str
    encrypted: bool = False


@dataclass(frozen=True)
class NotPersonal:
    reason: str = ""


NOT_PERSONAL = NotPersonal()


@dataclass(frozen=True)
class Subject:
    """Whose personal data a model's rows hold: ORM look-up paths from the model to the data
    subject, so that export, erasure and per-subject encryption find a subject's rows from the
    declarations alone.

    ``client`` leads to the client's primary key (``"id"`` on the client itself, ``"client"``
    on a model with a client foreign key, ``"invoice__client"`` one step further); ``user``
    leads to the person who signs in (``"user"``, ``"actor"``), for rows of people without a
    client of their own (trusted users, staff). A model can give both: a sign-in attempt is
    the user's; a payer is the client's. An empty ``Subject()`` says that no column ties the
    rows to a subject (sessions, lock-outs keyed by a hash); the owning app reaches them by
    its own means.
    """

    client: str | tuple[str, ...] = ""
    user: str = ""

    @property
    def client_paths(self) -> tuple[str, ...]:
        """The client paths; a row reaches its client through the first that leads somewhere
        (an issued document file belongs to an invoice or to a credit note)."""
        if isinstance(self.client, tuple):
            return self.client
        return (self.client,) if self.client else ()


_DECLARATIONS: dict[str, dict[str, Personal | NotPersonal]] = {}
_SUBJECTS: dict[str, Subject] = {}


def declare(
    model_label: str,
    fields: dict[str, Personal | NotPersonal],
    *,
    subject: Subject | None = None,
) -> None:
    """Declare the fields of one model, named by its label (``"accounts.Payer"``), and, for a
    model with personal fields, whose data its rows hold (``subject``)."""
    _DECLARATIONS.setdefault(model_label.lower(), {}).update(fields)
    if subject is not None:
        _SUBJECTS[model_label.lower()] = subject


def subject_of(model_label: str) -> Subject | None:
    """The declared subject paths of a model, or None when none were declared."""
    return _SUBJECTS.get(model_label.lower())


def subject_client_id_of(instance) -> int | None:
    """The primary key of the client whose data ``instance`` holds, following the declared
    ``client`` path attribute by attribute (the last step reads the foreign key's column, so
    no query is made for a direct foreign key). None when the model declares no client path or
    the row has no client."""
    subject = subject_of(instance._meta.label)
    for path in subject.client_paths if subject is not None else ():
        client_id = _follow(instance, path)
        if client_id is not None:
            return client_id
    return None


def subject_user_id_of(instance) -> int | None:
    """The primary key of the user whose data ``instance`` holds (see :func:`subject_of`)."""
    subject = subject_of(instance._meta.label)
    if subject is None or not subject.user:
        return None
    return _follow(instance, subject.user)


def _follow(instance, path: str):
    steps = path.split("__")
    current = instance
    for step in steps[:-1]:
        current = getattr(current, step, None)
        if current is None:
            return None
    field = current._meta.get_field(steps[-1])
    if field.concrete:  # a column, or a foreign key read from its own column
        return getattr(current, field.attname)
    try:  # a reverse one-to-one: a user's own client
        return getattr(current, steps[-1]).pk
    except ObjectDoesNotExist:
        return None


def declaration_of(model_label: str) -> dict[str, Personal | NotPersonal]:
    return dict(_DECLARATIONS.get(model_label.lower(), {}))


def personal_fields(model_label: str) -> dict[str, Personal]:
    return {
        name: item
        for name, item in declaration_of(model_label).items()
        if isinstance(item, Personal)
    }


def models_without_subject() -> list[str]:
    """Every installed model with a personal field whose declaration names no subject path."""
    missing = []
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if personal_fields(label) and label not in _SUBJECTS:
            missing.append(model._meta.label)
    return missing


def undeclared_fields() -> list[str]:
    """Every concrete field of every installed model that no declaration covers."""
    missing = []
    for model in apps.get_models(include_auto_created=True):
        declared = _DECLARATIONS.get(model._meta.label_lower, {})
        for model_field in model._meta.concrete_fields:
            if model_field.name not in declared:
                missing.append(f"{model._meta.label}.{model_field.name}")
    return missing


def stale_declarations() -> list[str]:
    """Every declared field that is not a concrete field of an installed model (a leftover
    of a renamed or removed field or model)."""
    models_by_label = {
        model._meta.label_lower: model for model in apps.get_models(include_auto_created=True)
    }
    stale = []
    for label, fields in sorted(_DECLARATIONS.items()):
        model = models_by_label.get(label)
        existing = {field.name for field in model._meta.concrete_fields} if model else set()
        stale.extend(f"{label}.{name}" for name in sorted(fields) if name not in existing)
    return stale
