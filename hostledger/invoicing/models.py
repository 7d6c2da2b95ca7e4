"""VAT rates, VAT number checks, numbering series, invoices and credit notes (BIL-02..05).

Issued documents are never edited (BIL-04): :class:`Invoice` and :class:`CreditNote` rows
and their lines refuse ``save()`` and ``delete()`` once they have left the draft state; the
actions in :mod:`hostledger.invoicing.actions` move them between states with conditional
``UPDATE`` statements, and corrections are new credit notes. Amounts are integer minor units
of ``currency`` (BIL-02, :mod:`hostledger.core.money`).
"""

from __future__ import annotations

import json
from functools import partial

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hostledger.core.errors import DomainError
from hostledger.core.fields import EncryptedTextField
from hostledger.core.ids import new_public_id
from hostledger.core.money import DEFAULT_CURRENCY, Money
from hostledger.providers.models import default_entity_id


class DocumentIssuedError(DomainError):
    """An issued invoice or credit note (or one of its lines) was about to be changed."""

    def __init__(self, what: str):
        super().__init__(
            "document_issued",
            gettext(
                "This %(what)s has been issued and cannot be changed; issue a credit note"
                " to correct it."
            )
            % {"what": what},
            fields={"status": "issued documents are never edited"},
            status=409,
        )


class VatRate(models.Model):
    """The standard VAT rate of one EU member state over a period of dates (BIL-05).

    The table is data: a rate change is a new row from its first day, with the previous row
    closed the day before. ``valid_to`` is the last day the rate applies, or null while it is
    in force. ``country`` is the ISO 3166-1 code (GR for Greece, whose VAT prefix is EL).
    """

    country = models.CharField(max_length=2)
    rate = models.DecimalField(max_digits=5, decimal_places=2, help_text="percent")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["country", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "valid_from"], name="invoicing_vat_rate_one_start"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="invoicing_vat_rate_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lt=100), name="invoicing_vat_rate_percent"
            ),
        ]

    def __str__(self) -> str:
        end = self.valid_to.isoformat() if self.valid_to else "…"
        return f"{self.country} {self.rate} % {self.valid_from.isoformat()} to {end}"


class VatNumberCheck(models.Model):
    """The record of one check of a buyer's VAT number, kept with the invoice (BIL-05).

    ``format_valid`` is the offline check of prefix, length and check digits (python-stdnum);
    ``vies_status`` is what the European Commission's VIES service answered, or
    ``not_checked`` when VIES look-ups are switched off. ``vies_summary`` keeps the fields of
    the answer that prove the check (validity, date, consultation number, error code) and
    never the trader's name or address.
    """

    class ViesStatus(models.TextChoices):
        VALID = "valid", _("Valid in VIES")
        INVALID = "invalid", _("Not valid in VIES")
        UNAVAILABLE = "unavailable", _("VIES unavailable")
        NOT_CHECKED = "not_checked", _("Not checked in VIES")

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "vck"), editable=False
    )
    payer = models.ForeignKey(
        "accounts.Payer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vat_number_checks",
    )
    vat_number = EncryptedTextField()
    country = models.CharField(max_length=2)
    format_valid = models.BooleanField()
    vies_status = models.CharField(max_length=12, choices=ViesStatus.choices)
    vies_consultation_number = models.CharField(max_length=64, blank=True)
    vies_error_code = models.CharField(max_length=64, blank=True)
    vies_summary = models.JSONField(default=dict, blank=True)
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return self.public_id

    @property
    def confirmed(self) -> bool:
        return self.format_valid and self.vies_status == self.ViesStatus.VALID


class InvoiceSeries(models.Model):
    """A numbering series of invoices or credit notes (BIL-04).

    Numbers of a series run 1, 2, 3, … without gaps; with ``restart_yearly`` they start at 1
    again every calendar year of the issue date. The printed number is ``prefix`` with
    ``{year}`` replaced by that year, followed by the number padded to ``digits``.
    """

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=40, help_text="May contain {year}.")
    digits = models.PositiveSmallIntegerField(default=6)
    restart_yearly = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "invoice series"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def format_number(self, *, year: int, number: int) -> str:
        return self.prefix.replace("{year}", str(year)) + str(number).zfill(self.digits)


