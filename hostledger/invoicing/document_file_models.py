"""The bytes of issued documents, kept as they were first delivered (BIL-04, BIL-10).

An issued invoice or credit note is never edited, and neither are its files: the first time
its PDF or one of its XML forms is produced it is stored here, and every later download
returns these bytes, whatever the templates, the software or the provider's settings became
since. The content holds the payer's data, so it is stored encrypted like the payer snapshot
(GDPR-11); its SHA-256 (of the plain bytes) lets anyone check a copy they hold.

Why the database and not files under the var directory: see
``docs/decisions/0011-issued-documents-never-change.md``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hostledger.core.fields import EncryptedTextField


class IssuedDocumentFile(models.Model):
    """One stored file of an issued final invoice or credit note: its PDF, CII or UBL XML."""

    class Format(models.TextChoices):
        PDF = "pdf", _("PDF/A-3 with the embedded CII")
        CII = "cii", _("EN 16931 CII XML (Factur-X)")
        UBL = "ubl", _("Peppol BIS Billing 3.0 UBL XML")

    invoice = models.ForeignKey(
        "invoicing.Invoice", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    credit_note = models.ForeignKey(
        "invoicing.CreditNote", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    format = models.CharField(max_length=3, choices=Format.choices)
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the plain bytes, hex.")
    size = models.PositiveIntegerField()
    content = EncryptedTextField(help_text="The bytes, base64, encrypted at rest.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(invoice__isnull=False, credit_note__isnull=True)
                | Q(invoice__isnull=True, credit_note__isnull=False),
                name="invoicing_issued_file_one_document",
            ),
            models.UniqueConstraint(
                fields=["invoice", "format"],
                condition=Q(invoice__isnull=False),
                name="invoicing_issued_file_invoice_format",
            ),
            models.UniqueConstraint(
                fields=["credit_note", "format"],
                condition=Q(credit_note__isnull=False),
                name="invoicing_issued_file_credit_note_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id or self.credit_note_id}.{self.format} {self.sha256[:12]}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise IssuedFileIsFinal()
        super().save(*args, **kwargs)


class IssuedFileIsFinal(Exception):
    """A stored file of an issued document is written once and never changed."""
