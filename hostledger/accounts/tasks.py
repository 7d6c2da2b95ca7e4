"""Background tasks of the accounts app.

The database task backend stores a task by its import path: keep the functions where they are.
"""

from __future__ import annotations

from django.core.mail import send_mail
from django.tasks import task


@task()
def send_staff_change_notice(recipient: str, subject: str, body: str) -> dict:
    """Mail the responsible personnel one change of staff access (ACC-11). A failure raises,
    so the task result shows it and the worker's log names it."""
    send_mail(subject, body, None, [recipient])
    return {"sent_to": recipient}
