"""A domain order registered over EPP through the job queue (DOM-02, PRV-02): when the registry
answers 2400 (command failed) or 2502 (session limit exceeded), staff see the registry's own
code and words on the call, which is retried and then registers the domain once, with the
expiry the registry reports. Against the EPP test server of tests/domains (TLS with client
certificates, on 127.0.0.1)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from hostledger.catalog.models import FamilyCode, ProductFamily
from hostledger.domains.models import DomainStatus
from hostledger.domains.selectors import domain_for_service
from hostledger.provisioning.actions import (
    provisioning_operation_run,
    provisioning_operations_sweep,
)
from hostledger.provisioning.models import ProvisioningOperation
from hostledger.provisioning.selectors import operations_for_staff
from hostledger.subscriptions.actions import order_place
from hostledger.subscriptions.models import ServiceStatus
from tests.catalog_helpers import create_published_tariff
from tests.domains.epp_fixtures import epp_certificates, epp_registry  # noqa: F401  (fixtures)
from tests.subscriptions.factories import TODAY, fund

pytestmark = pytest.mark.django_db
Status = ProvisioningOperation.Status


@pytest.fixture
def test_tariff(db):
    family = ProductFamily.objects.get(code=FamilyCode.DOMAIN)
    return create_published_tariff(
        family=family,
        code="domain-test",
        name=".test domain",
        monthly_fee="1.00",
        specs={"zone": "test"},
    )


@pytest.mark.parametrize(
    ("code", "words"),
    [(2400, "Command failed"), (2502, "Session limit exceeded")],
)
def test_a_registry_failure_is_shown_to_staff_and_retried_until_registered__DOM_02_PRV_02(
    code,
    words,
    epp_registry,  # noqa: F811
    test_tariff,
    client_record,
    payer,
    run_hooks,
    django_capture_on_commit_callbacks,
):
    name = f"kord-{code}.test"
    fund(client_record, "20.00")
    with django_capture_on_commit_callbacks(execute=False):
        service = order_place(
            client=client_record,
            payer=payer,
            tariff=test_tariff,
            period_months=12,
            host_name=name,
            actor=client_record.owner,
            today=TODAY,
            start_at_once=True,
        ).service
    create = ProvisioningOperation.objects.get(service=service, operation="create")

    epp_registry.fail_next(code, words)
    provisioning_operation_run(operation_id=create.pk)
    create.refresh_from_db()
    assert create.status == Status.RETRYING and create.retry_can_help
    assert str(code) in create.message and words.lower() in create.message.lower()
    assert create in operations_for_staff(status=Status.RETRYING)
    assert name not in epp_registry.domains

    ProvisioningOperation.objects.filter(pk=create.pk).update(next_attempt_at=timezone.now())
    assert run_hooks(provisioning_operations_sweep) == 1
    create.refresh_from_db()
    assert create.status == Status.DONE, create.message
    service.refresh_from_db()
    domain = domain_for_service(service.public_id)
    assert service.status == ServiceStatus.ACTIVE
    assert domain.status == DomainStatus.REGISTERED
    assert domain.expires_on == epp_registry.domains[name].expires
    creates = [entry for entry in epp_registry.log if entry[:2] == ("create", name)]
    assert len(creates) == 1
