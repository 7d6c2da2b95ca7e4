"""Setting the reverse DNS name of an address, and serving it (SUP-06, DOM-04).

The datacenter app keeps the reverse DNS names of the addresses it allocates and checks
them (an address of the client's live allocation, a valid host name, the owner or a trusted
user with the services scope); the DNS app keeps the PTR records of the provider's reverse
zones and pushes them to PowerDNS. This flow asks the one and then the other, in one
transaction: a refused name changes neither, and a stored one is served once the push that
the commit hands to a worker has run. The client area's IP addresses page and the API call
it.
"""

from __future__ import annotations

from django.db import transaction

from hostledger.datacenter import actions as datacenter
from hostledger.dns import actions as dns


@transaction.atomic
def reverse_dns_publish(*, access, actor, allocation, address: str, host_name: str):
    """Store the reverse DNS name of ``address`` (or remove it with an empty name) and make
    the PTR record of the address follow it; returns the datacenter's record or None."""
    stored = datacenter.reverse_dns_set(
        access=access, actor=actor, allocation=allocation, address=address, host_name=host_name
    )
    dns.reverse_ptr_set(
        allocation=allocation,
        address=stored.address if stored is not None else address.strip(),
        host_name=stored.host_name if stored is not None else "",
        actor=actor,
    )
    return stored
