"""The staff search index of clients: keyed hashes of their name words, e-mail and phone
(GDPR-11, issue 11 §8). See :mod:`hostledger.accounts.search` for what is hashed.

:func:`client_search_index_refresh` runs inside every action that writes a client's names,
company, phone or the owner's e-mail; :func:`client_search_index_rebuild` recomputes every
client's tokens (after ``BLIND_INDEX_KEY`` changes: ``hostledger rotate-keys --reindex``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from hostledger.accounts.models import Client, ClientSearchToken
from hostledger.accounts.search import SearchableText, client_tokens

REBUILD_CHUNK_SIZE = 1000


def searchable_text(client: Client) -> SearchableText:
    return SearchableText(
        first_name=client.first_name,
        last_name=client.last_name,
        company_name=client.company_name,
        email=client.owner.email,
        phone=client.phone,
    )


def _rows(clients: Iterable[Client]) -> list[ClientSearchToken]:
    return [
        ClientSearchToken(client_id=client.pk, token=token)
        for client in clients
        for token in sorted(client_tokens(searchable_text(client)))
    ]


@transaction.atomic
def client_search_index_refresh(*, client: Client) -> int:
    """Replace ``client``'s search tokens by those of its current data; returns how many."""
    ClientSearchToken.objects.filter(client_id=client.pk).delete()
    rows = _rows([client])
    ClientSearchToken.objects.bulk_create(rows)
    return len(rows)


def client_search_index_rebuild(*, chunk_size: int = REBUILD_CHUNK_SIZE) -> int:
    """Recompute the search tokens of every client, one transaction per chunk of clients in
    primary-key order; returns the number of tokens written."""
    written = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            clients = list(
                Client.objects.select_related("owner")
                .filter(pk__gt=last_pk)
                .order_by("pk")[:chunk_size]
            )
            if not clients:
                return written
            ClientSearchToken.objects.filter(
                client_id__gte=clients[0].pk, client_id__lte=clients[-1].pk
            ).delete()
            rows = _rows(clients)
            ClientSearchToken.objects.bulk_create(rows, batch_size=5000)
            written += len(rows)
        last_pk = clients[-1].pk
