"""Notifications that payment gateways send: ``POST /gateways/<name>/webhook/`` (BIL-06).

No sign-in and no CSRF token: a gateway's server calls this, and the gateway module checks the
notification's signature before anything is read or written. A notification that is not
genuine answers 400 with a JSON error and records nothing; one the gateway sends again records
nothing new (one payment per gateway transaction). After a payment is recorded, the client's
next step runs (:func:`~hostledger.web.views.client_money.money_arrived_apply`).
"""

from __future__ import annotations

import logging

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hostledger.core.errors import DomainError
from hostledger.ledger.actions import gateway_notification_handle
from hostledger.ledger.gateways.interface import GatewayError
from hostledger.web.views.client_money import money_arrived_apply

logger = logging.getLogger("hostledger.web.gateway_webhooks")

GATEWAY_NOT_AVAILABLE = frozenset({"unknown_gateway", "gateway_not_configured", "gateway_disabled"})
"""Codes that mean no gateway of that name takes notifications here: answered 404."""


def _error(code: str, message: str, status: int, fields: dict | None = None) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "fields": fields or {}}, status=status)


@csrf_exempt
@require_POST
def gateway_webhook(request, name):
    """Record what gateway ``name`` says about a payment, once (BIL-06).

    Answers 200 once the notification is handled (also for a repeat, or an event that has
    nothing to record), 400 when it is not genuine or cannot be read, 503 when the gateway
    could not be asked to confirm it (it sends it again later), 404 when no such gateway is
    offered. A gateway retries on anything but 2xx, so a failure of the step after
    the payment is logged and still answered 200: the payment itself is recorded.
    """
    try:
        payment = gateway_notification_handle(
            gateway_name=name, body=request.body, headers=dict(request.headers)
        )
    except GatewayError as error:
        return _error(error.code, error.message, 503 if error.retry_can_help else 400)
    except DomainError as error:
        status = 404 if error.code in GATEWAY_NOT_AVAILABLE else error.status
        return _error(error.code, error.message, status, error.fields)
    if payment is not None and payment.client_id is not None:
        try:
            money_arrived_apply(client=payment.client, actor=None)
        except DomainError:
            logger.exception("Applying payment %s of gateway %s failed", payment.public_id, name)
    return JsonResponse({"received": True})
