"""Every write of orders and services (ORD, CAT-03, CAT-04). Each action is one transaction,
keyword-only, complete; the modules are split by area (plan changes ORD-04, cancellation
ORD-06, withdrawal ORD-07, the contract term ORD-08) and all importable from here."""

from hostledger.subscriptions.actions.cancellation import (
    service_cancellation_carry_out,
    service_cancellation_request,
    service_cancellation_withdraw,
)
from hostledger.subscriptions.actions.changes import (
    service_plan_change,
    service_plan_change_withdraw,
)
from hostledger.subscriptions.actions.contracts import (
    contract_notice_give,
    contract_termination_notice_give,
    contracts_renew,
)
from hostledger.subscriptions.actions.extensions import service_paid_period_extend
from hostledger.subscriptions.actions.imports import service_import
from hostledger.subscriptions.actions.lifecycle import (
    service_activate,
    service_host_name_set,
    service_module_result_store,
    service_provisioned,
    service_provisioning_start,
    service_resume,
    service_suspend,
    service_terminate,
    service_trial_start,
)
from hostledger.subscriptions.actions.order_input import AddOnChoice
from hostledger.subscriptions.actions.orders import order_place, order_place_for_trial
from hostledger.subscriptions.actions.payments import (
    client_payments_apply,
    order_cancel,
    proforma_pay_from_balance,
)
from hostledger.subscriptions.actions.pools import (
    pool_server_create,
    pool_server_delete,
    pool_server_resize,
)
from hostledger.subscriptions.actions.quotes import (
    QuoteLineInput,
    quote_accept,
    quote_create,
    quote_decline,
    quote_send,
    quote_withdraw,
)
from hostledger.subscriptions.actions.withdrawal import service_withdraw

__all__ = [
    "AddOnChoice",
    "QuoteLineInput",
    "client_payments_apply",
    "contract_notice_give",
    "contract_termination_notice_give",
    "contracts_renew",
    "order_cancel",
    "order_place",
    "order_place_for_trial",
    "pool_server_create",
    "pool_server_delete",
    "pool_server_resize",
    "proforma_pay_from_balance",
    "quote_accept",
    "quote_create",
    "quote_decline",
    "quote_send",
    "quote_withdraw",
    "service_activate",
    "service_cancellation_carry_out",
    "service_cancellation_request",
    "service_cancellation_withdraw",
    "service_host_name_set",
    "service_import",
    "service_module_result_store",
    "service_paid_period_extend",
    "service_plan_change",
    "service_plan_change_withdraw",
    "service_provisioned",
    "service_provisioning_start",
    "service_resume",
    "service_suspend",
    "service_terminate",
    "service_trial_start",
    "service_withdraw",
]
