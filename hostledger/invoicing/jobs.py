"""Periodic jobs of invoicing: monthly acts of acceptance (DOC-01, DOC-02) and the stored
files of issued documents (BIL-04). Thin: each loads what it needs and calls one action."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from hostledger.core.jobs import JobContext, periodic_job
from hostledger.invoicing.actions import (
    acts_accept_overdue,
    acts_form,
    issued_files_store_pending,
)
from hostledger.invoicing.acts import previous_month_start


@periodic_job("invoicing.form_monthly_acts", every=timedelta(days=1), offset=timedelta(hours=1))
def form_monthly_acts(run: JobContext) -> None:
    """Form the previous month's acts of acceptance (DOC-01).

    Runs daily: the first run of a month forms the acts; the later runs form only acts still
    missing (none, unless the scheduler was down on the 1st), so a missed day is caught up.
    """
    month = previous_month_start(timezone.localdate(run.now))
    formed = acts_form(month=month, now=run.now)
    run.count("acts_formed", len(formed))
    run.log(f"Formed {len(formed)} acts of acceptance for {month:%Y-%m}.")


@periodic_job("invoicing.accept_overdue_acts", every=timedelta(hours=1))
def accept_overdue_acts(run: JobContext) -> None:
    """Mark accepted the acts not disputed by their deadline (DOC-02)."""
    accepted = acts_accept_overdue(today=timezone.localdate(run.now))
    run.count("acts_accepted", accepted)
    run.log(f"Marked {accepted} acts accepted after their dispute deadline.")


@periodic_job("invoicing.store_issued_files", every=timedelta(minutes=15))
def store_issued_files(run: JobContext) -> None:
    """Keep the PDF and e-invoice files of documents issued since the last run (BIL-04)."""
    stored = issued_files_store_pending()
    run.count("documents_stored", stored)
    run.log(f"Stored the files of {stored} issued documents.")
