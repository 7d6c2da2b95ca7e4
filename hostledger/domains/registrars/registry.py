"""The registrars HostLedger knows, by name, and which one sells each zone (DOM-02, DOM-03).

A registrar registers itself when its package is imported (``register_registrar`` in the
package's ``__init__.py``); the built-in packages are imported on first use, and a package
whose library is missing on this machine is listed by :func:`unavailable_registrars` instead.
Which registrar sells a zone is data: the ``registrar_name`` of the zone's
:class:`~hostledger.domains.models.ZoneRule`.
"""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError
from hostledger.core.plugins import plugin_packages_load, plugin_register
from hostledger.domains.models import ZoneRule
from hostledger.domains.registrars.interface import Registrar

logger = logging.getLogger("hostledger.domains")

BUILTIN_PACKAGES: tuple[str, ...] = (
    "hostledger.domains.registrars.local",
    "hostledger.domains.registrars.epp",
)
"""The packages of the registrars HostLedger ships; each registers its registrar when
imported."""

_REGISTRARS: dict[str, Registrar] = {}
_UNAVAILABLE: dict[str, str] = {}
_LOADED = False


def register_registrar(registrar: Registrar) -> Registrar:
    """Make ``registrar`` available under its name; registering another registrar under a
    taken name is a programming error."""
    return plugin_register(_REGISTRARS, registrar, interface=Registrar, kind="registrar")


def get_registrar(name: str) -> Registrar:
    """The registered registrar called ``name``; DomainError ``unknown_registrar`` otherwise."""
    _load_builtin()
    try:
        return _REGISTRARS[name]
    except KeyError:
        reason = _UNAVAILABLE.get(name, "it is not installed")
        raise DomainError(
            "unknown_registrar",
            _("The registrar %(name)s cannot be used: %(reason)s.")
            % {"name": f"{name!r}", "reason": reason},
            fields={"registrar": "unknown"},
        ) from None


def registrar_names() -> list[str]:
    """Every registered registrar, by name."""
    _load_builtin()
    return sorted(_REGISTRARS)


def unavailable_registrars() -> dict[str, str]:
    """The built-in registrar packages that could not be loaded here, with the reason."""
    _load_builtin()
    return dict(_UNAVAILABLE)


def registrar_for_zone(zone: str) -> Registrar:
    """The registrar that sells ``zone`` (its ZoneRule's ``registrar_name``); DomainError
    ``zone_not_sold`` when no active rule names the zone."""
    rule = ZoneRule.objects.filter(zone=zone, is_active=True).first()
    if rule is None:
        raise DomainError(
            "zone_not_sold",
            _("Domains in .%(zone)s are not sold here.") % {"zone": zone},
            fields={"zone": "not sold"},
        )
    return get_registrar(rule.registrar_name)


def _load_builtin() -> None:
    global _LOADED
    if not _LOADED:
        plugin_packages_load(BUILTIN_PACKAGES, _UNAVAILABLE, kind="registrar", logger=logger)
        _LOADED = True
