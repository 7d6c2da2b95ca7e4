from django.apps import AppConfig


class MeteringConfig(AppConfig):
    name = "hostledger.metering"
    label = "metering"
    verbose_name = "Usage metering"
