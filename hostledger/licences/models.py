"""The pool of licence keys the provider rents out (CAT-01; seed 003, annex 9) and the history
of their allocations to services.

Staff upload the keys they bought (one per line); each key belongs to a
:class:`LicenceProduct` ("windows-server-std"), from which the ``licences`` provisioning
module hands one to each service of a licence tariff and takes it back when the service ends.
:class:`LicenceKeyEvent` records every allocation, release and retirement, append-only, for
the monthly usage report the provider owes its licensor.

Every table is written by :mod:`hostledger.licences.actions` only.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hostledger.core.fields import BlindIndexField, EncryptedTextField
from hostledger.core.ids import new_public_id
from hostledger.licences.conf import PRODUCT_CODE_MAX

SERVICE_REFERENCE_MAX = 24


class LicenceProduct(models.Model):
    """A licensed product whose keys are interchangeable ("Windows Server Standard"): the
    pool a service draws its key from. A catalog tariff draws from the product whose ``code``
    is the tariff's code, or the one the provider setting ``licences.tariff_products`` names
    for it."""

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "lpr"), editable=False
    )
    code = models.CharField(
        max_length=PRODUCT_CODE_MAX,
        unique=True,
        help_text="Lower-case letters, digits and dashes, e.g. windows-server-std.",
    )
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class LicenceKeyStatus(models.TextChoices):
    """Where a key is: in the pool, with a service, or out of use for good (revoked by the
    licensor, leaked)."""

    AVAILABLE = "available", _("Available")
    ALLOCATED = "allocated", _("Allocated")
    RETIRED = "retired", _("Retired")


class LicenceKey(models.Model):
    """One licence key of a product (annex 9 §1.1).

    The key is a credential: it is stored encrypted and found only through its keyed hash
    ``key_index``, which also makes every key unique in the pool. An allocated key names the
    service holding it and that service's client by their public ids, as the provisioning
    module passed them; a service holds at most one key at a time.
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "lky"), editable=False
    )
    product = models.ForeignKey(LicenceProduct, on_delete=models.PROTECT, related_name="keys")
    key_text = EncryptedTextField()
    key_index = BlindIndexField(source="key_text", purpose="licence_key", unique=True)
    status = models.CharField(
        max_length=10, choices=LicenceKeyStatus.choices, default=LicenceKeyStatus.AVAILABLE
    )
    service_public_id = models.CharField(max_length=SERVICE_REFERENCE_MAX, blank=True)
    client_public_id = models.CharField(max_length=SERVICE_REFERENCE_MAX, blank=True)
    allocated_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["product", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_public_id"],
                condition=Q(status=LicenceKeyStatus.ALLOCATED),
                name="licences_one_key_per_service",
            ),
            models.CheckConstraint(
                condition=(
                    (Q(status=LicenceKeyStatus.ALLOCATED) & ~Q(service_public_id=""))
                    | (~Q(status=LicenceKeyStatus.ALLOCATED) & Q(service_public_id=""))
                ),
                name="licences_allocated_names_service",
            ),
        ]
        indexes = [
            models.Index(fields=["product", "status", "id"], name="licences_key_free_idx"),
        ]

    def __str__(self) -> str:
        return self.public_id


class LicenceEventKind(models.TextChoices):
    ALLOCATED = "allocated", _("Allocated to a service")
    RELEASED = "released", _("Released by a service")
    RETIRED = "retired", _("Retired")


class AppendOnlyError(RuntimeError):
    """A history row was asked to change or go."""


class LicenceKeyEvent(models.Model):
    """What happened to a key and when: allocated to a service, released by it, retired.

    Append-only: a row is never changed or deleted, so the months already reported to the
    licensor can always be reported again with the same figures. An allocation lasts from its
    ``allocated`` event to the key's next ``released`` event.
    """

    key = models.ForeignKey(LicenceKey, on_delete=models.PROTECT, related_name="events")
    product = models.ForeignKey(LicenceProduct, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=LicenceEventKind.choices)
    service_public_id = models.CharField(max_length=SERVICE_REFERENCE_MAX, blank=True)
    client_public_id = models.CharField(max_length=SERVICE_REFERENCE_MAX, blank=True)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [
            models.Index(fields=["product", "kind", "occurred_at"], name="licences_event_idx"),
            models.Index(fields=["key", "id"], name="licences_event_key_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key_id} {self.occurred_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("A licence key event is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("A licence key event is never deleted.")
