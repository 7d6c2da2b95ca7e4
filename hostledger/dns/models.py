"""DNS zones hosted for clients, their records, and the pushes of each zone to PowerDNS
(DOM-04, PRV-02).

A :class:`Zone` is either a client's forward zone, held under a service that carries DNS
hosting (a DNS hosting service or a domain with the DNS hosting add-on), or a reverse zone
(``in-addr.arpa``/``ip6.arpa``) of the provider's address space, which holds the PTR records
of the addresses allocated to clients' services. Its ``serial`` grows with every change; each
change queues a :class:`ZonePush` keyed by (zone, serial), which sends the whole zone to
PowerDNS after the change commits, so a push delivered twice changes nothing and a failed one
is retried and shown to staff.

Zone names and records are the client's data (a domain may name a person, a TXT record may
hold an e-mail address): they are encrypted under the client's key and looked up by keyed
hashes (docs/decisions/0032-dns-hosting.md). Rows are written only by
``hostledger.dns.actions`` and read through ``hostledger.dns.selectors``.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hostledger.core.fields import BlindIndexField, EncryptedTextField
from hostledger.core.ids import new_public_id


class ZoneKind(models.TextChoices):
    FORWARD = "forward", _("Forward (names to addresses)")
    REVERSE = "reverse", _("Reverse (addresses to names)")


class ZoneStatus(models.TextChoices):
    ACTIVE = "active", _("Served")
    REMOVED = "removed", _("Removed")


class RecordType(models.TextChoices):
    """The record types a client may keep in a zone (DOM-04)."""

    A = "A", _("A (IPv4 address)")
    AAAA = "AAAA", _("AAAA (IPv6 address)")
    CNAME = "CNAME", _("CNAME (alias)")
    MX = "MX", _("MX (mail server)")
    TXT = "TXT", _("TXT (text)")
    SRV = "SRV", _("SRV (service)")
    CAA = "CAA", _("CAA (certificate authorities)")
    NS = "NS", _("NS (delegation)")
    PTR = "PTR", _("PTR (reverse name)")


PRIORITY_TYPES = (RecordType.MX, RecordType.SRV)
"""The types whose records carry a priority."""


class PushStatus(models.TextChoices):
    """Where a push of a zone to PowerDNS stands (PRV-02)."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    RETRYING = "retrying", _("Failed, will retry")
    DONE = "done", _("Published")
    SUPERSEDED = "superseded", _("Replaced by a later change")
    FAILED = "failed", _("Failed")


OPEN_PUSH_STATUSES = (PushStatus.QUEUED, PushStatus.RUNNING, PushStatus.RETRYING)


class Zone(models.Model):
    """A DNS zone HostLedger hosts on PowerDNS (DOM-04).

    ``name`` is the zone in ASCII (punycode for internationalised names, DOM-01) without the
    final dot, ``name_unicode`` the same in Unicode; ``name_index`` finds it, and one live zone
    of a name exists at a time. ``ancestor_indexes`` are the keyed hashes of the names above
    it, so a zone inside or around another client's zone is refused. A forward zone belongs to
    ``client`` and is held under ``service``; a reverse zone belongs to the provider (no
    client, no service). ``serial`` is the SOA serial of the latest change and
    ``published_serial`` the latest one PowerDNS confirmed.
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "dnz"), editable=False
    )
    client = models.ForeignKey(
        "accounts.Client", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    service = models.ForeignKey(
        "subscriptions.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dns_zones",
    )
    kind = models.CharField(max_length=8, choices=ZoneKind.choices)
    name = EncryptedTextField()
    name_unicode = EncryptedTextField()
    name_index = BlindIndexField(source="name", purpose="dns-zone")
    ancestor_indexes = models.TextField(
        blank=True, help_text="Keyed hashes of the names above the zone, space-separated."
    )
    serial = models.BigIntegerField()
    published_serial = models.BigIntegerField(default=0)
    status = models.CharField(max_length=8, choices=ZoneStatus.choices, default=ZoneStatus.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["name_index"],
                condition=Q(status=ZoneStatus.ACTIVE),
                name="dns_zone_live_name_once",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=ZoneKind.FORWARD, client__isnull=False, service__isnull=False)
                    | Q(kind=ZoneKind.REVERSE, client__isnull=True, service__isnull=True)
                ),
                name="dns_zone_owner_matches_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "status"], name="dns_zone_client_idx"),
            models.Index(fields=["service", "status"], name="dns_zone_service_idx"),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def is_active(self) -> bool:
        return self.status == ZoneStatus.ACTIVE

    @property
    def is_published(self) -> bool:
        return self.published_serial >= self.serial


class Record(models.Model):
    """One record of a zone (DOM-04).

    ``name`` is relative to the zone (``@`` for the apex, ``www``, ``_sip._tcp``), in ASCII;
    ``content`` is the record's data in zone-file form with absolute names, as checked by
    dnspython (for MX and SRV without the priority, which is ``priority``). Records of one
    name and type form an RRset and share its ``ttl``. ``client`` is whose data the record
    is: the zone's client, or for a PTR in a reverse zone the client of the address's
    ``allocation``.
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "dnr"), editable=False
    )
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="records")
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    allocation = models.ForeignKey(
        "datacenter.IpAllocation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    name = EncryptedTextField()
    record_type = models.CharField(max_length=5, choices=RecordType.choices)
    content = EncryptedTextField()
    ttl = models.PositiveIntegerField()
    priority = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["zone", "id"]
        indexes = [models.Index(fields=["zone", "record_type"], name="dns_record_zone_type_idx")]

    def __str__(self) -> str:
        return self.public_id


class ZonePush(models.Model):
    """One sending of a zone's state at ``serial`` to PowerDNS (PRV-02).

    Queued in the transaction of the change and run by a task after it commits. The unique
    (zone, serial) makes the push of one change exist once; a push whose zone has moved on is
    ``superseded`` (the later push sends everything). A temporary failure is ``retrying``
    until ``dns.push_max_attempts``; a push that cannot succeed is ``failed`` and listed for
    staff, who may send it again.
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "dnp"), editable=False
    )
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="pushes")
    serial = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=PushStatus.choices, default=PushStatus.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    handed_to_worker_at = models.DateTimeField(null=True, blank=True)
    message = EncryptedTextField(blank=True)
    retry_can_help = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    retried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "serial"], name="dns_push_once_per_serial"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="dns_push_due_idx")]

    def __str__(self) -> str:
        return f"push of {self.zone_id} at {self.serial} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_PUSH_STATUSES
