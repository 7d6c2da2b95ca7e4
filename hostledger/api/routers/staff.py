"""Staff endpoints: client look-up with audited personal-data reads (GDPR-12), staff users and
roles (ACC-11). Each endpoint names the staff permission it needs; staff act through the API
only with two-factor sign-in on (ACC-09, enforced by the authentication)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status

from hostledger.accounts import actions, selectors
from hostledger.accounts import permissions as perms
from hostledger.api.errors import responses
from hostledger.api.schemas import (
    NO_CONTROL_CHARACTERS,
    InputSchema,
    PageParams,
    page_of,
    paginate,
    path_id,
    text,
)
from hostledger.core.audit import record_personal_data_read
from hostledger.core.errors import DomainError

router = Router(tags=["Staff"])

PermissionCode = Literal[tuple(perms.ALL_PERMISSIONS)]
ROLE_SLUG_PATTERN = r"^[-a-zA-Z0-9_]{1,40}$"
RoleSlug = Annotated[str, Field(pattern=ROLE_SLUG_PATTERN, examples=["support"])]


class ClientSearchIn(InputSchema):
    """A search for clients, sent in the request body so that what is searched for (an e-mail
    address, a phone number) never appears in a URL or an access log (GDPR-08)."""

    q: str = Field(
        "",
        max_length=254,
        pattern=NO_CONTROL_CHARACTERS,
        description="A client's public id, its owner's exact email or an exact phone number; "
        "empty lists the newest clients.",
        examples=["cli_7m2k9d3q8w1x4z6v"],
    )
    limit: int = Field(50, ge=1, le=100, description="Items per page (1-100).")
    offset: int = Field(0, ge=0, le=1_000_000_000, description="Items to skip.")


class ClientSummaryFields(Schema):
    id: str = Field(description="Public id of the client.", examples=["cli_7m2k9d3q8w1x4z6v"])
    kind: Literal["natural", "legal"]
    country: str = Field(examples=["EE"])
    created_at: datetime


class ClientSummaryOut(ClientSummaryFields):
    """A client without personal data."""

    @staticmethod
    def resolve_id(client) -> str:
        return client.public_id


class ClientPersonalDataOut(Schema):
    """A client's personal data; each read is recorded in the audit trail (GDPR-12)."""

    owner_email: str = Field(examples=["mari@example.com"])
    first_name: str = Field(examples=["Mari"])
    last_name: str = Field(examples=["Maasikas"])
    company_name: str = Field(examples=[""])
    registry_code: str = Field(examples=[""])
    vat_number: str = Field(examples=[""])
    street: str = Field(examples=["Ahtri 12"])
    city: str = Field(examples=["Tallinn"])
    postal_code: str = Field(examples=["10151"])
    phone: str = Field(examples=["+37255550101"])

    @staticmethod
    def resolve_owner_email(client) -> str:
        return client.owner.email


class StaffClientOut(ClientSummaryFields):
    """A client; its personal data only for those allowed to read it."""

    personal_data: ClientPersonalDataOut | None = Field(
        description="Present only for staff with the clients.view_personal_data permission; "
        "the read is recorded in the audit trail."
    )


class StaffUserOut(Schema):
    """A staff member with roles and extra permissions (ACC-11)."""

    id: str = Field(description="Public id of the staff user.", examples=["usr_5v8k2m9d3q7w1x4z"])
    email: str = Field(examples=["anna@provider.example"])
    full_name: str = Field(examples=["Anna Kask"])
    is_active: bool
    roles: list[str] = Field(description="Slugs of the staff roles.", examples=[["support"]])
    extra_permissions: list[str] = Field(
        description="Permission codes beyond the roles.", examples=[[]]
    )

    @staticmethod
    def resolve_id(user) -> str:
        return user.public_id

    @staticmethod
    def resolve_roles(user) -> list[str]:
        return sorted(role.slug for role in user.staff_roles.all())


class StaffUserCreateIn(InputSchema):
    email: text(254, "Sign-in email address.", ["anna@provider.example"])
    full_name: text(200, "Full name.", ["Anna Kask"])
    roles: list[RoleSlug] = Field(max_length=20, description="Role slugs.", examples=[["support"]])
    extra_permissions: list[PermissionCode] = Field(
        default_factory=list,
        max_length=len(perms.ALL_PERMISSIONS),
        description="Permission codes beyond the roles.",
    )


class StaffUserPatchIn(InputSchema):
    """Only the fields sent change; every change is recorded and mailed (ACC-11)."""

    roles: list[RoleSlug] | None = Field(None, max_length=20, description="Role slugs.")
    extra_permissions: list[PermissionCode] | None = Field(
        None, max_length=len(perms.ALL_PERMISSIONS), description="Permission codes."
    )
    is_active: bool | None = Field(None, description="false stops the member signing in.")


class StaffRoleOut(Schema):
    """A staff role and the permission codes it grants (ACC-11)."""

    slug: str = Field(examples=["support"])
    name: str = Field(examples=["Support"])
    permissions: list[str] = Field(examples=[["clients.view"]])


class StaffRolePatchIn(InputSchema):
    permissions: list[PermissionCode] = Field(
        max_length=len(perms.ALL_PERMISSIONS),
        description="Every permission code the role grants from now on.",
        examples=[["clients.view"]],
    )


ClientId = Annotated[str, Path(**path_id("client", "cli_7m2k9d3q8w1x4z6v"))]
StaffUserId = Annotated[str, Path(**path_id("staff user", "usr_5v8k2m9d3q7w1x4z"))]
RoleSlugPath = Annotated[
    str, Path(pattern=ROLE_SLUG_PATTERN, description="Slug of the role.", example="support")
]


