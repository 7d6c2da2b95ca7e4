from django.apps import AppConfig


class ProvisioningConfig(AppConfig):
    name = "hostledger.provisioning"
    label = "provisioning"
    verbose_name = "Provisioning"

    def ready(self):
        # The built-in module packages declare their provider settings (their conf.py) when
        # they load: load them with the app, so staff see and set those settings before any
        # module is called. Imported here because the registry's imports need the app
        # registry ready.
        from hostledger.provisioning.modules import registry

        registry.module_names()
