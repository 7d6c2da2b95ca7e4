"""The EPP registrar module (DOM-02) against an EPP registry simulator on 127.0.0.1.

The simulator (tests/domains/epp_server.py) follows RFC 5730-5734, 5910 and 3915: TLS that
requires a client certificate of its CA, length-prefixed frames, greeting, login, the domain,
contact and host commands and the poll queue, with answers shaped like the RFCs' examples.
One server runs for the module; each test works on names of its own.
"""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import tempfile
import threading
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from hostledger.core.registry import provider_setting_change
from hostledger.domains.registrars.epp import conf, epp_registrar_from_settings
from hostledger.domains.registrars.epp.client import (
    DOMAIN_NS,
    EPP_NS,
    EppClient,
    EppConfig,
    cl_trid_for,
    fresh_cl_trid,
    parse_epp_date,
    parse_xml,
    qn,
    sub,
)
from hostledger.domains.registrars.epp.registrar import EppRegistrar, EppSettings
from hostledger.domains.registrars.interface import (
    Contact,
    DsRecord,
    Registrar,
    RegistrarError,
)
from tests.domains.epp_server import EppTestServer, add_years, make_certificates

LOGIN = "hl-registrar"
PASSWORD = "s3cret-Pass"
DS_ONE = DsRecord(
    key_tag=12345,
    algorithm=13,
    digest_type=2,
    digest="49FD46E6C4B45C55D4AC49FD46E6C4B45C55D4AC49FD46E6C4B45C55D4AC1234",
)
DS_TWO = DsRecord(
    key_tag=54321, algorithm=8, digest_type=1, digest="a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"
)


@pytest.fixture(scope="module")
def certificates():
    with tempfile.TemporaryDirectory(prefix="epp-certs-") as directory:
        yield make_certificates(Path(directory))


@pytest.fixture(scope="module")
def server(certificates):
    registry = EppTestServer(certificates, zones=("test", "ee")).start()
    try:
        yield registry
    finally:
        registry.stop()


@pytest.fixture(autouse=True)
def _steering_reset(server):
    server.reset_steering()
    yield
    server.reset_steering()


def config_for(server, certificates, **changes) -> EppConfig:
    config = EppConfig(
        host="127.0.0.1",
        port=server.port,
        client_id=LOGIN,
        password=PASSWORD,
        cert_file=str(certificates.client_cert),
        key_file=str(certificates.client_key),
        ca_file=str(certificates.ca_file),
        connect_timeout=3,
        read_timeout=3,
        keepalive_seconds=300,
    )
    return replace(config, **changes)


def registrar_for(server, certificates, **changes) -> EppRegistrar:
    settings = EppSettings(config=config_for(server, certificates, **changes), zones=("test", "ee"))
    return EppRegistrar(settings_loader=lambda: settings)


@pytest.fixture
def registrar(server, certificates):
    module = registrar_for(server, certificates)
    yield module
    module.close()


def unique(prefix: str = "hl") -> str:
    return f"{prefix}{uuid.uuid4().hex[:12]}"


@pytest.fixture
def handles(registrar):
    """A registrant, admin and tech contact of this registrar, created for the test."""
    created = []
    for role in ("owner", "admin", "tech"):
        contact = Contact(
            handle=unique("C")[:16],
            name=f"Mari {role.title()}",
            email=f"{role}@example.ee",
            phone="+372 5551 2345",
            organisation="Näide OÜ" if role == "owner" else "",
            street="Tartu mnt 1\nKorter 2",
            city="Tallinn",
            postal_code="10115",
            country="ee",
        )
        created.append(registrar.contact_create(contact, operation_key=unique("op-contact-")))
    return created


def new_domain(registrar, handles, *, zone="test", years=1, name_servers=(), ds=(), name=""):
    domain = name or f"{unique()}.{zone}"
    registrant, admin, tech = handles
    info = registrar.create(
        domain,
        years=years,
        registrant=registrant,
        admin=admin,
        tech=tech,
        name_servers=name_servers,
        operation_key=unique("op-create-"),
        ds_records=ds,
    )
    return info