class InvoiceSeriesCounter(models.Model):
    """The last number used in a series for one year (0 for a series that never restarts).

    Read and advanced only by :func:`hostledger.invoicing.numbering.series_next_number`
    under the series row's lock, in the transaction that stores the numbered document.
    """

    series = models.ForeignKey(InvoiceSeries, on_delete=models.PROTECT, related_name="counters")
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year"], name="invoicing_series_counter_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.series_id}/{self.year}: {self.last_number}"


class _IssuedDocument(models.Model):
    """Shared guard of invoices and credit notes: only drafts are saved or deleted."""

    DRAFT = "draft"
    document_name = "document"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        stored = self._stored_status()
        if stored is not None and stored != self.DRAFT:
            raise DocumentIssuedError(self.document_name)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        stored = self._stored_status()
        if stored is not None and stored != self.DRAFT:
            raise DocumentIssuedError(self.document_name)
        return super().delete(*args, **kwargs)

    def _stored_status(self) -> str | None:
        if self.pk is None or self._state.adding:
            return None
        return type(self)._base_manager.filter(pk=self.pk).values_list("status", flat=True).first()

    @property
    def payer_data(self) -> dict:
        """The payer as printed on the document (decrypted snapshot)."""
        return json.loads(self.payer_snapshot) if self.payer_snapshot else {}

    @property
    def net(self) -> Money:
        return Money(self.net_minor, self.currency)

    @property
    def vat(self) -> Money:
        return Money(self.vat_minor, self.currency)

    @property
    def gross(self) -> Money:
        return Money(self.gross_minor, self.currency)


class VatScheme(models.TextChoices):
    """How VAT applies to one sale (BIL-05)."""

    DOMESTIC = "domestic", _("Domestic supply")
    REVERSE_CHARGE = "reverse_charge", _("Reverse charge (EU business)")
    EU_CONSUMER = "eu_consumer", _("EU consumer")
    EU_BUSINESS_UNVERIFIED = "eu_business_unverified", _("EU business, VAT number not confirmed")
    OUTSIDE_EU = "outside_eu", _("Outside the EU")


class Invoice(_IssuedDocument):
    """An invoice of a client: a proforma until paid, then a final numbered invoice (BIL-03/04).

    A proforma is issued without a number and is due ``invoicing.due_working_days`` working
    days after ``issued_on``. When it is paid, :func:`~hostledger.invoicing.actions.
    invoice_finalise` gives it the next number of its series and ``finalised_on``; nothing
    else changes. The payer and the provider are snapshotted at issue, so later edits of
    either never alter an issued invoice; the payer snapshot is personal data and encrypted.
    """

    class Kind(models.TextChoices):
        PROFORMA = "proforma", _("Proforma invoice")
        FINAL = "final", _("Invoice")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued, awaiting payment")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    document_name = "invoice"

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "inv"), editable=False
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PROFORMA)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    payer = models.ForeignKey("accounts.Payer", on_delete=models.PROTECT, related_name="+")
    payer_snapshot = EncryptedTextField()
    provider_snapshot = models.JSONField(default=dict)
    entity = models.ForeignKey(
        "providers.ProviderEntity",
        on_delete=models.PROTECT,
        default=default_entity_id,
        related_name="+",
        help_text="The provider entity issuing it: its seller block and series.",
    )
    series = models.ForeignKey(
        InvoiceSeries, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices"
    )
    number_year = models.PositiveIntegerField(null=True, blank=True)
    number = models.PositiveIntegerField(null=True, blank=True)
    number_display = models.CharField(max_length=64, blank=True)
    issued_on = models.DateField()
    due_on = models.DateField()
    finalised_on = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    net_minor = models.BigIntegerField(default=0)
    vat_minor = models.BigIntegerField(default=0)
    gross_minor = models.BigIntegerField(default=0)
    vat_scheme = models.CharField(max_length=24, choices=VatScheme.choices)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2)
    vat_country = models.CharField(max_length=2)
    vat_reason = models.TextField()
    vat_number_check = models.ForeignKey(
        VatNumberCheck, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order_reference = models.CharField(
        max_length=64,
        blank=True,
        db_default="",
        help_text="The order this invoice bills (EN 16931 BT-13), as the client knows it.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        indexes = [
            # The staff invoice list, newest first, and staff search by invoice number
            # (issue 11 §8).
            models.Index(fields=["-issued_on", "-id"], name="invoicing_invoice_newest_idx"),
            models.Index(fields=["number_display"], name="invoicing_invoice_number_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "number_year", "number"],
                condition=Q(number__isnull=False),
                name="invoicing_invoice_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(kind="proforma", number__isnull=True)
                | Q(kind="final", number__isnull=False, series__isnull=False),
                name="invoicing_invoice_final_has_number",
            ),
            models.CheckConstraint(
                condition=Q(gross_minor=F("net_minor") + F("vat_minor")),
                name="invoicing_invoice_gross_is_net_plus_vat",
            ),
        ]

    def __str__(self) -> str:
        return self.number_display or self.public_id


class _DocumentLine(models.Model):
    """Shared fields of invoice and credit-note lines; amounts rounded per line (BIL-02)."""

    description = models.TextField()
    quantity = models.DecimalField(max_digits=14, decimal_places=4)
    unit_price_minor = models.BigIntegerField()
    net_minor = models.BigIntegerField()
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2)
    vat_minor = models.BigIntegerField()
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    unit_code = models.CharField(
        max_length=3,
        default="C62",
        db_default="C62",
        help_text='UN/ECE Rec. 20 unit of the quantity: "MON" months, "C62" one (pieces).',
    )
    position = models.PositiveSmallIntegerField()

    document_field = ""

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def save(self, *args, **kwargs):
        if not self._document_is_draft():
            raise DocumentIssuedError(getattr(self, self.document_field).document_name)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not self._document_is_draft():
            raise DocumentIssuedError(getattr(self, self.document_field).document_name)
        return super().delete(*args, **kwargs)

    def _document_is_draft(self) -> bool:
        document = getattr(self, self.document_field)
        stored = document._stored_status()
        return stored is None or stored == document.DRAFT

    @property
    def gross_minor(self) -> int:
        return self.net_minor + self.vat_minor


