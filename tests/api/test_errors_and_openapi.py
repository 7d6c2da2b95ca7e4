"""One error format for every failure, and the OpenAPI 3.1 document that lists them."""

from __future__ import annotations

import logging

import pytest
from django.test import Client as HttpClient

from hostledger.api.routers import me
from tests.api.conftest import API, Api, api_by_token, error_of
from tests.module_world import kept_for_the_module


def test_a_business_rule_refusal_answers_400_with_its_fields__ACC_01(client_a):
    """ACC-01: the profile rules name the field at fault."""
    response = api_by_token(client_a).patch("/me", {"country": "XX", "city": ""})

    assert response.status_code == 400
    assert error_of(response) == {
        "code": "invalid_input",
        "message": "country: Choose a country (two-letter ISO code).; city: This field is "
        "required.",
        "fields": {
            "city": "This field is required.",
            "country": "Choose a country (two-letter ISO code).",
        },
    }


def test_input_that_does_not_fit_the_schema_answers_400_naming_each_field(client_a):
    response = api_by_token(client_a).post(
        "/payers", {"kind": "robot", "name": "A\x00B", "street": 5, "colour": "red"}
    )

    assert response.status_code == 400
    body = error_of(response)
    assert body["code"] == "invalid_input"
    assert body["fields"] == {
        "kind": "Input should be 'natural' or 'legal'",
        "name": "Control characters are not allowed.",
        "street": "Must be a string.",
        "city": "This field is required.",
        "country": "This field is required.",
        "colour": "Unknown field.",
    }
    assert body["message"].startswith("kind: Input should be 'natural' or 'legal'; name: ")


def test_a_bad_query_parameter_answers_400_naming_it(client_a):
    response = api_by_token(client_a).get("/payers?limit=0&offset=x")

    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "limit": "Input should be greater than or equal to 1",
        "offset": "Must be a whole number.",
    }


def test_a_malformed_id_answers_400_naming_the_path_parameter(client_a):
    response = api_by_token(client_a).get("/payers/not-an-id")

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["payer_id"]


def test_a_body_that_is_not_json_answers_400(client_a):
    api = api_by_token(client_a)
    response = api.http.post(
        API + "/payers",
        data="{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.token}"},
    )

    assert response.status_code == 400
    assert error_of(response) == {
        "code": "invalid_input",
        "message": "The request body is not valid JSON.",
        "fields": {"body": "Send a JSON object as the request body."},
    }


def test_a_missing_body_answers_400_naming_each_required_field(client_a):
    api = api_by_token(client_a)
    response = api.http.post(
        API + "/payers",
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.token}"},
    )

    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        field: "This field is required." for field in ("kind", "name", "street", "city", "country")
    }


def test_a_denied_permission_answers_403(client_a):
    response = api_by_token(client_a).get("/staff/clients")

    assert response.status_code == 403
    assert error_of(response) == {
        "code": "permission_denied",
        "message": "Your staff roles do not include this permission.",
        "fields": {},
    }


def test_an_unknown_object_answers_404(client_a):
    response = api_by_token(client_a).get("/payers/pay_0000000000000000")

    assert response.status_code == 404
    assert error_of(response) == {"code": "not_found", "message": "No such payer.", "fields": {}}


@pytest.mark.parametrize("path", ["/nothing/here", "/payers/", "/staff"])
def test_an_unknown_address_under_the_api_answers_404_in_the_error_format(anonymous, db, path):
    response = anonymous.get(path)

    assert response.status_code == 404
    assert error_of(response) == {
        "code": "not_found",
        "message": "Nothing exists at this address.",
        "fields": {},
    }


def test_the_api_root_points_to_the_documentation(anonymous, db):
    response = anonymous.get("/")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_method_an_address_does_not_take_answers_405_with_allow(client_a):
    response = api_by_token(client_a).call("PUT", "/me")

    assert response.status_code == 405
    assert error_of(response) == {
        "code": "method_not_allowed",
        "message": "PUT is not allowed here; use GET, PATCH.",
        "fields": {},
    }
    assert response["Allow"] == "GET, PATCH"


