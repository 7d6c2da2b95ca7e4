"""Sign-up and the first API token without a browser (ACC-01…03, ACC-08, ACC-09).

``POST /signup`` runs the client area's sign-up form — allauth's form with HostLedger's
registration fields (:class:`hostledger.accounts.forms.RegistrationForm`) — so the API checks
exactly what the web checks and registers through the same flow
(:func:`hostledger.flows.registration.client_registered`). allauth then sends its e-mail
confirmation mail, as after the web form; the person confirms with the link in it.

``POST /signin/token`` signs in with the e-mail address and password (and the two-factor code
when two-factor sign-in is on) through allauth's adapter, so every attempt is logged and
counts towards the lockout like a web sign-in (ACC-08), and answers a new API token.

Both are public operations: they take no credential, and a credential sent with them is not
used. Enumeration is prevented as on the web (``ACCOUNT_PREVENT_ENUMERATION``, decision
0023): signing up with an address that already has an account answers like a new sign-up,
and the address's owner gets allauth's "account already exists" mail instead.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Literal

from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm
from allauth.account.internal.flows.signup import complete_signup
from allauth.account.utils import has_verified_email
from allauth.core import ratelimit
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.utils import is_mfa_enabled
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Router, Schema
from ninja.responses import Status

from hostledger.accounts import actions
from hostledger.accounts.models import Client, User
from hostledger.api.errors import responses
from hostledger.api.routers.me import TokenCreatedOut
from hostledger.api.schemas import InputSchema, text
from hostledger.core.errors import DomainError
from hostledger.core.ids import new_public_id
from hostledger.core.middleware import client_ip_of

router = Router(tags=["Sign-up"])

CONFIRMATION_STATEMENT = (
    "We sent a confirmation link to the e-mail address. Follow it to confirm the address; "
    "API tokens can be created (POST /signin/token) once it is confirmed."
)

FORM_FIELD_OF_API_FIELD = {"password1": "password", "password2": "password", "__all__": ""}


class SignupIn(InputSchema):
    """The client-area sign-up form's fields (ACC-01), the age declaration (ACC-03) and the
    acceptance of the current terms and privacy policy (ACC-02)."""

    email: text(254, "E-mail address to sign in with; it must be confirmed.", ["mari@example.com"])
    password: text(128, "Password: at least 10 characters, not a common one.", ["k7!Rv2#pQz9w"])
    kind: Literal["natural", "legal"] = Field(description="Natural or legal person.")
    first_name: text(100, "First name (natural persons).", ["Mari"]) = ""
    last_name: text(100, "Last name (natural persons).", ["Maasikas"]) = ""
    company_name: text(200, "Company name (legal persons).", [""]) = ""
    registry_code: text(40, "Business registry code (legal persons).", [""]) = ""
    vat_number: text(20, "EU VAT number with its country prefix (legal persons).", [""]) = ""
    street: text(200, "Street address.", ["Ahtri 12"])
    city: text(100, "City.", ["Tallinn"])
    postal_code: text(20, "Postal code.", ["10151"]) = ""
    country: text(2, "Two-letter ISO country code.", ["EE"])
    phone: text(40, "Phone number with its country code (natural persons).", ["+372 5555 0101"]) = (
        ""
    )
    age_declaration: bool = Field(
        description="The person declares to be at least the provider's minimum age (16).",
        examples=[True],
    )
    accept_policies: bool = Field(
        description="The person accepts the current terms of service and privacy policy.",
        examples=[True],
    )


class SignupOut(Schema):
    """A sign-up taken: the e-mail address must be confirmed before the first token."""

    client_id: str = Field(
        description="Public id of the new client account.", examples=["cli_7m2k9d3q8w1x4z6v"]
    )
    email: str = Field(description="Where the confirmation link was sent.")
    email_confirmation_required: bool = Field(
        description="Always true: follow the link in the mail before creating a token."
    )
    message: str = Field(description="What to do next, for people.")


class SigninTokenIn(InputSchema):
    """Credentials of a client-area account and the token wanted."""

    email: text(254, "Sign-in e-mail address.", ["mari@example.com"])
    password: text(128, "Password.", ["k7!Rv2#pQz9w"])
    code: text(32, "Two-factor code (TOTP or a recovery code) when two-factor is on.", [""]) = ""
    name: text(100, "What the token is for.", ["Monitoring script"])
    scopes: list[Literal["read", "write"]] = Field(
        min_length=1,
        max_length=2,
        description="read (GET) and/or write (POST, PATCH, DELETE).",
        examples=[["read"]],
    )
    days: int | None = Field(
        None,
        ge=1,
        description="Lifetime in days; at most the provider's limit (default 90).",
        examples=[30],
    )


def _form_errors(form) -> DomainError:
    fields: dict[str, str] = {}
    for name, problems in form.errors.items():
        field = FORM_FIELD_OF_API_FIELD.get(name, name) or "body"
        fields.setdefault(field, " ".join(str(problem) for problem in problems))
    summary = "; ".join(f"{field}: {problem}" for field, problem in fields.items())
    return DomainError("invalid_input", summary or "The sign-up is not valid.", fields=fields)


@router.post(
    "/signup",
    auth=None,
    response=responses({201: SignupOut}, 400, 403, 429),
    summary="Sign up as a client",
)
def signup(request: HttpRequest, payload: SignupIn):
    """Register a natural or legal person as a client (ACC-01), with the age declaration
    (ACC-03) and the acceptance of the current terms and privacy policy, each recorded by
    version with time and IP (ACC-02): the same form and checks as the client area's sign-up
    page. The account stays unconfirmed until the person follows the link in the
    confirmation mail; tokens are refused until then.

    An address that already has an account answers the same way (its owner is told by mail),
    so this operation does not reveal which addresses have accounts. Limited per IP like the
    sign-up page (429 ``throttled``)."""
    if not ratelimit.consume(request, action="signup"):
        raise DomainError(
            "throttled", gettext("Too many sign-ups from this address; wait."), status=429
        )
    data = payload.model_dump()
    data["password1"] = data["password2"] = data.pop("password")
    form = SignupForm(data=data)
    if not form.is_valid():
        raise _form_errors(form)
    email = form.cleaned_data["email"]
    with transaction.atomic():
        user, _ = form.try_save(request)
        if user is not None:
            # Sends the confirmation mail and keeps the pending sign-in, as the page does.
            with suppress(ImmediateHttpResponse):
                complete_signup(request, user=user)
    # An address that has an account gets an answer like any other sign-up's (decision
    # 0023): an id that names no client, and no call accepts it without a credential.
    client_id = new_public_id("cli") if user is None else Client.objects.get(owner=user).public_id
    return Status(
        201,
        {
            "client_id": client_id,
            "email": email,
            "email_confirmation_required": True,
            "message": CONFIRMATION_STATEMENT,
        },
    )


def _refuse_sign_in(request: HttpRequest, user: User, reason: str, error: DomainError):
    actions.login_attempt_record(
        identifier=user.email,
        user=user,
        ip_address=client_ip_of(request),
        succeeded=False,
        reason=reason,
    )
    raise error


@router.post(
    "/signin/token",
    auth=None,
    response=responses({201: TokenCreatedOut}, 400, 401, 403, 429),
    summary="Sign in with a password and create an API token",
)
def signin_token(request: HttpRequest, payload: SigninTokenIn):
    """Create a personal API token with the account's e-mail address and password, and the
    two-factor code when two-factor sign-in is on (ACC-09). Every attempt is logged and counts
    towards the lockout of the address, as on the sign-in page (ACC-08): a locked address
    answers 429 ``too_many_attempts``. Refused with 403 ``email_not_confirmed`` until the
    address is confirmed. The secret is in this answer only."""
    adapter = get_adapter(request)
    try:
        user = adapter.authenticate(request, email=payload.email, password=payload.password)
    except ValidationError as locked:
        raise DomainError(
            "too_many_attempts",
            gettext("Too many failed sign-ins for this address; try again later."),
            status=429,
        ) from locked
    if user is None:
        raise DomainError(
            "invalid_credentials",
            gettext("The e-mail address or the password is wrong."),
            status=401,
        )
    if not user.is_active:
        _refuse_sign_in(
            request,
            user,
            "inactive",
            DomainError(
                "invalid_credentials",
                gettext("The e-mail address or the password is wrong."),
                status=401,
            ),
        )
    if not has_verified_email(user, payload.email):
        _refuse_sign_in(
            request,
            user,
            "email_not_verified",
            DomainError(
                "email_not_confirmed",
                gettext(
                    "Confirm the e-mail address first: follow the link in the mail sent at sign-up."
                ),
                status=403,
            ),
        )
    second_factor = is_mfa_enabled(user)
    if user.is_staff and not second_factor:
        raise DomainError(
            "two_factor_required",
            gettext("Staff members must turn on two-factor sign-in before they use the API."),
            status=403,
        )
    if second_factor:
        if not payload.code:
            raise DomainError(
                "two_factor_code_required",
                gettext(
                    "code: two-factor sign-in is on; send the code from the authenticator app."
                ),
                fields={"code": "Send the two-factor code."},
                status=401,
            )
        # The sign-in page's own check of the code; a wrong code is logged as a failed
        # sign-in by the authentication_failed signal (ACC-08).
        if not AuthenticateForm(user=user, data={"code": payload.code}).is_valid():
            raise DomainError(
                "invalid_two_factor_code",
                gettext("code: the two-factor code is wrong or was used already."),
                fields={"code": "The code is wrong or was used already."},
                status=401,
            )
    token, secret = actions.api_token_create(
        user=user, name=payload.name, scopes=payload.scopes, days=payload.days
    )
    actions.login_attempt_record(
        identifier=user.email,
        user=user,
        ip_address=client_ip_of(request),
        succeeded=True,
        method="api_token",
    )
    token.secret = secret
    return Status(201, token)
