"""Personal values stay out of the audit chain; IP addresses of sign-in attempts and policy
acceptances are encrypted (GDPR-04, GDPR-11, GDPR-12; issue 19 items 3 and 4)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection

from hostledger.accounts.actions.signin import login_attempt_record
from hostledger.accounts.models import Client, LoginAttempt, User
from hostledger.core.audit import (
    GENESIS_HASH,
    audit_actor_label,
    audit_ip_address,
    compute_chain_hash,
    record_audit_event,
    verify_audit_chain,
)
from hostledger.core.models import AuditChainHead, AuditEvent
from hostledger.core.personal_data import Retention, personal_fields
from hostledger.core.subject_keys import key_id_of, subject_key, user_subject
from hostledger.privacy.models import PolicyAcceptance, PolicyDocument
from hostledger.privacy.policies import policy_accept, policy_publish

pytestmark = pytest.mark.django_db


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _raw(table: str, column: str) -> list:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_quoted(column)} FROM {_quoted(table)} ORDER BY {_quoted('id')}")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.parametrize(
    "data",
    [
        {"email": "mari@example.com"},
        {"changes": {"first_name": "Mari"}},
        {"items": [{"ip_address": "192.0.2.1"}]},
        {"new_phone": "+372 5555 1234"},
        {"iban": "EE382200221020145685"},
    ],
)
def test_audit_data_with_personal_values_is_refused__GDPR_12(data):
    with pytest.raises(ValueError, match="nor personal values"):
        record_audit_event(action="client.updated", data=data)
    assert AuditEvent.objects.count() == 0


def test_events_written_before_keep_verifying_next_to_new_ones__GDPR_12():
    """An event of hash version 1 (e-mail and IP in clear in the hashed content), as stored
    before this version, still verifies; the events after it are version 2."""
    occurred_at = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    old = {
        "sequence": 1,
        "occurred_at": occurred_at,
        "actor_id": None,
        "actor_label": "old@example.com",
        "action": "client.updated",
        "object_type": "accounts.Client",
        "object_id": "cli_old",
        "subject_client_id": None,
        "ip_address": "192.0.2.10",
        "request_id": "req-old",
        "data": {"fields": ["city"]},
    }
    chain_hash = compute_chain_hash(previous_hash=GENESIS_HASH, **old)
    AuditEvent.objects.create(**old, previous_hash=GENESIS_HASH, chain_hash=chain_hash)
    AuditChainHead.objects.create(pk=1, last_sequence=1, last_hash=chain_hash)
    user = User.objects.create_user("new@example.com", None)
    event = record_audit_event(action="client.updated", actor=user, ip_address="192.0.2.11")
    assert AuditEvent.objects.get(sequence=1).hash_version == 1
    assert (event.sequence, event.hash_version) == (2, 2)
    assert verify_audit_chain() == []
    assert audit_actor_label(AuditEvent.objects.get(sequence=1)) == "old@example.com"
    assert audit_ip_address(AuditEvent.objects.get(sequence=2)) == "192.0.2.11"


def test_edited_token_is_detected_by_the_chain__GDPR_12():
    user = User.objects.create_user("mari@example.com", None)
    for number in range(3):
        record_audit_event(action="client.updated", actor=user, ip_address=f"192.0.2.{number}")
    forged = AuditEvent.objects.get(sequence=1).ip_address_token
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_quoted(AuditEvent._meta.db_table)} SET {_quoted('ip_address_token')} = %s "
            f"WHERE {_quoted('sequence')} = 2",
            [forged],
        )
    problems = verify_audit_chain()
    assert len(problems) == 1 and problems[0].startswith("Event #2 ")


def test_ip_addresses_of_sign_ins_and_acceptances_are_encrypted_under_the_person__GDPR_11():
    owner = User.objects.create_user("mari@example.com", None)
    Client.objects.create(owner=owner, kind="natural", first_name="Mari", country="EE")
    attempt = login_attempt_record(
        identifier="mari@example.com", user=owner, ip_address="198.51.100.61", succeeded=True
    )
    document = policy_publish(kind="terms", version="1.0", title="Terms", body="The terms.")
    acceptance = policy_accept(user=owner, document=document, ip_address="2001:db8::61")
    stored_attempt = _raw(LoginAttempt._meta.db_table, "ip_address")[0]
    stored_acceptance = _raw(PolicyAcceptance._meta.db_table, "ip_address")[0]
    owner_key = subject_key(user_subject(owner.pk))[0]
    assert key_id_of(stored_attempt) == owner_key and "198.51" not in stored_attempt
    assert key_id_of(stored_acceptance) == owner_key and "2001" not in stored_acceptance
    assert LoginAttempt.objects.get(pk=attempt.pk).ip_address == "198.51.100.61"
    assert PolicyAcceptance.objects.get(pk=acceptance.pk).ip_address == "2001:db8::61"
    assert isinstance(document, PolicyDocument)
    # Declared with their retention rules, applied by the retention job.
    login_ip = personal_fields("accounts.LoginAttempt")["ip_address"]
    acceptance_ip = personal_fields("privacy.PolicyAcceptance")["ip_address"]
    assert (login_ip.encrypted, login_ip.retention) == (True, Retention.ACCESS_LOGS)
    assert (acceptance_ip.encrypted, acceptance_ip.retention) == (True, Retention.CONSENT_RECORDS)
