"""What the data centre keeps: the equipment register and its moves, applications for actions
on equipment, colocation representatives, their visits and the access log, and IP address
pools with their allocations (SUP-02, SUP-05, SUP-06; seed 003, annexes 6 and 7).

Every table is written by :mod:`hostledger.datacenter.actions` only.
"""

from __future__ import annotations

import ipaddress
from functools import partial

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hostledger.core.fields import EncryptedTextField
from hostledger.core.ids import new_public_id

# Equipment ------------------------------------------------------------------------------------


class EquipmentKind(models.TextChoices):
    """What a piece of equipment is."""

    SERVER = "server", _("Server")
    STORAGE = "storage", _("Storage")
    SWITCH = "switch", pgettext_lazy("network equipment", "Switch")
    ROUTER = "router", _("Router")
    FIREWALL = "firewall", _("Firewall")
    POWER = "power", _("Power distribution")
    OTHER = "other", _("Other")


class EquipmentStatus(models.TextChoices):
    """Where the equipment is: expected (registered, not yet brought in), installed in the
    data centre, or removed (taken out)."""

    EXPECTED = "expected", _("Expected")
    INSTALLED = "installed", _("Installed")
    REMOVED = "removed", _("Removed")


class Equipment(models.Model):
    """One piece of equipment in the data centre with the ID the client names it by
    (annex 7 §4.1, SUP-05): a dedicated server the provider rents out or the client's own
    colocated equipment, tied to the service it belongs to and to that service's client.

    ``rack`` and ``unit_from`` … ``unit_from + unit_count - 1`` are where it sits;
    ``power_watts`` is its nominal draw. Installed equipment never shares a unit of a rack.
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "eqp"), editable=False
    )
    equipment_id = models.CharField(
        max_length=32, unique=True, help_text="The human ID on the label, e.g. SRV-0042."
    )
    kind = models.CharField(max_length=12, choices=EquipmentKind.choices)
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(
        "subscriptions.Service", on_delete=models.PROTECT, related_name="equipment"
    )
    rack = models.CharField(max_length=32, blank=True)
    unit_from = models.PositiveSmallIntegerField(null=True, blank=True)
    unit_count = models.PositiveSmallIntegerField(default=1)
    power_watts = models.PositiveIntegerField(null=True, blank=True)
    serial_number = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=12, choices=EquipmentStatus.choices, default=EquipmentStatus.EXPECTED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["equipment_id"]
        indexes = [models.Index(fields=["client", "status"], name="datacenter_eqp_client_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(unit_count__gte=1), name="datacenter_eqp_units")
        ]

    def __str__(self) -> str:
        return self.equipment_id

    @property
    def units_text(self) -> str:
        if self.unit_from is None:
            return ""
        last = self.unit_from + self.unit_count - 1
        return f"U{self.unit_from}" if last == self.unit_from else f"U{self.unit_from}-U{last}"


class MovementDirection(models.TextChoices):
    MOVED_IN = "in", _("Moved in")
    MOVED_OUT = "out", _("Moved out")


class EquipmentMovement(models.Model):
    """Equipment brought into or taken out of the data centre on a day (annex 7 §4.3,
    SUP-05), recorded by staff."""

    equipment = models.ForeignKey(Equipment, on_delete=models.PROTECT, related_name="movements")
    direction = models.CharField(max_length=3, choices=MovementDirection.choices)
    moved_on = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["moved_on", "id"]

    def __str__(self) -> str:
        return f"{self.equipment_id} {self.direction} {self.moved_on}"


# Applications for actions on equipment (SUP-02) -------------------------------------------------


class ApplicationAction(models.TextChoices):
    """What a client may apply for (annex 7 §5.6.5). The values are those of
    :class:`hostledger.provisioning.modules.interface.EquipmentAction`."""

    REBOOT = "reboot", _("Reboot")
    POWER_OFF = "power_off", _("Power off")
    POWER_ON = "power_on", _("Power on")
    NETWORK_CHANGE = "network_change", _("Network change")
    OS_REINSTALL = "os_reinstall", _("Reinstall the operating system")
    CONSOLE_ACCESS = "console_access", _("Console access")
    PART_REPLACEMENT = "part_replacement", _("Part replacement")
    PASSWORD_CHANGE = "password_change", _("Password change")


class ApplicationStatus(models.TextChoices):
    """Where an application stands as staff work it as an order."""

    SUBMITTED = "submitted", _("Submitted")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Failed")


OPEN_APPLICATION_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_PROGRESS)


class EquipmentApplication(models.Model):
    """A client's application for an action on its equipment, filed in the panel (annex 7
    §5.6-5.9, SUP-02): it names the client and the equipment IDs (:class:`ApplicationItem`),
    or, filed from the page of a virtual service without labelled equipment, the service.
    Staff work it as an order and record the outcome (``status``, ``result``, who, when); a
    provisioning module that can do the action does it at one click (``done_by_module``).
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "eqa"), editable=False
    )
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(
        "subscriptions.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The service the application was filed from, when it names no labelled "
        "equipment (a virtual server).",
    )
    action = models.CharField(max_length=20, choices=ApplicationAction.choices)
    details = EncryptedTextField(blank=True)
    status = models.CharField(
        max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filed_at = models.DateTimeField()
    result = models.TextField(blank=True)
    worked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    worked_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    done_by_module = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-filed_at", "-id"]
        indexes = [
            models.Index(fields=["client", "filed_at"], name="datacenter_eqa_client_idx"),
            models.Index(fields=["status", "filed_at"], name="datacenter_eqa_status_idx"),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_APPLICATION_STATUSES


class ApplicationItem(models.Model):
    """One piece of equipment an application names."""

    application = models.ForeignKey(
        EquipmentApplication, on_delete=models.CASCADE, related_name="items"
    )
    equipment = models.ForeignKey(Equipment, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "equipment"], name="datacenter_item_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.equipment_id}"


# Colocation: representatives, visits, access log (SUP-05) -------------------------------------


class Representative(models.Model):
    """A person the client names as entitled to direct access to its equipment (annex 7
    §4.5-4.6, SUP-05). Name, identity document number and phone are the person's data,
    encrypted under the client's key; ``removed_at`` ends the entitlement."""

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "rep"), editable=False
    )
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    full_name = EncryptedTextField()
    document_number = EncryptedTextField()
    phone = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.public_id

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


class VisitStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class VisitRequest(models.Model):
    """The client asks for a representative to visit its equipment in a time window
    (annex 7 §4.2-4.3, SUP-05); staff approve or refuse it."""

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "vis"), editable=False
    )
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    representative = models.ForeignKey(
        Representative, on_delete=models.PROTECT, related_name="visits"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    purpose = EncryptedTextField(blank=True)
    status = models.CharField(
        max_length=12, choices=VisitStatus.choices, default=VisitStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="datacenter_visit_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.public_id


class AccessLogEntry(models.Model):
    """One entry of a representative into the data centre and their exit, with day and time
    (annex 7 §4.8, SUP-05), recorded by the staff member who accompanied them (§4.2)."""

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "acl"), editable=False
    )
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    representative = models.ForeignKey(
        Representative, on_delete=models.PROTECT, related_name="access_log"
    )
    visit = models.ForeignKey(
        VisitRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="access_log"
    )
    entered_at = models.DateTimeField()
    exited_at = models.DateTimeField(null=True, blank=True)
    escorted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-entered_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(exited_at__isnull=True) | Q(exited_at__gte=models.F("entered_at")),
                name="datacenter_access_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.public_id


# IP addresses (SUP-06) -------------------------------------------------------------------------


class IpPool(models.Model):
    """A block of the provider's address space (IPv4 or IPv6) from which allocations are
    made; pools never overlap."""

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "ipp"), editable=False
    )
    name = models.CharField(max_length=80)
    network = models.CharField(max_length=64, unique=True, help_text="CIDR, e.g. 192.0.2.0/24")
    version = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "network"]

    def __str__(self) -> str:
        return f"{self.name} ({self.network})"

    @property
    def ip_network(self):
        return ipaddress.ip_network(self.network)


class AllocationStatus(models.TextChoices):
    ACTIVE = "active", _("Allocated")
    RELEASED = "released", _("Released")


class UsageSource(models.TextChoices):
    CLIENT = "client", _("Reported by the client")
    PROBE = "probe", _("Measured by a probe")
    STAFF = "staff", _("Recorded by staff")


class IpAllocation(models.Model):
    """A subnet (or a single address, /32 or /128) of a pool allocated to a service of a
    client (annex 7 §5.5, SUP-06). ``addresses_in_use`` is the latest usage reported by the
    client or measured by a probe; ``warned_at`` the moment the client was last told its
    usage is below the rule, cleared when usage is back above it."""

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "ipa"), editable=False
    )
    pool = models.ForeignKey(IpPool, on_delete=models.PROTECT, related_name="allocations")
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(
        "subscriptions.Service", on_delete=models.PROTECT, related_name="ip_allocations"
    )
    network = models.CharField(max_length=64)
    status = models.CharField(
        max_length=10, choices=AllocationStatus.choices, default=AllocationStatus.ACTIVE
    )
    allocated_on = models.DateField()
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    addresses_in_use = models.PositiveIntegerField(default=0)
    usage_reported_at = models.DateTimeField(null=True, blank=True)
    usage_source = models.CharField(max_length=8, choices=UsageSource.choices, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["pool", "network", "id"]
        indexes = [
            models.Index(fields=["client", "status"], name="datacenter_ipa_client_idx"),
            models.Index(fields=["status", "allocated_on"], name="datacenter_ipa_status_idx"),
        ]

    def __str__(self) -> str:
        return self.network

    @property
    def ip_network(self):
        return ipaddress.ip_network(self.network)

    @property
    def size(self) -> int:
        return self.ip_network.num_addresses


class IpUsageReport(models.Model):
    """One report of how many addresses of an allocation are in use (SUP-06), kept as
    history; the allocation carries the latest."""

    allocation = models.ForeignKey(
        IpAllocation, on_delete=models.CASCADE, related_name="usage_reports"
    )
    addresses_in_use = models.PositiveIntegerField()
    source = models.CharField(max_length=8, choices=UsageSource.choices)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reported_at = models.DateTimeField()

    class Meta:
        ordering = ["-reported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.allocation_id}: {self.addresses_in_use}"


class ReverseDnsRecord(models.Model):
    """The reverse DNS name (PTR) of one address of an allocation (SUP-06)."""

    allocation = models.ForeignKey(
        IpAllocation, on_delete=models.CASCADE, related_name="reverse_dns"
    )
    address = models.CharField(max_length=64)
    host_name = EncryptedTextField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["address"]
        constraints = [
            models.UniqueConstraint(
                fields=["allocation", "address"], name="datacenter_rdns_once_per_address"
            )
        ]

    def __str__(self) -> str:
        return self.address
