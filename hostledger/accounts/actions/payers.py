"""Payers: the billing identities of a client (ACC-04)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts.models import (
    Client,
    Payer,
    User,
)
from hostledger.accounts.validation import (
    FieldErrors,
    clean_country,
    clean_email,
    clean_text,
    clean_vat_number,
)
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError

MAX_BUYER_REFERENCE_LENGTH = 100


def clean_payer_data(data: dict) -> dict:
    errors = FieldErrors()
    kind = (data.get("kind") or "").strip()
    if kind not in Payer.Kind.values:
        errors.add("kind", _("Choose a natural or a legal person."))
    country = clean_country(data.get("country"), "country", errors)
    cleaned = {
        "kind": kind,
        "name": clean_text(data.get("name"), "name", errors, required=True),
        "registry_code": clean_text(
            data.get("registry_code"),
            "registry_code",
            errors,
            required=kind == Payer.Kind.LEGAL,
            max_length=40,
        ),
        "vat_number": clean_vat_number(
            data.get("vat_number"), "vat_number", errors, country=country
        ),
        "street": clean_text(data.get("street"), "street", errors, required=True),
        "city": clean_text(data.get("city"), "city", errors, required=True, max_length=100),
        "postal_code": clean_text(
            data.get("postal_code"), "postal_code", errors, required=False, max_length=20
        ),
        "country": country,
        "invoice_email": clean_email(
            data.get("invoice_email"), "invoice_email", errors, required=False
        ),
        "buyer_reference": clean_text(
            data.get("buyer_reference"),
            "buyer_reference",
            errors,
            required=False,
            max_length=MAX_BUYER_REFERENCE_LENGTH,
        ),
    }
    errors.raise_if_any()
    return cleaned


def _lock_client_payers(client_id: int) -> None:
    """Serialise the payer changes of one client (ACC-04): the default flag and the rule that
    one payer stays are decided under the client row's lock, so two requests at once cannot
    leave two defaults or none."""
    Client.objects.select_for_update().filter(pk=client_id).values_list("pk", flat=True).first()


def _unset_default_payers(
    client_id: int, *, actor: User | None = None, keep: Payer | None = None
) -> None:
    """Clear the default flag of the client's other payers, one save each so that the payer
    history shows the change."""
    current = Payer.objects.filter(client_id=client_id, is_default=True)
    if keep is not None and keep.pk is not None:
        current = current.exclude(pk=keep.pk)
    for previous in current:
        previous.is_default = False
        previous._history_user = actor
        previous.save(update_fields=["is_default"])


def _payer_insert(
    *, client: Client, cleaned: dict, is_default: bool, actor: User | None = None
) -> Payer:
    if is_default:
        _unset_default_payers(client.pk, actor=actor)
    payer = Payer(
        client=client,
        is_default=is_default,
        vat_number_format_valid=bool(cleaned["vat_number"]),
        **cleaned,
    )
    payer._history_user = actor
    payer.save()
    return payer


@transaction.atomic
def payer_create(*, client: Client, actor: User, data: dict) -> Payer:
    """Add a billing identity to a client (ACC-04); the first one becomes the default."""
    cleaned = clean_payer_data(data)
    _lock_client_payers(client.pk)
    has_default = client.payers.filter(is_default=True, archived_at__isnull=True).exists()
    payer = _payer_insert(
        client=client,
        cleaned=cleaned,
        is_default=bool(data.get("is_default")) or not has_default,
        actor=actor,
    )
    record_audit_event(action="payer.created", actor=actor, obj=payer, subject_client_id=client.pk)
    return payer


@transaction.atomic
def payer_update(*, payer: Payer, actor: User, data: dict) -> Payer:
    """Change a payer; invoices already issued keep their own snapshot (ACC-04)."""
    _lock_client_payers(payer.client_id)
    payer.refresh_from_db()
    if payer.archived_at:
        raise DomainError("payer_archived", _("This payer is archived and cannot be changed."))
    merged = {
        field: getattr(payer, field)
        for field in (
            "kind",
            "name",
            "registry_code",
            "vat_number",
            "street",
            "city",
            "postal_code",
            "country",
            "invoice_email",
            "buyer_reference",
        )
    }
    merged.update({key: value for key, value in data.items() if key in merged})
    cleaned = clean_payer_data(merged)
    changed = [field for field, value in cleaned.items() if getattr(payer, field) != value]
    for field, value in cleaned.items():
        setattr(payer, field, value)
    payer.vat_number_format_valid = bool(payer.vat_number)
    if data.get("is_default") and not payer.is_default:
        _unset_default_payers(payer.client_id, actor=actor, keep=payer)
        payer.is_default = True
        changed.append("is_default")
    payer._history_user = actor
    payer.save()
    record_audit_event(
        action="payer.updated",
        actor=actor,
        obj=payer,
        subject_client_id=payer.client_id,
        data={"fields": changed},
    )
    return payer


@transaction.atomic
def payer_archive(*, payer: Payer, actor: User) -> Payer:
    """Retire a payer; it stays for the invoices that name it. The last one cannot go.

    Archiving an archived payer changes nothing. When the default payer goes, the oldest
    remaining payer becomes the default (ACC-04).
    """
    _lock_client_payers(payer.client_id)
    payer.refresh_from_db()
    if payer.archived_at is not None:
        return payer
    others = Payer.objects.filter(client=payer.client_id, archived_at__isnull=True).exclude(
        pk=payer.pk
    )
    if not others.exists():
        raise DomainError("last_payer", _("A client keeps at least one payer."))
    payer.archived_at = timezone.now()
    was_default = payer.is_default
    payer.is_default = False
    payer._history_user = actor
    payer.save()
    if was_default:
        replacement = others.order_by("created_at", "id").first()
        replacement.is_default = True
        replacement._history_user = actor
        replacement.save(update_fields=["is_default"])
    record_audit_event(
        action="payer.archived", actor=actor, obj=payer, subject_client_id=payer.client_id
    )
    return payer
