"""The client area's "Your data" pages: exports of the client's personal data (GDPR-02).

The owner of the account requests an export, watches it being built (the page polls with
htmx while it builds) and downloads it after re-authenticating (allauth asks for the password
and, where the user has one, the second factor). Trusted users of the account are not the data
subject and see none of this (docs/decisions/0025-personal-data-export.md). The JSON Schema of
the export's document is public.
"""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods

from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.privacy.conf import EXPORT_LINK_DAYS
from hostledger.privacy.exports import (
    ZIP_MEDIA_TYPE,
    client_export,
    client_exports,
    export_file_name,
    personal_data_export_open,
    personal_data_export_start,
)
from hostledger.privacy.portable import SCHEMA_PATH, published_schema
from hostledger.web.decorators import client_area


@require_http_methods(["GET", "POST"])
@client_area
def personal_data(request, access):
    """The "Your data" page: the exports of the account and the button to request one."""
    access.require_owner()
    if request.method == "POST":
        export = personal_data_export_start(client=access.client, requested_by=request.user)
        messages.success(request, _("Your export is being prepared; this page shows its progress."))
        return redirect("web:personal_data_export", public_id=export.public_id)
    context = {
        "access": access,
        "exports": list(client_exports(access.client)[:20]),
        "link_days": setting_value(EXPORT_LINK_DAYS),
    }
    return render(request, "web/client/privacy/personal_data.html", context)


@require_GET
@client_area
def personal_data_export(request, access, public_id):
    """One export: its progress while it builds (htmx asks again every 2 s), then the
    download button. With ``HX-Request`` only the progress part is answered."""
    access.require_owner()
    export = client_export(access.client, public_id)
    context = {"access": access, "export": export}
    if request.headers.get("HX-Request"):
        return render(request, "web/client/privacy/_export_progress.html", context)
    return render(request, "web/client/privacy/export_detail.html", context)


@require_GET
@client_area
@never_cache
@reauthentication_required
def personal_data_export_download(request, access, public_id):
    """The export's ZIP, decrypted as it streams, after a fresh re-authentication; every
    download is audited. Not cached, never sniffed (nosniff is set for every answer)."""
    access.require_owner()
    export = client_export(access.client, public_id)
    try:
        chunks = personal_data_export_open(export=export, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("web:personal_data_export", public_id=export.public_id)
    response = StreamingHttpResponse(chunks, content_type=ZIP_MEDIA_TYPE)
    response["Content-Length"] = str(export.file_size)
    response["Content-Disposition"] = f'attachment; filename="{export_file_name(export)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


@require_GET
@cache_control(public=True, max_age=3600)
def personal_data_export_schema(request):
    """The published JSON Schema of the export's document, its ``$id`` this address."""
    schema = published_schema()
    schema["$id"] = request.build_absolute_uri(reverse("web:personal_data_export_schema"))
    if not schema["$id"].endswith(SCHEMA_PATH):
        raise Http404("schema")
    response = JsonResponse(schema, json_dumps_params={"indent": 2})
    response["Content-Type"] = "application/schema+json"
    return response