# --- the interface, call by call ---------------------------------------------------------------


def test_the_epp_registrar_provides_the_registrar_interface__DOM_02(registrar):
    assert isinstance(registrar, Registrar)
    assert registrar.name == "epp"
    assert registrar.zones() == ("test", "ee")


def test_check_tells_free_taken_and_unsold_names_in_batches__DOM_02(registrar, handles, server):
    taken = new_domain(registrar, handles).name
    free = [f"{unique()}.test" for _ in range(6)]
    checks_before = len(server.commands("check"))

    answers = registrar.check([taken, *free, "example.com", "not a name"])

    assert [answer.available for answer in answers] == [False, *[True] * 6, False, False]
    assert answers[0].name == taken and answers[0].reason == "In use"
    assert [answer.name for answer in answers[1:7]] == free
    assert "not in a zone this registrar sells" in answers[7].reason
    assert "not a valid domain name" in answers[8].reason
    # seven names of sold zones, five names a check: two domain checks at the registry
    assert len(server.commands("check")) - checks_before == 2


def test_contact_create_sends_an_rfc5733_contact_once__DOM_02(registrar, server):
    key = unique("op-")
    contact = Contact(
        handle=unique("C")[:16],
        name="Jaan Tamm",
        email="jaan@example.ee",
        phone="+372 5551 2345",
        city="Tartu",
        country="EE",
    )
    assert registrar.contact_create(contact, operation_key=key) == contact.handle
    stored = server.contacts[contact.handle]
    assert (stored.name, stored.city, stored.country, stored.voice) == (
        "Jaan Tamm",
        "Tartu",
        "EE",
        "+372.55512345",
    )
    assert server.commands("create", contact.handle)[0][2] == key

    # delivered again (a retry after a timeout): the registry says it exists, and it is ours
    assert registrar.contact_create(contact, operation_key=key) == contact.handle
    assert len(server.commands("create", contact.handle)) == 2  # the second one: 2302
    assert len(server.commands("info", contact.handle)) == 1  # … and sponsored by us


def test_a_contact_without_a_handle_gets_one_from_its_call_the_same_on_a_retry__DOM_02(
    registrar, server
):
    key = unique("op-")
    contact = Contact(
        handle="", name="Mari Mets", email="mari@example.ee", city="Tallinn", country="EE"
    )
    handle = registrar.contact_create(contact, operation_key=key)
    assert handle.startswith("HL") and 3 <= len(handle) <= 16
    assert server.contacts[handle].name == "Mari Mets"
    assert registrar.contact_create(contact, operation_key=key) == handle  # delivered again
    assert registrar.contact_create(contact, operation_key=unique("op-")) != handle


def test_contact_create_refuses_a_handle_of_another_registrar_and_missing_fields__DOM_02(
    registrar, server, certificates
):
    handle = unique("C")[:16]
    other = registrar_for(server, certificates, client_id="other-registrar", password="x")
    try:
        other.contact_create(
            Contact(handle=handle, name="Other", email="o@example.test", city="Riga", country="LV"),
            operation_key=unique("op-"),
        )
    finally:
        other.close()
    contact = Contact(
        handle=handle, name="Mine", email="m@example.test", city="Tartu", country="EE"
    )
    with pytest.raises(RegistrarError) as refused:
        registrar.contact_create(contact, operation_key=unique("op-"))
    assert (refused.value.code, refused.value.retry_can_help) == ("2302", False)
    assert "Object exists" in refused.value.message

    with pytest.raises(RegistrarError) as missing:
        registrar.contact_create(replace(contact, city=""), operation_key=unique("op-"))
    assert missing.value.code == "invalid_contact" and "city" in missing.value.message


