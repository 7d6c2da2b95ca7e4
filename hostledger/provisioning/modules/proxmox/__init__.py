"""The ``proxmox`` provisioning module: virtual servers on Proxmox VE (PRV-01).

Needs the ``proxmoxer`` library; without it the registry lists the module as unavailable.
Settings are in :mod:`.conf`, the API token in the environment (see README.md).
"""

from hostledger.provisioning.modules.proxmox.module import ProxmoxModule, proxmox_module
from hostledger.provisioning.modules.registry import register_module

register_module(proxmox_module)

__all__ = ["ProxmoxModule", "proxmox_module"]
