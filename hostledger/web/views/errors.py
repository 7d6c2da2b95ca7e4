"""The page of an unexpected error: it names the request id to quote and leads back."""

from __future__ import annotations

from django.http import HttpResponseServerError
from django.template import loader

from hostledger.core.middleware import current_request_id


def server_error(request):
    """The 500 page with the request id (as in the log) and a link back to the area the person
    was in. Rendered without context processors: they may be what failed."""
    request_id = getattr(request, "request_id", None) or current_request_id()
    back = "/staff/" if request.path_info.startswith("/staff/") else "/"
    html = loader.get_template("500.html").render({"request_id": request_id, "back_url": back})
    response = HttpResponseServerError(html)
    response["X-Request-ID"] = request_id
    return response
