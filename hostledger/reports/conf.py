"""Provider settings of staff reports and list exports (habit 7).

Read them with ``hostledger.core.registry.setting_value(key)``.
"""

from __future__ import annotations

from hostledger.core.registry import ProviderSetting, declare

DEFAULT_MONTHS = "reports.default_months"
EXPORT_MAX_ROWS = "reports.export_max_rows"

declare(
    ProviderSetting(
        key=DEFAULT_MONTHS,
        default=12,
        kind="int",
        label="Months a report covers when staff choose no dates",
        help_text="A report opened without dates covers this many calendar months, the "
        "current one included.",
        unit="months",
        minimum=1,
        maximum=120,
    ),
    ProviderSetting(
        key=EXPORT_MAX_ROWS,
        default=100_000,
        kind="int",
        label="Most rows in one CSV or XLSX export of a staff list",
        help_text="An export of a staff list stops after this many rows (the file says so); "
        "narrow the filters to export the rest.",
        unit="rows",
        minimum=100,
        maximum=1_000_000,
    ),
)
