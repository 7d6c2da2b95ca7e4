"""Quotes: offers staff prepare for one client, which the client accepts into orders
(decision 0055). Imported by ``models.py``, Django's one models module of the app."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import models
from django.db.models import Q

from hostledger.core.ids import new_public_id


class QuoteStatus(models.TextChoices):
    """Where a quote stands. A sent quote past its ``valid_until`` is expired: it reads as
    sent and cannot be accepted."""

    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Quote(models.Model):
    """An offer to one client: lines of tariffs with periods and quantities, optionally a
    coupon or a discount staff give (``discount_percent``, an exact percentage of the
    tariffs' fees of the first period), billed to ``payer`` and valid up to ``valid_until``
    (included).

    Staff write it as a draft and send it; the client sees it with VAT as the order form
    shows it and accepts it — each line becomes its ``quantity`` of orders placed in one
    transaction, linked by ``Order.quote`` — or declines it. The status moves by
    conditional UPDATEs from ``sent``, so a quote accepted twice makes its orders once.
    """

    public_id = models.CharField(
        max_length=24, unique=True, default=partial(new_public_id, "quo"), editable=False
    )
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="quotes")
    payer = models.ForeignKey("accounts.Payer", on_delete=models.PROTECT, related_name="quotes")
    status = models.CharField(max_length=10, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT)
    valid_until = models.DateField()
    coupon = models.ForeignKey(
        "catalog.Coupon", on_delete=models.PROTECT, null=True, blank=True, related_name="quotes"
    )
    discount_percent = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(coupon__isnull=True) | Q(discount_percent__isnull=True),
                name="subscriptions_quote_one_discount",
            ),
            models.CheckConstraint(
                condition=Q(discount_percent__isnull=True)
                | Q(discount_percent__gt=0, discount_percent__lte=100),
                name="subscriptions_quote_discount_percent_range",
            ),
        ]
        indexes = [models.Index(fields=["client", "status"], name="subscriptions_quo_cli_idx")]

    def __str__(self) -> str:
        return self.public_id


class QuoteLine(models.Model):
    """One line of a quote: ``quantity`` services of ``tariff`` for ``period_months``, with
    the OS image and host name their orders need where the family takes them."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    tariff = models.ForeignKey("catalog.Tariff", on_delete=models.PROTECT, related_name="+")
    period_months = models.PositiveSmallIntegerField()
    quantity = models.PositiveSmallIntegerField(default=1)
    os_image = models.ForeignKey(
        "catalog.OsImage", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    host_name = models.CharField(max_length=253, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["quote", "position"], name="subscriptions_quote_line_position"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1) & Q(period_months__gte=1),
                name="subscriptions_quote_line_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quote_id}#{self.position}"
