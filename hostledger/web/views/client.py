"""The client area: the account, payers, contacts, trusted access, sign-ins, API tokens (ACC).

Every page gets the :class:`~hostledger.accounts.selectors.ClientAccess` of the signed-in user
to the account chosen in the session and loads objects only through it, so another client's
object answers 404 (habit 6). Each write is a POST that validates input and calls one action;
a trusted user whose grant does not cover the area gets 403 and nothing changes (ACC-06).
"""

from __future__ import annotations

from collections import Counter

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hostledger.accounts import actions
from hostledger.accounts.forms import (
    AccessGrantForm,
    ApiTokenForm,
    ContactForm,
    PayerForm,
    PhoneCodeForm,
    ProfileForm,
)
from hostledger.accounts.models import AccessGrant, Client, Contact
from hostledger.accounts.selectors import (
    accessible_clients,
    api_token_of,
    api_tokens_of,
    client_access,
    client_verification_requests_awaiting_answer,
    login_history,
)
from hostledger.core.errors import DomainError
from hostledger.flows.phone_confirmation import phone_confirmation_send
from hostledger.web.decorators import SESSION_CLIENT_KEY, client_area
from hostledger.web.overviews import client_overview
from hostledger.web.views.client_notifications import inbox_subjects, message_language
from hostledger.web.views.common import form_data, no_store, render_form_page

BILLING = AccessGrant.Scope.BILLING
PROFILE_FIELDS = (
    "kind",
    "first_name",
    "last_name",
    "company_name",
    "registry_code",
    "vat_number",
    "street",
    "city",
    "postal_code",
    "country",
    "phone",
)
PAYER_FIELDS = (
    "kind",
    "name",
    "registry_code",
    "vat_number",
    "street",
    "city",
    "postal_code",
    "country",
    "invoice_email",
    "buyer_reference",
    "is_default",
)
CONTACT_FIELDS = ("role", "name", "email", "phone")
CONTACT_HISTORY_IGNORED = ("updated_at", "created_at", "client")
RECENT_SIGN_INS = 5
SIGN_IN_HISTORY_LENGTH = 100


# ----------------------------------------------------------------------------- dashboard


@require_GET
@client_area
def dashboard(request, access):
    """The account at a glance (issue 11 §8): the balance, what is due and when, services by
    state and recent messages; then who the account is, payers, contacts, two-factor and
    recent sign-ins."""
    contact_roles = Counter(access.contacts().values_list("role", flat=True))
    missing_roles = [label for value, label in Contact.Role.choices if not contact_roles[value]]
    payers = list(access.payers())
    today = timezone.localdate()
    scope_labels = dict(AccessGrant.Scope.choices)
    overview = client_overview(access.client, today=today)
    subjects = inbox_subjects(access.client, overview.messages, message_language(access.client))
    context = {
        "access": access,
        "client": access.client,
        "overview": overview,
        "recent_messages": [(message, subjects[message.pk]) for message in overview.messages],
        "payers": payers,
        "default_payer": next((payer for payer in payers if payer.is_default), None),
        "contact_count": sum(contact_roles.values()),
        "missing_contact_roles": missing_roles,
        "mfa_enabled": is_mfa_enabled(request.user),
        "recent_sign_ins": login_history(request.user, limit=RECENT_SIGN_INS),
        # Open data verification requests show as a banner (ACC-10).
        "verification_requests": list(client_verification_requests_awaiting_answer(access.client)),
        "today": today,
        # A trusted user's scopes in words, for one sentence of the page.
        "access_scope_list": ", ".join(
            str(scope_labels.get(scope, scope)).lower() for scope in access.scopes
        ),
    }
    return render(request, "web/client/dashboard.html", context)


# ----------------------------------------------------------------------------- profile


@require_GET
@client_area
def profile(request, access):
    return render(request, "web/client/profile.html", {"access": access, "client": access.client})


