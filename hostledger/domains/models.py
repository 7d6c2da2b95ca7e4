"""Domains, their contacts at the registry, the rules of each zone, and the calls made of a
registry on a domain's behalf (DOM-01, DOM-02, DOM-03).

A :class:`Domain` is the registry side of one domain service: the service bills it, the
domain row says what the registry holds (status, expiry, name servers, lock). Rows are
written only by :mod:`hostledger.domains.actions`; the registrar provisioning module and the
domain jobs call those actions with what the registry answered.

What differs between zones (.ee, .ru, .su, generic ones) is data in :class:`ZoneRule`, never
a branch in code (DOM-03).
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hostledger.core.fields import BlindIndexField, EncryptedTextField
from hostledger.core.ids import new_public_id


class DomainStatus(models.TextChoices):
    """Where a domain stands at its registry (DOM-02).

    ``pending``: ordered, not yet sent to the registry (unpaid, or waiting for the withdrawal
    period); ``registering``: sent, the registry has not reported it registered; ``registered``:
    the registry reports it registered, the only state in which the service counts as
    provided (annex 1 §2.1); ``transferring``: a transfer in was requested and waits for the
    losing registrar. After the expiry passes unrenewed: ``expired`` (still in the zone),
    ``grace`` (off the zone, renewable at the normal price), ``redemption`` (restorable only),
    ``deleted`` (gone from the registry, or an order withdrawn before registration).
    """

    PENDING = "pending", _("Pending")
    REGISTERING = "registering", _("Registering")
    REGISTERED = "registered", _("Registered")
    EXPIRED = "expired", _("Expired")
    GRACE = "grace", _("Grace period")
    REDEMPTION = "redemption", _("Redemption period")
    TRANSFERRING = "transferring", _("Transferring in")
    DELETED = "deleted", _("Deleted")


LIVE_DOMAIN_STATUSES = tuple(status for status in DomainStatus if status != DomainStatus.DELETED)
"""Every status but deleted: a live domain's name is held by one domain row only."""

LAPSING_STATUSES = (DomainStatus.EXPIRED, DomainStatus.GRACE, DomainStatus.REDEMPTION)
"""The statuses of a domain whose expiry passed unrenewed, in the order it moves through
them."""

AT_REGISTRY_STATUSES = (DomainStatus.REGISTERED, *LAPSING_STATUSES)
"""The statuses of a domain the registry holds for the client."""


class IdentType(models.TextChoices):
    """Kinds of identification a registry may demand of a contact (DOM-03): the .ee
    registry's ``priv`` (a personal code) and ``org`` (a registry code), a birthday where a
    country has no personal codes, and a passport (.ru, .su)."""

    PRIV = "priv", _("Personal identification code")
    ORG = "org", _("Company registry code")
    BIRTHDAY = "birthday", _("Date of birth")
    PASSPORT = "passport", _("Passport number")


class ZoneRule(models.Model):
    """The rules of one zone, as data (DOM-03): which registrar sells it, for how many years
    the registry sells a registration (if it sells years at all), what the administrator
    contact must be identified by, whether internationalised names are allowed, how long the
    registrable label may be, and how many days each stage after an unrenewed expiry lasts.

    Seeded by a data migration for .ee, .ru, .su and the generic zones of the demo catalog;
    staff change them as the registries change their regulations. ``admin_idents`` lists the
    accepted identifications, each ``{"type": "priv", "country": "EE"}`` (an empty country
    accepts any); an empty list demands none. The day counts are defaults: statuses the
    registry reports (``info``, poll messages) win over them.
    """

    zone = models.CharField(
        max_length=63,
        unique=True,
        help_text="The suffix in its ASCII form without the leading dot: ee, com, xn--p1ai.",
    )
    registrar_name = models.CharField(
        max_length=40, help_text="The registrar that sells this zone (its registered name)."
    )
    is_active = models.BooleanField(default=True)
    sells_years = models.BooleanField(
        default=True,
        help_text="The registry sells registrations by whole years: a domain is ordered and "
        "renewed only for periods of min_years to max_years years.",
    )
    min_years = models.PositiveSmallIntegerField(default=1)
    max_years = models.PositiveSmallIntegerField(default=10)
    admin_idents = models.JSONField(
        default=list,
        blank=True,
        help_text='Identifications the administrator contact may have, e.g. [{"type": "priv", '
        '"country": "EE"}, {"type": "org", "country": "EE"}]; empty: none is demanded.',
    )
    idn_allowed = models.BooleanField(
        default=True, help_text="Internationalised (Unicode) names may be registered."
    )
    min_label_length = models.PositiveSmallIntegerField(default=1)
    max_label_length = models.PositiveSmallIntegerField(default=63)
    expired_days = models.PositiveSmallIntegerField(
        default=0, help_text="Days after the expiry the domain stays in the zone, renewable."
    )
    grace_days = models.PositiveSmallIntegerField(
        default=30,
        help_text="Then days off the zone in which it is still renewable at the normal price.",
    )
    redemption_days = models.PositiveSmallIntegerField(
        default=30, help_text="Then days in which it can only be restored; then it is deleted."
    )
    description = models.TextField(
        blank=True, help_text="Where the rules come from (the registry's regulations)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["zone"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_years__gte=1) & Q(max_years__gte=models.F("min_years")),
                name="domains_zone_years_ordered",
            ),
            models.CheckConstraint(
                condition=Q(min_label_length__gte=1)
                & Q(max_label_length__lte=63)
                & Q(max_label_length__gte=models.F("min_label_length")),
                name="domains_zone_label_lengths",
            ),
        ]

    def __str__(self) -> str:
        return f".{self.zone}"


