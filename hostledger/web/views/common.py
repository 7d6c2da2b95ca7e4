"""Small helpers shared by the views of both areas."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

INVALID_FORM_STATUS = 400
"""Answer to a submitted form with errors: the page again, fields marked, nothing written."""


def render_form_page(request, template: str, context: dict, *, form) -> HttpResponse:
    """Render a page holding ``form``; a bound form with errors answers 400."""
    status = INVALID_FORM_STATUS if form.is_bound and form.errors else 200
    return render(request, template, context, status=status)


def form_data(request):
    """The submitted data of a POST (even an empty one), None for a GET: binds a form."""
    return request.POST if request.method == "POST" else None


def no_store(response: HttpResponse) -> HttpResponse:
    """Keep a page that shows a secret out of every cache."""
    response["Cache-Control"] = "no-store"
    return response
