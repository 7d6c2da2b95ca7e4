"""What staff read in the staff area, through the API too: the provider settings with their
values in force (habit 7), the VAT rate table (BIL-05) and the job runs (AUT). Each needs the
same permission as its staff page (ACC-11); nothing here changes anything."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from hostledger.accounts import permissions as perms
from hostledger.accounts.selectors import require_staff_permission
from hostledger.api.errors import responses
from hostledger.api.schemas import PageParams, page_of, paginate
from hostledger.core import jobs, registry
from hostledger.invoicing import staff_selectors as invoicing

router = Router(tags=["Staff"])


class ProviderSettingOut(Schema):
    """A provider setting: its value in force and the seed's default, as JSON-safe text."""

    key: str = Field(examples=["invoicing.vies_check_enabled"])
    label: str
    help_text: str
    kind: str = Field(description="int, decimal, bool, str or choice.")
    value: Any = Field(description="The value in force (a decimal as a string).")
    default: Any = Field(description="The seed's value (a decimal as a string).")
    is_default: bool
    unit: str
    rule: str = Field(description="The SPEC rule the number comes from.", examples=["BIL-05"])


class VatRateOut(Schema):
    """A VAT rate of a country with its validity dates (BIL-05)."""

    country: str = Field(examples=["EE"])
    rate: str = Field(description="Percent, two decimals.", examples=["24.00"])
    valid_from: date
    valid_to: date | None
    note: str


class JobRunOut(Schema):
    """One run of a background job, without its log."""

    id: int
    job_name: str = Field(examples=["automation.billing_run"])
    status: str = Field(examples=["succeeded"])
    slot: datetime | None
    enqueued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    progress_done: int
    progress_total: int | None
    counts: dict[str, Any]


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


@router.get(
    "/staff/settings",
    response=responses({200: page_of(ProviderSettingOut)}, 400, 401, 403),
    summary="List the provider settings",
)
def staff_setting_list(request: HttpRequest, page: Query[PageParams]):
    """Every provider setting with its value in force and its default (habit 7). Needs
    settings.edit, like the settings page."""
    require_staff_permission(request.user, perms.SETTINGS_EDIT)
    values = registry.current_values()
    rows = [
        {
            "key": item.key,
            "label": item.label,
            "help_text": item.help_text,
            "kind": item.kind,
            "value": _plain(values[item.key]),
            "default": _plain(item.default),
            "is_default": values[item.key] == item.default,
            "unit": item.unit,
            "rule": item.rule,
        }
        for item in registry.all_settings()
    ]
    return paginate(rows, page)


@router.get(
    "/staff/vat-rates",
    response=responses({200: page_of(VatRateOut)}, 400, 401, 403),
    summary="List the VAT rate table",
)
def staff_vat_rate_list(request: HttpRequest, page: Query[PageParams]):
    """The VAT rates of every country with their validity dates (BIL-05). Needs
    billing.manage."""
    require_staff_permission(request.user, perms.BILLING_MANAGE)
    found = paginate(invoicing.vat_rate_table(), page)
    found["items"] = [
        {
            "country": rate.country,
            "rate": f"{Decimal(rate.rate):.2f}",
            "valid_from": rate.valid_from,
            "valid_to": rate.valid_to,
            "note": rate.note,
        }
        for rate in found["items"]
    ]
    return found


@router.get(
    "/staff/job-runs",
    response=responses({200: page_of(JobRunOut)}, 400, 401, 403),
    summary="List the job runs",
)
def staff_job_run_list(request: HttpRequest, page: Query[PageParams]):
    """Runs of background jobs, newest first, with progress and counts, without logs. Needs
    jobs.view, like the jobs page."""
    require_staff_permission(request.user, perms.JOBS_VIEW)
    return paginate(jobs.job_runs_newest_first(), page)
