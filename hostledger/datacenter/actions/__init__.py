"""Every write of the data centre's tables (SUP-02, SUP-05, SUP-06): keyword-only,
atomic actions; web pages, the API, jobs and flows call these and nothing else."""

from hostledger.datacenter.actions.applications import (
    application_file,
    application_module_can_run,
    application_module_run,
    application_services,
    application_work,
    parse_equipment_ids,
)
from hostledger.datacenter.actions.colocation import (
    access_entry_record,
    access_exit_record,
    representative_add,
    representative_remove,
    visit_decide,
    visit_request_file,
)
from hostledger.datacenter.actions.equipment import (
    clean_equipment_id,
    equipment_move,
    equipment_register,
    equipment_update,
)
from hostledger.datacenter.actions.ip_addresses import (
    clean_host_name,
    ip_allocate,
    ip_allocation_release,
    ip_allocation_warning_mark,
    ip_pool_create,
    ip_usage_probe_record,
    ip_usage_report,
    parse_network,
    reverse_dns_set,
)

__all__ = [
    "access_entry_record",
    "access_exit_record",
    "application_file",
    "application_module_can_run",
    "application_module_run",
    "application_services",
    "application_work",
    "clean_equipment_id",
    "clean_host_name",
    "equipment_move",
    "equipment_register",
    "equipment_update",
    "ip_allocate",
    "ip_allocation_release",
    "ip_allocation_warning_mark",
    "ip_pool_create",
    "ip_usage_probe_record",
    "ip_usage_report",
    "parse_equipment_ids",
    "parse_network",
    "representative_add",
    "representative_remove",
    "reverse_dns_set",
    "visit_decide",
    "visit_request_file",
]
