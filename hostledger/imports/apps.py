from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "hostledger.imports"
    label = "imports"
    verbose_name = "Imports from other billing systems: source keys and import runs"
