"""The caller's own account: profile (GDPR-03), sign-in history (ACC-08) and API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status

from hostledger.accounts import actions, selectors
from hostledger.accounts.selectors import OWNER
from hostledger.api.auth import calling_token
from hostledger.api.errors import responses
from hostledger.api.schemas import InputSchema, PageParams, page_of, paginate, path_id, text
from hostledger.core.errors import DomainError
from hostledger.flows.phone_confirmation import phone_confirmation_send

router = Router(tags=["Me"])


class UserOut(Schema):
    """The signed-in person."""

    id: str = Field(description="Public id of the user.", examples=["usr_5v8k2m9d3q7w1x4z"])
    email: str = Field(description="Sign-in email address.", examples=["mari@example.com"])
    full_name: str = Field(description="Full name.", examples=["Mari Maasikas"])
    preferred_language: str = Field(description="Language of messages.", examples=["en"])
    is_staff: bool = Field(description="Whether the user is a staff member.")

    @staticmethod
    def resolve_id(user) -> str:
        return user.public_id


class ClientProfileOut(Schema):
    """A client's own data as registered (ACC-01)."""

    id: str = Field(description="Public id of the client.", examples=["cli_7m2k9d3q8w1x4z6v"])
    kind: Literal["natural", "legal"] = Field(description="Natural or legal person.")
    first_name: str = Field(description="First name (natural persons).", examples=["Mari"])
    last_name: str = Field(description="Last name (natural persons).", examples=["Maasikas"])
    company_name: str = Field(description="Company name (legal persons).", examples=[""])
    registry_code: str = Field(description="Business registry code (legal persons).", examples=[""])
    vat_number: str = Field(description="EU VAT number (legal persons).", examples=[""])
    street: str = Field(description="Street address.", examples=["Ahtri 12"])
    city: str = Field(description="City.", examples=["Tallinn"])
    postal_code: str = Field(description="Postal code.", examples=["10151"])
    country: str = Field(description="Two-letter ISO country code.", examples=["EE"])
    phone: str = Field(description="Phone number in E.164 form.", examples=["+37255550101"])
    phone_confirmed_at: datetime | None = Field(
        description="When the phone number was confirmed by an SMS code; null until then and "
        "again after it changes. A free trial needs it (CAT-04)."
    )
    created_at: datetime = Field(description="When the account was registered.")

    @staticmethod
    def resolve_id(client) -> str:
        return client.public_id


class AccountOut(Schema):
    """A client account the caller may act in: their own or one granted to them (ACC-06)."""

    id: str = Field(
        description="Public id of the client; pass it as ?client= to act in it.",
        examples=["cli_7m2k9d3q8w1x4z6v"],
    )
    display_name: str = Field(
        description="Name of the person or company.", examples=["Mari Maasikas"]
    )
    is_owner: bool = Field(description="Whether this is the caller's own account.")
    scopes: list[str] = Field(
        description="`owner`, or the scopes granted: billing, services, tickets, read_only.",
        examples=[["owner"]],
    )


class MeOut(Schema):
    """The caller, their own client account (if any) and every account they may act in."""

    user: UserOut
    client: ClientProfileOut | None = Field(
        description="The caller's own client account; null for staff and for users who only "
        "act for others."
    )
    accounts: list[AccountOut]


class ClientProfilePatch(InputSchema):
    """Corrections to the client's own data (GDPR-03); only the fields sent change."""

    first_name: text(100, "First name (natural persons).", ["Mari"]) | None = None
    last_name: text(100, "Last name (natural persons).", ["Maasikas"]) | None = None
    company_name: text(200, "Company name (legal persons).", ["Pilvepood OÜ"]) | None = None
    registry_code: text(40, "Business registry code (legal persons).", ["12345678"]) | None = None
    vat_number: text(30, "EU VAT number with its country prefix.", ["EE102329731"]) | None = None
    street: text(200, "Street address.", ["Ahtri 12"]) | None = None
    city: text(100, "City.", ["Tallinn"]) | None = None
    postal_code: text(20, "Postal code.", ["10151"]) | None = None
    country: text(2, "Two-letter ISO country code.", ["EE"]) | None = None
    phone: text(40, "Phone number with its country code.", ["+372 5555 0101"]) | None = None


class PhoneStatusOut(Schema):
    """The client's phone number and whether it is confirmed (CAT-04)."""

    phone: str = Field(description="Phone number in E.164 form.", examples=["+37255550101"])
    phone_confirmed_at: datetime | None = Field(
        description="When it was confirmed; null until the code from the SMS is sent back."
    )


class PhoneCodeIn(InputSchema):
    code: text(12, "The code from the SMS.", ["493027"])


class LoginAttemptOut(Schema):
    """One sign-in attempt on the caller's account (ACC-08)."""

    occurred_at: datetime = Field(description="When it happened.")
    succeeded: bool = Field(description="Whether the sign-in succeeded.")
    ip_address: str | None = Field(description="Address it came from.", examples=["192.0.2.1"])
    method: str = Field(description="How: password, social, …", examples=["password"])
    reason: str = Field(description="Why it failed, if it did.", examples=[""])


