"""API v1: the pool of licence keys of Microsoft licence rental (CAT-01, PRV-01; seed 003,
annex 9).

Staff with ``clients.view`` list each product's keys by state; staff with
``services.manage`` upload keys, all or none: a line that holds no key, a key twice or a key
already in the pool answers 400 naming the line. No answer ever carries a key.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from hostledger.accounts import permissions as perms
from hostledger.accounts import selectors as accounts
from hostledger.api.errors import responses
from hostledger.api.schemas import PageParams, page_of, paginate
from hostledger.api.schemas_licences import KeysUploadIn, KeysUploadOut, LicencePoolOut, pool_row
from hostledger.licences import actions, selectors

router = Router(tags=["Staff: licences"])


@router.get(
    "/staff/licences",
    response=responses({200: page_of(LicencePoolOut)}, 400, 401, 403, 404),
    summary="List the pool of licence keys by product",
)
def licence_pool_list(request: HttpRequest, page: Query[PageParams]):
    """Every licensed product, by code, with its free, allocated and retired keys and the
    licence tariffs drawing from it (CAT-01). Needs clients.view."""
    accounts.require_staff_permission(request.user, perms.CLIENTS_VIEW)
    found = paginate(selectors.pool_counts(), page)
    found["items"] = [pool_row(pool) for pool in found["items"]]
    return found


@router.post(
    "/staff/licences/keys",
    response=responses({201: KeysUploadOut}, 400, 401, 403, 404, 413),
    summary="Upload licence keys",
)
def licence_keys_upload(request: HttpRequest, payload: KeysUploadIn):
    """Add keys to the pool of a product, all or none (PRV-01): one per line, or CSV with the
    key in the first column. A line that holds no key, a key twice or a key already in the
    pool answers 400 ``invalid_keys`` naming each line; another upload adding the same keys
    at the same moment 400 too; a body over the size the server accepts 413. Needs
    services.manage."""
    accounts.require_staff_permission(request.user, perms.SERVICES_MANAGE)
    uploaded = actions.keys_upload(
        actor=request.user,
        product_code=payload.product,
        product_name=payload.product_name,
        text=payload.keys,
    )
    pool = selectors.pool_counts_of(uploaded.product)
    return Status(
        201,
        {
            "pool": pool_row(pool),
            "added": uploaded.added,
            "product_created": uploaded.product_created,
        },
    )
