"""URLs of API v1 under /api/v1/.

Besides ninja's operations, the OpenAPI document and the docs page, this adds the docs
page's assets and makes the answers Django would give in HTML — a wrong method (405) and an
unknown address (404) — answer in the API's one error format.
"""

from functools import wraps

from django.urls import URLPattern, include, path, re_path

from hostledger.api.docs import docs_asset
from hostledger.api.errors import error_response
from hostledger.api.main import api


def _json_method_not_allowed(view):
    """Ninja answers a method no operation takes with a plain-text 405; keep its Allow
    header and give it the error format."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = ", ".join(sorted(m.strip() for m in response.get("Allow", "").split(",")))
            response = error_response(
                405, "method_not_allowed", f"{request.method} is not allowed here; use {allowed}."
            )
            response["Allow"] = allowed
        return response

    return wrapper


def unknown_address(request, rest=""):
    return error_response(404, "not_found", "Nothing exists at this address.")


def api_root(request):
    return error_response(
        404,
        "not_found",
        "This is the API root; the documentation is at docs, the OpenAPI document at openapi.json.",
    )


def _patterns():
    ninja_patterns, app_name, namespace = api.urls
    patterns = [path("docs/assets/<str:name>", docs_asset, name="docs-asset")]
    for pattern in ninja_patterns:
        if isinstance(pattern, URLPattern) and pattern.name == "api-root":
            patterns.append(URLPattern(pattern.pattern, api_root, name="api-root"))
        elif isinstance(pattern, URLPattern):
            patterns.append(
                URLPattern(
                    pattern.pattern,
                    _json_method_not_allowed(pattern.callback),
                    pattern.default_args,
                    pattern.name,
                )
            )
        else:
            patterns.append(pattern)
    patterns.append(re_path(r"^(?P<rest>.*)$", unknown_address, name="unknown-address"))
    return patterns, app_name, namespace


_api_patterns, _app_name, _namespace = _patterns()
urlpatterns = [path("", include((_api_patterns, _app_name), namespace=_namespace))]
