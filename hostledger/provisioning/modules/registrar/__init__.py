"""The ``registrar`` provisioning module of the domain family; see :mod:`.module`."""

from hostledger.provisioning.modules.registrar.module import RegistrarModule, registrar_module
from hostledger.provisioning.modules.registry import register_module

register_module(registrar_module)

__all__ = ["RegistrarModule", "registrar_module"]
