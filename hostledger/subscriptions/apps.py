from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "hostledger.subscriptions"
    label = "subscriptions"
    verbose_name = "Orders and services"
