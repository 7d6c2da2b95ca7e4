from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "hostledger.web"
    label = "web"
    verbose_name = "Client area and staff area"
