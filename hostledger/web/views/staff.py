"""The staff area: clients, staff users and roles, provider settings, job runs (ACC-09, ACC-11).

Every page needs an active staff member with two-factor sign-in and the permission code named
on its decorator. A client's personal data is shown only to holders of
``clients.view_personal_data``, and each showing is recorded in the audit trail (GDPR-12).
"""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hostledger.accounts import actions, selectors
from hostledger.accounts import permissions as perms
from hostledger.accounts.selectors import staff_client, staff_member, staff_members
from hostledger.core import jobs, registry
from hostledger.core.audit import record_personal_data_read
from hostledger.core.bulk_jobs import JOB_PREFIX
from hostledger.core.errors import DomainError, NotFound, PermissionDenied
from hostledger.core.models import JobRun
from hostledger.web.decorators import staff_area
from hostledger.web.forms import (
    ClientSearchForm,
    ProviderSettingForm,
    ProviderSettingResetForm,
    RunJobForm,
    StaffAccessForm,
    StaffNoteForm,
    StaffRoleForm,
    StaffUserCreateForm,
)
from hostledger.web.overviews import (
    find_clients,
    staff_client_activity,
    staff_client_messages,
    staff_overview,
)
from hostledger.web.searches import search_recall, search_remember
from hostledger.web.views.common import form_data, render_form_page

RECENT_JOB_RUNS = 50
CLIENT_SEARCH_RESULTS = 50
CLIENT_SEARCH_KIND = "clients"
SETTING_HISTORY_LENGTH = 100
CLIENT_SIGN_INS_SHOWN = 10
RUNNING_STATUSES = (JobRun.Status.QUEUED, JobRun.Status.RUNNING)


# ----------------------------------------------------------------------------- reads


def _declaration(key: str) -> registry.ProviderSetting:
    try:
        return registry.get_declaration(key)
    except DomainError:
        raise NotFound("provider setting") from None


# ----------------------------------------------------------------------------- home


@require_GET
@staff_area()
def staff_home(request):
    """Where staff land (issue 11 §8): the queues their roles open with their counts (the
    activation queue, unmatched payments, decisions to confirm, act disputes, verification
    requests overdue), today's payments, the areas they may open and failed job runs."""
    granted = perms.permissions_of(request.user)
    failed_runs = []
    if perms.JOBS_VIEW in granted:
        failed_runs = [
            run for run in jobs.recent_job_runs(20) if run.status == JobRun.Status.FAILED
        ][:5]
    today = timezone.localdate()
    context = {
        "granted": granted,
        "failed_runs": failed_runs,
        "overview": staff_overview(granted, today=today),
        "today": today,
        "search_form": ClientSearchForm(),
    }
    return render(request, "web/staff/home.html", context)


# ----------------------------------------------------------------------------- clients


@require_http_methods(["GET", "POST"])
@staff_area(perms.CLIENTS_VIEW)
def client_search(request):
    """The newest clients, and the search form. A search is posted, kept in the session and
    shown on a results page addressed by an opaque id, so what staff typed (a name, an e-mail
    address, a phone number) never appears in a URL or an access log (issue 11 §8, GDPR-08).
    """
    form = ClientSearchForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"].strip()
        if not query:
            return redirect("web:staff_client_search")
        search_id = search_remember(request, kind=CLIENT_SEARCH_KIND, query=query)
        return redirect("web:staff_client_search_results", search_id=search_id)
    return _client_search_page(request, form, query="")


@require_GET
@staff_area(perms.CLIENTS_VIEW)
def client_search_results(request, search_id):
    """The results of a search kept in the session; an unknown or expired search sends staff
    back to the search form."""
    query = search_recall(request, kind=CLIENT_SEARCH_KIND, search_id=search_id)
    if query is None:
        messages.info(request, _("That search has expired. Search again."))
        return redirect("web:staff_client_search")
    return _client_search_page(request, ClientSearchForm(initial={"q": query}), query=query)


