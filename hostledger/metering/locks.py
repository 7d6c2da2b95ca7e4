"""Row locks of the metering actions, taken in the ledger's fixed order (habit 1).

Billing a service's usage locks the client's balance first (``hostledger.ledger.locks``),
then the service row; recording usage locks only the service rows, ordered by id. Holding
the service row while usage is summed (billing) or stored (recording) means a record can
never land in a period after the period was billed: the later of the two waits for the
earlier and then sees what it wrote. On SQLite the ``IMMEDIATE`` transactions already let
one writer in at a time and ``select_for_update`` is a no-op.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

from hostledger.subscriptions.models import Service


def _require_atomic() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Metering locks are taken inside transaction.atomic only.")


def lock_services(*, pks: Iterable[int] = (), public_ids: Iterable[str] = ()) -> list[Service]:
    """The services named by primary key or public id, locked in id order until the
    transaction ends. Unknown ids are simply absent from the result."""
    _require_atomic()
    pks, public_ids = sorted(set(pks)), sorted(set(public_ids))
    if not pks and not public_ids:
        return []
    return list(
        Service.objects.select_for_update(of=("self",))
        .filter(Q(pk__in=pks) | Q(public_id__in=public_ids))
        .order_by("pk")
    )


def lock_service(service: Service) -> Service | None:
    """One service's row, re-read and locked until the transaction ends."""
    locked = lock_services(pks=[service.pk]) if service.pk is not None else []
    return locked[0] if locked else None
