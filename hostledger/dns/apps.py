from django.apps import AppConfig


class DnsConfig(AppConfig):
    name = "hostledger.dns"
    label = "dns"
    verbose_name = "DNS hosting: zones and records"
