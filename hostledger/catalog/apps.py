from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CatalogConfig(AppConfig):
    name = "hostledger.catalog"
    label = "catalog"
    verbose_name = "Catalog and tariffs"

    def ready(self) -> None:
        from hostledger.catalog.reference import ensure_product_families

        post_migrate.connect(
            ensure_product_families, sender=self, dispatch_uid="catalog.reference_data"
        )
