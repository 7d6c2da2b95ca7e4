"""Business refusals answer one status across the API (decision 0004, issue 11): 400 with the
rule's own code, whether a value is wrong or an object's state does not allow the action.
Checked over every operation of the OpenAPI document and on the error handler itself."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory

from hostledger.api.errors import handle_domain_error
from hostledger.core.errors import DomainError, NotFound, PermissionDenied


@pytest.mark.django_db
def test_no_operation_documents_a_second_status_for_refusals(client):
    document = client.get("/api/v1/openapi.json").json()
    statuses = {
        (method.upper(), path): set(operation["responses"])
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }
    assert len(statuses) > 100
    for operation, documented in statuses.items():
        assert "409" not in documented and "422" not in documented, operation
        changes = operation[0] in {"POST", "PATCH", "PUT", "DELETE"}
        if changes:
            assert "400" in documented, operation


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (DomainError("invoice_not_final", "Not final.", status=409), 400),
        (DomainError("duplicate_payment_reference", "Used.", status=409), 400),
        (DomainError("invalid_amount", "Bad.", fields={"amount": "bad"}), 400),
        (NotFound("invoice"), 404),
        (PermissionDenied(), 403),
    ],
)
def test_a_refusal_answers_400_with_its_own_code(error, status):
    response = handle_domain_error(RequestFactory().post("/api/v1/x"), error)
    assert response.status_code == status
    assert json.loads(response.content)["code"] == error.code
