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
from hostledger.domains.models import Domain
from hostledger.provisioning.bulk import operations_hand_over, operations_queue_select
from hostledger.provisioning.modules.interface import Operation
from hostledger.provisioning.modules.registrar import RegistrarModule
from hostledger.subscriptions.models import ServiceStatus

SERVICE = "subscriptions_service"
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
    statuses = ", ".join(["%s"] * len(RENEWABLE_SERVICE_STATUSES))
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
    queued = operations_queue_select(
        operation=Operation.RENEW.value,
        key_sql="%s || CAST(p.ends_on AS varchar(10))",
        key_params=[RENEW_KEY_PREFIX],
        changes_sql=changes,
        source_sql=(
            f"FROM {paid_table} p JOIN {SERVICE} s ON s.id = p.service_id "
            f"JOIN {DOMAIN} d ON d.service_id = s.id "
            f"WHERE s.module_name = %s AND s.status IN ({statuses})"
        ),
        source_params=[RegistrarModule.name, *RENEWABLE_SERVICE_STATUSES],
        stamp=stamp,
    )
    if queued:
        operations_hand_over(
            services_table=paid_table, stamp=stamp, operation=Operation.RENEW.value
        )
    return queued
