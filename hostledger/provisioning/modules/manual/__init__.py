"""The ``manual`` provisioning module: staff build the resource by hand and activate the
service in the staff area, within the commencement term (PRV-01, CAT-03)."""

from hostledger.provisioning.modules.manual.module import ManualModule, manual_module
from hostledger.provisioning.modules.registry import register_module

register_module(manual_module)

__all__ = ["ManualModule", "manual_module"]