class InvoiceLine(_DocumentLine):
    """One line of an invoice: its own description, quantity, unit price and VAT (BIL-02)."""

    document_field = "invoice"

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")

    class Meta(_DocumentLine.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "position"], name="invoicing_invoice_line_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}#{self.position}"


class CreditNote(_IssuedDocument):
    """A correction of a final invoice: its own number in the credit-note series (BIL-04).

    Amounts are negative. It repeats the invoice's payer snapshot and VAT decision, because
    it corrects that invoice, and snapshots the provider at its own issue.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")

    document_name = "credit note"

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "crn"), editable=False
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    payer_snapshot = EncryptedTextField()
    provider_snapshot = models.JSONField(default=dict)
    entity = models.ForeignKey(
        "providers.ProviderEntity",
        on_delete=models.PROTECT,
        default=default_entity_id,
        related_name="+",
        help_text="The provider entity issuing it: its seller block and series.",
    )
    series = models.ForeignKey(InvoiceSeries, on_delete=models.PROTECT, related_name="+")
    number_year = models.PositiveIntegerField()
    number = models.PositiveIntegerField()
    number_display = models.CharField(max_length=64)
    issued_on = models.DateField()
    reason = models.TextField()
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    net_minor = models.BigIntegerField(default=0)
    vat_minor = models.BigIntegerField(default=0)
    gross_minor = models.BigIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "number_year", "number"],
                name="invoicing_credit_note_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(gross_minor=F("net_minor") + F("vat_minor")) & Q(gross_minor__lte=0),
                name="invoicing_credit_note_amounts",
            ),
        ]

    def __str__(self) -> str:
        return self.number_display


class CreditNoteLine(_DocumentLine):
    """One line of a credit note, negative amounts, optionally naming the invoice line."""

    document_field = "credit_note"

    credit_note = models.ForeignKey(CreditNote, on_delete=models.PROTECT, related_name="lines")
    invoice_line = models.ForeignKey(
        InvoiceLine, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(_DocumentLine.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["credit_note", "position"], name="invoicing_credit_note_line_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.credit_note_id}#{self.position}"


from hostledger.invoicing.act_models import (  # noqa: E402, F401  (one models module for Django)
    AcceptanceAct,
    AcceptanceActLine,
    ActDispute,
    PaperActRequest,
)
from hostledger.invoicing.document_file_models import (  # noqa: E402, F401  (one models module)
    IssuedDocumentFile,
)
