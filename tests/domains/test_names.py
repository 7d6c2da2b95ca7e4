"""Domain names (DOM-01): the label rule, proven against a plain statement of it on generated
labels, internationalised names through UTS-46 kept in both forms, and the zone rules
(DOM-03) applied to names to register."""

from __future__ import annotations

import string

import idna
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from hostledger.core.errors import DomainError
from hostledger.domains.models import ZoneRule
from hostledger.domains.names import label_problem, parse_name, registrable_problem
from hostledger.domains.selectors import zone_periods, zone_rule_for

LATIN_OR_DIGIT = string.ascii_lowercase + string.digits
LABEL_CHARACTERS = LATIN_OR_DIGIT + "-"


def follows_the_rule(label: str) -> bool:
    """The rule of seed 003 in plain terms: 1 to 63 characters, a Latin letter or digit at
    both ends, letters, digits and hyphens inside, and no "--" at the third and fourth places
    (reserved for xn--, which these labels never start with)."""
    return (
        1 <= len(label) <= 63
        and label[0] in LATIN_OR_DIGIT
        and label[-1] in LATIN_OR_DIGIT
        and all(char in LABEL_CHARACTERS for char in label)
        and label[2:4] != "--"
    )


@given(st.text(alphabet=LABEL_CHARACTERS + "_.!é ", min_size=0, max_size=70))
@example("a")
@example("-a")
@example("a-")
@example("ab--c")
@example("a" * 63)
@example("a" * 64)
def test_a_label_follows_the_rule_exactly__DOM_01(label):
    assume(not label.startswith("xn--"))
    assert (label_problem(label) == "") == follows_the_rule(label)


@given(st.lists(st.text(alphabet=LATIN_OR_DIGIT, min_size=1, max_size=20), min_size=2, max_size=5))
def test_a_name_of_good_labels_is_kept_lower_case_without_the_final_dot__DOM_01(labels):
    assume(not labels[-1].isdigit())
    name = ".".join(labels)
    parsed = parse_name(name.upper() + ".")
    assert parsed.ascii == name
    assert parsed.unicode == name


@given(st.lists(st.sampled_from(["a" * 63, "b" * 63, "c" * 61, "d"]), min_size=4, max_size=6))
def test_a_name_longer_than_253_octets_is_refused__DOM_01(labels):
    name = ".".join(labels)
    if len(name) <= 253:
        assert parse_name(name).ascii == name
    else:
        with pytest.raises(DomainError) as refused:
            parse_name(name)
        assert "253" in refused.value.fields["host_name"]


UNICODE_LABELS = st.text(alphabet="abcõäöüšžяжфэüßé0123456789", min_size=1, max_size=15)


@given(UNICODE_LABELS)
def test_an_internationalised_name_is_stored_in_both_forms_and_round_trips__DOM_01(label):
    text = f"{label}.ee"
    try:
        expected = idna.encode(text, uts46=True).decode("ascii")
    except idna.IDNAError:
        with pytest.raises(DomainError):
            parse_name(text)
        return
    parsed = parse_name(text)
    assert parsed.ascii == expected
    assert parsed.ascii.isascii()
    assert parse_name(parsed.ascii) == parsed  # the punycode form gives the same name
    assert parsed.unicode == idna.decode(expected)


def test_unicode_is_mapped_by_uts46_and_kept_in_both_forms__DOM_01():
    parsed = parse_name("Õun.EE")
    assert parsed.ascii == "xn--un-bka.ee"
    assert parsed.unicode == "õun.ee"
    assert parsed.is_internationalised


@pytest.mark.parametrize(
    "name, problem",
    [
        ("", "Enter a domain name"),
        ("-shop.ee", "starts and ends"),
        ("shop-.ee", "starts and ends"),
        ("sh_op.ee", "starts and ends"),
        ("sh--op.ee", "reserved"),
        ("xn--zz.ee", "not a valid internationalised"),
        ("shop..ee", "no empty labels"),
        ("ee", "whole name"),
        ("shop.123", "not a number"),
        (12, "Enter a domain name"),
    ],
)
def test_bad_names_are_refused_naming_the_field__DOM_01(name, problem):
    with pytest.raises(DomainError) as refused:
        parse_name(name)
    assert problem in refused.value.fields["host_name"]


def test_the_field_named_is_the_callers():
    with pytest.raises(DomainError) as refused:
        parse_name("-x.ee", field="name")
    assert set(refused.value.fields) == {"name"}


# Zone rules (DOM-03) ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_zone_rules_of_ee_ru_and_su_are_seeded_as_data__DOM_03():
    rules = {rule.zone: rule for rule in ZoneRule.objects.all()}
    assert {"ee", "ru", "su", "com"} <= set(rules)
    assert rules["ee"].admin_idents == [
        {"type": "priv", "country": "EE"},
        {"type": "org", "country": "EE"},
    ]
    assert rules["ru"].max_years == 1 and not rules["ru"].idn_allowed
    assert rules["su"].min_label_length == 2
    assert rules["com"].admin_idents == []


@pytest.mark.django_db
def test_names_to_register_follow_their_zone_rule__DOM_03():
    ee = zone_rule_for(parse_name("õun.ee"))
    ru = zone_rule_for(parse_name("shop.ru"))
    assert ee.zone == "ee" and ru.zone == "ru"
    assert registrable_problem(parse_name("õun.ee"), ee) == ""
    assert "no internationalised" in registrable_problem(parse_name("xn--80ak6aa92e.ru"), ru)
    assert "2 to 63" in registrable_problem(parse_name("a.ru"), ru)
    assert "without further labels" in registrable_problem(parse_name("www.shop.ee"), ee)
    assert zone_rule_for(parse_name("shop.example")) is None


@pytest.mark.django_db
def test_a_more_specific_zone_wins(db):
    ZoneRule.objects.create(zone="com.ee", registrar_name="local")
    assert zone_rule_for(parse_name("shop.com.ee")).zone == "com.ee"


@pytest.mark.django_db
def test_periods_are_offered_only_where_the_registry_sells_years__DOM_03():
    ee = ZoneRule.objects.get(zone="ee")
    ru = ZoneRule.objects.get(zone="ru")
    offered = (1, 3, 6, 12, 24, 36)
    assert zone_periods(ee, offered) == (12, 24, 36)
    assert zone_periods(ru, offered) == (12,)
    ee.sells_years = False
    assert zone_periods(ee, offered) == offered
