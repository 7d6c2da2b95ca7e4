"""Fixtures of the privacy tests: published policies, clients and staff of the web tests, and
services placed through the real order action (tests/notifications/conftest.py)."""

from tests.notifications.conftest import make_service, shop  # noqa: F401  (fixtures)
from tests.web.conftest import (  # noqa: F401  (fixtures)
    client_a,
    client_b,
    owner_a,
    owner_b,
    policies,
    staff,
)
