"""Staff pages of personal data, all needing ``privacy.manage`` and two-factor sign-in
(ACC-09, ACC-11):

* policy versions (GDPR-10, NTF-03): the list of every version; a new version is written in
  Markdown, previewed with the difference to the version in force (nothing is saved), and
  published, which announces it to every client with a live service by email and in the
  client area;
* the register of processors (GDPR-09);
* the record of processing activities (GDPR art. 30, GDPR-09), built from the personal-data
  declarations plus staff's entries, exported as CSV and PDF.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hostledger.accounts import permissions as perms
from hostledger.core.errors import DomainError
from hostledger.flows.policies import policy_published
from hostledger.privacy.models import PolicyDocument
from hostledger.privacy.policies import (
    check_policy_input,
    current_policy,
    policy_diff,
    render_policy_markdown,
)
from hostledger.privacy.processors import (
    activity_record,
    activity_record_csv,
    activity_record_pdf,
    activity_records,
    processing_activity_save,
    processor_create,
    processor_for_staff,
    processor_update,
    processors_all,
)
from hostledger.web.decorators import staff_area
from hostledger.web.forms_privacy import ActivityForm, PolicyForm, ProcessorForm
from hostledger.web.views.common import form_data, render_form_page

PRIVACY = perms.PRIVACY_MANAGE


# ----------------------------------------------------------------------------- policies


@require_GET
@staff_area(PRIVACY)
def policy_list(request):
    """Every version of both policies, newest first, with the one in force marked."""
    groups = []
    for kind, label in PolicyDocument.Kind.choices:
        current = current_policy(kind)
        versions = list(
            PolicyDocument.objects.filter(kind=kind).order_by("-published_at", "-id").defer("body")
        )
        groups.append({"kind": kind, "label": label, "current": current, "versions": versions})
    return render(request, "web/staff/privacy/policy_list.html", {"groups": groups})


@require_GET
@staff_area(PRIVACY)
def policy_new(request):
    """The form of a new version, filled with the version in force of the chosen kind."""
    kind = request.GET.get("kind", PolicyDocument.Kind.TERMS)
    if kind not in PolicyDocument.Kind.values:
        kind = PolicyDocument.Kind.TERMS
    current = current_policy(kind)
    initial = {"kind": kind}
    if current is not None:
        initial.update(title=current.title, body=current.body)
    form = PolicyForm(initial=initial)
    return render(request, "web/staff/privacy/policy_form.html", {"form": form, "current": current})


def _preview_context(form: PolicyForm) -> dict:
    data = form.cleaned_data
    current = current_policy(data["kind"])
    return {
        "form": form,
        "current": current,
        "diff": policy_diff(current.body if current else "", data["body"]),
        "body_html": render_policy_markdown(data["body"]),
        "preview": True,
    }


@require_POST
@staff_area(PRIVACY)
def policy_preview(request):
    """The new version rendered as clients will see it and its difference to the version in
    force, with the form to change it or publish it. Saves nothing."""
    form = PolicyForm(form_data(request))
    context = {"form": form, "current": None}
    if form.is_valid():
        try:
            check_policy_input(
                kind=form.cleaned_data["kind"],
                version=form.cleaned_data["version"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            context = _preview_context(form)
    return render_form_page(request, "web/staff/privacy/policy_form.html", context, form=form)


@require_POST
@staff_area(PRIVACY)
def policy_publish_view(request):
    """Publish the version and announce it to the clients (GDPR-10, NTF-03)."""
    form = PolicyForm(form_data(request))
    context = {"form": form, "current": None}
    if form.is_valid():
        try:
            published = policy_published(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            document = published.document
            messages.success(
                request,
                ngettext(
                    "%(title)s version %(version)s is published; %(count)s client will get the "
                    "announcement by email and in the client area.",
                    "%(title)s version %(version)s is published; %(count)s clients will get the "
                    "announcement by email and in the client area.",
                    published.recipients,
                )
                % {
                    "title": document.title,
                    "version": document.version,
                    "count": published.recipients,
                },
            )
            return redirect("web:staff_policies")
    if form.is_bound and not form.errors:
        context = _preview_context(form)
    return render_form_page(request, "web/staff/privacy/policy_form.html", context, form=form)


# ----------------------------------------------------------------------------- processors


@require_GET
@staff_area(PRIVACY)
def processor_list(request):
    return render(
        request, "web/staff/privacy/processor_list.html", {"processors": processors_all()}
    )


@require_http_methods(["GET", "POST"])
@staff_area(PRIVACY)
def processor_new(request):
    form = ProcessorForm(form_data(request), initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            processor = processor_create(data=form.cleaned_data, actor=request.user)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("%(name)s is in the register.") % {"name": processor.name})
            return redirect("web:staff_processors")
    return render_form_page(
        request,
        "web/staff/privacy/processor_form.html",
        {"form": form, "processor": None},
        form=form,
    )


@require_http_methods(["GET", "POST"])
@staff_area(PRIVACY)
def processor_edit(request, public_id):
    processor = processor_for_staff(public_id)
    initial = {
        name: getattr(processor, name)
        for name in (
            "name",
            "function",
            "country",
            "transfer_safeguard",
            "agreement_signed_on",
            "is_active",
        )
    }
    form = ProcessorForm(form_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            processor_update(processor=processor, data=form.cleaned_data, actor=request.user)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": processor.name})
            return redirect("web:staff_processors")
    context = {"form": form, "processor": processor}
    return render_form_page(request, "web/staff/privacy/processor_form.html", context, form=form)


# ----------------------------------------------------------------------------- activities


@require_GET
@staff_area(PRIVACY)
def activity_list(request):
    """The record of processing activities (GDPR art. 30), one entry per declared purpose."""
    return render(request, "web/staff/privacy/activity_list.html", {"records": activity_records()})


@require_http_methods(["GET", "POST"])
@staff_area(PRIVACY)
def activity_edit(request, key):
    """Staff's part of one purpose's entry: contact, data subjects, recipients, processors,
    security measures (GDPR-09)."""
    record = activity_record(key)
    processors = processors_all()
    initial = {
        "controller_contact": record.controller_contact if record.updated_at else "",
        "data_subjects": record.data_subjects,
        "recipients": record.recipients,
        "security_measures": record.security_measures,
        "processors": [processor.public_id for processor in record.processors],
    }
    form = ActivityForm(form_data(request), initial=initial, processors=processors)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            processing_activity_save(
                purpose=record.purpose,
                controller_contact=data["controller_contact"],
                data_subjects=data["data_subjects"],
                recipients=data["recipients"],
                security_measures=data["security_measures"],
                processor_ids=data["processors"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The entry of the record is saved."))
            return redirect("web:staff_activities")
    context = {"form": form, "record": record}
    return render_form_page(request, "web/staff/privacy/activity_form.html", context, form=form)


def _export_name(extension: str) -> str:
    return f"processing-activities-{timezone.localdate():%Y-%m-%d}.{extension}"


@require_GET
@staff_area(PRIVACY)
def activity_export_csv(request):
    """The record of processing activities as CSV (GDPR-09)."""
    response = HttpResponse(
        activity_record_csv(activity_records()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_name("csv")}"'
    return response


@require_GET
@staff_area(PRIVACY)
def activity_export_pdf(request):
    """The record of processing activities as PDF (GDPR-09)."""
    pdf = activity_record_pdf(activity_records(), site_name=settings.MFA_TOTP_ISSUER)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_export_name("pdf")}"'
    return response
