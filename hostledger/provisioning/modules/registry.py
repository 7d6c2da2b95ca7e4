"""The provisioning modules HostLedger knows, by name, and which one runs each family (habit 4).

A module registers itself when its package is imported; the built-in modules are imported
on first use. Which module provisions a product family is a provider setting
(``provisioning.family_modules``, falling back to ``provisioning.default_module``).
"""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError
from hostledger.core.plugins import plugin_packages_load, plugin_register
from hostledger.core.registry import setting_value
from hostledger.provisioning import conf
from hostledger.provisioning.modules.interface import ProvisioningModule

logger = logging.getLogger("hostledger.provisioning")

BUILTIN_PACKAGES: tuple[str, ...] = (
    "hostledger.provisioning.modules.manual",
    "hostledger.provisioning.modules.libvirt",
    "hostledger.provisioning.modules.proxmox",
    "hostledger.provisioning.modules.ipmi",
    "hostledger.provisioning.modules.licences",
    "hostledger.provisioning.modules.powerdns",
    "hostledger.provisioning.modules.registrar",
)
"""The packages of the modules HostLedger ships; each registers its module when imported.
A package whose Python library or system library is missing on this machine is skipped and
listed by :func:`unavailable_modules` with the reason, so ``make run`` works without them."""

_MODULES: dict[str, ProvisioningModule] = {}
_UNAVAILABLE: dict[str, str] = {}
_LOADED = False


def register_module(module: ProvisioningModule) -> ProvisioningModule:
    """Make ``module`` available under its name; registering another module under a taken
    name is a programming error."""
    return plugin_register(
        _MODULES, module, interface=ProvisioningModule, kind="provisioning module"
    )


def get_module(name: str) -> ProvisioningModule:
    """The registered module called ``name``; DomainError ``unknown_module`` otherwise."""
    _load_builtin()
    try:
        return _MODULES[name]
    except KeyError:
        raise DomainError(
            "unknown_module",
            _("No provisioning module %(name)s is installed.") % {"name": f"{name!r}"},
            fields={"module": "unknown"},
        ) from None


def module_names() -> list[str]:
    """Every registered module, by name."""
    _load_builtin()
    return sorted(_MODULES)


def family_modules() -> dict[str, str]:
    """The family → module pairs of ``provisioning.family_modules``."""
    pairs: dict[str, str] = {}
    for part in str(setting_value(conf.FAMILY_MODULES)).split(","):
        if not part.strip():
            continue
        family, separator, module = part.partition("=")
        if not separator or not family.strip() or not module.strip():
            raise DomainError(
                "invalid_setting",
                _("%(family_modules)s: '%(pair)s' is not a family=module pair.")
                % {"family_modules": conf.FAMILY_MODULES, "pair": part.strip()},
                fields={conf.FAMILY_MODULES: "comma-separated family=module pairs"},
            )
        pairs[family.strip()] = module.strip()
    return pairs


def module_for(family_code: str) -> ProvisioningModule:
    """The module that provisions services of the family ``family_code`` (PRV-01)."""
    name = family_modules().get(family_code) or str(setting_value(conf.DEFAULT_MODULE)).strip()
    return get_module(name)


def unavailable_modules() -> dict[str, str]:
    """The built-in module packages that could not be loaded here, with the reason (a missing
    library such as libvirt-python), for the staff area."""
    _load_builtin()
    return dict(_UNAVAILABLE)


def _load_builtin() -> None:
    global _LOADED
    if not _LOADED:
        plugin_packages_load(
            BUILTIN_PACKAGES, _UNAVAILABLE, kind="provisioning module", logger=logger
        )
        _LOADED = True
