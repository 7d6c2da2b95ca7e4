"""Helpers shared by the data-centre pages of the client and staff areas: a form is checked,
one action is called, and a refusal is shown on the field it names with status 400."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect

from hostledger.core.errors import DomainError


def refusal_on_form(form, error: DomainError) -> None:
    """Show an action's refusal on the fields it names (or above the form); 403 and 404
    are raised on, to answer as such."""
    if error.status in (403, 404):
        raise error
    shown = False
    for name, problem in error.fields.items():
        if name in form.fields:
            form.add_error(name, problem)
            shown = True
    if not shown:
        form.add_error(None, error.message)


def submit_form(request, form, *, act, page, done: str, then):
    """Validate ``form``, call the one action, and answer: the page again with 400 naming
    the field, or a redirect to ``then`` with ``done``."""
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except DomainError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, done)
            return redirect(then)
    return page(form, 400)
