"""Schemathesis over the second half of the API's operations as a client with a read+write token.

The generation, the real objects and the checks are in schemathesis_run.py.
"""

from __future__ import annotations

import pytest

from tests.api.schemathesis_run import client_operations_conform

pytestmark = pytest.mark.long_running(200)


def test_the_second_half_of_the_operations_conforms_for_a_client_with_a_token(
    wsgi_app, client_a, trusted_reader
):
    """A client with a read+write token, every other operation from the second."""
    client_operations_conform(wsgi_app, client_a, half=1)