def test_an_unexpected_error_answers_500_without_details_and_is_logged(
    client_a, monkeypatch, caplog
):
    def broken(user):
        raise RuntimeError("database on fire: secret detail")

    monkeypatch.setattr(me.selectors, "accessible_clients", broken)

    with caplog.at_level(logging.ERROR, logger="hostledger.api"):
        response = api_by_token(client_a).get("/me", **{"X-Request-ID": "req-0123456789"})

    assert response.status_code == 500
    assert error_of(response) == {
        "code": "server_error",
        "message": "Something went wrong on our side. It has been logged; quote request id "
        "req-0123456789 when you contact support.",
        "fields": {},
    }
    assert "secret detail" not in response.content.decode()
    logged = [record for record in caplog.records if record.name == "hostledger.api"]
    assert len(logged) == 1
    assert "database on fire" in str(logged[0].exc_info[1])


# ----------------------------------------------------------------------------- OpenAPI


@pytest.fixture(scope="module")
def openapi(django_db_setup, django_db_blocker) -> dict:
    """The document, fetched once for the module's tests: it takes seconds to build and
    does not depend on the data."""
    with kept_for_the_module(django_db_blocker):
        response = Api(HttpClient()).get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_openapi_document_is_version_3_1_with_both_security_schemes(openapi):
    assert openapi["openapi"] == "3.1.0"
    schemes = openapi["components"]["securitySchemes"]
    assert schemes["BearerToken"]["type"] == "http"
    assert schemes["BearerToken"]["scheme"] == "bearer"
    assert schemes["BrowserSession"] == {
        "type": "apiKey",
        "in": "cookie",
        "name": "sessionid",
        "description": schemes["BrowserSession"]["description"],
    }


PUBLIC_OPERATIONS = {
    ("post", "/api/v1/signup"),
    ("post", "/api/v1/signin/token"),
    ("get", "/api/v1/knowledge/articles"),
    ("get", "/api/v1/knowledge/articles/{slug}"),
}
"""Sign-up and the first token are made without a credential (decision 0023); the published
help articles are public, as on the help pages."""


def test_every_operation_needs_a_credential_and_documents_its_error_answers(openapi):
    operations = [
        (path, method, operation)
        for path, methods in openapi["paths"].items()
        for method, operation in methods.items()
    ]
    assert len(operations) == 275
    for path, method, operation in operations:
        label = f"{method.upper()} {path}"
        responses = operation["responses"]
        if (method, path) in PUBLIC_OPERATIONS:
            assert "security" not in operation, label
            assert "400" in responses, label
            continue
        assert operation["security"] == [{"BearerToken": []}, {"BrowserSession": []}], label
        assert {"401", "403"} <= set(responses), label
        for status, answer in responses.items():
            if status.startswith("4"):
                schema = answer["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}, label
        if "{" in path or any(p["name"] == "client" for p in operation.get("parameters", [])):
            assert "404" in responses, label
        if operation.get("parameters") or "requestBody" in operation:
            assert "400" in responses, label
        if "requestBody" in operation:
            # the server refuses a body over its limit before any handler runs
            assert "413" in responses, label


CODES = {"slug", "event", "language"}


def test_paths_carry_public_ids_not_database_keys(openapi):
    for path, methods in openapi["paths"].items():
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                # slugs, event codes and language codes name things; they are not keys
                if parameter["in"] == "path" and parameter["name"] not in CODES:
                    assert parameter["schema"]["pattern"] == "^[a-z]{3}_[0-9a-z]{16}$", path


def test_the_error_schema_is_code_message_fields(openapi):
    schema = openapi["components"]["schemas"]["ErrorOut"]
    assert schema["required"] == ["code", "message", "fields"]
    assert schema["properties"]["fields"]["additionalProperties"] == {"type": "string"}


def test_the_docs_page_loads_its_scripts_from_the_site_itself(anonymous, db):
    page = anonymous.get("/docs")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="/api/v1/docs/assets/swagger-ui-bundle.js"' in html
    assert "cdn." not in html
    assert "/api/v1/openapi.json" in html
    script = anonymous.get("/docs/assets/swagger-ui-init.js")
    assert script.status_code == 200
    assert script["Content-Type"] == "text/javascript"
    assert anonymous.get("/docs/assets/..%2Fsettings.py").status_code == 404
