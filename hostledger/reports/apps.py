from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "hostledger.reports"
    label = "reports"
    verbose_name = "Staff reports"
