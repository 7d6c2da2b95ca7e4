"""Every write of licence rental (CAT-01, PRV-01; seed 003, annex 9): keyword-only, atomic
actions. The staff pages and the API upload and retire keys; the ``licences`` provisioning
module allocates and releases them; nothing else writes these tables.

A service holds at most one key. :func:`key_allocate` takes the first free key of the
product with ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent allocations
never wait for each other and never share a key (on SQLite writers are serialised by the
database itself); a unique index on the allocated keys' service makes a call delivered twice
end with the one key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from hostledger.accounts import permissions as perms
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError, NotFound, PermissionDenied
from hostledger.licences.conf import PRODUCT_CODE_MAX, is_product_code
from hostledger.licences.models import (
    SERVICE_REFERENCE_MAX,
    LicenceEventKind,
    LicenceKey,
    LicenceKeyEvent,
    LicenceKeyStatus,
    LicenceProduct,
)

UPLOAD_MAX_KEYS = 5000
UPLOAD_MAX_CHARS = 1_000_000
KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+/=-]{4,199}$")
KEY_RULE = "a licence key is 5-200 letters, digits and . _ + / = -"
HEADER_WORDS = frozenset(
    {"key", "keys", "product key", "licence key", "license key", "product_key", "licence_key"}
)
FIELD_SEPARATORS = re.compile(r"[,;\t]")
PROBLEMS_SHOWN = 10
NAME_MAX = 120
REASON_MAX = 500
LOOKUP_CHUNK = 500

POOL_EMPTY = "licence_pool_empty"
"""The product has no free key now: staff upload keys, and a retry succeeds."""
PRODUCT_UNKNOWN = "licence_product_unknown"
"""No pool of that product exists: a configuration error no retry cures."""


def _require_manage(actor) -> None:
    """Staff managing the pool of licence keys need ``services.manage`` (ACC-11)."""
    if actor is None or not perms.has_permission(actor, perms.SERVICES_MANAGE):
        raise PermissionDenied(
            gettext("Managing licence keys needs the services.manage permission.")
        )


def _invalid(field: str, problem: str, *, code: str = "invalid_input") -> DomainError:
    return DomainError(
        code,
        gettext("%(field)s: %(problem)s") % {"field": field, "problem": problem},
        fields={field: problem},
    )


def _clean_text(value, field: str, *, required: bool, max_length: int) -> str:
    if value is not None and not isinstance(value, str):
        raise _invalid(field, "expected text.")
    text = (value or "").strip()
    if required and not text:
        raise _invalid(field, "This field is required.")
    if len(text) > max_length:
        raise _invalid(field, f"At most {max_length} characters.")
    if any(ord(char) < 32 for char in text):
        raise _invalid(field, "Control characters are not allowed.")
    return text


def clean_product_code(value) -> str:
    """A product code as staff type it: lower-case letters and digits, single dashes or
    underscores between, at most 60 characters; DomainError naming ``product`` otherwise."""
    code = _clean_text(value, "product", required=True, max_length=PRODUCT_CODE_MAX)
    if not is_product_code(code):
        raise _invalid(
            "product",
            "Lower-case letters and digits, with single dashes between (e.g. windows-server-std).",
        )
    return code


def _clean_reference(value, field: str, *, required: bool = True) -> str:
    """The public id of a service or client as the provisioning core passes it."""
    text = _clean_text(value, field, required=required, max_length=SERVICE_REFERENCE_MAX)
    if text and not re.fullmatch(r"[A-Za-z0-9_]+", text):
        raise _invalid(field, "Not a public id.")
    return text


def _audit(action: str, *, actor, obj, data: dict) -> None:
    record_audit_event(action=f"licences.{action}", actor=actor, obj=obj, data=data)


# Upload ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedKey:
    """One key of an upload and the line it was on (counted from 1)."""

    line: int
    text: str


def _parsed(text) -> tuple[list[ParsedKey], list[tuple[int, str]]]:
    """The keys of a pasted text or CSV file and a (line, problem) for each line at fault.

    One key per line, in the first column when the line has several (separated by commas,
    semicolons or tabs). Blank lines, lines starting with ``#`` and a first line naming the
    column ("key", "product key") are skipped. A problem names its line — not a key, or the
    same key as an earlier line — and never repeats the key.
    """
    if not isinstance(text, str):
        raise _invalid("keys", "expected text.")
    if len(text) > UPLOAD_MAX_CHARS:
        raise _invalid("keys", f"At most {UPLOAD_MAX_CHARS:,} characters at once.")
    found: list[ParsedKey] = []
    problems: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    content_started = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        first = FIELD_SEPARATORS.split(stripped, maxsplit=1)[0].strip().strip("\"'").strip()
        if not content_started:
            content_started = True
            if first.lower() in HEADER_WORDS:
                continue
        if not KEY_PATTERN.match(first):
            problems.append((number, f"line {number}: not a licence key ({KEY_RULE})"))
        elif first in seen:
            problems.append((number, f"line {number}: the same key as line {seen[first]}"))
        else:
            seen[first] = number
            found.append(ParsedKey(number, first))
    return found, problems


def _checked_count(keys: list[ParsedKey]) -> list[ParsedKey]:
    if not keys:
        raise _invalid("keys", "Paste at least one licence key, one per line.")
    if len(keys) > UPLOAD_MAX_KEYS:
        raise _invalid("keys", f"At most {UPLOAD_MAX_KEYS} keys at once; split the list.")
    return keys


def _refuse_problems(problems: list[tuple[int, str]]) -> None:
    """One DomainError on ``keys`` naming the lines at fault, in line order."""
    if not problems:
        return
    ordered = [problem for _, problem in sorted(problems)]
    shown = "; ".join(ordered[:PROBLEMS_SHOWN])
    more = len(ordered) - PROBLEMS_SHOWN
    if more > 0:
        shown += f"; and {more} more line{'s' if more > 1 else ''}"
    raise DomainError(
        "invalid_keys",
        gettext("keys: nothing was uploaded. %(shown)s.") % {"shown": shown},
        fields={"keys": shown + "."},
    )


def _keys_already_in_pool(keys: list[ParsedKey]) -> list[tuple[int, str]]:
    """A problem for each key of ``keys`` the pool already holds, in any product or state."""
    index_field = LicenceKey._meta.get_field("key_index")
    by_index = {index_field.index_of(key.text): key for key in keys}
    indexes = list(by_index)
    problems: list[tuple[int, str]] = []
    for start in range(0, len(indexes), LOOKUP_CHUNK):
        chunk = indexes[start : start + LOOKUP_CHUNK]
        for key_index, product_code, status in LicenceKey.objects.filter(
            key_index__in=chunk
        ).values_list("key_index", "product__code", "status"):
            line = by_index[key_index].line
            problems.append(
                (line, f"line {line}: this key is already in the pool ({product_code}, {status})")
            )
    return problems


@dataclass(frozen=True)
class KeysUploaded:
    product: LicenceProduct
    added: int
    product_created: bool


@transaction.atomic
def keys_upload(*, actor, product_code, text, product_name: str = "") -> KeysUploaded:
    """Add the keys of a pasted text or CSV to the pool of a product, all or none (CAT-01,
    PRV-01; annex 9 §1.1). Needs ``services.manage``.

    The product is created on its first upload (named ``product_name``, or after its code);
    a name given for an existing product renames it. A line that holds no key, a key twice in
    the upload or a key already in the pool (any product, any state) refuses the whole
    upload, naming each line. The audit trail records who uploaded how many keys, never the
    keys.
    """
    _require_manage(actor)
    code = clean_product_code(product_code)
    name = _clean_text(product_name, "product_name", required=False, max_length=NAME_MAX)
    keys, problems = _parsed(text)
    if len(keys) <= UPLOAD_MAX_KEYS:  # a list too long is refused without looking it up
        problems += _keys_already_in_pool(keys)
    _refuse_problems(problems)
    _checked_count(keys)
    product, created = LicenceProduct.objects.get_or_create(
        code=code, defaults={"name": name or code, "created_by": actor}
    )
    if not created and name and name != product.name:
        product.name = name
        product.save(update_fields=["name"])
    now = timezone.now()
    try:
        with transaction.atomic():
            LicenceKey.objects.bulk_create(
                [
                    LicenceKey(
                        product=product,
                        key_text=key.text,
                        status=LicenceKeyStatus.AVAILABLE,
                        uploaded_at=now,
                        uploaded_by=actor,
                    )
                    for key in keys
                ],
                batch_size=LOOKUP_CHUNK,
            )
    except IntegrityError:
        raise DomainError(
            "invalid_keys",
            gettext(
                "keys: another upload added some of these keys at the same moment; "
                "nothing was uploaded. Upload the list again to see which lines are in "
                "the pool now."
            ),
            fields={"keys": "some keys were uploaded meanwhile"},
            status=409,
        ) from None
    _audit(
        "keys_uploaded",
        actor=actor,
        obj=product,
        data={"product": product.code, "keys": len(keys), "product_created": created},
    )
    return KeysUploaded(product=product, added=len(keys), product_created=created)


# Allocation -----------------------------------------------------------------------------------


def _locked_key_of(service_id: str) -> LicenceKey | None:
    return (
        LicenceKey.objects.select_for_update()
        .select_related("product")
        .filter(service_public_id=service_id, status=LicenceKeyStatus.ALLOCATED)
        .first()
    )


def _release(key: LicenceKey, *, now: datetime, actor, retire: bool, note: str = "") -> None:
    """Record that the (locked, allocated) ``key`` leaves its service and put it back in the
    pool or out of use."""
    LicenceKeyEvent.objects.create(
        key=key,
        product_id=key.product_id,
        kind=LicenceEventKind.RELEASED,
        service_public_id=key.service_public_id,
        client_public_id=key.client_public_id,
        occurred_at=now,
        actor=actor,
        note=note[:REASON_MAX],
    )
    key.status = LicenceKeyStatus.RETIRED if retire else LicenceKeyStatus.AVAILABLE
    key.service_public_id = ""
    key.client_public_id = ""
    key.released_at = now
    fields = ["status", "service_public_id", "client_public_id", "released_at"]
    if retire:
        key.retired_at = now
        fields.append("retired_at")
        LicenceKeyEvent.objects.create(
            key=key,
            product_id=key.product_id,
            kind=LicenceEventKind.RETIRED,
            occurred_at=now,
            actor=actor,
            note=note[:REASON_MAX],
        )
    key.save(update_fields=fields)


@transaction.atomic
def key_allocate(*, product_code: str, service_id: str, client_id: str = "") -> LicenceKey:
    """Give the service ``service_id`` (of the client ``client_id``) a key of the product
    ``product_code`` and return it (PRV-01; annex 9 §1.1).

    Idempotent per service: a service that holds a key of the product keeps it and gets it
    back; one that holds a key of another product (its plan changed) gives that key back to
    the pool and gets one of the new product, in the same transaction. Refused with
    ``licence_product_unknown`` when no such product was ever uploaded (a configuration
    error) and ``licence_pool_empty`` when the product has no free key (staff upload keys;
    the service keeps the key it held).
    """
    service_id = _clean_reference(service_id, "service")
    client_id = _clean_reference(client_id, "client", required=False)
    product = LicenceProduct.objects.filter(code=str(product_code)).first()
    if product is None:
        raise DomainError(
            PRODUCT_UNKNOWN,
            gettext(
                "No licence product '%(product_code)s' is defined: upload its keys in the"
                " staff area (Licences) or name the tariff's product in the setting "
                "licences.tariff_products, then retry the call."
            )
            % {"product_code": product_code},
            fields={"product": "no such licence product"},
            status=409,
        )
    held = _locked_key_of(service_id)
    if held is not None and held.product_id == product.pk:
        return held
    now = timezone.now()
    if held is not None:
        _release(held, now=now, actor=None, retire=False, note=f"Plan changed to {product.code}.")
    free = (
        LicenceKey.objects.select_for_update(skip_locked=True)
        .filter(product=product, status=LicenceKeyStatus.AVAILABLE)
        .order_by("id")
        .first()
    )
    if free is None:
        raise DomainError(
            POOL_EMPTY,
            gettext(
                "No free key of product %(code)s: upload keys in the staff area "
                "(Licences); the call is retried."
            )
            % {"code": product.code},
            fields={"product": "no free key"},
            status=409,
        )
    free.status = LicenceKeyStatus.ALLOCATED
    free.service_public_id = service_id
    free.client_public_id = client_id
    free.allocated_at = now
    free.released_at = None
    try:
        with transaction.atomic():
            free.save(
                update_fields=[
                    "status",
                    "service_public_id",
                    "client_public_id",
                    "allocated_at",
                    "released_at",
                ]
            )
    except IntegrityError:
        # The same call, delivered twice at the same moment, gave the service a key first.
        winner = _locked_key_of(service_id)
        if winner is not None and winner.product_id == product.pk:
            return winner
        raise
    LicenceKeyEvent.objects.create(
        key=free,
        product=product,
        kind=LicenceEventKind.ALLOCATED,
        service_public_id=service_id,
        client_public_id=client_id,
        occurred_at=now,
    )
    return free


@transaction.atomic
def key_release(
    *, service_id: str, retire: bool = False, actor=None, reason: str = ""
) -> LicenceKey | None:
    """The key the service ``service_id`` holds goes back to the pool (PRV-01: the service
    ended), or out of use when staff retire it (``retire=True``, needs ``services.manage``
    and a reason). Idempotent: None when the service holds no key."""
    if retire or actor is not None:
        _require_manage(actor)
    note = _clean_text(reason, "reason", required=retire, max_length=REASON_MAX)
    service_id = _clean_reference(service_id, "service")
    held = _locked_key_of(service_id)
    if held is None:
        return None
    client_id = held.client_public_id
    _release(held, now=timezone.now(), actor=actor, retire=retire, note=note)
    if actor is not None:
        _audit(
            "key_retired" if retire else "key_released",
            actor=actor,
            obj=held,
            data={
                "product": held.product.code,
                "service": service_id,
                "client": client_id,
                "reason": note,
            },
        )
    return held


@transaction.atomic
def key_retire(*, key: LicenceKey, actor, reason: str) -> LicenceKey:
    """Take a key out of use for good (the licensor revoked it, it leaked), with the reason.
    Needs ``services.manage``. An allocated key is first released by its service, which is
    then left without a key (its access details keep the old one until staff give it
    another); a retired key is refused."""
    _require_manage(actor)
    note = _clean_text(reason, "reason", required=True, max_length=REASON_MAX)
    locked = (
        LicenceKey.objects.select_for_update()
        .select_related("product")
        .filter(pk=getattr(key, "pk", None))
        .first()
    )
    if locked is None:
        raise NotFound("licence key")
    if locked.status == LicenceKeyStatus.RETIRED:
        raise DomainError(
            "key_retired",
            gettext("This key is retired already."),
            fields={"key": "retired already"},
            status=409,
        )
    if locked.status == LicenceKeyStatus.ALLOCATED:
        key_release(service_id=locked.service_public_id, retire=True, actor=actor, reason=note)
        locked.refresh_from_db()
        return locked
    now = timezone.now()
    locked.status = LicenceKeyStatus.RETIRED
    locked.retired_at = now
    locked.save(update_fields=["status", "retired_at"])
    LicenceKeyEvent.objects.create(
        key=locked,
        product_id=locked.product_id,
        kind=LicenceEventKind.RETIRED,
        occurred_at=now,
        actor=actor,
        note=note,
    )
    _audit(
        "key_retired",
        actor=actor,
        obj=locked,
        data={"product": locked.product.code, "service": "", "client": "", "reason": note},
    )
    return locked
