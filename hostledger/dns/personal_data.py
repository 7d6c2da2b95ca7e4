"""Personal data held by DNS hosting, field by field (GDPR-01).

A zone's name is the client's domain, which may name a person, and its records may hold
personal data (a TXT record with an e-mail address, a host name after a person): both are
encrypted under the client's key, exported with the client's data and erased with it. A
PTR record in the provider's reverse zone is the data of the client whose address it names.
See docs/decisions/0032-dns-hosting.md.
"""

from hostledger.core.personal_data import (
    Category,
    Erasure,
    ErasureStrategy,
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
DNS_FACT = NotPersonal("technical fact of the zone or record: kind, type, TTL, serial")

_HOSTING = "hosting the client's DNS zones on the provider's name servers (DOM-04)"

GONE_WITH_THE_CLIENT = Erasure(ErasureStrategy.DELETE)
"""A zone exists only to host the client's names and records: erasure deletes it with them
(erasure waits for every service to end, and the zones of ended services are taken off the
name servers by the ``dns.tidy`` job)."""

ZONE_NAME = Personal(
    Category.TECHNICAL,
    _HOSTING,
    LegalBasis.CONTRACT,
    Retention.ACCOUNT_LIFETIME,
    encrypted=True,
    erasure=GONE_WITH_THE_CLIENT,
)
ZONE_NAME_HASH = Personal(
    Category.TECHNICAL,
    "finding a zone by its name and refusing a zone inside another account's (keyed hashes)",
    LegalBasis.CONTRACT,
    Retention.ACCOUNT_LIFETIME,
    erasure=GONE_WITH_THE_CLIENT,
)
RECORD_DATA = Personal(
    Category.TECHNICAL,
    _HOSTING,
    LegalBasis.CONTRACT,
    Retention.ACCOUNT_LIFETIME,
    encrypted=True,
    erasure=GONE_WITH_THE_CLIENT,
)

declare(
    "dns.Zone",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "client": REFERENCE,
        "service": REFERENCE,
        "kind": DNS_FACT,
        "name": ZONE_NAME,
        "name_unicode": ZONE_NAME,
        "name_index": ZONE_NAME_HASH,
        "ancestor_indexes": ZONE_NAME_HASH,
        "serial": DNS_FACT,
        "published_serial": DNS_FACT,
        "status": STATE,
        "created_by": REFERENCE,
        "created_at": RECORD_TIME,
        "updated_at": RECORD_TIME,
        "removed_at": RECORD_TIME,
    },
    subject=Subject(client="client"),
)

declare(
    "dns.Record",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "zone": REFERENCE,
        "client": REFERENCE,
        "allocation": REFERENCE,
        "name": RECORD_DATA,
        "record_type": DNS_FACT,
        "content": RECORD_DATA,
        "ttl": DNS_FACT,
        "priority": DNS_FACT,
        "created_at": RECORD_TIME,
        "updated_at": RECORD_TIME,
    },
    subject=Subject(client="client"),
)

declare(
    "dns.ZonePush",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "zone": REFERENCE,
        "serial": DNS_FACT,
        "status": STATE,
        "attempts": STATE,
        "next_attempt_at": RECORD_TIME,
        "handed_to_worker_at": RECORD_TIME,
        "message": Personal(
            Category.TECHNICAL,
            "showing staff why PowerDNS refused a zone (its answer may quote a name or record)",
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
            encrypted=True,
        ),
        "retry_can_help": STATE,
        "created_at": RECORD_TIME,
        "updated_at": RECORD_TIME,
        "finished_at": RECORD_TIME,
        "retried_by": REFERENCE,
    },
    subject=Subject(client="zone__client"),
)
