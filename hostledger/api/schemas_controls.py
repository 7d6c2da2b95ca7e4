"""Schemas of a running service's access details and controls (PRV-01, SUP-02)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from hostledger.api.schemas import InputSchema, text
from hostledger.api.schemas_datacenter import ApplicationOut

ControlName = Literal["power_on", "power_off", "reboot", "reinstall", "reset_password"]
PowerStateName = Literal["on", "off", "unknown"]
CallStatusName = Literal["queued", "running", "waiting", "retrying", "done", "failed", "cancelled"]


class ServiceAccessOut(Schema):
    """How to reach the service, without its secrets, and what can be done with it."""

    address: str = Field(examples=["192.0.2.10"])
    username: str = Field(examples=["root"])
    panel_url: str = Field(examples=[""])
    secrets: list[Literal["password", "licence_key"]] = Field(
        description="Secrets kept for the service; read them with the reveal operation."
    )
    power_state: PowerStateName | None = Field(
        description="Read from the module now; null while the service is not active."
    )
    controls_by_module: list[ControlName] = Field(
        description="Controls the service's module carries out itself; the others are filed "
        "as applications for staff."
    )
    console: bool = Field(description="Whether the module offers a console link.")


class ServiceSecretsOut(Schema):
    password: str | None = None
    licence_key: str | None = None
    servers: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="For a cloud pool: the secrets of each server, by the server's id.",
    )


class ServiceControlIn(InputSchema):
    operation: ControlName
    token: str = Field(
        min_length=8,
        max_length=40,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="A key of your choosing: the same token sent again queues nothing more.",
        examples=["8f14e45fceea167a"],
    )
    os_image: text(60, "The OS image code to install (reinstall only).", ["debian-12"]) = ""
    confirm: bool = Field(
        default=False, description="Must be true for a reinstall: it erases the disk."
    )


class ModuleCallOut(Schema):
    id: str = Field(examples=["pop_3k9d2m7q8w1x4z6v"])
    operation: str = Field(examples=["reboot"])
    status: CallStatusName
    message: str = Field(description="What the module answered.")
    created_at: datetime
    finished_at: datetime | None


class ServiceControlOut(Schema):
    """A queued module call, or the application filed for staff when the module cannot."""

    call: ModuleCallOut | None = None
    application: ApplicationOut | None = None


class ConsoleOut(Schema):
    url: str = Field(examples=["https://console.example.net/vnc/8f14e45f"])
    expires_at: datetime | None


class StaffServiceAccessIn(InputSchema):
    """Access details staff enter; an empty string removes one."""

    address: text(255, "Address of the server.", ["192.0.2.10"]) | None = None
    username: text(64, "User name.", ["root"]) | None = None
    password: text(200, "Password.", ["correct horse battery staple"]) | None = None
    panel_url: text(500, "Control panel URL.", ["https://panel.example.net"]) | None = None
    bmc_address: text(255, "BMC address of a dedicated server.", ["10.0.0.5"]) | None = None
    bmc_port: text(5, "BMC port.", ["623"]) | None = None
    bmc_username: text(64, "BMC user.", ["ADMIN"]) | None = None
    bmc_password: text(200, "BMC password.", ["secret"]) | None = None


def call_row(call) -> dict:
    return {
        "id": call.public_id,
        "operation": call.operation,
        "status": call.status,
        "message": call.message,
        "created_at": call.created_at,
        "finished_at": call.finished_at,
    }
