"""The API authorization matrix of test_authorization_matrix.py, called with API tokens.

The same table, actors and checks as the session half, in a file of its own so that the two
halves run side by side (each builds its world once).
"""

from __future__ import annotations

import pytest

from tests.api.test_authorization_matrix import built_world, cases, check_case, world

pytestmark = pytest.mark.long_running(320)

__all__ = ["built_world", "world"]


@pytest.mark.parametrize(("method", "path", "actor", "expected", "by"), cases("token"))
def test_authorization_matrix_by_token__ACC_06_ACC_09_ACC_11(
    world, method, path, actor, expected, by
):
    """ACC-06 (trusted access), ACC-09 (staff with two-factor), ACC-11 (staff roles); another
    client's object is a 404 (habit 6); a refused call changes nothing. Called with a token
    of the actor (read+write), never a session."""
    check_case(world, method, path, actor, expected, by)
