"""Records are checked with dnspython before they are stored, each refusal naming the field
at fault (DOM-04)."""

from __future__ import annotations

import pytest

from hostledger.core.errors import DomainError
from hostledger.core.registry import provider_setting_change
from hostledger.dns.validation import (
    CleanRecord,
    check_zone_rules,
    clean_record,
    txt_presentation,
)

ZONE = "example.com"
pytestmark = pytest.mark.django_db


def clean(**fields):
    values = {"zone_name": ZONE, "name": "@", "ttl": None, "priority": None}
    values.update(fields)
    return clean_record(**values)


def refused(**fields) -> dict:
    with pytest.raises(DomainError) as caught:
        clean(**fields)
    assert caught.value.code == "invalid_record"
    return caught.value.fields


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("@", "@"),
        ("", "@"),
        ("www", "www"),
        ("WWW", "www"),
        ("www.example.com.", "www"),
        ("www.example.com", "www"),
        ("example.com.", "@"),
        ("_dmarc", "_dmarc"),
        ("selector1._domainkey", "selector1._domainkey"),
        ("*", "*"),
        ("*.dev", "*.dev"),
        ("bücher", "xn--bcher-kva"),
    ],
)
def test_a_name_is_kept_relative_to_the_zone_in_ascii__DOM_04(name, stored):
    assert clean(name=name, record_type="A", content="192.0.2.1").name == stored


@pytest.mark.parametrize(
    "name",
    ["www.other.org.", "-bad", "bad-", "a..b", "dev.*", "x" * 64, "has space", "a/b"],
)
def test_a_name_outside_the_zone_or_malformed_is_refused_on_name__DOM_04(name):
    assert set(refused(name=name, record_type="A", content="192.0.2.1")) == {"name"}


@pytest.mark.parametrize(
    ("record_type", "content", "priority", "stored"),
    [
        ("A", "192.0.2.1", None, "192.0.2.1"),
        ("AAAA", "2001:DB8::1", None, "2001:db8::1"),
        ("CNAME", "www", None, "www.example.com."),
        ("CNAME", "Target.Example.NET.", None, "target.example.net."),
        ("MX", "mail", 10, "mail.example.com."),
        ("MX", ".", 0, "."),
        ("SRV", "5 5060 sip.example.net.", 10, "5 5060 sip.example.net."),
        ("CAA", '0 issue "letsencrypt.org"', None, '0 issue "letsencrypt.org"'),
        ("CAA", '128 issuewild ";"', None, '128 issuewild ";"'),
        ("CAA", '0 iodef "mailto:security@example.com"', None, None),
        ("TXT", "v=spf1 mx -all", None, '"v=spf1 mx -all"'),
        ("TXT", '"already" "quoted"', None, '"already" "quoted"'),
        ("PTR", "host.example.net.", None, "host.example.net."),
    ],
)
def test_record_data_is_parsed_and_stored_canonically__DOM_04(
    record_type, content, priority, stored
):
    name = {"SRV": "_sip._tcp", "CNAME": "alias"}.get(record_type, "@")
    record = clean(name=name, record_type=record_type, content=content, priority=priority)
    assert record.content == (stored or content)
    assert record.priority == priority


@pytest.mark.parametrize(
    ("record_type", "content", "priority", "field"),
    [
        ("A", "192.0.2", None, "content"),
        ("A", "2001:db8::1", None, "content"),
        ("AAAA", "192.0.2.1", None, "content"),
        ("MX", "mail", None, "priority"),
        ("MX", "mail", 70000, "priority"),
        ("MX", "_mail.example.com.", 10, "content"),
        ("MX", "192.0.2.1", 10, "content"),
        ("CNAME", "192.0.2.1", None, "content"),
        ("MX", ".", 10, "content"),
        ("A", "192.0.2.1", 5, "priority"),
        ("SRV", "5 sip.example.net.", 10, "content"),
        ("SRV", "5 5060 _sip.example.net.", 10, "content"),
        ("CAA", '0 issue-x "letsencrypt.org"', None, "content"),
        ("CAA", '0 policy "x"', None, "content"),
        ("CAA", '7 issue "letsencrypt.org"', None, "content"),
        ("CAA", '0 issue "not a domain"', None, "content"),
        ("CAA", '0 iodef "ftp://example.com"', None, "content"),
        ("TXT", '"' + "a" * 300 + '"', None, "content"),
        ("NS", "_ns.example.net.", None, "content"),
        ("PTR", "under_score.example.", None, "content"),
        ("TXT", "", None, "content"),
        ("TXT", "line\nbreak", None, "content"),
        ("SPF", "v=spf1", None, "record_type"),
    ],
)
def test_bad_record_data_is_refused_naming_the_field__DOM_04(record_type, content, priority, field):
    name = "sub" if record_type == "NS" else ("_sip._tcp" if record_type == "SRV" else "@")
    assert field in refused(name=name, record_type=record_type, content=content, priority=priority)


