"""The ``libvirt`` provisioning module: virtual servers and cloud pools on KVM/QEMU through
libvirt (PRV-01, ORD-05). Needs the ``libvirt-python`` binding; without it the registry
lists the module as unavailable. See README.md for setting it up."""

from hostledger.provisioning.modules.libvirt.module import LibvirtModule, libvirt_module
from hostledger.provisioning.modules.registry import register_module

register_module(libvirt_module)

__all__ = ["LibvirtModule", "libvirt_module"]
