"""The ``licences`` provisioning module: a service of a licence tariff gets a key from the
pool staff upload, and gives it back when it ends (CAT-01, PRV-01; seed 003, annex 9)."""

from hostledger.provisioning.modules.licences.module import LicencesModule, licences_module
from hostledger.provisioning.modules.registry import register_module

register_module(licences_module)

__all__ = ["LicencesModule", "licences_module"]
