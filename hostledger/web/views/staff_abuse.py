"""Staff pages of the abuse desk (ABU-01 … ABU-03, AUT-06): the queue of open cases by their
next deadline, a form to open a case, and a case's page with its report, evidence, services,
timeline and the forms to notify the client (which starts the deadline), link a service,
add a note or evidence, reject a claimed remedy, lift or dismiss the case, and propose the
termination that staff with ``services.manage`` then confirm on the decisions page.

Every page needs ``abuse.manage``: a case holds a third party's contact details and the
evidence of a complaint. A form with a missing or bad field answers the page again with the
field marked (400); a refusal by the action (the case is closed, the term has not passed)
is a message on the case's page and changes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hostledger.abuse import selectors
from hostledger.abuse.actions import (
    abuse_case_dismiss,
    abuse_case_lift,
    abuse_case_note_add,
    abuse_case_notify,
    abuse_case_service_link,
    abuse_remedy_reject,
)
from hostledger.abuse.deadlines import abuse_termination_propose_now
from hostledger.abuse.intake import abuse_case_open, clean_ip
from hostledger.abuse.models import CaseStatus, Source
from hostledger.accounts import permissions as perms
from hostledger.core.errors import DomainError
from hostledger.web.decorators import staff_area
from hostledger.web.forms_abuse import (
    EvidenceNoteForm,
    LinkServiceForm,
    NoteForm,
    NotifyForm,
    QueueFilterForm,
    RequiredNoteForm,
    StaffCaseForm,
    evidence_files,
)
from hostledger.web.views.client_abuse import evidence_download

MANAGE = perms.ABUSE_MANAGE


@require_GET
@staff_area(MANAGE)
def abuse_queue(request):
    """Open cases by their next deadline (lift, suspension, termination), or by status."""
    form = QueueFilterForm(request.GET or None)
    cases = []
    if not (form.is_bound and not form.is_valid()):
        filters = form.cleaned_data if form.is_bound else {}
        cases = list(
            selectors.staff_case_queue(
                status=filters.get("status", ""), category=filters.get("category", "")
            )[: selectors.STAFF_LIST_LIMIT]
        )
    context = {
        "form": form,
        "cases": cases,
        "counts": selectors.queue_counts(timezone.now()),
        "now": timezone.now(),
        "limit": selectors.STAFF_LIST_LIMIT,
    }
    return render(request, "web/staff/abuse/queue.html", context)


@require_http_methods(["GET", "POST"])
@staff_area(MANAGE)
def abuse_case_new(request):
    """Open a case from a report received another way (phone, letter, an authority)."""
    form = StaffCaseForm(request.POST or None)
    if request.method == "GET" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(request, "web/staff/abuse/new.html", {"form": form}, status=status)
    data = form.cleaned_data
    try:
        ip_addresses = [clean_ip(data["ip_address"])] if data["ip_address"] else []
        case = abuse_case_open(
            source=Source.STAFF,
            category=data["category"],
            text=data["text"],
            accounts=[data["account"]] if data["account"] else [],
            host_names=[data["host_name"]] if data["host_name"] else [],
            ip_addresses=ip_addresses,
            actor=request.user,
        )
    except DomainError as error:
        field_names = {"reported_ip": "ip_address"}
        for name, problem in error.fields.items():
            name = field_names.get(name, name)
            form.add_error(name if name in form.fields else None, problem)
        return render(request, "web/staff/abuse/new.html", {"form": form}, status=400)
    messages.success(request, _("Case %(case)s is open.") % {"case": case.public_id})
    return redirect("web:staff_abuse_case", public_id=case.public_id)


def _page(request, case, *, bound: dict | None = None, status: int = 200):
    bound = bound or {}
    is_open = case.is_open
    context = {
        "case": case,
        "services": selectors.case_services(case),
        "evidence": selectors.case_evidence(case),
        "timeline": selectors.case_timeline(case),
        "now": timezone.now(),
        "can_propose": case.status == CaseStatus.SUSPENDED
        and case.terminate_due_at is not None
        and case.terminate_due_at <= timezone.now()
        and case.termination_decision_id is None,
        "notify_form": (bound.get("notify") or NotifyForm(initial={"category": case.category}))
        if case.status == CaseStatus.NEW
        else None,
        "link_form": (bound.get("link") or LinkServiceForm()) if is_open else None,
        "note_form": bound.get("note") or EvidenceNoteForm(),
        "reject_form": (bound.get("reject") or RequiredNoteForm(prefix="reject"))
        if case.status == CaseStatus.REMEDY_CLAIMED
        else None,
        "lift_form": (bound.get("lift") or NoteForm(prefix="lift")) if is_open else None,
        "dismiss_form": (bound.get("dismiss") or RequiredNoteForm(prefix="dismiss"))
        if is_open
        else None,
    }
    return render(request, "web/staff/abuse/detail.html", context, status=status)


@require_GET
@staff_area(MANAGE)
def abuse_case_detail(request, public_id):
    """One case with everything staff need to act on it."""
    return _page(request, selectors.staff_case(public_id))


def _act(request, public_id, *, kind: str, form, act, done: str):
    case = selectors.staff_case(public_id)
    if not form.is_valid():
        return _page(request, case, bound={kind: form}, status=400)
    try:
        act(case, form.cleaned_data)
    except DomainError as error:
        if error.status == 400 and error.fields:
            for name, problem in error.fields.items():
                form.add_error(name if name in form.fields else None, problem)
            return _page(request, case, bound={kind: form}, status=400)
        messages.error(request, _("Nothing changed. %(problem)s") % {"problem": error.message})
    else:
        messages.success(request, done)
    return redirect("web:staff_abuse_case", public_id=case.public_id)


@require_POST
@staff_area(MANAGE)
def abuse_case_notify_view(request, public_id):
    """Send the complaint to the client; the deadline to remedy starts now (ABU-02/03)."""
    return _act(
        request,
        public_id,
        kind="notify",
        form=NotifyForm(request.POST),
        act=lambda case, data: abuse_case_notify(
            case=case, actor=request.user, note=data["note"], category=data["category"]
        ),
        done=_("The client is notified; the deadline runs."),
    )


@require_POST
@staff_area(MANAGE)
def abuse_case_link_view(request, public_id):
    """Link a service of the case's client to the case."""
    return _act(
        request,
        public_id,
        kind="link",
        form=LinkServiceForm(request.POST),
        act=lambda case, data: abuse_case_service_link(
            case=case, actor=request.user, service_public_id=data["service"]
        ),
        done=_("The service is linked to the case."),
    )


