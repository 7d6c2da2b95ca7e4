"""What a provisioning module provides (PRV-01, habit 4).

A module builds and runs the real resource behind a service: it creates it once the period
is paid, suspends and resumes it, terminates it and changes its plan. Each module lives in
its own package under ``hostledger.provisioning.modules``, registers itself in
:mod:`hostledger.provisioning.modules.registry` and passes the same contract tests.

Every call gets a :class:`ServiceRequest` whose ``operation_key`` is unique per (service,
operation): HostLedger may deliver the same call more than once (a retry after a timeout, a
worker that died), so a module must treat a second call with the same key as the first
(for example by naming the resource after the key, or by looking it up before creating it).

A call answers with a :class:`ModuleResult`: done, waiting for staff (the manual module,
or a resource that needs a person), or failed, saying whether a retry can help. A module may
also raise :class:`ModuleError`; any other exception counts as a failure a retry may cure.
Every outbound call of a module must have a timeout.

A module may also carry out actions on equipment that clients apply for (SUP-02: reboot,
power off and on, network change, OS reinstall, console access, part replacement). It says
which it can do for a service with ``can_perform_equipment_action`` and does one with
``perform_equipment_action`` (:class:`EquipmentActionModule`); a module without these methods
can do none, and staff carry out the application by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable


class Operation(StrEnum):
    """The calls HostLedger makes of a module (PRV-01), each queued as a job.

    The first five are the life of a service and every module answers them. The others are
    controls a client or staff use on a running service; a module answers those it names in
    :meth:`ControlModule.capabilities`.
    """

    CREATE = "create"
    SUSPEND = "suspend"
    RESUME = "resume"
    TERMINATE = "terminate"
    CHANGE_PLAN = "change_plan"
    POWER_ON = "power_on"
    POWER_OFF = "power_off"
    REBOOT = "reboot"
    REINSTALL = "reinstall"
    RESET_PASSWORD = "reset_password"
    REVERSE_DNS = "reverse_dns"
    RENEW = "renew"  # a domain's paid period renewed at its registry (DOM-02, AUT-01)


LIFECYCLE_OPERATIONS = (
    Operation.CREATE,
    Operation.SUSPEND,
    Operation.RESUME,
    Operation.TERMINATE,
    Operation.CHANGE_PLAN,
)
"""The calls every module answers."""


class Capability(StrEnum):
    """What a module can do on a running service beyond its life (PRV-01)."""

    POWER = "power"  # power_on, power_off, reboot and power_state
    REINSTALL = "reinstall"  # reinstall the OS, ``changes["os_image"]``
    CONSOLE = "console"  # a short-lived console link
    RESET_PASSWORD = "reset_password"  # new credentials, returned in ``ModuleResult.access``
    REVERSE_DNS = "reverse_dns"  # ``changes["address"]`` → ``changes["host_name"]``
    USAGE = "usage"  # usage readings for metered billing (BIL-08)


CONTROL_OPERATIONS: dict[Operation, Capability] = {
    Operation.POWER_ON: Capability.POWER,
    Operation.POWER_OFF: Capability.POWER,
    Operation.REBOOT: Capability.POWER,
    Operation.REINSTALL: Capability.REINSTALL,
    Operation.RESET_PASSWORD: Capability.RESET_PASSWORD,
    Operation.REVERSE_DNS: Capability.REVERSE_DNS,
}
"""Each control call and the capability a module must declare to be asked it."""


class PowerState(StrEnum):
    ON = "on"
    OFF = "off"
    UNKNOWN = "unknown"


class EquipmentAction(StrEnum):
    """Actions on equipment a client may apply for (SUP-02; seed 003, annex 7 §5.6.5)."""

    REBOOT = "reboot"
    POWER_OFF = "power_off"
    POWER_ON = "power_on"
    NETWORK_CHANGE = "network_change"
    OS_REINSTALL = "os_reinstall"
    CONSOLE_ACCESS = "console_access"
    PART_REPLACEMENT = "part_replacement"
    PASSWORD_CHANGE = "password_change"


class Outcome(StrEnum):
    DONE = "done"
    WAITING = "waiting"
    FAILED = "failed"


class ModuleError(Exception):
    """A module call failed. ``retry_can_help`` says whether the same call may succeed later
    (a timeout, the hypervisor busy) or never will (an unknown template, a refused plan)."""

    def __init__(self, message: str, *, retry_can_help: bool, code: str = "module_error"):
        super().__init__(message)
        self.message = message
        self.code = code
        self.retry_can_help = retry_can_help


@dataclass(frozen=True)
class AddOnRequest:
    """An add-on of the service and how many of it."""

    code: str
    quantity: int


@dataclass(frozen=True)
class ServiceRequest:
    """Everything a module needs to act on one service.

    ``specs`` are the resources ordered (``cpu``, ``ram_gb``, ``disk_gb`` for virtual
    servers and cloud pools); ``module_service_id`` and ``module_data`` are what this module
    reported for the service earlier (empty before it was created). ``changes`` describes the
    new plan of a ``change_plan`` call, or the arguments of a control call. ``host_name`` is
    the domain or server name the service runs under. ``access`` holds the access details
    kept encrypted for the service (what the module returned, or what staff entered on
    activation, e.g. ``address``, ``username``, ``password``, ``bmc_address``,
    ``bmc_username``, ``bmc_password``): a module may use them to reach the resource and must
    never log them or return them in a message.
    """

    operation: Operation
    operation_key: str
    service_id: str
    client_id: str
    family: str
    tariff: str
    specs: Mapping[str, Any] = field(default_factory=dict)
    add_ons: tuple[AddOnRequest, ...] = ()
    os_image: str = ""
    module_service_id: str = ""
    module_data: Mapping[str, Any] = field(default_factory=dict)
    changes: Mapping[str, Any] = field(default_factory=dict)
    host_name: str = ""
    access: Mapping[str, str] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class EquipmentActionRequest:
    """One action on the equipment of one service (SUP-02).

    ``operation_key`` is unique per (application, service): a second call with the same key
    must not repeat the action. ``equipment_ids`` are the IDs on the labels of the
    equipment the client named; ``details`` what the client wrote (a network change, the
    OS to install), never credentials.
    """

    action: EquipmentAction
    operation_key: str
    service_id: str
    client_id: str
    family: str
    equipment_ids: tuple[str, ...] = ()
    module_service_id: str = ""
    module_data: Mapping[str, Any] = field(default_factory=dict)
    details: str = ""


@dataclass(frozen=True)
class ModuleResult:
    """How a call went.

    ``DONE``: the resource is in the asked state; ``module_service_id`` and ``module_data``
    (technical identifiers of the provider's resources, never credentials or personal data)
    are stored on the service; ``access`` (the address, user name and password the client
    uses, a control-panel URL) is merged into the service's encrypted access details.
    ``WAITING``: a person must finish the work; staff see the call
    in their queue and complete it. ``FAILED``: nothing or not everything was done;
    ``retry_can_help`` says whether HostLedger should try again later.
    """

    outcome: Outcome
    message: str = ""
    retry_can_help: bool = False
    module_service_id: str = ""
    module_data: Mapping[str, Any] | None = None
    access: Mapping[str, str] | None = field(default=None, repr=False)

    @classmethod
    def done(
        cls, message: str = "", *, module_service_id: str = "", module_data=None, access=None
    ) -> ModuleResult:
        return cls(
            Outcome.DONE,
            message,
            module_service_id=module_service_id,
            module_data=module_data,
            access=access,
        )

    @classmethod
    def waiting(cls, message: str) -> ModuleResult:
        return cls(Outcome.WAITING, message)

    @classmethod
    def failed(cls, message: str, *, retry_can_help: bool) -> ModuleResult:
        return cls(Outcome.FAILED, message, retry_can_help=retry_can_help)


@runtime_checkable
class ProvisioningModule(Protocol):
    """A provisioning module: a name, a label for staff, and the five calls (PRV-01)."""

    name: str
    label: str

    def create(self, request: ServiceRequest) -> ModuleResult: ...

    def suspend(self, request: ServiceRequest) -> ModuleResult: ...

    def resume(self, request: ServiceRequest) -> ModuleResult: ...

    def terminate(self, request: ServiceRequest) -> ModuleResult: ...

    def change_plan(self, request: ServiceRequest) -> ModuleResult: ...


@runtime_checkable
class EquipmentActionModule(Protocol):
    """A module that can carry out some actions on equipment itself (SUP-02).

    ``can_perform_equipment_action`` answers quickly, without calling out, whether the module
    can do ``action`` for the service ``request`` describes (its family, its resource); staff
    are offered the action for one click only where it says yes.
    """

    def can_perform_equipment_action(
        self, action: EquipmentAction, request: EquipmentActionRequest
    ) -> bool: ...

    def perform_equipment_action(self, request: EquipmentActionRequest) -> ModuleResult: ...


@dataclass(frozen=True)
class ConsoleLink:
    """A console of the resource the client opens in the browser, valid until ``expires_at``
    (an aware datetime); the URL carries its own one-time secret."""

    url: str
    expires_at: Any


@dataclass(frozen=True)
class UsageReading:
    """One measured quantity of a metered item (BIL-08) over [started_at, ended_at).

    ``key`` is unique per reading of the resource (the module's own interval id), so the same
    reading delivered twice is stored once; ``quantity`` is a decimal string in the item's
    unit (``"12.5"`` GB, ``"720"`` hours)."""

    item_code: str
    quantity: str
    started_at: Any
    ended_at: Any
    key: str


@runtime_checkable
class ControlModule(Protocol):
    """A module that controls running services (PRV-01): what it can do for one service, and
    the calls that need no job (the power state, a console link, usage readings).

    ``capabilities`` answers quickly, without calling out. Each :data:`CONTROL_OPERATIONS`
    call is a method named after the operation taking a :class:`ServiceRequest`, present for
    every capability the module declares; HostLedger asks it only of a service whose module
    declared the capability, through the job queue, so a retried call must be harmless
    (power on twice is on, a reinstall keyed by ``operation_key`` runs once).
    """

    def capabilities(self, request: ServiceRequest) -> frozenset[Capability]: ...


def capabilities_of(module, request: ServiceRequest) -> frozenset[Capability]:
    """What ``module`` declares it can do for the service of ``request``; nothing for a
    module that controls no running service or fails to answer."""
    if not isinstance(module, ControlModule):
        return frozenset()
    try:
        return frozenset(Capability(item) for item in module.capabilities(request))
    except Exception:
        return frozenset()
