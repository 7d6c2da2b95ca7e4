"""The client area's abuse cases (ABU-01 … ABU-03): the complaints staff sent about the
client's services, with the report and its evidence, the deadline, what happened so far, and
the form to answer — saying, with proof, that the violation is remedied.

Cases are loaded through the abuse selectors scoped to the client, so another client's case
is a 404 (habit 6). Reading needs access to the account's services; answering needs the
owner or a trusted user who may act on them (ACC-06). The reporter's identity and staff
notes are never shown to the client.
"""

from __future__ import annotations

import base64

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hostledger.abuse import selectors
from hostledger.abuse.actions import abuse_case_answer
from hostledger.abuse.models import AbuseCaseEvent, CaseStatus
from hostledger.accounts.models import AccessGrant
from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.web.decorators import client_area
from hostledger.web.forms_abuse import AbuseAnswerForm, evidence_files

AREA = AccessGrant.Scope.SERVICES
ANSWERABLE = (CaseStatus.NOTIFIED, CaseStatus.SUSPENDED, CaseStatus.REMEDY_CLAIMED)


def _page(request, access, case, *, form=None, status=200):
    can_answer = access.can_write(AREA) and case.status in ANSWERABLE
    context = {
        "access": access,
        "case": case,
        "services": selectors.case_services(case),
        "evidence": selectors.case_evidence(case),
        "timeline": [
            event
            for event in selectors.case_timeline(case)
            if event.kind != AbuseCaseEvent.Kind.NOTE
        ],
        "form": (form or AbuseAnswerForm()) if can_answer else None,
    }
    return render(request, "web/client/abuse/detail.html", context, status=status)


@require_GET
@client_area(reads=AREA)
def abuse_case_list(request, access):
    """The client's abuse cases, newest first."""
    cases = list(selectors.client_cases(access.client))
    return render(request, "web/client/abuse/list.html", {"cases": cases, "access": access})


@require_GET
@client_area(reads=AREA)
def abuse_case_detail(request, access, public_id):
    """One case: the complaint, its evidence, the deadline, the timeline, the answer form."""
    return _page(request, access, selectors.client_case(access.client, public_id))


@require_POST
@client_area(reads=AREA)
def abuse_case_answer_view(request, access, public_id):
    """Answer the case, optionally saying the violation is remedied, with proof."""
    case = selectors.client_case(access.client, public_id)
    if not access.can_write(AREA):
        raise PermissionDenied(_("Your access to this account is read-only."))
    form = AbuseAnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, access, case, form=form, status=400)
    try:
        abuse_case_answer(
            case=case,
            client=access.client,
            author=request.user,
            text=form.cleaned_data["text"],
            remedied=form.cleaned_data["remedied"],
            files=evidence_files(form.cleaned_data["files"]),
        )
    except DomainError as error:
        if error.fields and error.status == 400:
            for name, problem in error.fields.items():
                form.add_error(name if name in form.fields else None, problem)
            return _page(request, access, case, form=form, status=400)
        messages.error(request, f"Nothing changed. {error.message}")
    else:
        messages.success(request, "Your answer is sent.")
    return redirect("web:abuse_case_detail", public_id=case.public_id)


EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "application/pdf": "pdf",
    "text/plain": "txt",
    "message/rfc822": "eml",
}


def evidence_download(evidence) -> HttpResponse:
    """An evidence file as a download that no browser renders (``nosniff``), named by its
    hash and real type, never by the name its sender gave."""
    response = HttpResponse(
        base64.b64decode(evidence.content), content_type="application/octet-stream"
    )
    extension = EXTENSIONS.get(evidence.media_type, "bin")
    response["Content-Disposition"] = (
        f'attachment; filename="evidence-{evidence.sha256[:16]}.{extension}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
@client_area(reads=AREA)
def abuse_evidence_file(request, access, public_id, sha256):
    """A file of the case's evidence, by its SHA-256."""
    case = selectors.client_case(access.client, public_id)
    return evidence_download(selectors.case_evidence_file(case, sha256))