def test_create_registers_with_contacts_name_servers_and_an_auth_code__DOM_02(
    registrar, handles, server
):
    registrant, admin, tech = handles
    key = unique("op-create-")
    name = f"{unique()}.test"
    info = registrar.create(
        name,
        years=2,
        registrant=registrant,
        admin=admin,
        tech=tech,
        name_servers=("NS1.Example.NET.", "ns2.example.net"),
        operation_key=key,
    )

    today = dt.datetime.now(dt.UTC).date()
    assert info.name == name and info.registered
    assert info.expires_on == add_years(today, 2)
    assert info.created_on == today
    assert info.statuses == ("ok",)
    assert info.name_servers == ("ns1.example.net", "ns2.example.net")
    assert (info.registrant, info.admin, info.tech) == (registrant, admin, tech)
    code = info.auth_code
    assert len(code) == 16
    assert any(c.islower() for c in code) and any(c.isupper() for c in code)
    assert any(c.isdigit() for c in code) and any(not c.isalnum() for c in code)
    # host objects were created first (RFC 5732), then the domain, with the key as clTRID
    assert {"ns1.example.net", "ns2.example.net"} <= set(server.hosts)
    assert server.commands("create", name) == [("create", name, key)]


def test_create_delivered_twice_creates_once_and_a_taken_name_is_refused__DOM_02(
    registrar, handles, server
):
    registrant, admin, tech = handles
    name = f"{unique()}.ee"
    arguments = dict(
        years=1,
        registrant=registrant,
        admin=admin,
        tech=tech,
        name_servers=(),
        operation_key=unique("op-"),
    )
    first = registrar.create(name, **arguments)
    again = registrar.create(name, **arguments)
    assert again.expires_on == first.expires_on
    assert server.domains[name].sponsor == LOGIN

    server.add_foreign_domain(
        foreign := f"{unique()}.ee", auth="Foreign-1", expires=dt.date(2030, 1, 1)
    )
    with pytest.raises(RegistrarError) as taken:
        registrar.create(foreign, **{**arguments, "operation_key": unique("op-")})
    assert (taken.value.code, taken.value.retry_can_help) == ("2302", False)


def test_a_create_pending_at_the_registry_is_not_registered_yet__DOM_02(registrar, handles, server):
    server.hold_creates()
    pending = new_domain(registrar, handles)
    assert pending.registered is False and pending.statuses == ("pendingCreate",)
    assert registrar.info(pending.name).registered is False

    server.domains[pending.name].statuses = {"ok"}  # the registry finished its checks
    assert registrar.info(pending.name).registered is True


def test_create_outside_the_sold_zones_is_refused_before_the_registry__DOM_02(
    registrar, handles, server
):
    before = len(server.log)
    with pytest.raises(RegistrarError) as refused:
        new_domain(registrar, handles, name=f"{unique()}.com")
    assert (refused.value.code, refused.value.retry_can_help) == ("zone_not_sold", False)
    assert len(server.log) == before


def test_info_of_an_unknown_domain_says_not_registered__DOM_02(registrar):
    name = f"{unique()}.test"
    info = registrar.info(name)
    assert (info.name, info.registered, info.expires_on) == (name, False, None)


def test_renewal_extends_from_the_previous_expiry__DOM_02(registrar, handles):
    created = new_domain(registrar, handles, years=1)
    renewed = registrar.renew(
        created.name, years=2, current_expiry=created.expires_on, operation_key=unique("op-")
    )
    assert renewed.expires_on == add_years(created.expires_on, 2)


def test_renewal_twice_with_the_same_current_expiry_renews_once__DOM_02(registrar, handles, server):
    created = new_domain(registrar, handles)
    key = unique("op-renew-")
    first = registrar.renew(
        created.name, years=1, current_expiry=created.expires_on, operation_key=key
    )
    second = registrar.renew(
        created.name, years=1, current_expiry=created.expires_on, operation_key=key
    )
    assert first.expires_on == second.expires_on == add_years(created.expires_on, 1)
    assert server.commands("renew", created.name) == [("renew", created.name, key)]