class TokenOut(Schema):
    """A personal API token; its secret is never shown again after creation."""

    id: str = Field(description="Public id of the token.", examples=["tok_2q8w1x4z6v3k9d7m"])
    name: str = Field(description="What the token is for.", examples=["Monitoring script"])
    prefix: str = Field(
        description="The first characters after hl_, to recognise it.", examples=["1f3a9c2e"]
    )
    scopes: list[str] = Field(description="read and/or write.", examples=[["read"]])
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    is_active: bool = Field(description="Neither revoked nor expired.")

    @staticmethod
    def resolve_id(token) -> str:
        return token.public_id

    @staticmethod
    def resolve_is_active(token) -> bool:
        return token.revoked_at is None and token.expires_at > timezone.now()


class TokenCreatedOut(TokenOut):
    """The new token with its secret, shown this once; only its SHA-256 is stored."""

    secret: str = Field(
        description="The token to send as 'Authorization: Bearer …'. Store it now.",
        examples=["hl_1f3a9c2e_Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eA"],
    )


class TokenCreateIn(InputSchema):
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


TokenId = Annotated[str, Path(**path_id("token", "tok_2q8w1x4z6v3k9d7m"))]


@router.get("/me", response=responses({200: MeOut}, 401, 403), summary="Who am I")
def me_read(request: HttpRequest):
    """The caller, their own client profile and the accounts they may act in (ACC-06)."""
    accounts = selectors.accessible_clients(request.user)
    own = next((client for client, scopes in accounts if OWNER in scopes), None)
    return {
        "user": request.user,
        "client": own,
        "accounts": [
            {
                "id": client.public_id,
                "display_name": client.display_name,
                "is_owner": OWNER in scopes,
                "scopes": sorted(scopes),
            }
            for client, scopes in accounts
        ],
    }


@router.patch(
    "/me", response=responses({200: MeOut}, 400, 401, 403, 404), summary="Correct my client profile"
)
def me_update(request: HttpRequest, payload: ClientProfilePatch):
    """Rectify the caller's own client data (GDPR-03); every field is checked as at
    registration (ACC-01). Users without a client account of their own get 404."""
    access = selectors.client_access(request.user)
    if not access.is_owner:
        raise DomainError("not_found", _("You have no client account of your own."), status=404)
    actions.client_profile_update(client=access.client, actor=request.user, data=payload.changes())
    return me_read(request)


def _own_client(request: HttpRequest):
    access = selectors.client_access(request.user)
    if not access.is_owner:
        raise DomainError("not_found", _("You have no client account of your own."), status=404)
    return access.client


@router.post(
    "/me/phone/code",
    response=responses({200: PhoneStatusOut}, 400, 401, 403, 404),
    summary="Send a code to confirm my phone number",
)
def me_phone_code_send(request: HttpRequest):
    """Send a code by SMS to the client's phone number; send it back with
    POST /me/phone/confirm. A free trial needs a confirmed phone number (CAT-04). Codes expire
    and are limited per client (provider settings); users without a client account of their
    own get 404."""
    client = _own_client(request)
    phone_confirmation_send(client=client, actor=request.user)
    return client


@router.post(
    "/me/phone/confirm",
    response=responses({200: PhoneStatusOut}, 400, 401, 403, 404),
    summary="Confirm my phone number with the code from the SMS",
)
def me_phone_confirm(request: HttpRequest, payload: PhoneCodeIn):
    """Check the code of the latest SMS; a wrong code counts against its attempts, an expired
    or used-up one answers 400 ``phone_code_expired`` (CAT-04)."""
    client = _own_client(request)
    return actions.phone_confirmation_check(client=client, code=payload.code, actor=request.user)


@router.get(
    "/me/login-history",
    response=responses({200: page_of(LoginAttemptOut)}, 400, 401, 403),
    summary="My sign-in history",
)
def me_login_history(request: HttpRequest, page: Query[PageParams]):
    """Every sign-in attempt on the caller's account, newest first (ACC-08)."""
    return paginate(selectors.login_history(request.user, limit=None), page)


@router.get(
    "/tokens",
    response=responses({200: page_of(TokenOut)}, 400, 401, 403),
    summary="List my API tokens",
)
def token_list(request: HttpRequest, page: Query[PageParams]):
    """The caller's personal API tokens, newest first, including revoked and expired ones."""
    return paginate(selectors.api_tokens_of(request.user), page)


@router.post(
    "/tokens",
    response=responses({201: TokenCreatedOut}, 400, 401, 403),
    summary="Create an API token",
)
def token_create(request: HttpRequest, payload: TokenCreateIn):
    """Issue a personal API token. The secret is in this answer only; HostLedger keeps just
    its SHA-256. Tokens are created from a signed-in browser session: a token cannot make
    new tokens, so a leaked token cannot outlive its own expiry."""
    if calling_token(request) is not None:
        raise DomainError(
            "session_required",
            _("API tokens are created from a signed-in browser session, not with another token."),
            status=403,
        )
    token, secret = actions.api_token_create(
        user=request.user, name=payload.name, scopes=payload.scopes, days=payload.days
    )
    token.secret = secret
    return Status(201, token)


@router.delete(
    "/tokens/{token_id}",
    response=responses({200: TokenOut}, 400, 401, 403, 404),
    summary="Revoke an API token",
)
def token_revoke(request: HttpRequest, token_id: TokenId):
    """Revoke one of the caller's tokens at once; it stays listed as revoked."""
    token = selectors.api_token_of(request.user, token_id)
    return actions.api_token_revoke(token=token, actor=request.user)
