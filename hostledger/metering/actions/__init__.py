"""Every write of metering: recording usage and billing it (BIL-08, CAT-02). Each action is
one transaction, keyword-only, complete; the modules are split by area and all importable
from here."""

from hostledger.metering.actions.billing import (
    UsageBill,
    UsageBillRun,
    usage_bill_due,
    usage_bill_period,
)
from hostledger.metering.actions.records import (
    UsageIngested,
    UsageInput,
    usage_record,
    usage_records_ingest,
)

__all__ = [
    "UsageBill",
    "UsageBillRun",
    "UsageIngested",
    "UsageInput",
    "usage_bill_due",
    "usage_bill_period",
    "usage_record",
    "usage_records_ingest",
]
