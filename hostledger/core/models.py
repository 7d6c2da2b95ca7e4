"""Core records: provider setting overrides, the audit trail and the record of job runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProviderSettingValue(models.Model):
    """A staff override of one provider setting declared in an app's ``conf.py``.

    Absent means the declared default (the seed's value) applies. Every change also writes a
    :class:`ProviderSettingChange`, so the history of a setting is complete.
    """

    key = models.CharField(max_length=120, unique=True)
    value = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.key}={self.value!r}"


class ProviderSettingChange(models.Model):
    """One change of a provider setting: old and new value, who and when (history)."""

    key = models.CharField(max_length=120, db_index=True)
    old_value = models.JSONField(null=True)
    new_value = models.JSONField(null=True)
    reset_to_default = models.BooleanField(default=False)
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.key}: {self.old_value!r} -> {self.new_value!r}"


class AuditTrailIsAppendOnly(Exception):
    """Raised when code tries to change or remove an audit event (GDPR-12)."""


class AuditEventQuerySet(models.QuerySet):
    """Audit events can be read and appended, never changed or removed in bulk (GDPR-12)."""

    def update(self, **kwargs):
        raise AuditTrailIsAppendOnly("Audit events are never updated.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditTrailIsAppendOnly("Audit events are never updated.")

    def delete(self):
        raise AuditTrailIsAppendOnly("Audit events are never deleted.")

    delete.queryset_only = True


class AuditEvent(models.Model):
    """One entry of the append-only, hash-chained audit trail (GDPR-12).

    ``chain_hash`` is HMAC(AUDIT_CHAIN_KEY, previous chain_hash + this row's canonical form);
    ``hostledger audit verify`` recomputes the chain and reports any edited, inserted or
    deleted row. Rows are never updated or deleted by the application.

    Since ``hash_version`` 2 the actor's e-mail and the IP address are kept out of the clear:
    ``actor_label_token`` and ``ip_address_token`` hold them encrypted under the key of the
    person they are about (the actor's client's key, or the actor's own), and the chain
    covers those tokens, never the values. Destroying the key on erasure leaves the tokens
    unreadable and the chain intact. ``actor_label`` then only says "system" for events of no
    person. Events of version 1, written before, keep both in clear.
    """

    sequence = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    subject_client_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor_label_token = models.TextField(blank=True, default="", db_default="")
    ip_address_token = models.TextField(blank=True, default="", db_default="")
    hash_version = models.PositiveSmallIntegerField(default=1, db_default=1)
    previous_hash = models.CharField(max_length=64)
    chain_hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        """Insert a new event; an event that is already stored is never written again."""
        if not self._state.adding:
            raise AuditTrailIsAppendOnly("Audit events are never updated.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly("Audit events are never deleted.")


class AuditChainHead(models.Model):
    """The single row every audit writer locks, so sequence and chain never fork."""

    singleton = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit chain head #{self.last_sequence}"


class JobRun(models.Model):
    """A stored record of one run of a job: status, progress, counts and log."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        # The process running it stopped (killed, crashed, machine lost) before it finished.
        ABANDONED = "abandoned", _("Abandoned")

    job_name = models.CharField(max_length=120, db_index=True)
    slot = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    task_result_id = models.CharField(max_length=64, blank=True)
    enqueued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress_done = models.BigIntegerField(default=0)
    progress_total = models.BigIntegerField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    log = models.TextField(blank=True)
    error = models.TextField(blank=True)
    # Where a running job runs (host name and process id) and when it last reported, so a run
    # whose process is gone can be told from one that is still working.
    host = models.CharField(max_length=255, blank=True)
    process_id = models.PositiveIntegerField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-enqueued_at", "-id"]
        constraints = [
            # One run per periodic job and time slot, however many schedulers run (habit 2).
            models.UniqueConstraint(
                fields=["job_name", "slot"],
                condition=models.Q(slot__isnull=False),
                name="core_jobrun_one_per_slot",
            )
        ]

    def __str__(self) -> str:
        return f"{self.job_name} {self.slot or ''} {self.status}"

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class BulkJob(models.Model):
    """A job that applies one staff action with the same parameters to a selection of rows
    (a bulk action): what to do, with which parameters and as whom. Its :class:`JobRun`
    carries the status, progress and counts; its items the rows and how each went."""

    job_run = models.OneToOneField(JobRun, on_delete=models.CASCADE, related_name="bulk_job")
    action = models.CharField(max_length=120)
    parameters = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.action} (run {self.job_run_id})"


class BulkJobItem(models.Model):
    """One selected row of a bulk job. Its state is written in the transaction that applies
    the action to the row, so a run restarted after a crash skips the rows already done."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped"

    bulk_job = models.ForeignKey(BulkJob, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    public_id = models.CharField(max_length=64)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    reason = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["bulk_job", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["bulk_job", "public_id"], name="core_bulkjobitem_one_per_row"
            )
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.state}"
