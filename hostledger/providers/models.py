"""The provider's legal entities: the companies that sell, invoice and take payment.

One installation may serve a group of companies (hosting, accounting, telephony, ...). Each
:class:`ProviderEntity` has its own legal details, bank account, numbering series, terms and
brand; a product family belongs to one entity and so does every document billed for it.

The entity marked ``is_default`` stands for the provider as described by the provider
settings (``invoicing.provider_*``): any detail left blank on an entity is read from the
setting of the same name, so an installation with one entity behaves as before. See
docs/decisions/0054-provider-entities.md.
"""

from __future__ import annotations

from functools import partial

from django.db import models
from django.db.models import Q

from hostledger.core.ids import new_public_id

DEFAULT_ENTITY_CODE = "default"
DEFAULT_ENTITY_PUBLIC_ID = "ent_default"


class ProviderEntity(models.Model):
    """One legal entity of the provider: who sells, whose series numbers, whose account is paid.

    ``invoice_series_code`` and ``credit_note_series_code`` name the invoicing series that
    number this entity's documents (BIL-04); blank means the series of the provider settings.
    Every other blank detail also falls back to the provider setting of the same name.
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "ent"), editable=False
    )
    code = models.SlugField(max_length=30, unique=True)
    is_default = models.BooleanField(default=False)
    legal_name = models.CharField(max_length=200, blank=True)
    brand_name = models.CharField(max_length=120, blank=True)
    registry_code = models.CharField(max_length=40, blank=True)
    vat_number = models.CharField(max_length=20, blank=True)
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.CharField(max_length=200, blank=True)
    iban = models.CharField(max_length=34, blank=True)
    bic = models.CharField(max_length=11, blank=True)
    bank_name = models.CharField(max_length=120, blank=True)
    invoice_series_prefix = models.CharField(max_length=30, blank=True)
    invoice_series_code = models.CharField(max_length=20, blank=True)
    credit_note_series_code = models.CharField(max_length=20, blank=True)
    terms_url = models.URLField(blank=True)
    terms_text = models.TextField(blank=True)
    document_footer = models.TextField(blank=True)
    mail_sender = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_default", "code"]
        verbose_name_plural = "provider entities"
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="providers_one_default"
            ),
            models.UniqueConstraint(
                fields=["iban"], condition=~Q(iban=""), name="providers_iban_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.brand_name or self.legal_name or self.code


def default_entity_id() -> int:
    """The default entity's id, made on first use (a flushed test database has none).

    Used as the column default of every row that belongs to an entity, so rows written by
    code that does not name an entity belong to the default one.
    """
    entity = ProviderEntity.objects.filter(is_default=True).only("pk").first()
    if entity is None:
        entity, _ = ProviderEntity.objects.get_or_create(
            code=DEFAULT_ENTITY_CODE,
            defaults={"is_default": True, "public_id": DEFAULT_ENTITY_PUBLIC_ID},
        )
    return entity.pk
