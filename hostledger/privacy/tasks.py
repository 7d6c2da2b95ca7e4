"""The background task that builds one export of personal data (GDPR-02).

The database task backend stores a task by its import path, so this module's path is part
of the queue's data: keep the function where it is.
"""

from __future__ import annotations

from django.tasks import task


@task()
def build_personal_data_export(export_id: int) -> dict:
    """Build the queued export ``export_id`` and report how it ended."""
    # Imported here: hostledger.privacy.exports enqueues this task, so importing it at module
    # level would make the two modules import each other.
    from hostledger.privacy.exports import personal_data_export_build

    export = personal_data_export_build(export_id=export_id)
    return {"export": export_id, "status": export.status if export is not None else "skipped"}
