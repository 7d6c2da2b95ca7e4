"""The ``manual`` module: every call waits for a member of staff (PRV-01).

Nothing is automated: a new service stays ``provisioning`` until staff build it and press
"activate" in the staff area (``hostledger.subscriptions.actions.service_activate``), which
completes the waiting call; the staff page shows the commencement deadline the work must meet
(CAT-03, see :mod:`hostledger.provisioning.modules.manual.panel`). Suspensions, resumptions,
terminations and plan changes likewise wait in the staff queue until a member of staff has
done them by hand and marks them done
(``hostledger.provisioning.actions.provisioning_operation_complete``).

Applications for actions on equipment (SUP-02) are likewise never done by this module: it
answers that it cannot perform them, so staff work each by hand and record the result.
"""

from __future__ import annotations

from hostledger.provisioning.modules.interface import (
    EquipmentAction,
    EquipmentActionRequest,
    ModuleResult,
    ServiceRequest,
)

WAITING_FOR_STAFF = "Waiting for staff: {what} by hand, then mark it done in the staff area."


class ManualModule:
    """Hands every call to staff; never fails, never calls out."""

    name = "manual"
    label = "Manual (staff provision by hand)"

    def create(self, request: ServiceRequest) -> ModuleResult:
        return ModuleResult.waiting(
            "Waiting for staff: build the service by hand and activate it in the staff area."
        )

    def suspend(self, request: ServiceRequest) -> ModuleResult:
        return ModuleResult.waiting(WAITING_FOR_STAFF.format(what="suspend the service"))

    def resume(self, request: ServiceRequest) -> ModuleResult:
        return ModuleResult.waiting(WAITING_FOR_STAFF.format(what="resume the service"))

    def terminate(self, request: ServiceRequest) -> ModuleResult:
        return ModuleResult.waiting(
            WAITING_FOR_STAFF.format(what="remove the service and its data")
        )

    def change_plan(self, request: ServiceRequest) -> ModuleResult:
        return ModuleResult.waiting(WAITING_FOR_STAFF.format(what="apply the new plan"))

    def can_perform_equipment_action(
        self, action: EquipmentAction, request: EquipmentActionRequest
    ) -> bool:
        """Staff carry out every action on equipment by hand (SUP-02)."""
        return False

    def perform_equipment_action(self, request: EquipmentActionRequest) -> ModuleResult:
        return ModuleResult.waiting(WAITING_FOR_STAFF.format(what=f"do the {request.action}"))


manual_module = ManualModule()
