"""Background tasks of the privacy app.

The database task backend stores a task by its import path: keep the functions where they are.
"""

from __future__ import annotations

from django.core.mail import send_mail
from django.tasks import task

from hostledger.privacy.export_build import personal_data_export_build


@task()
def send_staff_request_reminder(recipient: str, subject: str, body: str) -> dict:
    """Mail one staff member the data-subject requests due soon or overdue (GDPR-07). A
    failure raises, so the task result shows it and the worker's log names it."""
    send_mail(subject, body, None, [recipient])
    return {"sent_to": recipient}


@task()
def build_personal_data_export(export_id: int) -> dict:
    """Build the queued export ``export_id`` and report how it ended."""
    export = personal_data_export_build(export_id=export_id)
    return {"export": export_id, "status": export.status if export is not None else "skipped"}
