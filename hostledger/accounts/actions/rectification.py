"""Staff corrections of a client's personal data (GDPR-03).

A staff member with ``clients.edit`` corrects the client's own fields, a payer's or a contact
person's, giving a reason. The fields are validated as the client's own edits are; the old and
new values stay in the field history (django-simple-history), with the reason as the history's
change reason, and the audit trail records which fields changed and why, never the values.
Invoices and other documents already issued keep their own snapshot (BIL-04).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from hostledger.accounts import permissions as perms
from hostledger.accounts.actions.contacts import contact_update
from hostledger.accounts.actions.payers import payer_update
from hostledger.accounts.actions.registration import client_profile_update
from hostledger.accounts.models import Client, Contact, Payer, User
from hostledger.core.errors import DomainError, PermissionDenied

REASON_MAX = Client.history.model._meta.get_field("history_change_reason").max_length

CORRECTABLE_FIELDS: dict[type, tuple[str, ...]] = {
    Client: (
        "first_name",
        "last_name",
        "company_name",
        "registry_code",
        "vat_number",
        "street",
        "city",
        "postal_code",
        "country",
        "phone",
    ),
    Payer: (
        "name",
        "registry_code",
        "vat_number",
        "street",
        "city",
        "postal_code",
        "country",
        "invoice_email",
        "buyer_reference",
    ),
    Contact: ("name", "email", "phone"),
}
"""The personal fields staff may correct, by the model holding them."""


def correctable_fields(target) -> tuple[str, ...]:
    fields = CORRECTABLE_FIELDS.get(type(target))
    if fields is None:
        raise DomainError(
            "invalid_input",
            _("target: a client, payer or contact person."),
            fields={"target": "not a client, payer or contact"},
        )
    return fields


def _clean_reason(reason) -> str:
    reason = (reason if isinstance(reason, str) else "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise DomainError(
            "invalid_input",
            _("reason: say why the data is corrected, in at most %(reason_max)s characters.")
            % {"reason_max": REASON_MAX},
            fields={"reason": f"required, at most {REASON_MAX} characters"},
        )
    return reason


@transaction.atomic
def personal_data_correct(*, target, actor: User, data: dict, reason: str) -> list[str]:
    """Correct ``target``'s personal fields named in ``data``, saying why (GDPR-03); return
    the names of the fields that changed. Refused when nothing would change, when a field is
    not correctable, or when a value fails the client's own validation."""
    if not perms.has_permission(actor, perms.CLIENTS_EDIT):
        raise PermissionDenied(_("Corrections of clients' data need the clients.edit permission."))
    allowed = correctable_fields(target)
    reason = _clean_reason(reason)
    if not isinstance(data, dict) or not data:
        raise DomainError(
            "invalid_input",
            _("corrections: name the fields to correct."),
            fields={"corrections": "empty"},
        )
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise DomainError(
            "invalid_input",
            _("corrections: %(unknown)s cannot be corrected here.")
            % {"unknown": ", ".join(unknown)},
            fields={f"corrections.{name}": "not a correctable field" for name in unknown},
        )
    changes = {name: value for name, value in data.items() if getattr(target, name) != value}
    if not changes:
        raise DomainError(
            "nothing_to_correct",
            _("corrections: every value is already as given."),
            fields={"corrections": "nothing changes"},
        )
    target._change_reason = reason
    before = {name: getattr(target, name) for name in allowed}
    if isinstance(target, Client):
        client_profile_update(client=target, actor=actor, data=changes)
    elif isinstance(target, Payer):
        payer_update(payer=target, actor=actor, data=changes)
    else:
        contact_update(contact=target, actor=actor, data=changes)
    return [name for name in allowed if getattr(target, name) != before[name]]