def test_transfer_request_pending_then_approved_through_poll__DOM_02(registrar, server):
    name = f"{unique()}.ee"
    server.add_foreign_domain(name, auth="Tr4nsfer-Code", expires=dt.date(2031, 5, 20))
    with pytest.raises(RegistrarError) as wrong:
        registrar.transfer(name, auth_code="wrong", years=1, operation_key=unique("op-"))
    assert (wrong.value.code, wrong.value.retry_can_help) == ("2202", False)
    assert "Invalid authorization information" in wrong.value.message

    key = unique("op-transfer-")
    assert registrar.transfer(name, auth_code="Tr4nsfer-Code", years=1, operation_key=key) == (
        "pending"
    )
    # delivered again while pending: the registry's transfer query says it is ours
    assert registrar.transfer(name, auth_code="Tr4nsfer-Code", years=1, operation_key=key) == (
        "pending"
    )
    assert [entry[2] for entry in server.commands("transfer", name)][1:3] == [key, key]

    assert server.approve_transfers() == [name]
    messages = [message for message in registrar.poll() if message.domain == name]
    assert len(messages) == 1
    assert messages[0].expires_on == dt.date(2032, 5, 20)
    assert "serverApproved" in messages[0].text and "Transfer approved." in messages[0].text
    assert messages[0].queued_at is not None and messages[0].queued_at.tzinfo is not None
    info = registrar.info(name)
    assert info.registered and info.expires_on == dt.date(2032, 5, 20)


def test_poll_returns_and_acknowledges_every_message_oldest_first__DOM_02(registrar, server):
    registrar.poll()  # whatever earlier tests left
    names = [f"{unique()}.test" for _ in range(3)]
    for name in names:
        server.queue_deletion_notice(LOGIN, name)
    acks_before = len(server.commands("poll"))

    messages = registrar.poll()

    assert [message.domain for message in messages] == names
    assert all("Domain deleted." in m.text and "approved" in m.text for m in messages)
    assert len({message.message_id for message in messages}) == 3
    assert server.queues[LOGIN] == []
    # three requests with three acknowledgements, then one request answered 1300
    assert len(server.commands("poll")) - acks_before == 7
    assert registrar.poll() == []


def test_name_servers_are_added_and_removed_by_difference__DOM_02(registrar, handles, server):
    created = new_domain(registrar, handles, name_servers=("ns1.example.net", "ns2.example.net"))
    key = unique("op-ns-")
    info = registrar.update_name_servers(
        created.name, name_servers=("ns2.example.net", "ns3.example.org"), operation_key=key
    )
    assert info.name_servers == ("ns2.example.net", "ns3.example.org")
    assert server.commands("update", created.name) == [("update", created.name, key)]

    again = registrar.update_name_servers(
        created.name, name_servers=("ns3.example.org", "ns2.example.net"), operation_key=key
    )
    assert again.name_servers == info.name_servers
    assert len(server.commands("update", created.name)) == 1  # nothing left to change


def test_contacts_are_changed__DOM_02(registrar, handles, server):
    created = new_domain(registrar, handles)
    registrant, _, tech = handles
    info = registrar.update_contacts(
        created.name, registrant=tech, admin=registrant, tech=tech, operation_key=unique("op-")
    )
    assert (info.registrant, info.admin, info.tech) == (tech, registrant, tech)
    assert server.domains[created.name].contacts == {"admin": [registrant], "tech": [tech]}


def test_ds_records_are_created_added_and_removed_visible_in_info__DOM_02(registrar, handles):
    created = new_domain(registrar, handles, ds=(DS_ONE,))
    assert created.ds_records == (DS_ONE,)

    added = registrar.update_ds_records(
        created.name, ds_records=(DS_ONE, DS_TWO), operation_key=unique("op-")
    )
    assert added.ds_records == (DS_ONE, replace(DS_TWO, digest=DS_TWO.digest.upper()))
    assert registrar.info(created.name).ds_records == added.ds_records

    only_two = registrar.update_ds_records(
        created.name, ds_records=(DS_TWO,), operation_key=unique("op-")
    )
    assert [record.key_tag for record in only_two.ds_records] == [54321]
    cleared = registrar.update_ds_records(created.name, ds_records=(), operation_key=unique("op-"))
    assert cleared.ds_records == ()


