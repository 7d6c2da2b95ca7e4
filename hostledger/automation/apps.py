from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "hostledger.automation"
    label = "automation"
    verbose_name = "Billing run"
