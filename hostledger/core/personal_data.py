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
    UPLOADS = "uploads"  # 2 years after upload where no other rule applies (GDPR-08)


class ErasureStrategy:
    """What erasure (GDPR-04) and the retention schedule (GDPR-08) do with a personal field."""

    DELETE = "delete"  # the row goes (only when every personal field of the row says so)
    ANONYMISE = "anonymise"  # the value is replaced by an empty or neutral one
    HOLD = "hold"  # kept, restricted, until the legal term ends; then ``then``
    BY_STEP = "by_step"  # reached by a named step of the erasure flow, not row by row


class LegalTerm:
    """How long held data is kept after erasure; the years are provider settings."""

    BILLING = "billing"  # to the end of the financial year in which the contract ended + N years
    YEAR_OF_USE = "year_of_use"  # to the end of the year of the row's date + N years
    CLAIMS = "claims"  # to the day the contract ended + the claims period


@dataclass(frozen=True)
class Erasure:
    """How a personal field is erased.

    ``strategy`` is one of :class:`ErasureStrategy`; a held field names its ``term``
    (:class:`LegalTerm`) and what happens when the term ends (``then``: delete or anonymise).
    ``dated_by`` names the row's date field for rules that count from it (the year of use, the
    month of a message); left empty, the first of :data:`DATE_FIELD_NAMES` the model has is
    used. ``step`` names the step of the erasure flow that reaches a ``by_step`` field.
    """

    strategy: str
    term: str = ""
    then: str = ErasureStrategy.ANONYMISE
    dated_by: str = ""
    step: str = ""


DEFAULT_ERASURE: dict[str, Erasure] = {
    Retention.ACCOUNT_LIFETIME: Erasure(ErasureStrategy.ANONYMISE),
    Retention.BILLING_RECORDS: Erasure(ErasureStrategy.HOLD, term=LegalTerm.BILLING),
    Retention.TRAFFIC_DATA: Erasure(
        ErasureStrategy.HOLD, term=LegalTerm.YEAR_OF_USE, then=ErasureStrategy.DELETE
    ),
    Retention.ACCESS_LOGS: Erasure(ErasureStrategy.DELETE),
    Retention.COMMUNICATIONS: Erasure(ErasureStrategy.ANONYMISE),
    Retention.CONSENT_RECORDS: Erasure(ErasureStrategy.HOLD, term=LegalTerm.CLAIMS),
    Retention.AUDIT_TRAIL: Erasure(ErasureStrategy.BY_STEP, step="subject_keys_destroy"),
    Retention.SESSIONS: Erasure(ErasureStrategy.BY_STEP, step="sessions_end_for_user"),
    Retention.UPLOADS: Erasure(ErasureStrategy.DELETE),
}
"""The erasure of each retention rule, unless a declaration names its own."""

DATE_FIELD_NAMES = (
    "occurred_at",
    "window_start",
    "accepted_at",
    "created_at",
    "opened_at",
    "changed_at",
    "last_failure_at",
    "filed_at",
    "date_joined",
)
"""Where a row's date is looked for when its declaration names no ``dated_by``."""


@dataclass(frozen=True)
class Personal:
    category: str
    purpose: str
    legal_basis: str
    retention: str
    encrypted: bool = False
    erasure: Erasure | None = None

    @property
    def erasure_rule(self) -> Erasure:
        """The declared erasure, or the default of the field's retention rule (GDPR-04)."""
        return self.erasure or DEFAULT_ERASURE[self.retention]


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


def date_field_of(model, personal: dict[str, Personal] | None = None) -> str:
    """The name of the field that dates a row of ``model`` for retention and legal terms:
    the ``dated_by`` of its declarations, else the first of :data:`DATE_FIELD_NAMES` it has;
    empty when it has none."""
    declared = personal if personal is not None else personal_fields(model._meta.label)
    for item in declared.values():
        if item.erasure and item.erasure.dated_by:
            return item.erasure.dated_by
    names = {field.name for field in model._meta.concrete_fields}
    return next((name for name in DATE_FIELD_NAMES if name in names), "")


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