def test_ttl_bounds_are_provider_settings__DOM_04():
    assert clean(record_type="A", content="192.0.2.1").ttl == 3600
    assert refused(record_type="A", content="192.0.2.1", ttl=59) == {
        "ttl": "Between 60 and 604800 seconds."
    }
    assert "ttl" in refused(record_type="A", content="192.0.2.1", ttl="soon")
    provider_setting_change(key="dns.ttl_minimum_seconds", raw_value=30)
    assert clean(record_type="A", content="192.0.2.1", ttl=30).ttl == 30


def test_several_faults_are_named_together__DOM_04():
    fields = refused(name="a..b", record_type="MX", content="mail", ttl=1, priority=None)
    assert set(fields) == {"name", "ttl", "priority"}


def test_apex_and_placement_rules__DOM_04():
    assert "name" in refused(name="@", record_type="CNAME", content="other.example.net.")
    assert "name" in refused(name="@", record_type="NS", content="ns1.example.net.")
    assert clean(name="sub", record_type="NS", content="ns1.example.net.").name == "sub"
    assert "name" in refused(
        name="sip", record_type="SRV", content="5 5060 sip.example.net.", priority=1
    )


def test_long_txt_text_is_split_into_strings_of_at_most_255_bytes__DOM_04():
    text = "é" * 200  # 400 bytes: the cut must not fall inside a character
    stored = clean(record_type="TXT", content=text).content
    strings = [part.strip('"') for part in stored.split('" "')]
    assert len(strings) == 2
    assert txt_presentation('say "hi"') == '"say \\"hi\\""'
    assert txt_presentation("x" * 510).count('"') == 4


def record(name, record_type, content, priority=None, ttl=3600):
    return CleanRecord(
        name=name, record_type=record_type, content=content, ttl=ttl, priority=priority
    )


def zone_refusal(new, others, count=None):
    with pytest.raises(DomainError) as caught:
        check_zone_rules(
            zone_name=ZONE,
            record=new,
            others=others,
            records_in_zone=count if count is not None else len(others) + 1,
        )
    return caught.value.fields


def test_a_cname_stands_alone_at_its_name__DOM_04():
    alias = record("shop", "CNAME", "www.example.com.")
    address = record("shop", "A", "192.0.2.1")
    assert "name" in zone_refusal(alias, [address])
    assert "name" in zone_refusal(address, [alias])
    assert "name" in zone_refusal(record("shop", "CNAME", "x.example.net."), [alias])
    check_zone_rules(
        zone_name=ZONE, record=alias, others=[record("www", "A", "192.0.2.1")], records_in_zone=2
    )


def test_mx_and_srv_must_not_point_at_an_alias__DOM_04():
    alias = record("mail", "CNAME", "mailhost.example.net.")
    assert "content" in zone_refusal(record("@", "MX", "mail.example.com.", 10), [alias])
    assert "content" in zone_refusal(
        record("_sip._tcp", "SRV", "5 5060 mail.example.com.", 1), [alias]
    )


def test_a_record_is_not_kept_twice_and_a_zone_has_a_limit__DOM_04():
    address = record("www", "A", "192.0.2.1")
    assert zone_refusal(address, [address]) == {"content": "The zone already has this record."}
    provider_setting_change(key="dns.records_per_zone", raw_value=2)
    assert "zone" in zone_refusal(record("a", "A", "192.0.2.2"), [address, address], count=3)
