"""Declarations of personal data (GDPR-01): every model field of every app is declared either
personal (category, purpose, legal basis, retention rule) or not personal.

Each app declares its models in its ``personal_data.py`` with :func:`declare`; the modules are
loaded when the apps are ready. Export, erasure and retention read these declarations, so a
new field cannot be forgotten by them: ``undeclared_fields()`` lists any field left out, and a
test fails on it.
"""

from __future__ import annotations

from dataclasses import dataclass


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

_DECLARATIONS: dict[str, dict[str, Personal | NotPersonal]] = {}


def declare(model_label: str, fields: dict[str, Personal | NotPersonal]) -> None:
    """Declare the fields of one model, named by its label (``"accounts.Payer"``)."""
    _DECLARATIONS.setdefault(model_label.lower(), {}).update(fields)


def declaration_of(model_label: str) -> dict[str, Personal | NotPersonal]:
    return dict(_DECLARATIONS.get(model_label.lower(), {}))


def personal_fields(model_label: str) -> dict[str, Personal]:
    return {
        name: item
        for name, item in declaration_of(model_label).items()
        if isinstance(item, Personal)
    }


def undeclared_fields() -> list[str]:
    """Every concrete field of every installed model that no declaration covers."""
    from django.apps import apps

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
    from django.apps import apps

    models_by_label = {
        model._meta.label_lower: model for model in apps.get_models(include_auto_created=True)
    }
    stale = []
    for label, fields in sorted(_DECLARATIONS.items()):
        model = models_by_label.get(label)
        existing = {field.name for field in model._meta.concrete_fields} if model else set()
        stale.extend(f"{label}.{name}" for name in sorted(fields) if name not in existing)
    return stale