class DomainContact(models.Model):
    """A contact of the client as sent to one registrar (RFC 5733): the person or
    organisation named registrant, administrator or technical contact of its domains (DOM-03).

    ``handle`` is the registry's id of the contact once created there. ``ident`` with
    ``ident_type`` and ``ident_country`` carry what a registry demands (an Estonian personal
    code for a .ee administrator). Every personal value is encrypted under the client's key.
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "dct"), editable=False
    )
    client = models.ForeignKey(
        "accounts.Client", on_delete=models.PROTECT, related_name="domain_contacts"
    )
    registrar_name = models.CharField(max_length=40)
    handle = models.CharField(max_length=64, blank=True)
    name = EncryptedTextField()
    organisation = EncryptedTextField(blank=True)
    email = EncryptedTextField()
    phone = EncryptedTextField(blank=True)
    street = EncryptedTextField(blank=True)
    city = EncryptedTextField(blank=True)
    postal_code = EncryptedTextField(blank=True)
    country = models.CharField(max_length=2, blank=True)
    ident = EncryptedTextField(blank=True)
    ident_type = models.CharField(max_length=12, choices=IdentType.choices, blank=True)
    ident_country = models.CharField(max_length=2, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["client", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registrar_name", "handle"],
                condition=~Q(handle=""),
                name="domains_contact_handle_once",
            ),
        ]

    def __str__(self) -> str:
        return self.public_id


class Domain(models.Model):
    """One domain of a client and what its registry says of it (DOM-01, DOM-02).

    The name is kept in both forms (``name_ascii``, punycode; ``name_unicode``), encrypted
    (a name may name a person) with a keyed hash for look-ups; a live domain's name is held by
    one row only. ``years`` is the registration period ordered; ``expires_on``,
    ``registry_statuses``, ``name_servers`` and ``locked`` are the registry's as last read
    (``checked_at``). ``auth_code`` is the transfer code (EPP authInfo): the one the client
    gave for a transfer in, or the registry's, revealed to the client on request.
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "dom"), editable=False
    )
    service = models.OneToOneField(
        "subscriptions.Service", on_delete=models.PROTECT, related_name="domain"
    )
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="domains")
    name_ascii = EncryptedTextField()
    name_unicode = EncryptedTextField()
    name_index = BlindIndexField(source="name_ascii", purpose="domain-name")
    zone = models.CharField(max_length=63)
    registrar_name = models.CharField(max_length=40)
    status = models.CharField(
        max_length=12, choices=DomainStatus.choices, default=DomainStatus.PENDING
    )
    status_changed_at = models.DateTimeField()
    is_transfer = models.BooleanField(
        default=False, help_text="Ordered as a transfer in from another registrar."
    )
    years = models.PositiveSmallIntegerField(default=1)
    registered_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    registry_statuses = models.JSONField(default=list, blank=True)
    name_servers = models.JSONField(default=list, blank=True)
    locked = models.BooleanField(default=False)
    auth_code = EncryptedTextField(blank=True)
    registrant = models.ForeignKey(
        DomainContact, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    admin = models.ForeignKey(
        DomainContact, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tech = models.ForeignKey(
        DomainContact, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(
        null=True, blank=True, help_text="When the registry was last asked about the domain."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["expires_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["name_index"],
                condition=~Q(status=DomainStatus.DELETED) & ~Q(name_index=""),
                name="domains_live_name_once",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "status"], name="domains_client_status_idx"),
            models.Index(fields=["status", "expires_on"], name="domains_status_expiry_idx"),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def is_at_registry(self) -> bool:
        return self.status in AT_REGISTRY_STATUSES


class RegistryOperation(models.Model):
    """One mutating call made of a registry for a domain, keyed (DOM-02, habit 2).

    ``key`` is unique per domain and is sent to the registry as the operation key (EPP
    clTRID), so a call repeated after a timeout or a worker's death is recognised. A renewal
    stores the expiry it started from (``current_expiry``) before it calls the registry: a
    repeated renewal that finds the expiry already past it is done without renewing again.
    """

    class Kind(models.TextChoices):
        CREATE = "create", _("Registration")
        TRANSFER = "transfer", _("Transfer in")
        RENEW = "renew", _("Renewal")
        RESTORE = "restore", _("Restore from redemption")
        NAME_SERVERS = "name_servers", _("Name servers")
        LOCK = "lock", _("Transfer lock")
        CONTACTS = "contacts", _("Contacts")
        DELETE = "delete", _("Deletion")

    class Status(models.TextChoices):
        STARTED = "started", _("Started")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "rop"), editable=False
    )
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="operations")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    key = models.CharField(max_length=80)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.STARTED)
    current_expiry = models.DateField(null=True, blank=True)
    years = models.PositiveSmallIntegerField(null=True, blank=True)
    message = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["domain", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["domain", "key"], name="domains_operation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.domain_id} ({self.status})"
