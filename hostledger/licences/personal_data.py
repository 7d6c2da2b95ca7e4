"""Personal data held by licence rental, field by field (GDPR-01).

A licence key is the provider's property, bought from its licensor; while a service holds it,
it is also what the client uses to activate the software (annex 9 §1.1), so it is declared as
the client's account data and kept encrypted. Its rows name no data subject (``Subject()``):
the keys stay under the field keys, so erasing a client never destroys a key of the
provider's stock, and the client's copy of its key (the service's access details, declared
by provisioning) is erased with the client. Services and clients are named by their opaque
public ids only.
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
PRODUCT = NotPersonal("catalog code and name of a licensed product")
SERVICE_REFERENCE = NotPersonal(
    "opaque public id of the service or client holding a key, for the licensor's report"
)

_KEY = "giving the client the licence key of the rented software (annex 9 §1.1, PRV-01)"

declare(
    "licences.LicenceProduct",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "code": PRODUCT,
        "name": PRODUCT,
        "created_at": RECORD_TIME,
        "created_by": REFERENCE,
    },
)

declare(
    "licences.LicenceKey",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "product": REFERENCE,
        "key_text": Personal(
            Category.ACCOUNT, _KEY, LegalBasis.CONTRACT, Retention.ACCOUNT_LIFETIME, encrypted=True
        ),
        "key_index": Personal(
            Category.ACCOUNT,
            _KEY + ": telling keys apart without decrypting them (keyed hash)",
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
        ),
        "status": STATE,
        "service_public_id": SERVICE_REFERENCE,
        "client_public_id": SERVICE_REFERENCE,
        "allocated_at": RECORD_TIME,
        "released_at": RECORD_TIME,
        "retired_at": RECORD_TIME,
        "uploaded_at": RECORD_TIME,
        "uploaded_by": REFERENCE,
    },
    subject=Subject(),
)

declare(
    "licences.LicenceKeyEvent",
    {
        "id": ROW_KEY,
        "key": REFERENCE,
        "product": REFERENCE,
        "kind": STATE,
        "service_public_id": SERVICE_REFERENCE,
        "client_public_id": SERVICE_REFERENCE,
        "occurred_at": RECORD_TIME,
        "actor": REFERENCE,
        "note": NotPersonal("why staff retired a key, in the staff's words about the key"),
    },
)
