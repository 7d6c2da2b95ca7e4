"""Personal data held by the data centre, field by field (GDPR-01).

The representatives a client names for physical access (annex 7 §4.5) are people other than
the client: their name, identity document number and phone are encrypted under the client's
key, exported with the client's data, anonymised on erasure. The access log of their entries
and exits is kept as an access log (GDPR-08) and deleted with the client's data. What a client
writes in an application or a visit request, and the reverse DNS names it sets, are treated as
the client's messages and technical data.
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
EQUIPMENT = NotPersonal("technical facts of the equipment and where it sits in the data centre")
ADDRESS_SPACE = NotPersonal("the provider's address space lent to a service")

_ACCESS = "physical access to the client's equipment (annex 7 §4.5, SUP-05)"
_APPLICATIONS = "carrying out the client's applications and visits (SUP-02, SUP-05)"


def _representative(category: str) -> Personal:
    return Personal(
        category, _ACCESS, LegalBasis.CONTRACT, Retention.ACCOUNT_LIFETIME, encrypted=True
    )


CLIENT_TEXT = Personal(
    Category.COMMUNICATION,
    _APPLICATIONS,
    LegalBasis.CONTRACT,
    Retention.COMMUNICATIONS,
    encrypted=True,
)
ACCESS_TIME = Personal(
    Category.TECHNICAL,
    "the access log of the data centre: day and time of each entry and exit (annex 7 §4.8)",
    LegalBasis.LEGITIMATE_INTEREST,
    Retention.ACCESS_LOGS,
    erasure=Erasure(ErasureStrategy.DELETE, dated_by="entered_at"),
)

declare(
    "datacenter.Equipment",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "equipment_id": EQUIPMENT,
        "kind": EQUIPMENT,
        "client": REFERENCE,
        "service": REFERENCE,
        "rack": EQUIPMENT,
        "unit_from": EQUIPMENT,
        "unit_count": EQUIPMENT,
        "power_watts": EQUIPMENT,
        "serial_number": EQUIPMENT,
        "status": STATE,
        "created_at": RECORD_TIME,
        "updated_at": RECORD_TIME,
    },
)

declare(
    "datacenter.EquipmentMovement",
    {
        "id": ROW_KEY,
        "equipment": REFERENCE,
        "direction": STATE,
        "moved_on": NotPersonal("the day the equipment was moved"),
        "note": NotPersonal("staff's note about the equipment moved"),
        "recorded_by": REFERENCE,
        "recorded_at": RECORD_TIME,
    },
)

declare(
    "datacenter.EquipmentApplication",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "client": REFERENCE,
        "service": REFERENCE,
        "action": STATE,
        "details": CLIENT_TEXT,
        "status": STATE,
        "filed_by": REFERENCE,
        "filed_at": RECORD_TIME,
        "result": Personal(
            Category.COMMUNICATION, _APPLICATIONS, LegalBasis.CONTRACT, Retention.COMMUNICATIONS
        ),
        "worked_by": REFERENCE,
        "worked_at": RECORD_TIME,
        "finished_at": RECORD_TIME,
        "done_by_module": NotPersonal("the provisioning module that did the action"),
    },
    subject=Subject(client="client"),
)

declare(
    "datacenter.ApplicationItem",
    {"id": ROW_KEY, "application": REFERENCE, "equipment": REFERENCE},
)

declare(
    "datacenter.Representative",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "client": REFERENCE,
        "full_name": _representative(Category.IDENTITY),
        "document_number": _representative(Category.IDENTITY),
        "phone": _representative(Category.CONTACT),
        "created_at": RECORD_TIME,
        "removed_at": RECORD_TIME,
    },
    subject=Subject(client="client"),
)

declare(
    "datacenter.VisitRequest",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "client": REFERENCE,
        "representative": REFERENCE,
        "starts_at": NotPersonal("the window asked for"),
        "ends_at": NotPersonal("the window asked for"),
        "purpose": CLIENT_TEXT,
        "status": STATE,
        "requested_by": REFERENCE,
        "created_at": RECORD_TIME,
        "decided_by": REFERENCE,
        "decided_at": RECORD_TIME,
        "decision_note": NotPersonal("staff's reason for approving or refusing the visit"),
    },
    subject=Subject(client="client"),
)

declare(
    "datacenter.AccessLogEntry",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "client": REFERENCE,
        "representative": REFERENCE,
        "visit": REFERENCE,
        "entered_at": ACCESS_TIME,
        "exited_at": ACCESS_TIME,
        "escorted_by": REFERENCE,
    },
    subject=Subject(client="client"),
)

declare(
    "datacenter.IpPool",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "name": ADDRESS_SPACE,
        "network": ADDRESS_SPACE,
        "version": ADDRESS_SPACE,
        "created_at": RECORD_TIME,
    },
)

declare(
    "datacenter.IpAllocation",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "pool": REFERENCE,
        "client": REFERENCE,
        "service": REFERENCE,
        "network": ADDRESS_SPACE,
        "status": STATE,
        "allocated_on": RECORD_TIME,
        "allocated_by": REFERENCE,
        "addresses_in_use": STATE,
        "usage_reported_at": RECORD_TIME,
        "usage_source": STATE,
        "warned_at": RECORD_TIME,
        "released_at": RECORD_TIME,
        "release_reason": NotPersonal("why the addresses went back to the pool"),
    },
)

declare(
    "datacenter.IpUsageReport",
    {
        "id": ROW_KEY,
        "allocation": REFERENCE,
        "addresses_in_use": STATE,
        "source": STATE,
        "reported_by": REFERENCE,
        "reported_at": RECORD_TIME,
    },
)

declare(
    "datacenter.ReverseDnsRecord",
    {
        "id": ROW_KEY,
        "allocation": REFERENCE,
        "address": ADDRESS_SPACE,
        "host_name": Personal(
            Category.TECHNICAL,
            "the reverse DNS name the client set for its address (SUP-06)",
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
            encrypted=True,
        ),
        "updated_at": RECORD_TIME,
    },
    subject=Subject(client="allocation__client"),
)