def test_lock_sets_and_clears_the_client_statuses__DOM_02(registrar, handles, server):
    created = new_domain(registrar, handles)
    locked = registrar.lock(created.name, locked=True, operation_key=unique("op-"))
    assert {
        "clientTransferProhibited",
        "clientDeleteProhibited",
        "clientUpdateProhibited",
    } <= set(locked.statuses)
    updates = len(server.commands("update", created.name))
    assert registrar.lock(created.name, locked=True, operation_key=unique("op-")) == locked
    assert len(server.commands("update", created.name)) == updates

    with pytest.raises(RegistrarError) as prohibited:
        registrar.update_name_servers(
            created.name, name_servers=("ns9.example.net",), operation_key=unique("op-")
        )
    assert (prohibited.value.code, prohibited.value.retry_can_help) == ("2304", False)
    with pytest.raises(RegistrarError) as undeletable:
        registrar.delete(created.name, operation_key=unique("op-"))
    assert undeletable.value.code == "2304"

    unlocked = registrar.lock(created.name, locked=False, operation_key=unique("op-"))
    assert unlocked.statuses == ("ok",)


def test_delete_then_restore_from_the_redemption_period__DOM_02(registrar, handles, server):
    created = new_domain(registrar, handles)
    key = unique("op-delete-")
    registrar.delete(created.name, operation_key=key)
    deleted = registrar.info(created.name)
    assert set(deleted.statuses) == {"pendingDelete", "redemptionPeriod"}
    registrar.delete(created.name, operation_key=key)  # delivered again: already done

    restore_key = unique("op-restore-")
    restored = registrar.restore(created.name, operation_key=restore_key)
    assert restored.statuses == ("ok",) and restored.registered
    assert server.commands("update", created.name) == [("update", created.name, restore_key)]
    assert registrar.restore(created.name, operation_key=restore_key) == restored
    assert len(server.commands("update", created.name)) == 1

    registrar.delete(f"{unique()}.test", operation_key=unique("op-"))  # never existed: done


def test_internationalised_names_round_trip_as_a_labels__DOM_02(registrar, handles, server):
    token = uuid.uuid4().hex[:8]
    unicode_name = f"päike-{token}.ee"
    ascii_form = f"xn--pike-{token}-{_punycode_tail(unicode_name)}.ee"
    assert registrar.check([unicode_name])[0].name == ascii_form

    created = new_domain(registrar, handles, name=unicode_name, zone="ee")
    assert created.name == ascii_form
    assert ascii_form in server.domains
    assert registrar.info(ascii_form).name == ascii_form
    assert registrar.info(unicode_name).expires_on == created.expires_on
    assert registrar.check([ascii_form])[0].available is False


def _punycode_tail(name: str) -> str:
    label = name.split(".")[0]
    return label.encode("punycode").decode("ascii").rsplit("-", 1)[1]


# --- framing -----------------------------------------------------------------------------------


def test_answers_written_in_small_pieces_are_reassembled(registrar, handles, server):
    created = new_domain(registrar, handles, name_servers=("ns1.example.net",))
    server.chunked(3)  # the 4-byte header itself arrives in two pieces
    assert registrar.info(created.name).name_servers == ("ns1.example.net",)


def test_large_frames_travel_both_ways(server, certificates):
    client = EppClient(config_for(server, certificates))
    try:
        outer = etree.Element(qn(EPP_NS, "check"))
        inner = etree.SubElement(outer, qn(DOMAIN_NS, "check"), nsmap={"domain": DOMAIN_NS})
        names = [f"{'x' * 50}{number}.test" for number in range(4000)]
        for name in names:
            sub(inner, DOMAIN_NS, "name", name)
        response = client.execute(outer, cl_trid=fresh_cl_trid())
        answered = response.data(DOMAIN_NS, "chkData").findall(qn(DOMAIN_NS, "cd"))
        assert len(answered) == 4000  # a request and an answer of hundreds of kilobytes
    finally:
        client.logout()


