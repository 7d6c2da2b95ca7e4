"""The EPP registrar module (DOM-02): a registry connection over EPP (RFC 5730-5734) with
DNSSEC (RFC 5910) and redemption-period restores (RFC 3915). See README.md beside this file.

Registered as ``epp``: a zone sold over EPP names it in its zone rule's ``registrar_name``.
"""

from hostledger.domains.registrars.epp import conf  # noqa: F401  (declares the settings)
from hostledger.domains.registrars.epp.registrar import (
    EppRegistrar,
    EppSettings,
    epp_registrar_from_settings,
)
from hostledger.domains.registrars.registry import register_registrar

epp_registrar = register_registrar(EppRegistrar())

__all__ = ["EppRegistrar", "EppSettings", "epp_registrar", "epp_registrar_from_settings"]
