"""Every write of provider entities: create and edit one entity.

Called from ``hostledger.flows.provider_entities``, which also opens the entity's numbering
series in invoicing; views and the API never write entities themselves.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction

from hostledger.core.audit import record_audit_event
from hostledger.core.bank_accounts import clean_bic, clean_iban
from hostledger.core.errors import DomainError
from hostledger.providers.models import ProviderEntity

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,11}$")
"""An entity code: 2 to 12 lower-case letters, digits or hyphens; it names the entity's series."""

TEXT_FIELDS = (
    "legal_name",
    "brand_name",
    "registry_code",
    "vat_number",
    "street",
    "city",
    "postal_code",
    "country",
    "email",
    "phone",
    "website",
    "iban",
    "bic",
    "bank_name",
    "invoice_series_prefix",
    "terms_url",
    "terms_text",
    "document_footer",
    "mail_sender",
)
"""The details staff may set on an entity; blank ones fall back to the provider settings."""

REQUIRED_FOR_OTHER_ENTITIES = ("legal_name", "registry_code", "street", "city", "country", "iban")
"""A second entity prints its own seller block and is paid on its own account."""


def _clean(details: dict, *, required: tuple[str, ...]) -> dict:
    errors: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    for name in TEXT_FIELDS:
        if name not in details:
            continue
        value = str(details.get(name) or "").strip()
        limit = ProviderEntity._meta.get_field(name).max_length
        if limit and len(value) > limit:
            errors[name] = f"at most {limit} characters"
            continue
        cleaned[name] = value
    for name in required:
        if not cleaned.get(name):
            errors[name] = "required"
    if cleaned.get("iban"):
        try:
            cleaned["iban"] = clean_iban(cleaned["iban"])
        except ValueError as error:
            errors["iban"] = str(error)
    if cleaned.get("bic"):
        try:
            cleaned["bic"] = clean_bic(cleaned["bic"])
        except ValueError as error:
            errors["bic"] = str(error)
    if cleaned.get("country"):
        cleaned["country"] = cleaned["country"].upper()
        if not re.fullmatch(r"[A-Z]{2}", cleaned["country"]):
            errors["country"] = "a two-letter country code"
    if cleaned.get("vat_number"):
        cleaned["vat_number"] = re.sub(r"[\s.-]", "", cleaned["vat_number"]).upper()
        if not re.fullmatch(r"[A-Z]{2}[0-9A-Z+*]{2,12}", cleaned["vat_number"]):
            errors["vat_number"] = "a VAT number with its country prefix"
    for name, validator in (("email", EmailValidator()), ("terms_url", URLValidator())):
        if cleaned.get(name):
            try:
                validator(cleaned[name])
            except ValidationError:
                errors[name] = "not valid"
    if errors:
        first = next(iter(errors))
        raise DomainError("invalid_entity", f"{first}: {errors[first]}.", fields=errors)
    return cleaned


def _check_iban_free(iban: str, *, entity_id: int | None) -> None:
    if iban and ProviderEntity.objects.filter(iban=iban).exclude(pk=entity_id).exists():
        raise DomainError(
            "iban_taken",
            "iban: another provider entity is paid on this account.",
            fields={"iban": "already the account of another entity"},
            status=409,
        )


@transaction.atomic
def provider_entity_create(
    *,
    code: str,
    details: dict,
    invoice_series_code: str,
    credit_note_series_code: str,
    actor=None,
) -> ProviderEntity:
    """Create a further provider entity with its own details and numbering series (BIL-04).

    The legal name, registry code, address and IBAN are required: the entity prints its own
    seller block and payments on its account are kept apart from the others'.
    """
    code = str(code or "").strip().lower()
    if not CODE_PATTERN.fullmatch(code):
        raise DomainError(
            "invalid_entity",
            "code: 2 to 12 lower-case letters, digits or hyphens, starting with a letter.",
            fields={"code": "2 to 12 lower-case letters, digits or hyphens"},
        )
    if ProviderEntity.objects.filter(code=code).exists():
        raise DomainError(
            "entity_code_taken",
            "code: there is already an entity with this code.",
            fields={"code": "already used"},
            status=409,
        )
    cleaned = _clean(details, required=REQUIRED_FOR_OTHER_ENTITIES)
    _check_iban_free(cleaned.get("iban", ""), entity_id=None)
    entity = ProviderEntity.objects.create(
        code=code,
        is_default=False,
        invoice_series_code=invoice_series_code,
        credit_note_series_code=credit_note_series_code,
        **cleaned,
    )
    record_audit_event(action="provider_entity.created", actor=actor, obj=entity)
    return entity


@transaction.atomic
def provider_entity_update(*, entity: ProviderEntity, details: dict, actor=None) -> ProviderEntity:
    """Change an entity's details. Issued documents keep the details they were issued with
    (their snapshot, BIL-04); only documents issued from now on print the new ones."""
    locked = ProviderEntity.objects.select_for_update().get(pk=entity.pk)
    required = () if locked.is_default else REQUIRED_FOR_OTHER_ENTITIES
    merged = {name: getattr(locked, name) for name in TEXT_FIELDS} | dict(details)
    cleaned = _clean(merged, required=required)
    _check_iban_free(cleaned.get("iban", ""), entity_id=locked.pk)
    changed = [name for name, value in cleaned.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, cleaned[name])
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
        record_audit_event(
            action="provider_entity.updated", actor=actor, obj=locked, data={"fields": changed}
        )
    return locked
