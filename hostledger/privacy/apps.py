from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "hostledger.privacy"
    label = "privacy"
    verbose_name = "Personal data protection"