@router.get(
    "/staff/clients",
    response=responses({200: page_of(ClientSummaryOut)}, 400, 401, 403),
    summary="List clients",
)
def staff_client_list(request: HttpRequest, page: Query[PageParams]):
    """The clients, newest first, without personal data. Needs clients.view. To find a client
    by e-mail address or phone number, use ``POST /staff/clients/search``: a ``q`` parameter
    here is refused, since personal data does not go into URLs (GDPR-08)."""
    selectors.require_staff_permission(request.user, perms.CLIENTS_VIEW)
    if "q" in request.GET:
        raise DomainError(
            "invalid_input",
            _(
                "q: search with POST /api/v1/staff/clients/search; personal data does not"
                " go into URLs."
            ),
            fields={"q": "send the search in the body of POST /api/v1/staff/clients/search"},
        )
    return paginate(selectors.staff_client_search("", limit=None), page)


@router.post(
    "/staff/clients/search",
    response=responses({200: page_of(ClientSummaryOut)}, 400, 401, 403),
    summary="Find clients",
)
def staff_client_search(request: HttpRequest, search: ClientSearchIn):
    """Clients matching an exact look-up (public id, the owner's e-mail address, a phone
    number), newest first, without personal data. The search is sent in the body, so it
    reaches no URL and no access log (GDPR-08); nothing is stored. Needs clients.view."""
    selectors.require_staff_permission(request.user, perms.CLIENTS_VIEW)
    found = selectors.staff_client_search(search.q, limit=None)
    return paginate(found, PageParams(limit=search.limit, offset=search.offset))


@router.get(
    "/staff/clients/{client_id}",
    response=responses({200: StaffClientOut}, 400, 401, 403, 404),
    summary="Read a client",
)
def staff_client_read(request: HttpRequest, client_id: ClientId):
    """One client. Personal data is included only for clients.view_personal_data, and each
    such read is recorded in the audit trail (GDPR-12). Needs clients.view."""
    selectors.require_staff_permission(request.user, perms.CLIENTS_VIEW)
    client = selectors.staff_client(client_id)
    personal_data = None
    if perms.has_permission(request.user, perms.CLIENTS_VIEW_PERSONAL_DATA):
        record_personal_data_read(
            actor=request.user, client=client, what="client profile (API)", request=request
        )
        personal_data = client
    return {
        "id": client.public_id,
        "kind": client.kind,
        "country": client.country,
        "created_at": client.created_at,
        "personal_data": personal_data,
    }


@router.get(
    "/staff/users",
    response=responses({200: page_of(StaffUserOut)}, 400, 401, 403),
    summary="List staff users",
)
def staff_user_list(request: HttpRequest, page: Query[PageParams]):
    """Every staff member by email (ACC-11). Needs staff.manage."""
    selectors.require_staff_permission(request.user, perms.STAFF_MANAGE)
    return paginate(selectors.staff_members(), page)


@router.post(
    "/staff/users",
    response=responses({201: StaffUserOut}, 400, 401, 403),
    summary="Create a staff user",
)
def staff_user_create(request: HttpRequest, payload: StaffUserCreateIn):
    """Create a staff member with roles (ACC-11); they set a password through the reset link
    and must turn on two-factor sign-in (ACC-09). The change is recorded and mailed to the
    responsible personnel. Needs staff.manage."""
    selectors.require_staff_permission(request.user, perms.STAFF_MANAGE)
    member = actions.staff_user_create(
        actor=request.user,
        email=payload.email,
        full_name=payload.full_name,
        role_slugs=payload.roles,
        extra_permissions=payload.extra_permissions,
    )
    return Status(201, member)


@router.patch(
    "/staff/users/{user_id}",
    response=responses({200: StaffUserOut}, 400, 401, 403, 404),
    summary="Change a staff user's access",
)
def staff_user_update(request: HttpRequest, user_id: StaffUserId, payload: StaffUserPatchIn):
    """Change roles, extra permissions or the active state of a staff member (ACC-11); the
    change is recorded and mailed. Needs staff.manage."""
    selectors.require_staff_permission(request.user, perms.STAFF_MANAGE)
    member = selectors.staff_member(user_id)
    return actions.staff_user_access_change(
        actor=request.user,
        staff_user=member,
        role_slugs=payload.roles,
        extra_permissions=payload.extra_permissions,
        is_active=payload.is_active,
    )


@router.get(
    "/staff/roles",
    response=responses({200: page_of(StaffRoleOut)}, 400, 401, 403),
    summary="List staff roles",
)
def staff_role_list(request: HttpRequest, page: Query[PageParams]):
    """The staff roles and their permissions, by slug (ACC-11). Needs staff.manage."""
    selectors.require_staff_permission(request.user, perms.STAFF_MANAGE)
    return paginate(selectors.staff_roles(), page)


@router.patch(
    "/staff/roles/{slug}",
    response=responses({200: StaffRoleOut}, 400, 401, 403, 404),
    summary="Change a staff role",
)
def staff_role_update(request: HttpRequest, slug: RoleSlugPath, payload: StaffRolePatchIn):
    """Set the permissions a role grants (ACC-11); the change is recorded and mailed.
    Needs staff.manage."""
    selectors.require_staff_permission(request.user, perms.STAFF_MANAGE)
    role = selectors.staff_role(slug)
    return actions.staff_role_change(actor=request.user, role=role, permissions=payload.permissions)
