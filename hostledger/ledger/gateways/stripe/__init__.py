"""Card payments through Stripe Checkout (BIL-06, BIL-10, habit 4).

Registered always; offered only when ``HOSTLEDGER_STRIPE_SECRET_KEY`` and
``HOSTLEDGER_STRIPE_WEBHOOK_SECRET`` are both set (see :mod:`.client`).
"""

from hostledger.ledger.gateways.registry import register_gateway
from hostledger.ledger.gateways.stripe.gateway import (
    SIGNATURE_HEADER,
    WEBHOOK_PATH,
    StripeGateway,
    stripe_gateway,
)

register_gateway(stripe_gateway)

__all__ = ["SIGNATURE_HEADER", "WEBHOOK_PATH", "StripeGateway", "stripe_gateway"]
