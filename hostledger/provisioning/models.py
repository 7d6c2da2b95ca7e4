"""Calls of provisioning modules, one row each (PRV-01, PRV-02).

A :class:`ProvisioningOperation` is queued in the same transaction as the change of the
service it serves (a paid period, a suspension, a termination) and run by a background task
after that transaction commits. The unique (service, key) makes each call idempotent: the
same operation of the same service is queued once however often the caller asks, and a task
delivered twice runs the module once (the row is claimed with a conditional UPDATE).
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hostledger.core.fields import EncryptedTextField
from hostledger.core.ids import new_public_id
from hostledger.provisioning.modules.interface import Operation


class ProvisioningOperation(models.Model):
    """One call of a provisioning module for one service, and how it went (PRV-02).

    ``queued`` → ``running`` → ``done``, ``waiting`` (a person must finish it: the manual
    module) or ``retrying`` (a temporary failure; tried again at ``next_attempt_at``, with a
    doubling delay) and finally ``failed`` when a retry cannot help or the attempts ran out;
    failed and waiting calls are listed for staff, so billing and the real resource never
    drift apart silently. Calls still open when their service is terminated are
    ``cancelled``.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        WAITING = "waiting", _("Waiting for staff")
        RETRYING = "retrying", _("Failed, will retry")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.QUEUED, Status.RUNNING, Status.WAITING, Status.RETRYING)

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "pop"), editable=False
    )
    service = models.ForeignKey(
        "subscriptions.Service", on_delete=models.PROTECT, related_name="provisioning_operations"
    )
    operation = models.CharField(max_length=20, choices=[(op.value, op.value) for op in Operation])
    key = models.CharField(
        max_length=80, help_text="Unique per service: the same call is queued once."
    )
    module_name = models.CharField(max_length=40)
    changes = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    handed_to_worker_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(blank=True)
    retry_can_help = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "key"], name="provisioning_operation_once"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="provisioning_op_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.operation} of {self.service_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ServiceAccess(models.Model):
    """How the client (and its module) reaches a service: address, user name, password,
    control-panel URL, and for a dedicated server its management controller (PRV-01).

    Filled by the module's answer (``ModuleResult.access``) or by staff who activate a
    service by hand, and kept encrypted under the client's key as one JSON object. The client
    sees the address in the panel; the password only when it asks to reveal it, and each
    reveal is audited. Never mailed (NTF-01).
    """

    service = models.OneToOneField(
        "subscriptions.Service", on_delete=models.PROTECT, related_name="access"
    )
    details = EncryptedTextField(blank=True, help_text="JSON object of access details.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"access of {self.service_id}"