def _client_search_page(request, form, *, query: str):
    """Results show the clients' names to holders of clients.view_personal_data, and each
    client shown so is recorded in the audit trail (GDPR-12)."""
    shows_names = bool(query) and perms.has_permission(
        request.user, perms.CLIENTS_VIEW_PERSONAL_DATA
    )
    clients = find_clients(query, limit=CLIENT_SEARCH_RESULTS, with_names=shows_names)
    if shows_names:
        for found in clients:
            record_personal_data_read(
                actor=request.user, client=found, what="client search: name", request=request
            )
    context = {"form": form, "query": query, "clients": clients, "shows_names": shows_names}
    return render(request, "web/staff/client_search.html", context)


@require_GET
@staff_area(perms.CLIENTS_VIEW)
def client_detail(request, public_id):
    """One client's account: its money, services, orders, invoices and payments; with
    clients.view_personal_data also identity, payers, contacts, messages, sign-ins and staff
    notes, and each showing is recorded in the audit trail (GDPR-12)."""
    client = staff_client(public_id)
    return _client_page(request, client, note_form=StaffNoteForm())


def _client_page(request, client, *, note_form, status=200):
    shows_personal_data = perms.has_permission(request.user, perms.CLIENTS_VIEW_PERSONAL_DATA)
    context = {
        "client": client,
        "shows_personal_data": shows_personal_data,
        "note_form": note_form,
        "can_write_notes": shows_personal_data
        and perms.has_permission(request.user, perms.CLIENTS_EDIT),
    }
    context.update(staff_client_activity(client))
    context.update(_verification_context(request, client, shows_personal_data))
    if shows_personal_data:
        context.update(selectors.staff_client_personal_data(client, sign_ins=CLIENT_SIGN_INS_SHOWN))
        context["notes"] = selectors.staff_notes_of(client)
        context["messages_of_client"] = staff_client_messages(client)
        record_personal_data_read(
            actor=request.user,
            client=client,
            what="client detail: identity, address, phone, email, payers, contacts, "
            "trusted users, sign-ins, verification requests, messages, staff notes",
            request=request,
        )
    else:
        context["counts"] = {
            "payers": client.payers.filter(archived_at=None).count(),
            "contacts": client.contacts.filter(archived_at=None).count(),
        }
    return render(request, "web/staff/client_detail.html", context, status=status)


@require_POST
@staff_area(perms.CLIENTS_EDIT)
def staff_note_add(request, public_id):
    """Keep a staff note on the client's account (issue 11 §8); audited. Writing one needs
    clients.edit and clients.view_personal_data (the notes are personal data)."""
    client = staff_client(public_id)
    if not perms.has_permission(request.user, perms.CLIENTS_VIEW_PERSONAL_DATA):
        raise PermissionDenied(_("Staff notes are personal data: clients.view_personal_data."))
    form = StaffNoteForm(request.POST)
    if form.is_valid():
        try:
            actions.staff_note_add(
                client=client, actor=request.user, text=form.cleaned_data["text"]
            )
        except DomainError as error:
            form.add_error("text", error.message)
        else:
            messages.success(request, _("Note kept."))
            return redirect(reverse("web:staff_client_detail", args=[client.public_id]) + "#notes")
    return _client_page(request, client, note_form=form, status=400)


def _verification_context(request, client, shows_personal_data: bool) -> dict:
    """The data verification section of the client page (ACC-10): whether the client is
    restricted, and the requests with their questions and answers for readers of personal
    data; acting on them needs clients.edit (pages in staff_verification)."""
    from hostledger.web.forms_verification import VerificationOpenForm

    return {
        "verification_restricted": selectors.client_is_restricted(client, on=timezone.localdate()),
        "verification_requests": (
            list(selectors.client_verification_requests(client)) if shows_personal_data else []
        ),
        "can_verify": perms.has_permission(request.user, perms.CLIENTS_EDIT),
        "verification_form": VerificationOpenForm(),
    }


# ----------------------------------------------------------------------------- staff users


