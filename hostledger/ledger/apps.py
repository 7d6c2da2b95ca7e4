from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "hostledger.ledger"
    label = "ledger"
    verbose_name = "Prepaid ledger and payments"
