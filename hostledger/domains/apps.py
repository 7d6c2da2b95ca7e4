from django.apps import AppConfig
from django.db.models.signals import post_migrate

from hostledger.domains.reference import ensure_zone_rules


class DomainsConfig(AppConfig):
    name = "hostledger.domains"
    label = "domains"
    verbose_name = "Domains and zone rules"

    def ready(self) -> None:
        post_migrate.connect(ensure_zone_rules, sender=self, dispatch_uid="domains.zone_rules")
        # The domain messages read the domain's name when they are rendered; models are
        # ready only now.
        from hostledger.domains import notices

        notices.register()
