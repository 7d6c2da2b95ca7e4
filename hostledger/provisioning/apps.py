from django.apps import AppConfig


class ProvisioningConfig(AppConfig):
    name = "hostledger.provisioning"
    label = "provisioning"
    verbose_name = "Provisioning"
