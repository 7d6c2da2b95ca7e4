"""Every write of interruptions, their compensation, maintenance windows and dedicated-server
repairs (SUP-03, SUP-04, SUP-07, BIL-09). Each action is one transaction, keyword-only and
complete; other apps are reached through their own actions and bulk modules."""

from hostledger.incidents.actions.compensation import compensations_grant, service_month_compensate
from hostledger.incidents.actions.interruptions import (
    interruption_confirm,
    interruption_reject,
    interruption_report,
    interruption_restore,
)
from hostledger.incidents.actions.maintenance import maintenance_window_announce
from hostledger.incidents.actions.repairs import repair_notes_mark_invoiced, repair_record

__all__ = [
    "compensations_grant",
    "interruption_confirm",
    "interruption_reject",
    "interruption_report",
    "interruption_restore",
    "maintenance_window_announce",
    "repair_notes_mark_invoiced",
    "repair_record",
    "service_month_compensate",
]
