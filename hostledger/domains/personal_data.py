"""Personal data held by the domains app, field by field (GDPR-01).

A domain's contacts are people the client names to the registry (DOM-03): their names,
addresses, e-mail, phone and identification codes are encrypted under the client's key,
exported with the client's data and anonymised on erasure. A domain name may name a person,
so it is kept encrypted too, with a keyed hash for look-ups, like a service's host name. The
zone rules and the registry's statuses, dates and name servers are not about a person.
"""

from hostledger.core.personal_data import (
    Category,
    LegalBasis,
    NotPersonal,
    Personal,
    Retention,
    Subject,
    declare,
)

ROW_KEY = NotPersonal("internal row key")
PUBLIC_ID = NotPersonal("random opaque id for URLs and the API")
REFERENCE = NotPersonal("reference to another record, whose own fields are declared there")
RECORD_TIME = NotPersonal("when the record was made or changed")
STATE = NotPersonal("state of the record, not about a person")
REGISTRY = NotPersonal("what the registry holds: dates, statuses, name servers, its own ids")
ZONE_RULE = NotPersonal("a rule of a zone's registry, not about a person")

_REGISTRY_CONTACT = "registering the client's domains with the contacts it names (DOM-03)"


def _contact(category: str) -> Personal:
    return Personal(
        category,
        _REGISTRY_CONTACT,
        LegalBasis.CONTRACT,
        Retention.ACCOUNT_LIFETIME,
        encrypted=True,
    )


declare(
    "domains.ZoneRule",
    {
        "id": ROW_KEY,
        "zone": ZONE_RULE,
        "registrar_name": ZONE_RULE,
        "is_active": ZONE_RULE,
        "sells_years": ZONE_RULE,
        "min_years": ZONE_RULE,
        "max_years": ZONE_RULE,
        "admin_idents": ZONE_RULE,
        "idn_allowed": ZONE_RULE,
        "min_label_length": ZONE_RULE,
        "max_label_length": ZONE_RULE,
        "expired_days": ZONE_RULE,
        "grace_days": ZONE_RULE,
        "redemption_days": ZONE_RULE,
        "description": ZONE_RULE,
        "updated_at": RECORD_TIME,
    },
)

declare(
    "domains.DomainContact",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "client": REFERENCE,
        "registrar_name": STATE,
        "handle": REGISTRY,
        "name": _contact(Category.IDENTITY),
        "organisation": _contact(Category.IDENTITY),
        "email": _contact(Category.CONTACT),
        "phone": _contact(Category.CONTACT),
        "street": _contact(Category.CONTACT),
        "city": _contact(Category.CONTACT),
        "postal_code": _contact(Category.CONTACT),
        "country": Personal(
            Category.CONTACT,
            _REGISTRY_CONTACT,
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
        ),
        "ident": _contact(Category.IDENTITY),
        "ident_type": STATE,
        "ident_country": Personal(
            Category.IDENTITY,
            _REGISTRY_CONTACT,
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
        ),
        "created_at": RECORD_TIME,
        "updated_at": RECORD_TIME,
    },
    subject=Subject(client="client"),
)

declare(
    "domains.Domain",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "service": REFERENCE,
        "client": REFERENCE,
        "name_ascii": Personal(
            Category.TECHNICAL,
            "registering and managing the client's domain; may name a person",
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
            encrypted=True,
        ),
        "name_unicode": Personal(
            Category.TECHNICAL,
            "showing the client's domain as it is written; may name a person",
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
            encrypted=True,
        ),
        "name_index": Personal(
            Category.TECHNICAL,
            "finding a domain by its name, one live domain per name (keyed hash)",
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
        ),
        "zone": REGISTRY,
        "registrar_name": STATE,
        "status": STATE,
        "status_changed_at": RECORD_TIME,
        "is_transfer": STATE,
        "years": STATE,
        "registered_on": REGISTRY,
        "expires_on": REGISTRY,
        "registry_statuses": REGISTRY,
        "name_servers": REGISTRY,
        "locked": REGISTRY,
        "auth_code": Personal(
            Category.ACCOUNT,
            "transferring the client's domain (the registry's transfer code)",
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
            encrypted=True,
        ),
        "registrant": REFERENCE,
        "admin": REFERENCE,
        "tech": REFERENCE,
        "checked_at": RECORD_TIME,
        "created_at": RECORD_TIME,
        "updated_at": RECORD_TIME,
    },
    subject=Subject(client="client"),
)

declare(
    "domains.RegistryOperation",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "domain": REFERENCE,
        "kind": STATE,
        "key": STATE,
        "status": STATE,
        "current_expiry": REGISTRY,
        "years": STATE,
        "message": NotPersonal("the registry's answer: its result code and words"),
        "actor": REFERENCE,
        "created_at": RECORD_TIME,
        "finished_at": RECORD_TIME,
    },
)
