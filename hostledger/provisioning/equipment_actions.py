"""The hook between applications for actions on equipment and provisioning modules (SUP-02).

:func:`equipment_action_available` asks the module of a service whether it can carry out an
action itself (a capability query, no outbound call); :func:`equipment_action_perform` makes
the call. A module that does not provide
:class:`~hostledger.provisioning.modules.interface.EquipmentActionModule` can do none, and an
application for it is worked by staff by hand.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from hostledger.core.errors import DomainError
from hostledger.provisioning.controls import request_for_service, service_capabilities
from hostledger.provisioning.modules.interface import (
    CONTROL_OPERATIONS,
    EquipmentAction,
    EquipmentActionModule,
    EquipmentActionRequest,
    ModuleError,
    ModuleResult,
    Operation,
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


CONTROL_OF_ACTION: dict[EquipmentAction, Operation] = {
    EquipmentAction.REBOOT: Operation.REBOOT,
    EquipmentAction.POWER_OFF: Operation.POWER_OFF,
    EquipmentAction.POWER_ON: Operation.POWER_ON,
    EquipmentAction.OS_REINSTALL: Operation.REINSTALL,
    EquipmentAction.PASSWORD_CHANGE: Operation.RESET_PASSWORD,
}
"""The applications a module's declared controls (PRV-01) carry out: a module that can
reboot a server does the application for a reboot."""


def _control_for(service, action: str) -> Operation | None:
    operation = CONTROL_OF_ACTION.get(EquipmentAction(action))
    if operation is None or CONTROL_OPERATIONS[operation] not in service_capabilities(service):
        return None
    return operation


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
    if _control_for(service, action) is not None:
        return True
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
    operation = _control_for(service, action)
    if operation is not None:
        return _run_control(service, operation, operation_key=operation_key, details=details)
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


def _run_control(service, operation: Operation, *, operation_key: str, details: str):
    """Carry out an application through the module's declared control (PRV-01, SUP-02)."""
    changes = {"os_image": details.strip()} if operation == Operation.REINSTALL else {}
    request = replace(
        request_for_service(service, operation),
        operation_key=operation_key,
        changes=changes,
    )
    try:
        result = getattr(get_module(service.module_name), operation.value)(request)
    except ModuleError as error:
        return ModuleResult.failed(error.message, retry_can_help=error.retry_can_help)
    except Exception as error:
        logger.exception("Module %s failed %s", service.module_name, operation.value)
        return ModuleResult.failed(f"The module failed: {error}", retry_can_help=True)
    if not isinstance(result, ModuleResult) or result.outcome not in set(Outcome):
        return ModuleResult.failed("The module gave no valid answer.", retry_can_help=True)
    return result