@require_GET
@staff_area(perms.STAFF_MANAGE)
def staff_user_list(request):
    members = list(staff_members())
    with_app = selectors.users_with_authenticator_app(members)
    rows = [{"user": user, "has_authenticator": user.pk in with_app} for user in members]
    return render(request, "web/staff/staff_user_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@staff_area(perms.STAFF_MANAGE)
def staff_user_create(request):
    """A new staff member with roles; the change is mailed to responsible personnel (ACC-11)."""
    form = StaffUserCreateForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            member = actions.staff_user_create(
                actor=request.user,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role_slugs=form.cleaned_data["roles"],
                extra_permissions=form.cleaned_data["permissions"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _(
                    "%(email)s is staff now. They choose a password with “Forgot your "
                    "password?” and set up two-factor sign-in before the staff area opens."
                )
                % {"email": member.email},
            )
            return redirect("web:staff_user_detail", public_id=member.public_id)
    return render_form_page(request, "web/staff/staff_user_form.html", {"form": form}, form=form)


@require_http_methods(["GET", "POST"])
@staff_area(perms.STAFF_MANAGE)
def staff_user_detail(request, public_id):
    """Roles, extra permissions and the active state of one staff member (ACC-11)."""
    member = staff_member(public_id)
    initial = {
        "roles": [role.slug for role in member.staff_roles.all()],
        "permissions": list(member.extra_permissions or []),
        "is_active": member.is_active,
    }
    form = StaffAccessForm(form_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.staff_user_access_change(
                actor=request.user,
                staff_user=member,
                role_slugs=form.cleaned_data["roles"],
                extra_permissions=form.cleaned_data["permissions"],
                is_active=form.cleaned_data["is_active"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Access of %(email)s saved.") % {"email": member.email})
            return redirect("web:staff_user_detail", public_id=member.public_id)
    context = {
        "member": member,
        "form": form,
        "has_authenticator": member.pk in selectors.users_with_authenticator_app([member]),
        "effective_permissions": sorted(perms.permissions_of(member)),
    }
    return render_form_page(request, "web/staff/staff_user_detail.html", context, form=form)


# ----------------------------------------------------------------------------- roles


@require_GET
@staff_area(perms.STAFF_MANAGE)
def role_list(request):
    roles = selectors.staff_roles_with_member_counts()
    context = {"roles": roles, "permission_texts": perms.ALL_PERMISSIONS}
    return render(request, "web/staff/role_list.html", context)


@require_http_methods(["GET", "POST"])
@staff_area(perms.STAFF_MANAGE)
def role_detail(request, slug):
    role = selectors.staff_role(slug)
    form = StaffRoleForm(form_data(request), initial={"permissions": list(role.permissions)})
    if request.method == "POST" and form.is_valid():
        try:
            actions.staff_role_change(
                actor=request.user, role=role, permissions=form.cleaned_data["permissions"]
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, _("Permissions of the %(role)s role saved.") % {"role": role.name}
            )
            return redirect("web:role_list")
    members = selectors.staff_role_members(role)
    context = {"role": role, "form": form, "members": members}
    return render_form_page(request, "web/staff/role_detail.html", context, form=form)


# ----------------------------------------------------------------------------- provider settings


@require_GET
@staff_area(perms.SETTINGS_EDIT)
def setting_list(request):
    """Every provider setting by app, with the value in force and the seed default (habit 7)."""
    values = registry.current_values()
    rows = [
        {
            "declaration": item,
            "value": values[item.key],
            "is_default": values[item.key] == item.default,
        }
        for item in registry.all_settings()
    ]
    groups = [
        {"app": app, "rows": list(items)}
        for app, items in groupby(rows, key=lambda row: row["declaration"].app)
    ]
    return render(request, "web/staff/setting_list.html", {"groups": groups})


@require_http_methods(["GET", "POST"])
@staff_area(perms.SETTINGS_EDIT)
def setting_detail(request, key):
    """Change one setting with a reason; every change is kept with the previous value."""
    declaration = _declaration(key)
    value = registry.current_values()[key]
    initial_value = str(value).lower() if declaration.kind == "bool" else value
    form = ProviderSettingForm(
        form_data(request), declaration=declaration, initial={"value": initial_value}
    )
    if request.method == "POST" and form.is_valid():
        try:
            registry.provider_setting_change(
                key=key,
                raw_value=form.cleaned_data["value"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{declaration.label} changed.")
            return redirect("web:setting_detail", key=key)
    context = {
        "declaration": declaration,
        "value": value,
        "is_default": value == declaration.default,
        "form": form,
        "reset_form": ProviderSettingResetForm(),
        "history": registry.setting_changes(key, limit=SETTING_HISTORY_LENGTH),
    }
    return render_form_page(request, "web/staff/setting_detail.html", context, form=form)


@require_POST
@staff_area(perms.SETTINGS_EDIT)
def setting_reset(request, key):
    declaration = _declaration(key)
    form = ProviderSettingResetForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the setting goes back to its default."))
        return redirect("web:setting_detail", key=key)
    registry.provider_setting_reset(key=key, actor=request.user, reason=form.cleaned_data["reason"])
    messages.success(
        request, _("%(setting)s is back to its default.") % {"setting": declaration.label}
    )
    return redirect("web:setting_detail", key=key)


@require_GET
@staff_area(perms.SETTINGS_EDIT)
def setting_history(request):
    labels = {item.key: item.label for item in registry.all_settings()}
    context = {
        "history": registry.setting_changes(limit=SETTING_HISTORY_LENGTH),
        "labels": labels,
        "limit": SETTING_HISTORY_LENGTH,
    }
    return render(request, "web/staff/setting_history.html", context)


# ----------------------------------------------------------------------------- jobs


def _runnable_jobs() -> list[jobs.Job]:
    """The jobs staff may start by hand: not the bulk actions, which start from a staff list
    with the rows selected there."""
    return [item for item in jobs.registered_jobs() if not item.name.startswith(JOB_PREFIX)]


@require_GET
@staff_area(perms.JOBS_VIEW)
def job_list(request):
    """Registered jobs with their last run, and the latest runs of all jobs."""
    runs = jobs.recent_job_runs(RECENT_JOB_RUNS)
    last_run = {}
    for run in runs:
        last_run.setdefault(run.job_name, run)
    registered = [
        {
            "job": item,
            "every": item.interval() if item.is_periodic else None,
            "last_run": last_run.get(item.name),
        }
        for item in _runnable_jobs()
    ]
    context = {
        "registered": registered,
        "runs": runs,
        "can_run": perms.has_permission(request.user, perms.JOBS_RUN),
    }
    return render(request, "web/staff/job_list.html", context)


@require_POST
@staff_area(perms.JOBS_RUN)
def job_run_now(request):
    """Queue a run of a job outside its schedule."""
    form = RunJobForm(request.POST, job_names=[item.name for item in _runnable_jobs()])
    if not form.is_valid():
        messages.error(request, _("Choose one of the registered jobs."))
        return redirect("web:job_list")
    run = jobs.run_job_now(form.cleaned_data["name"], actor=request.user)
    messages.success(
        request, _("%(job)s is queued; a worker will pick it up.") % {"job": run.job_name}
    )
    return redirect("web:job_run_detail", run_id=run.pk)


@require_GET
@staff_area(perms.JOBS_VIEW)
def job_run_detail(request, run_id):
    """One run with its progress, counts, log and error; refreshes itself while it runs."""
    run = jobs.job_run_detail(run_id)
    context = {"run": run, "is_running": run.status in RUNNING_STATUSES}
    return render(request, "web/staff/job_run_detail.html", context)


@require_GET
@staff_area(perms.JOBS_VIEW)
def job_run_progress(request, run_id) -> HttpResponse:
    """The live part of a run's page, polled by htmx until the run ends."""
    run = jobs.job_run_detail(run_id)
    context = {"run": run, "is_running": run.status in RUNNING_STATUSES}
    return render(request, "web/staff/job_run_detail.html#progress", context)
