# ruff: noqa: S608 - table names come from model metadata and every value is a parameter
"""Domain renewals in the billing run (AUT-01, DOM-02): a domain is renewed at its registry
only once its renewal period is paid, and only once per period.

When :func:`~hostledger.automation.dunning.paid_renewals_apply` records the paid periods of
a chunk, the domain services among them get a ``renew`` call of their provisioning module,
keyed ``renew:<last day of the period>``: the key is unique per service, so a run killed
after the chunk's commit and run again, or a payment applied twice, queues nothing more. The
call carries the period's length and the expiry known when it was paid (``current_expiry``);
the registrar module renews from the registry's expiry and, when a retried call finds that
expiry already past ``current_expiry``, does not renew again.
"""

from __future__ import annotations

from hostledger.automation import sql
from hostledger.core.jobs import enqueue_in_transaction
from hostledger.domains.models import Domain
from hostledger.provisioning.models import ProvisioningOperation
from hostledger.provisioning.modules.interface import Operation
from hostledger.provisioning.modules.registrar import RegistrarModule
from hostledger.provisioning.tasks import hand_operations_to_workers
from hostledger.subscriptions.models import ServiceStatus

SERVICE = "subscriptions_service"
OPERATION = sql.table(ProvisioningOperation)
DOMAIN = sql.table(Domain)
RENEW_KEY_PREFIX = "renew:"
RENEWABLE_SERVICE_STATUSES = (
    ServiceStatus.PROVISIONING,
    ServiceStatus.ACTIVE,
    ServiceStatus.SUSPENDED,
)


def renewal_key(period_ends_on) -> str:
    """The key of the renewal call of the period ending on ``period_ends_on``."""
    return f"{RENEW_KEY_PREFIX}{period_ends_on.isoformat()}"


def paid_domain_renewals_queue(*, paid_table: str, stamp) -> int:
    """Queue the registry renewal of every domain service whose renewal period is in
    ``paid_table`` (the scratch table of the periods just paid: service_id, starts_on,
    ends_on), once per (service, period end), and hand the calls to the workers in the
    caller's transaction. Returns how many calls are new."""
    changes = sql.json_object(
        "'months'",
        "s.renewal_months",
        "'current_expiry'",
        "CAST(d.expires_on AS varchar(10))",
        "'period_starts_on'",
        "CAST(p.starts_on AS varchar(10))",
        "'period_ends_on'",
        "CAST(p.ends_on AS varchar(10))",
    )
    statuses = ", ".join(f"'{status}'" for status in RENEWABLE_SERVICE_STATUSES)
    queued = sql.execute(
        f"""
        INSERT INTO {OPERATION} (public_id, service_id, operation, key, module_name, changes,
            status, attempts, message, retry_can_help, created_at, updated_at)
        SELECT {sql.random_public_id_sql("pop_")}, p.service_id, %s,
            %s || CAST(p.ends_on AS varchar(10)), s.module_name, {changes},
            %s, 0, '', false, %s, %s
        FROM {paid_table} p JOIN {SERVICE} s ON s.id = p.service_id
        JOIN {DOMAIN} d ON d.service_id = s.id
        WHERE s.module_name = %s AND s.status IN ({statuses})
        ON CONFLICT (service_id, key) DO NOTHING
        """,
        [
            Operation.RENEW.value,
            RENEW_KEY_PREFIX,
            ProvisioningOperation.Status.QUEUED.value,
            stamp,
            stamp,
            RegistrarModule.name,
        ],
    )
    if not queued:
        return 0
    operation_ids = [
        row[0]
        for row in sql.fetchall(
            f"SELECT o.id FROM {OPERATION} o JOIN {paid_table} p ON p.service_id = o.service_id "
            "WHERE o.operation = %s AND o.created_at = %s AND o.handed_to_worker_at IS NULL",
            [Operation.RENEW.value, stamp],
        )
    ]
    # Enqueued in the chunk's own transaction: a process killed right after the COMMIT must
    # not leave a renewal queued with no task to carry it out.
    if operation_ids:
        enqueue_in_transaction(hand_operations_to_workers, operation_ids)
    return queued
