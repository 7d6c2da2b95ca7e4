"""tests/write_detection.py sees every kept write and nothing else, so the authorization
matrices that rely on it to prove "a refused request changed nothing" can fail."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.utils import timezone

from hostledger.accounts.models import ApiToken, User
from hostledger.privacy.models import PolicyDocument
from tests.api.conftest import make_client_user, make_token, publish_policies
from tests.write_detection import recorded_writes


def test_a_write_to_any_table_is_seen(db):
    """Every table of the database, business or not: one DELETE each, all of them seen."""
    tables = connection.introspection.table_names(include_views=False)
    assert len(tables) > 50
    for table in tables:
        with recorded_writes() as writes, connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)} WHERE 1 = 0")
        assert len(writes.kept) == 1 and table in writes.kept[0], table


def test_rows_made_changed_and_deleted_through_the_orm_are_seen(db):
    with recorded_writes() as writes:
        policies = publish_policies()
    assert any(
        "INSERT" in write and PolicyDocument._meta.db_table in write for write in writes.kept
    )

    with recorded_writes() as writes:
        PolicyDocument.objects.filter(pk=policies["terms"].pk).update(title="Changed")
    assert len(writes.kept) == 1 and writes.kept[0].startswith("UPDATE")

    user = make_client_user("mari@example.com")
    with recorded_writes() as writes:
        user.save()
    assert len(writes.kept) == 1 and User._meta.db_table in writes.kept[0]

    with recorded_writes() as writes:
        ApiToken.objects.filter(user=user).delete()
        User.objects.filter(email="nobody@example.com").delete()
    assert writes.kept != []


def test_nothing_is_reported_when_nothing_is_written(db):
    publish_policies()
    with recorded_writes() as writes:
        list(PolicyDocument.objects.all())
        with transaction.atomic():
            list(PolicyDocument.objects.select_for_update())
    assert writes.kept == []


def test_writes_undone_by_a_rolled_back_savepoint_are_not_reported(db):
    publish_policies()
    with recorded_writes() as writes, pytest.raises(RuntimeError), transaction.atomic():
        PolicyDocument.objects.update(title="Gone")
        with transaction.atomic():
            PolicyDocument.objects.update(title="Gone too")
        raise RuntimeError
    assert writes.kept == []


def test_writes_kept_beside_an_undone_savepoint_are_reported(db):
    publish_policies()
    with recorded_writes() as writes, transaction.atomic():
        PolicyDocument.objects.update(title="Kept")
        with pytest.raises(RuntimeError), transaction.atomic():
            PolicyDocument.objects.update(title="Undone")
            raise RuntimeError
        with transaction.atomic():
            PolicyDocument.objects.update(title="Kept too")
    assert [write.split(" SET ")[1][:9] for write in writes.kept] == ['"title" =', '"title" =']


def test_bookkeeping_updates_alone_are_not_reported_but_anything_beside_them_is(db, policies):
    user = make_client_user("mari@example.com")
    make_token(user)
    now = timezone.now()
    with recorded_writes() as writes:
        user.last_login = now
        user.save(update_fields=["last_login"])
        ApiToken.objects.filter(user=user).update(last_used_at=now)
    assert writes.kept == []

    with recorded_writes() as writes:
        user.save(update_fields=["last_login", "email"])
        ApiToken.objects.filter(user=user).update(last_used_at=now, revoked_at=now)
    assert len(writes.kept) == 2


@pytest.fixture
def policies(db):
    return publish_policies()
