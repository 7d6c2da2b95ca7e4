"""The ``powerdns`` provisioning module: DNS hosting on PowerDNS Authoritative through its
HTTP API (PRV-01, DOM-04). See README.md in this package."""

from hostledger.provisioning.modules.powerdns import conf  # noqa: F401  (declares the settings)
from hostledger.provisioning.modules.powerdns.module import PowerDnsModule, powerdns_module
from hostledger.provisioning.modules.registry import register_module

register_module(powerdns_module)

__all__ = ["PowerDnsModule", "powerdns_module"]