@require_http_methods(["GET", "POST"])
@client_area
def profile_edit(request, access):
    """Rectification of the client's own data (GDPR-03); the owner's alone."""
    access.require_owner()
    client = access.client
    initial = {field: getattr(client, field) for field in PROFILE_FIELDS}
    initial["preferred_language"] = request.user.preferred_language
    form = ProfileForm(form_data(request), initial=initial)
    form.fields["kind"].disabled = True
    form.fields["kind"].help_text = _("Contact support to change between a person and a company.")
    if request.method == "POST" and form.is_valid():
        try:
            actions.client_profile_update(client=client, actor=request.user, data=form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Your details are saved."))
            return redirect("web:profile")
    return render_form_page(
        request, "web/client/profile_form.html", {"access": access, "form": form}, form=form
    )


@require_http_methods(["GET", "POST"])
@client_area
def profile_phone(request, access):
    """Confirm the phone number with a code sent by SMS, as a free trial needs (CAT-04).
    A POST with ``send`` sends a new code; a POST with ``code`` checks it. The owner's alone."""
    access.require_owner()
    client = access.client
    if request.method == "POST" and "send" in request.POST:
        try:
            phone_confirmation_send(client=client, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("We sent a code to your phone number."))
        return redirect("web:profile_phone")
    form = PhoneCodeForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.phone_confirmation_check(
                client=client, code=form.cleaned_data["code"], actor=request.user
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Your phone number is confirmed."))
            return redirect("web:profile")
    context = {"access": access, "client": client, "form": form}
    return render_form_page(request, "web/client/profile_phone.html", context, form=form)


# ----------------------------------------------------------------------------- payers


@require_GET
@client_area
def payer_list(request, access):
    """The «Payers» section (ACC-04): the identities printed on invoices."""
    context = {
        "access": access,
        "payers": list(access.payers()),
        "archived_payers": list(access.payers(include_archived=True).exclude(archived_at=None)),
        "can_write": access.can_write(BILLING),
    }
    return render(request, "web/client/payer_list.html", context)


@require_http_methods(["GET", "POST"])
@client_area
def payer_create(request, access):
    access.require_write(BILLING)
    form = PayerForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            payer = actions.payer_create(
                client=access.client, actor=request.user, data=form.cleaned_data
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Payer %(name)s added.") % {"name": payer.name})
            return redirect("web:payer_list")
    context = {"access": access, "form": form, "payer": None}
    return render_form_page(request, "web/client/payer_form.html", context, form=form)


@require_http_methods(["GET", "POST"])
@client_area
def payer_edit(request, access, public_id):
    payer = access.payer(public_id)
    access.require_write(BILLING)
    initial = {field: getattr(payer, field) for field in PAYER_FIELDS}
    form = PayerForm(form_data(request), initial=initial)
    if payer.is_default:
        form.fields["is_default"].disabled = True
        form.fields["is_default"].help_text = _("Choose another payer as default to change this.")
    if request.method == "POST" and form.is_valid():
        try:
            actions.payer_update(payer=payer, actor=request.user, data=form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Payer %(name)s saved.") % {"name": payer.name})
            return redirect("web:payer_list")
    context = {"access": access, "form": form, "payer": payer}
    return render_form_page(request, "web/client/payer_form.html", context, form=form)


@require_POST
@client_area
def payer_archive(request, access, public_id):
    payer = access.payer(public_id)
    access.require_write(BILLING)
    try:
        actions.payer_archive(payer=payer, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Payer %(name)s archived.") % {"name": payer.name})
    return redirect("web:payer_list")


@require_POST
@client_area
def payer_make_default(request, access, public_id):
    payer = access.payer(public_id)
    access.require_write(BILLING)
    try:
        actions.payer_update(payer=payer, actor=request.user, data={"is_default": True})
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s is now the default payer.") % {"name": payer.name})
    return redirect("web:payer_list")


# ----------------------------------------------------------------------------- contacts


@require_GET
@client_area
def contact_list(request, access):
    """Technical, billing and abuse contact persons (ACC-05)."""
    contacts = list(access.contacts())
    named_roles = {contact.role for contact in contacts}
    context = {
        "access": access,
        "contacts": contacts,
        "missing_roles": [
            label for value, label in Contact.Role.choices if value not in named_roles
        ],
    }
    return render(request, "web/client/contact_list.html", context)


@require_http_methods(["GET", "POST"])
@client_area
def contact_create(request, access):
    access.require_owner()
    form = ContactForm(form_data(request), initial={"role": request.GET.get("role", "")})
    if request.method == "POST" and form.is_valid():
        try:
            contact = actions.contact_create(
                client=access.client, actor=request.user, data=form.cleaned_data
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Contact %(name)s added.") % {"name": contact.name})
            return redirect("web:contact_list")
    context = {"access": access, "form": form, "contact": None}
    return render_form_page(request, "web/client/contact_form.html", context, form=form)


@require_GET
@client_area
def contact_detail(request, access, public_id):
    """A contact and every recorded version of it (ACC-05)."""
    contact = access.contact(public_id)
    records = list(contact.history.select_related("history_user").order_by("history_date", "pk"))
    changes = []
    previous = None
    for record in records:
        if previous is None:
            fields = [
                _history_field(name, "", getattr(record, name))
                for name in CONTACT_FIELDS
                if getattr(record, name)
            ]
        else:
            delta = record.diff_against(previous, excluded_fields=CONTACT_HISTORY_IGNORED)
            fields = [
                _history_field(change.field, change.old, change.new) for change in delta.changes
            ]
        changes.append({"record": record, "fields": fields})
        previous = record
    changes.reverse()
    context = {"access": access, "contact": contact, "changes": changes}
    return render(request, "web/client/contact_detail.html", context)


def _history_field(name: str, old, new) -> tuple[str, str, str]:
    """One changed field of a contact as (label, before, after), in words people read."""
    roles = dict(Contact.Role.choices)
    if name == "role":
        old, new = roles.get(old, old), roles.get(new, new)
    if name == "archived_at":
        yes = _("yes")
        return (_("Archived"), "" if old is None else yes, "" if new is None else yes)
    label = Contact._meta.get_field(name).verbose_name
    return (label[:1].upper() + label[1:], old or "", new or "")


@require_http_methods(["GET", "POST"])
@client_area
def contact_edit(request, access, public_id):
    contact = access.contact(public_id)
    access.require_owner()
    initial = {field: getattr(contact, field) for field in CONTACT_FIELDS}
    form = ContactForm(form_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.contact_update(contact=contact, actor=request.user, data=form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _("Contact %(name)s saved; the change is in its history.") % {"name": contact.name},
            )
            return redirect("web:contact_detail", public_id=contact.public_id)
    context = {"access": access, "form": form, "contact": contact}
    return render_form_page(request, "web/client/contact_form.html", context, form=form)


@require_POST
@client_area
def contact_archive(request, access, public_id):
    contact = access.contact(public_id)
    access.require_owner()
    try:
        actions.contact_archive(contact=contact, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Contact %(name)s archived.") % {"name": contact.name})
    return redirect("web:contact_list")


# ----------------------------------------------------------------------------- trusted access


@require_http_methods(["GET", "POST"])
@client_area
def access_grant_list(request, access):
    """Trusted users of the account and their scopes; grant and revoke (ACC-06, owner only)."""
    access.require_owner()
    form = AccessGrantForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            grant = actions.access_grant_create(
                client=access.client,
                actor=request.user,
                grantee_email=form.cleaned_data["grantee_email"],
                scopes=form.cleaned_data["scopes"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, _("%(email)s can now use this account.") % {"email": grant.grantee.email}
            )
            return redirect("web:access_grant_list")
    grants = list(access.grants().select_related("created_by", "revoked_by"))
    context = {
        "access": access,
        "form": form,
        "active_grants": [grant for grant in grants if grant.revoked_at is None],
        "revoked_grants": [grant for grant in grants if grant.revoked_at is not None],
        "scope_labels": dict(AccessGrant.Scope.choices),
    }
    return render_form_page(request, "web/client/access_grant_list.html", context, form=form)


@require_POST
@client_area
def access_grant_revoke(request, access, public_id):
    access.require_owner()
    grant = access.grant(public_id)
    actions.access_grant_revoke(grant=grant, actor=request.user)
    messages.success(request, _("Access of %(email)s revoked.") % {"email": grant.grantee.email})
    return redirect("web:access_grant_list")


# ----------------------------------------------------------------------------- switcher


@require_http_methods(["GET", "POST"])
@client_area
def account_switch(request, access):
    """The accounts this user may act in: their own and those granted to them (ACC-06)."""
    if request.method == "POST":
        chosen = client_access(request.user, request.POST.get("client", "").strip() or None)
        request.session[SESSION_CLIENT_KEY] = chosen.client.public_id
        messages.success(
            request, _("You are now working in %(name)s.") % {"name": chosen.client.display_name}
        )
        return redirect("web:dashboard")
    accounts = [
        {
            "client": client,
            "is_owner": "owner" in scopes,
            "scopes": sorted(scopes - {"owner"}),
            "is_current": client.pk == access.client.pk,
        }
        for client, scopes in accessible_clients(request.user)
    ]
    context = {
        "access": access,
        "accounts": accounts,
        "scope_labels": dict(AccessGrant.Scope.choices),
        "kinds": dict(Client.Kind.choices),
    }
    return render(request, "web/client/account_switch.html", context)


# ----------------------------------------------------------------------------- sign-ins


@require_GET
@client_area
def sign_in_history(request, access):
    """The user's own sign-in attempts, successful or not, with time and IP (ACC-08)."""
    attempts = login_history(request.user, limit=SIGN_IN_HISTORY_LENGTH)
    context = {"access": access, "attempts": attempts, "limit": SIGN_IN_HISTORY_LENGTH}
    return render(request, "web/client/sign_in_history.html", context)


# ----------------------------------------------------------------------------- API tokens


@require_http_methods(["GET", "POST"])
@client_area
def api_token_list(request, access):
    """The user's personal API tokens; a new token's secret is shown once, on creation."""
    form = ApiTokenForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = actions.api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data.get("days"),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            context = {"access": access, "token": token, "secret": secret}
            return no_store(render(request, "web/client/api_token_created.html", context))
    context = {
        "access": access,
        "form": form,
        "tokens": list(api_tokens_of(request.user)),
        "now": timezone.now(),
    }
    return render_form_page(request, "web/client/api_token_list.html", context, form=form)


@require_POST
@client_area
def api_token_revoke(request, access, public_id):
    token = api_token_of(request.user, public_id)
    actions.api_token_revoke(token=token, actor=request.user)
    messages.success(
        request, _("Token %(name)s revoked; it stops working at once.") % {"name": token.name}
    )
    return redirect("web:api_token_list")