@pytest.mark.parametrize("length", [2, 4, 2**31, 64 * 1024 * 1024])
def test_a_frame_length_lie_is_refused_and_the_next_call_reconnects(registrar, server, length):
    registrar.info(f"{unique()}.test")
    logins = server.logins
    server.lie_next_length(length)
    with pytest.raises(RegistrarError) as broken:
        registrar.info(f"{unique()}.test")
    assert (broken.value.code, broken.value.retry_can_help) == ("protocol_error", True)
    assert "frame header announces" in broken.value.message
    assert registrar.info(f"{unique()}.test").registered is False
    assert server.logins == logins + 1


def test_xml_with_a_dtd_or_entities_is_refused():
    hostile = (
        b'<?xml version="1.0"?><!DOCTYPE epp [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<epp xmlns="urn:ietf:params:xml:ns:epp-1.0">&x;</epp>'
    )
    with pytest.raises(ValueError, match="DTD"):
        parse_xml(hostile)
    with pytest.raises(ValueError, match="well-formed"):
        parse_xml(b"<epp><unclosed></epp>")


# --- TLS -------------------------------------------------------------------------------------


def test_tls_without_a_client_certificate_is_refused(server, certificates):
    failures = server.handshake_failures
    context = ssl.create_default_context(cafile=str(certificates.ca_file))
    with (
        socket.create_connection(("127.0.0.1", server.port), timeout=3) as raw,
        pytest.raises((ssl.SSLError, ConnectionError)),
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        tls.recv(4)  # TLS 1.3: the refusal arrives with the first read
        raise ConnectionError("the server sent a greeting without a client certificate")
    _wait_for(lambda: server.handshake_failures > failures)

    client = EppClient(config_for(server, certificates, cert_file="", key_file=""))
    with pytest.raises(RegistrarError) as refused:
        client.ensure_session()
    assert (refused.value.code, refused.value.retry_can_help) == ("tls_refused", False)
    assert "CERTIFICATE_REQUIRED" in refused.value.message


def test_a_client_certificate_of_an_unknown_ca_is_refused(server, certificates):
    client = EppClient(
        config_for(
            server,
            certificates,
            cert_file=str(certificates.stranger_cert),
            key_file=str(certificates.stranger_key),
        )
    )
    failures, logins = server.handshake_failures, server.logins
    with pytest.raises(RegistrarError) as refused:
        client.ensure_session()
    assert (refused.value.code, refused.value.retry_can_help) == ("tls_refused", False)
    assert "UNKNOWN_CA" in refused.value.message
    _wait_for(lambda: server.handshake_failures > failures)
    assert server.logins == logins  # no session was opened for it


def test_a_server_certificate_the_client_does_not_trust_is_refused(server, certificates):
    client = EppClient(config_for(server, certificates, ca_file=str(certificates.client_cert)))
    with pytest.raises(RegistrarError) as refused:
        client.ensure_session()
    assert (refused.value.code, refused.value.retry_can_help) == ("tls_untrusted", False)


def test_missing_certificate_files_are_a_configuration_error(server, certificates):
    client = EppClient(config_for(server, certificates, cert_file="/nonexistent/client.pem"))
    with pytest.raises(RegistrarError) as refused:
        client.ensure_session()
    assert (refused.value.code, refused.value.retry_can_help) == ("configuration", False)
    assert "/nonexistent/client.pem" in refused.value.message


# --- sessions, errors and timeouts ---------------------------------------------------------------


def test_login_with_a_wrong_password_fails_clearly(server, certificates):
    module = registrar_for(server, certificates, password="not-the-password")
    with pytest.raises(RegistrarError) as refused:
        module.info(f"{unique()}.test")
    error = refused.value
    assert (error.code, error.retry_can_help) == ("2200", False)
    assert error.message.startswith(f"The registry refused the login of '{LOGIN}'")
    assert "Authentication error" in error.message


def test_command_failed_2400_may_succeed_later_with_the_registrys_words(registrar, server):
    registrar.info(f"{unique()}.test")
    logins = server.logins
    server.fail_next(2400, "Registry database is busy")
    with pytest.raises(RegistrarError) as failed:
        registrar.info(f"{unique()}.test")
    assert (failed.value.code, failed.value.retry_can_help) == ("2400", True)
    assert "Command failed (Registry database is busy)" in failed.value.message
    assert registrar.info(f"{unique()}.test").registered is False
    assert server.logins == logins  # the session stayed open


def test_session_limit_2502_closes_and_the_next_call_reconnects(registrar, server, handles):
    created = new_domain(registrar, handles)
    logins = server.logins
    server.fail_next(2502)
    with pytest.raises(RegistrarError) as limited:
        registrar.info(created.name)
    assert (limited.value.code, limited.value.retry_can_help) == ("2502", True)
    assert "Session limit exceeded" in limited.value.message
    assert registrar.info(created.name).registered
    assert server.logins == logins + 1


def test_session_limit_at_login_is_temporary(server, certificates):
    module = registrar_for(server, certificates)
    try:
        server.fail_next(2502)
        with pytest.raises(RegistrarError) as limited:
            module.info(f"{unique()}.test")
        assert (limited.value.code, limited.value.retry_can_help) == ("2502", True)
        assert module.info(f"{unique()}.test").registered is False
    finally:
        module.close()


@pytest.mark.parametrize(
    ("code", "retry"),
    [
        (2302, False),
        (2303, False),
        (2201, False),
        (2304, False),
        (2306, False),
        (2400, True),
        (2500, True),
        (2501, True),
        (2502, True),
    ],
)
def test_result_codes_map_to_whether_a_retry_can_help(server, certificates, code, retry):
    client = EppClient(config_for(server, certificates))
    try:
        client.ensure_session()
        server.fail_next(code)
        outer = etree.Element(qn(EPP_NS, "info"))
        inner = etree.SubElement(outer, qn(DOMAIN_NS, "info"), nsmap={"domain": DOMAIN_NS})
        sub(inner, DOMAIN_NS, "name", "example.test")
        with pytest.raises(RegistrarError) as failed:
            client.execute(outer, cl_trid=fresh_cl_trid())
        assert (failed.value.code, failed.value.retry_can_help) == (str(code), retry)
        assert client.connected is (code not in {2500, 2501, 2502})
    finally:
        client.logout()


def test_a_timeout_may_succeed_later_and_the_retried_renewal_is_not_doubled__DOM_02(
    server, certificates, handles, registrar
):
    created = new_domain(registrar, handles)
    impatient = registrar_for(server, certificates, read_timeout=0.4)
    try:
        key = unique("op-renew-")
        server.stall_next(1.5, execute=True)  # the registry renews but answers too late
        with pytest.raises(RegistrarError) as late:
            impatient.renew(
                created.name, years=1, current_expiry=created.expires_on, operation_key=key
            )
        assert (late.value.code, late.value.retry_can_help) == ("timeout", True)

        retried = impatient.renew(
            created.name, years=1, current_expiry=created.expires_on, operation_key=key
        )
        assert retried.expires_on == add_years(created.expires_on, 1)
        assert len(server.commands("renew", created.name)) == 1
    finally:
        impatient.close()


def test_a_dropped_connection_may_succeed_later(registrar, server):
    registrar.info(f"{unique()}.test")
    server.drop_next()
    with pytest.raises(RegistrarError) as dropped:
        registrar.info(f"{unique()}.test")
    assert (dropped.value.code, dropped.value.retry_can_help) == ("connection_failed", True)
    assert registrar.info(f"{unique()}.test").registered is False


def test_connect_timeout_when_the_server_never_answers_the_handshake(certificates):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts TCP in the kernel, never speaks TLS
    try:
        config = EppConfig(
            host="127.0.0.1",
            port=silent.getsockname()[1],
            client_id=LOGIN,
            password=PASSWORD,
            cert_file=str(certificates.client_cert),
            key_file=str(certificates.client_key),
            ca_file=str(certificates.ca_file),
            connect_timeout=0.3,
            read_timeout=0.3,
        )
        with pytest.raises(RegistrarError) as late:
            EppClient(config).ensure_session()
        assert (late.value.code, late.value.retry_can_help) == ("timeout", True)
    finally:
        silent.close()


def test_no_server_listening_is_a_temporary_connection_failure(certificates):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = EppConfig(
        host="127.0.0.1",
        port=port,
        client_id=LOGIN,
        password=PASSWORD,
        cert_file=str(certificates.client_cert),
        key_file=str(certificates.client_key),
        connect_timeout=1,
    )
    with pytest.raises(RegistrarError) as failed:
        EppClient(config).ensure_session()
    assert (failed.value.code, failed.value.retry_can_help) == ("connection_failed", True)


def test_an_idle_session_says_hello_and_reopens_when_the_registry_closed_it(server, certificates):
    module = registrar_for(server, certificates, keepalive_seconds=0)
    try:
        module.info(f"{unique()}.test")
        hellos, logins = server.hellos, server.logins
        module.info(f"{unique()}.test")
        assert server.hellos == hellos + 1 and server.logins == logins

        server.close_connections()
        assert module.info(f"{unique()}.test").registered is False
        assert server.logins == logins + 1
    finally:
        module.close()


def test_the_operation_key_is_the_cltrid_within_epps_length_limit():
    assert cl_trid_for("renew:42:2026-05-01") == "renew:42:2026-05-01"
    long_key = "renewal-of-" + "very-long-domain-name-" * 5
    trid = cl_trid_for(long_key)
    assert len(trid) <= 64 and trid == cl_trid_for(long_key) != cl_trid_for(long_key + "x")


def test_epp_dates_are_read_as_the_registry_wrote_them():
    assert parse_epp_date("2027-04-03T22:00:00.0Z") == dt.date(2027, 4, 3)
    assert parse_epp_date("2017-09-20T00:00:00.000000+0200") == dt.date(2017, 9, 20)
    assert parse_epp_date("2017-09-20") == dt.date(2017, 9, 20)
    assert parse_epp_date("") is None


# --- settings ----------------------------------------------------------------------------------


def test_the_registrar_reads_provider_settings_and_the_password_from_the_environment__DOM_02(
    db, server, certificates, monkeypatch
):
    for key, value in (
        (conf.HOST, "127.0.0.1"),
        (conf.PORT, server.port),
        (conf.ZONES, " Test, EE ,test"),
        (conf.LOGIN_ID, LOGIN),
        (conf.CERT_FILE, str(certificates.client_cert)),
        (conf.KEY_FILE, str(certificates.client_key)),
        (conf.CA_FILE, str(certificates.ca_file)),
        (conf.READ_TIMEOUT_SECONDS, 5),
    ):
        provider_setting_change(key=key, raw_value=value)
    monkeypatch.setenv(conf.PASSWORD_ENV, PASSWORD)
    module = epp_registrar_from_settings()
    try:
        assert module.zones() == ("test", "ee")
        assert module.info(f"{unique()}.ee").registered is False

        monkeypatch.setenv(conf.PASSWORD_ENV, "wrong")
        provider_setting_change(key=conf.READ_TIMEOUT_SECONDS, raw_value=6)
        with pytest.raises(RegistrarError) as refused:  # new settings: a new session
            module.info(f"{unique()}.ee")
        assert refused.value.code == "2200"
    finally:
        module.close()


def _wait_for(condition, seconds: float = 3.0) -> None:
    done = threading.Event()
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        done.wait(0.02)
    raise AssertionError("the condition did not come true in time")
