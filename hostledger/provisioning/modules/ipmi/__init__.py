"""The ``ipmi`` provisioning module: dedicated servers powered through their BMC (PRV-01).

Needs the ``pyghmi`` library; without it the registry lists the module as unavailable.
Settings are in :mod:`.conf`; the BMC details of each server are the service's access
details (see README.md).
"""

from hostledger.provisioning.modules.ipmi.module import IpmiModule, ipmi_module
from hostledger.provisioning.modules.registry import register_module

register_module(ipmi_module)

__all__ = ["IpmiModule", "ipmi_module"]
