"""A client applies for a reboot of its server in the browser, is refused for an ID that is
not its own, and reads the result staff recorded; the IP addresses and colocation pages show
their data (SUP-02, SUP-05, SUP-06). Set HOSTLEDGER_SCREENSHOT_DIR to keep screenshots."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from hostledger.accounts.selectors import client_access
from hostledger.datacenter import actions
from hostledger.datacenter.models import ApplicationStatus, EquipmentApplication
from tests.datacenter.conftest import make_service, shop  # noqa: F401  (fixtures)
from tests.web.conftest import make_client_user, make_staff_user
from tests.web.test_browser_journey import CHROMIUM, Journey, browser_page  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def _sign_in(page, live_server, user) -> None:
    http = HttpClient()
    http.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "url": live_server.url, "value": http.cookies["sessionid"].value}]
    )


@pytest.mark.django_db(transaction=True)
def test_a_client_applies_for_a_reboot_and_reads_the_result__SUP_02_SUP_05_SUP_06(
    live_server,
    browser_page,  # noqa: F811
    policies,
    make_service,  # noqa: F811
):
    owner = make_client_user("kati.kask@example.com", first_name="Kati", last_name="Kask")
    other = make_client_user("tonu.tamm@example.com")
    support = make_staff_user("support")
    service = make_service(owner.client)
    actions.equipment_register(
        actor=support,
        service=service,
        equipment_id="SRV-0042",
        kind="server",
        rack="R07",
        unit_from=12,
        unit_count=2,
        power_watts=350,
        serial_number="CZ2104ABC",
    )
    actions.equipment_register(
        actor=support, service=make_service(other.client), equipment_id="SRV-9999", kind="server"
    )
    pool = actions.ip_pool_create(actor=support, name="Tallinn", network="192.0.2.0/24")
    allocation = actions.ip_allocate(
        actor=support, pool=pool, service=service, network="192.0.2.16/29"
    )
    access = client_access(owner, None)
    actions.reverse_dns_set(
        access=access,
        actor=owner,
        allocation=allocation,
        address="192.0.2.17",
        host_name="mail.kask.example",
    )
    person = actions.representative_add(
        access=access,
        actor=owner,
        full_name="Jaan Tehnik",
        document_number="AB1234567",
        phone="+372 5555 0101",
    )
    starts = timezone.now() + timedelta(days=1)
    actions.visit_request_file(
        access=access,
        actor=owner,
        representative=person,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        purpose="Replace a disk",
    )
    page = browser_page
    journey = Journey(page, live_server.url)

    _sign_in(page, live_server, owner)
    journey.goto("/equipment/")
    assert page.locator("td a.mono", has_text="SRV-0042").is_visible()
    assert page.get_by_text("SRV-9999").count() == 0
    journey.snap("client-equipment")

    journey.goto("/equipment/applications/")
    page.select_option("#id_action", "reboot")
    page.fill("#id_equipment_ids", "SRV-0042, SRV-9999")
    page.get_by_role("button", name="File the application").click()
    assert page.get_by_text("SRV-9999: not the ID of equipment of your services").first.is_visible()
    assert not EquipmentApplication.objects.exists()
    page.fill("#id_equipment_ids", "srv-0042")
    page.fill("#id_details", "Hangs after a kernel update.")
    page.get_by_role("button", name="File the application").click()
    page.get_by_text("Your application is filed").wait_for()
    journey.snap("client-applications")
    application = EquipmentApplication.objects.get()

    _sign_in(page, live_server, support)
    journey.goto(f"/staff/equipment-applications/{application.public_id}/")
    page.select_option("#id_status", "done")
    page.fill("#id_result", "Rebooted at 10:02; the server answers ping.")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The application is updated").wait_for()
    journey.snap("staff-application")
    application.refresh_from_db()
    assert (application.status, application.worked_by) == (ApplicationStatus.DONE, support)
    journey.goto("/staff/ip-addresses/")
    journey.snap("staff-ip-addresses")
    journey.goto("/staff/colocation/")
    assert page.get_by_text("AB1234567").is_visible()
    journey.snap("staff-colocation")

    _sign_in(page, live_server, owner)
    journey.goto(f"/equipment/applications/{application.public_id}/")
    assert page.get_by_text("Rebooted at 10:02").is_visible()
    journey.goto("/ip-addresses/")
    assert page.get_by_text("mail.kask.example").is_visible()
    assert page.get_by_text("0 of 8 in use").is_visible()
    journey.snap("client-ip-addresses")
    journey.goto("/colocation/")
    assert page.get_by_text("Jaan Tehnik").first.is_visible()
    journey.snap("client-colocation")
    # The refused application answered 400, which the browser reports; nothing else.
    assert [problem for problem in journey.problems if "status of 400" not in problem] == []
