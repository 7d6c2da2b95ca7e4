"""Fixtures of the end-to-end journeys: those of the web tests (published policies, users)."""

from tests.web.conftest import policies  # noqa: F401  (a fixture)
