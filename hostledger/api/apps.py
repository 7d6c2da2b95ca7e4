from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "hostledger.api"
    label = "api"
    verbose_name = "API v1"
