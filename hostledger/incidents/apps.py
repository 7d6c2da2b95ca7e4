from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "hostledger.incidents"
    label = "incidents"
    verbose_name = "Interruptions, maintenance and repairs"
