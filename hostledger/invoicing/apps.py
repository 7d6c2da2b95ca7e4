from django.apps import AppConfig
from django.db.models.signals import post_migrate


class InvoicingConfig(AppConfig):
    name = "hostledger.invoicing"
    label = "invoicing"
    verbose_name = "Invoices, VAT and closing documents"

    def ready(self) -> None:
        from hostledger.invoicing.reference import ensure_vat_rates_and_series

        post_migrate.connect(
            ensure_vat_rates_and_series, sender=self, dispatch_uid="invoicing.reference_data"
        )
