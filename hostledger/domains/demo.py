"""The domain part of the demonstration data (``hostledger demo``): domains are sold through
the local test registry, so a demo client can order, renew and transfer domains without any
real registry. Each setting is changed once, so staff may change it back."""

from __future__ import annotations

from hostledger.core.models import ProviderSettingChange
from hostledger.core.registry import provider_setting_change
from hostledger.domains import conf
from hostledger.provisioning import conf as provisioning_conf
from hostledger.provisioning.modules.registry import family_modules

DEMO_REASON = "Demo installation: domains through the local test registry."


def demo_registrar_enable() -> None:
    """Switch on the local registrar and let the registrar module provision domains, unless
    staff already decided either."""
    if not ProviderSettingChange.objects.filter(key=conf.LOCAL_REGISTRAR_ENABLED).exists():
        provider_setting_change(
            key=conf.LOCAL_REGISTRAR_ENABLED, raw_value=True, reason=DEMO_REASON
        )
    if not ProviderSettingChange.objects.filter(key=provisioning_conf.FAMILY_MODULES).exists():
        pairs = {**family_modules(), "domain": "registrar"}
        provider_setting_change(
            key=provisioning_conf.FAMILY_MODULES,
            raw_value=",".join(f"{family}={module}" for family, module in pairs.items()),
            reason=DEMO_REASON,
        )
