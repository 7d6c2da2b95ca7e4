"""Registration of clients and rectification of their data (ACC-01, ACC-02, ACC-03, GDPR-03)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts.actions.language import user_language_set
from hostledger.accounts.actions.payers import _payer_insert
from hostledger.accounts.actions.search import client_search_index_refresh
from hostledger.accounts.models import (
    Client,
    User,
)
from hostledger.accounts.validation import (
    FieldErrors,
    clean_country,
    clean_phone,
    clean_text,
    clean_vat_number,
)
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.privacy.policies import current_policy, policy_accept


def clean_client_data(data: dict, *, prefix: str = "") -> dict:
    """Validate the ACC-01 fields of a natural or legal person; raise naming every bad field."""
    errors = FieldErrors()
    kind = (data.get("kind") or "").strip()
    if kind not in Client.Kind.values:
        errors.add(prefix + "kind", _("Choose a natural or a legal person."))
    legal = kind == Client.Kind.LEGAL
    country = clean_country(data.get("country"), prefix + "country", errors)
    cleaned = {
        "kind": kind,
        "first_name": clean_text(
            data.get("first_name"),
            prefix + "first_name",
            errors,
            required=not legal,
            max_length=100,
        ),
        "last_name": clean_text(
            data.get("last_name"), prefix + "last_name", errors, required=not legal, max_length=100
        ),
        "company_name": clean_text(
            data.get("company_name"), prefix + "company_name", errors, required=legal
        ),
        "registry_code": clean_text(
            data.get("registry_code"),
            prefix + "registry_code",
            errors,
            required=legal,
            max_length=40,
        ),
        "street": clean_text(data.get("street"), prefix + "street", errors, required=True),
        "city": clean_text(
            data.get("city"), prefix + "city", errors, required=True, max_length=100
        ),
        "postal_code": clean_text(
            data.get("postal_code"), prefix + "postal_code", errors, required=False, max_length=20
        ),
        "country": country,
        "phone": clean_phone(
            data.get("phone"), prefix + "phone", errors, country=country, required=not legal
        ),
        "vat_number": clean_vat_number(
            data.get("vat_number"), prefix + "vat_number", errors, country=country
        )
        if legal
        else "",
    }
    if not legal:
        cleaned["company_name"] = cleaned["registry_code"] = ""
    errors.raise_if_any()
    return cleaned


def check_age_declaration(declared_old_enough: bool) -> None:
    """ACC-03: without the declaration nothing is processed, so this runs before any write."""
    if not declared_old_enough:
        minimum = setting_value("accounts.minimum_age")
        raise DomainError(
            "age_declaration_required",
            _("age_declaration: you must be at least %(minimum)s years old to register.")
            % {"minimum": minimum},
            fields={"age_declaration": f"Declare that you are at least {minimum}."},
        )


POLICY_KINDS = ("terms", "privacy")


def check_policies_accepted(accepted_policies: bool) -> None:
    """ACC-02: registration needs the acceptance of the current terms and privacy policy."""
    if not accepted_policies:
        raise DomainError(
            "policies_not_accepted",
            _("accept_policies: the terms of service and the privacy policy must be accepted."),
            fields={"accept_policies": "Accept the terms and the privacy policy."},
        )


def check_policies_published() -> dict:
    """The terms and the privacy policy in force; sign-up is closed until both exist (ACC-02)."""
    documents = {kind: current_policy(kind) for kind in POLICY_KINDS}
    missing = [kind for kind, document in documents.items() if document is None]
    if missing:
        raise DomainError(
            "policy_missing",
            _(
                "Sign-up is closed until the provider publishes its terms of service and "
                "privacy policy."
            ),
            status=503,
        )
    return documents


@transaction.atomic
def client_register(
    *,
    user: User,
    data: dict,
    declared_old_enough: bool,
    accepted_policies: bool,
    ip_address: str | None,
) -> Client:
    """Create the client account of a newly signed-up user (ACC-01, ACC-02, ACC-03).

    Records the age declaration and the acceptance of the current terms and privacy policy,
    each by version, with time and IP; the client's first payer is made from the same data.
    """
    check_age_declaration(declared_old_enough)
    check_policies_accepted(accepted_policies)
    cleaned = clean_client_data(data)
    documents = check_policies_published()
    now = timezone.now()
    client = Client.objects.create(owner=user, age_declared_at=now, **cleaned)
    for document in documents.values():
        policy_accept(user=user, document=document, ip_address=ip_address)
    full_name = f"{cleaned['first_name']} {cleaned['last_name']}".strip()
    user.full_name = full_name or cleaned["company_name"]
    user.save(update_fields=["full_name"])
    client_search_index_refresh(client=client)
    payer_name = cleaned["company_name"] if cleaned["kind"] == Client.Kind.LEGAL else full_name
    _payer_insert(
        client=client,
        cleaned={
            "kind": cleaned["kind"],
            "name": payer_name,
            "registry_code": cleaned["registry_code"],
            "vat_number": cleaned["vat_number"],
            "street": cleaned["street"],
            "city": cleaned["city"],
            "postal_code": cleaned["postal_code"],
            "country": cleaned["country"],
            "invoice_email": user.email,
        },
        is_default=True,
        actor=user,
    )
    record_audit_event(
        action="client.registered",
        actor=user,
        obj=client,
        subject_client_id=client.pk,
        data={"kind": client.kind},
        ip_address=ip_address,
    )
    return client


@transaction.atomic
def client_profile_update(*, client: Client, actor: User, data: dict) -> Client:
    """Rectify the client's own data (GDPR-03); staff corrections are audited the same way.
    The owner editing their own profile may also give ``preferred_language``, the language
    of their pages, e-mails and documents."""
    language = data.get("preferred_language")
    if language and actor.pk == client.owner_id:
        user_language_set(user=actor, language=language)
    merged = {
        field: getattr(client, field)
        for field in (
            "kind",
            "first_name",
            "last_name",
            "company_name",
            "registry_code",
            "street",
            "city",
            "postal_code",
            "country",
            "phone",
            "vat_number",
        )
    }
    merged.update({key: value for key, value in data.items() if key in merged and key != "kind"})
    cleaned = clean_client_data(merged)
    changed = [field for field, value in cleaned.items() if getattr(client, field) != value]
    for field, value in cleaned.items():
        setattr(client, field, value)
    if "phone" in changed:
        client.phone_confirmed_at = None  # a new number is confirmed anew (CAT-04)
    client._history_user = actor
    client.save()
    client_search_index_refresh(client=client)
    record_audit_event(
        action="client.updated",
        actor=actor,
        obj=client,
        subject_client_id=client.pk,
        data={"fields": changed},
    )
    return client