@require_POST
@staff_area(MANAGE)
def abuse_case_note_view(request, public_id):
    """Add a staff note or evidence files."""
    return _act(
        request,
        public_id,
        kind="note",
        form=EvidenceNoteForm(request.POST, request.FILES),
        act=lambda case, data: abuse_case_note_add(
            case=case,
            actor=request.user,
            note=data["note"],
            files=evidence_files(data["files"]),
        ),
        done=_("Added to the case."),
    )


@require_POST
@staff_area(MANAGE)
def abuse_remedy_reject_view(request, public_id):
    """The claimed remedy is not enough: the case goes back to its deadline."""
    return _act(
        request,
        public_id,
        kind="reject",
        form=RequiredNoteForm(request.POST, prefix="reject"),
        act=lambda case, data: abuse_remedy_reject(
            case=case, actor=request.user, note=data["note"]
        ),
        done=_("The remedy is not accepted; the deadline applies again."),
    )


@require_POST
@staff_area(MANAGE)
def abuse_case_lift_view(request, public_id):
    """Lift the case: what it suspended resumes, a waiting termination lapses."""
    return _act(
        request,
        public_id,
        kind="lift",
        form=NoteForm(request.POST, prefix="lift"),
        act=lambda case, data: abuse_case_lift(case=case, actor=request.user, note=data["note"]),
        done=_("The case is lifted; its services are running again."),
    )


@require_POST
@staff_area(MANAGE)
def abuse_case_dismiss_view(request, public_id):
    """Dismiss the case, saying why."""
    return _act(
        request,
        public_id,
        kind="dismiss",
        form=RequiredNoteForm(request.POST, prefix="dismiss"),
        act=lambda case, data: abuse_case_dismiss(case=case, actor=request.user, note=data["note"]),
        done=_("The case is dismissed."),
    )


@require_POST
@staff_area(MANAGE)
def abuse_termination_propose_view(request, public_id):
    """Propose terminating what the case suspended, for confirmation on the decisions page
    (AUT-06); refused before the 20 days of 003 §7.5."""
    return _act(
        request,
        public_id,
        kind="propose",
        form=NoteForm(request.POST, prefix="propose"),
        act=lambda case, data: abuse_termination_propose_now(case=case, actor=request.user),
        done=_(
            "Termination proposed; a member of staff with services.manage confirms it on "
            "the decisions page."
        ),
    )


@require_GET
@staff_area(MANAGE)
def abuse_evidence_file(request, public_id, sha256):
    """A file of the case's evidence, by its SHA-256, as a download."""
    case = selectors.staff_case(public_id)
    return evidence_download(selectors.case_evidence_file(case, sha256))
