"""Usage read from provisioning modules feeds metered billing (PRV-01, BIL-08, ORD-05).

Every hour the modules that declare the ``usage`` capability are asked, service by service,
for the readings since the last one stored from them; the readings are recorded through the
metering actions under the source ``module:<name>`` with the module's own key for each
interval, so an hour read twice (a rerun, a crash between two services) is stored once. A
reading of an item the catalog does not sell for the service's tariff is skipped and logged:
the provider has not priced it. A module that fails is tried again at the next run from the
same point.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from hostledger.catalog.selectors import metered_items_for_tariff
from hostledger.core.errors import DomainError
from hostledger.metering.actions import usage_records_ingest
from hostledger.metering.actions.records import UsageInput
from hostledger.metering.selectors import last_window_end
from hostledger.provisioning.controls import request_for_service
from hostledger.provisioning.modules.interface import Capability, capabilities_of
from hostledger.provisioning.modules.registry import get_module, module_names
from hostledger.subscriptions.selectors import live_services_on_modules

logger = logging.getLogger("hostledger.provisioning")

SOURCE_PREFIX = "module:"
FIRST_LOOK_BACK = timedelta(days=1)


@dataclass
class UsageCollected:
    services: int = 0
    readings: int = 0
    stored: int = 0
    failed: int = 0


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def usage_collect(*, now: datetime) -> UsageCollected:
    """Read usage from every module that reports it and record it for billing (BIL-08)."""
    counts = UsageCollected()
    until = _hour(now)
    names = [name for name in module_names() if name != "manual"]
    items_of_tariff: dict[int, dict] = {}
    for service in live_services_on_modules(names):
        module = get_module(service.module_name)
        request = request_for_service(service)
        if Capability.USAGE not in capabilities_of(module, request):
            continue
        counts.services += 1
        source = f"{SOURCE_PREFIX}{service.module_name}"[:60]
        since = last_window_end(service, source=source) or max(
            service.activated_at or until - FIRST_LOOK_BACK, until - FIRST_LOOK_BACK
        )
        if since >= until:
            continue
        try:
            readings = module.usage(
                replace(request, operation_key=f"usage-{until:%Y%m%d%H}"), since=since, until=until
            )
        except Exception:
            counts.failed += 1
            logger.warning("Usage of %s could not be read", service.public_id, exc_info=True)
            continue
        if service.tariff_id not in items_of_tariff:
            items_of_tariff[service.tariff_id] = {
                item.code: item for item in metered_items_for_tariff(service.tariff)
            }
        items = items_of_tariff[service.tariff_id]
        rows = []
        for reading in readings:
            counts.readings += 1
            item = items.get(reading.item_code)
            if item is None:
                logger.info(
                    "%s reported %s, which the tariff does not meter", source, reading.item_code
                )
                continue
            rows.append(
                UsageInput(
                    service=service,
                    metered_item=item,
                    quantity=reading.quantity,
                    window_start=reading.started_at,
                    window_end=reading.ended_at,
                    source=source,
                    external_id=reading.key,
                )
            )
        if not rows:
            continue
        try:
            counts.stored += usage_records_ingest(rows=rows).created
        except DomainError as refused:
            counts.failed += 1
            logger.warning("Usage of %s was refused: %s", service.public_id, refused.message)
    return counts
