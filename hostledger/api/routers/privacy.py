"""Exports of the client's personal data (GDPR-02): start one, follow its progress.

The file itself is downloaded in the client area only, after re-authentication with the
password and the second factor: an API token cannot download it (a leaked token must not
carry away everything the provider holds about the person). The export's ``download_url``
leads there. See docs/decisions/0025-personal-data-export.md.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status

from hostledger.accounts import selectors
from hostledger.api.errors import responses
from hostledger.api.schemas import ActingClient, PageParams, page_of, paginate, path_id
from hostledger.privacy.exports import client_export, client_exports, personal_data_export_start

router = Router(tags=["Personal data"])

ExportStatus = Literal["queued", "building", "ready", "failed", "expired"]


class PersonalDataExportOut(Schema):
    """An export of the client's personal data and how far it got (GDPR-02)."""

    id: str = Field(description="Public id of the export.", examples=["exp_3k9d2m7q8w1x4z6v"])
    status: ExportStatus = Field(description="queued, building, ready, failed or expired.")
    requested_at: datetime
    finished_at: datetime | None = Field(description="When the build ended, if it did.")
    expires_at: datetime | None = Field(description="When the download link expires.")
    progress_done: int = Field(description="Records written so far.")
    progress_total: int = Field(description="Records to write (0 until counted).")
    file_size: int = Field(description="Size of the ZIP in bytes, once ready.")
    download_url: str | None = Field(
        description=(
            "Where the owner downloads the ZIP in the client area, after re-authenticating; "
            "null until the export is ready."
        )
    )
    schema_url: str = Field(description="The JSON Schema of the ZIP's personal-data.json.")

    @staticmethod
    def resolve_id(export) -> str:
        return export.public_id

    @staticmethod
    def resolve_download_url(export) -> str | None:
        if export.status != "ready":
            return None
        path = reverse("web:personal_data_export_download", args=[export.public_id])
        return settings.SITE_URL + path

    @staticmethod
    def resolve_schema_url(export) -> str:
        return settings.SITE_URL + reverse("web:personal_data_export_schema")


ExportId = Annotated[str, Path(**path_id("export", "exp_3k9d2m7q8w1x4z6v"))]


def _owner_access(request: HttpRequest, acting: ActingClient):
    access = selectors.client_access(request.user, acting.client)
    access.require_owner()
    return access


@router.get(
    "/personal-data/exports",
    response=responses({200: page_of(PersonalDataExportOut)}, 400, 401, 403, 404),
    summary="List exports of personal data",
)
def personal_data_export_list(
    request: HttpRequest, acting: Query[ActingClient], page: Query[PageParams]
):
    """The exports of the account's personal data, newest first (GDPR-02); the owner's
    alone."""
    return paginate(client_exports(_owner_access(request, acting).client), page)


@router.post(
    "/personal-data/exports",
    response=responses({202: PersonalDataExportOut}, 400, 401, 403, 404),
    summary="Request an export of personal data",
)
def personal_data_export_create(request: HttpRequest, acting: Query[ActingClient]):
    """Queue an export of all personal data the provider holds about the account (GDPR-02):
    a ZIP with one CSV per kind of record and a JSON document describing each field. While
    one is queued or building, that one is answered. The owner's alone."""
    access = _owner_access(request, acting)
    export = personal_data_export_start(client=access.client, requested_by=request.user)
    return Status(202, export)


@router.get(
    "/personal-data/exports/{export_id}",
    response=responses({200: PersonalDataExportOut}, 400, 401, 403, 404),
    summary="Read an export of personal data",
)
def personal_data_export_read(
    request: HttpRequest, export_id: ExportId, acting: Query[ActingClient]
):
    """One export and its progress; another client's is not found."""
    return client_export(_owner_access(request, acting).client, export_id)
