from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "hostledger.providers"
    label = "providers"
    verbose_name = "Provider entities"
