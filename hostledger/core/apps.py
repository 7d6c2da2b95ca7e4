from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules

from hostledger.core import checks  # noqa: F401 - HostLedger's system checks register on import


class CoreConfig(AppConfig):
    name = "hostledger.core"
    label = "core"
    verbose_name = "HostLedger core"

    def ready(self) -> None:
        # Each app declares its provider settings in conf.py and its personal data in
        # personal_data.py; load them all so the registries are complete.
        autodiscover_modules("conf")
        autodiscover_modules("personal_data")
        # Apps whose tables need their own eraser register it in erasure.py (GDPR-04).
        autodiscover_modules("erasure")
        # Core's own and third-party declarations; the field history tables copy the
        # declarations above, so this comes last.
        from hostledger.core import declarations  # noqa: F401
