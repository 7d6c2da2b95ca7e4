"""API v1: usage records of metered items and a service's usage (BIL-08, CAT-02).

The provider's accounting instruments and provisioning modules deliver usage through a staff
token with ``services.manage``: a batch of records, each stored once by its source and
external id, so a delivery may be repeated safely (habit 2). Clients and their trusted users
(ACC-06) read a service's usage of a month, with what the fee includes and what is billable.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Query, Router

from hostledger.accounts import permissions as perms
from hostledger.accounts import selectors as accounts
from hostledger.api.errors import responses
from hostledger.api.schemas import ActingClient, path_id
from hostledger.api.schemas_usage import (
    ServiceUsageOut,
    UsageIngestedOut,
    UsagePeriodQuery,
    UsageRecordsIn,
    service_usage_row,
)
from hostledger.metering import actions, selectors
from hostledger.metering.periods import usage_period_of
from hostledger.subscriptions import selectors as subscriptions

router = Router(tags=["Usage"])
STAFF_TAGS = ["Staff: usage"]

ServiceId = Annotated[str, Path(**path_id("service", "svc_3k9d2m7q8w1x4z6v"))]


@router.get(
    "/services/{service_id}/usage",
    response=responses({200: ServiceUsageOut}, 400, 401, 403, 404),
    summary="Read a service's usage",
)
def service_usage_read(
    request: HttpRequest,
    service_id: ServiceId,
    acting: Query[ActingClient],
    month: Query[UsagePeriodQuery],
):
    """The service's usage of metered items in a calendar month (the current one unless
    ``period`` names another): per item, what was used, what the fee includes, what is
    billable and its amount so far (BIL-08, CAT-02). Once the month is billed, the figures
    billed and the invoice. Another client's service answers 404."""
    client = accounts.client_access(
        request.user, acting.client, reads=accounts.SERVICES_SCOPE
    ).client
    service = subscriptions.client_service(client, service_id)
    if month.period is None:
        period = selectors.current_usage_period()
    else:
        year, number = (int(part) for part in month.period.split("-"))
        period = usage_period_of(date(year, number, 1))
    return service_usage_row(selectors.service_usage(service, period=period))


@router.post(
    "/staff/usage-records",
    response=responses({200: UsageIngestedOut}, 400, 401, 403),
    summary="Deliver usage records",
    tags=STAFF_TAGS,
)
def staff_usage_records_ingest(request: HttpRequest, payload: UsageRecordsIn):
    """Store measurements of metered items from the provider's accounting instruments
    (BIL-08, seed 003 §4.2). The batch is checked whole and refused whole, each problem
    naming its row (``rows[3].quantity``): an unknown service or item, an item not of the
    service's tariff, a terminated service, a window that ends before it starts, before the
    service began or in the future. A record already stored under the same ``source`` and
    ``external_id`` is counted as a duplicate and not stored again; with other figures the
    batch answers 400 ``usage_record_conflict``, and a new record in a month already billed
    400 ``usage_period_billed``. Needs services.manage."""
    accounts.require_staff_permission(request.user, perms.SERVICES_MANAGE)
    result = actions.usage_records_ingest(
        rows=[row.model_dump() for row in payload.rows], actor=request.user
    )
    return {
        "received": result.received,
        "created": result.created,
        "duplicates": result.duplicates,
    }
