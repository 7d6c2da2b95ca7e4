"""Schemathesis over the first half of the API's operations as an administrator with a token.

The generation, the real objects and the checks are in schemathesis_run.py.
"""

from __future__ import annotations

import pytest

from tests.api.schemathesis_run import staff_operations_conform

pytestmark = pytest.mark.long_running(160)


def test_the_first_half_of_the_operations_conforms_for_an_administrator__ACC_09(wsgi_app, client_a):
    """An administrator with a token (two-factor sign-in on, ACC-09), every other operation from
    the first."""
    staff_operations_conform(wsgi_app, client_a, half=0)
