"""The hook between applications for actions on equipment and provisioning modules (SUP-02).

:func:`equipment_action_available` asks the module of a service whether it can carry out an
action itself (a capability query, no outbound call); :func:`equipment_action_perform` makes
the call. A module that does not provide
:class:`~hostledger.provisioning.modules.interface.EquipmentActionModule` can do none, and an
application for it is worked by staff by hand.
"""

from __future__ import annotations

import logging

from hostledger.core.errors import DomainError
from hostledger.provisioning.modules.interface import (
    EquipmentAction,
    EquipmentActionModule,
    EquipmentActionRequest,
    ModuleError,
    ModuleResult,
    Outcome,
)
from hostledger.provisioning.modules.registry import get_module

logger = logging.getLogger("hostledger.provisioning")


def equipment_action_request(
    *, service, action: str, operation_key: str, equipment_ids=(), details: str = ""
) -> EquipmentActionRequest:
    """The request a module gets for ``action`` on ``service``'s equipment."""
    return EquipmentActionRequest(
        action=EquipmentAction(action),
        operation_key=operation_key,
        service_id=service.public_id,
        client_id=service.client.public_id,
        family=service.family.code,
        equipment_ids=tuple(equipment_ids),
        module_service_id=service.module_service_id,
        module_data=dict(service.module_data or {}),
        details=details,
    )


def _module_of(service):
    try:
        module = get_module(service.module_name)
    except DomainError:
        return None
    return module if isinstance(module, EquipmentActionModule) else None


def equipment_action_available(*, service, action: str) -> bool:
    """Whether the provisioning module of ``service`` can carry out ``action`` itself
    (SUP-02), so that staff can do it at one click. A module that fails to answer counts as
    unable."""
    module = _module_of(service)
    if module is None:
        return False
    request = equipment_action_request(service=service, action=action, operation_key="query")
    try:
        return bool(module.can_perform_equipment_action(request.action, request))
    except Exception:
        logger.exception("Module %s failed to answer a capability query", service.module_name)
        return False


def equipment_action_perform(
    *, service, action: str, operation_key: str, equipment_ids=(), details: str = ""
) -> ModuleResult:
    """Have the module of ``service`` carry out ``action`` (SUP-02). Never raises for a
    module's failure: a :class:`ModuleError` or any other exception comes back as a failed
    result saying whether a retry can help; a module that cannot do the action answers
    failed too."""
    module = _module_of(service)
    request = equipment_action_request(
        service=service,
        action=action,
        operation_key=operation_key,
        equipment_ids=equipment_ids,
        details=details,
    )
    if module is None or not module.can_perform_equipment_action(request.action, request):
        return ModuleResult.failed(
            f"The module {service.module_name!r} cannot do this action; do it by hand.",
            retry_can_help=False,
        )
    try:
        result = module.perform_equipment_action(request)
    except ModuleError as error:
        return ModuleResult.failed(error.message, retry_can_help=error.retry_can_help)
    except Exception as error:
        logger.exception("Module %s failed an equipment action", service.module_name)
        return ModuleResult.failed(f"The module failed: {error}", retry_can_help=True)
    if not isinstance(result, ModuleResult) or result.outcome not in set(Outcome):
        return ModuleResult.failed("The module gave no valid answer.", retry_can_help=True)
    return result
