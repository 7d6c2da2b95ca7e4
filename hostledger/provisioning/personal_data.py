"""Personal data held by provisioning, field by field (GDPR-01).

A module call names the service it acts on and says how the call went; modules report
technical identifiers of the provider's resources, never data about a person.
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
CALL_STATE = NotPersonal("state and outcome of a call to a provisioning module")

declare(
    "provisioning.ProvisioningOperation",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "service": REFERENCE,
        "operation": CALL_STATE,
        "key": CALL_STATE,
        "module_name": CALL_STATE,
        "changes": NotPersonal("the new plan of a plan change: catalog codes and resources"),
        "status": CALL_STATE,
        "attempts": CALL_STATE,
        "next_attempt_at": RECORD_TIME,
        "handed_to_worker_at": RECORD_TIME,
        "message": NotPersonal("the module's answer about the provider's resource"),
        "retry_can_help": CALL_STATE,
        "created_at": RECORD_TIME,
        "updated_at": RECORD_TIME,
        "finished_at": RECORD_TIME,
        "completed_by": REFERENCE,
    },
)

declare(
    "provisioning.ServiceAccess",
    {
        "id": ROW_KEY,
        "service": REFERENCE,
        "details": Personal(
            Category.ACCOUNT,
            "giving the client access to its service: address, user name, password (PRV-01)",
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
            encrypted=True,
        ),
        "updated_at": RECORD_TIME,
    },
    subject=Subject(client="service__client"),
)
