"""The public abuse report form (ABU-01): anyone, signed in or not, reports spam, prohibited
content, overuse, attacks, a rights claim or an authority's order, with evidence files. At
most ``abuse.intake_reports_per_hour`` reports per network address an hour (429 beyond);
the address is kept only as a keyed hash."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from hostledger.abuse.intake import abuse_report_submit
from hostledger.core.errors import DomainError
from hostledger.core.middleware import client_ip_of
from hostledger.web.forms_abuse import AbuseReportForm, evidence_files

TEMPLATE = "web/public/abuse_report.html"


@require_http_methods(["GET", "POST"])
def abuse_report(request):
    """The form; a report sent is answered with its reference."""
    if request.method == "GET":
        return render(request, TEMPLATE, {"form": AbuseReportForm()})
    form = AbuseReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=400)
    data = form.cleaned_data
    try:
        case = abuse_report_submit(
            address=client_ip_of(request),
            category=data["category"],
            text=data["text"],
            reporter_name=data["reporter_name"],
            reporter_email=data["reporter_email"],
            reported_ip=data["reported_ip"],
            reported_domain=data["reported_domain"],
            files=evidence_files(data["files"]),
        )
    except DomainError as error:
        for name, problem in error.fields.items():
            form.add_error(name if name in form.fields else None, problem)
        if not error.fields:
            form.add_error(None, error.message)
        return render(
            request, TEMPLATE, {"form": form, "refusal": error.message}, status=error.status
        )
    return render(request, TEMPLATE, {"sent": case.public_id})
