"""The local payment gateway for development and demonstrations (BIL-06, habit 4)."""

from hostledger.ledger.gateways.local.gateway import LocalGateway, local_gateway
from hostledger.ledger.gateways.registry import register_gateway

register_gateway(local_gateway)

__all__ = ["LocalGateway", "local_gateway"]
