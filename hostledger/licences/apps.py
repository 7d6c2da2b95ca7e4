from django.apps import AppConfig


class LicencesConfig(AppConfig):
    name = "hostledger.licences"
    label = "licences"
    verbose_name = "Licence rental: the pool of licence keys and their allocations"
