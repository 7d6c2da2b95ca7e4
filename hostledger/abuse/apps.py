from django.apps import AppConfig


class AbuseConfig(AppConfig):
    name = "hostledger.abuse"
    label = "abuse"
    verbose_name = "Abuse desk"
