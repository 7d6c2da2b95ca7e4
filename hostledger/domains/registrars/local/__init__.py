"""The local registrar (development, demonstrations, tests); see :mod:`.registrar`."""

from hostledger.domains.registrars.local.registrar import LocalRegistrar
from hostledger.domains.registrars.registry import register_registrar

local_registrar = register_registrar(LocalRegistrar())

__all__ = ["LocalRegistrar", "local_registrar"]
