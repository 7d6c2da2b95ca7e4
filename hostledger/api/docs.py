"""The API documentation page at /api/v1/docs (Swagger UI) and its assets.

The page and its scripts are served by HostLedger itself — no CDN — so they load under the
site's Content-Security-Policy (scripts from 'self' only, no inline script). The assets are
the Swagger UI files that ship with django-ninja.
"""

from __future__ import annotations

import json
from pathlib import Path

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from ninja.openapi.docs import DocsBase

ASSETS_DIRECTORY = Path(ninja.__file__).parent / "static" / "ninja"
ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "favicon.svg": "image/svg+xml",
}


class ApiDocs(DocsBase):
    """Swagger UI for the OpenAPI document; "Try it out" sends the session's CSRF token."""

    settings = {"layout": "BaseLayout", "deepLinking": True, "persistAuthorization": False}

    def render_page(self, request: HttpRequest, api, **kwargs) -> HttpResponse:
        swagger_settings = dict(self.settings, url=self.get_openapi_url(api, kwargs))
        # The settings sit in a JSON <script> block: keep "</" from closing it early.
        encoded = json.dumps(swagger_settings).replace("</", "<\\/")
        return render(request, "api/docs.html", {"api": api, "swagger_settings": encoded})


@require_GET
@cache_control(public=True, max_age=86400)
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    """One of the Swagger UI files; nothing else is served from the directory."""
    if name not in ASSETS:
        raise Http404(name)
    return FileResponse((ASSETS_DIRECTORY / name).open("rb"), content_type=ASSETS[name])
