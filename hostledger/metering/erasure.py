"""Erasure of usage records (GDPR-04, GDPR-08): the one place where stored usage rows change.

Usage records are append-only for every other purpose (habit 1); their own managers refuse
updates and deletes. When their legal term ends (seven years after the year of use) the
privacy engine's retention schedule erases them through this function, which the core
eraser calls for ``metering.UsageRecord`` (decision 0024).
"""

from __future__ import annotations

from django.db import models

from hostledger.core.erasure import erase_rows_generic, register_eraser
from hostledger.metering.models import UsageRecord


def usage_records_erase(rows: models.QuerySet, action: str, field_names: tuple[str, ...]) -> int:
    """Delete or anonymise usage records whose term ended, past the append-only managers."""
    return erase_rows_generic(rows, action, field_names, writable=models.QuerySet(UsageRecord))


register_eraser("metering.UsageRecord", usage_records_erase)
