import pytest

from tests.web.conftest import (  # noqa: F401  (fixtures)
    client_a,
    client_b,
    contact_a,
    grant_a,
    owner_a,
    owner_b,
    payer_a,
    policies,
    readonly_user,
    staff,
)


@pytest.fixture(autouse=True)
def exports_in_tmp(settings, tmp_path):
    """Export files of each test go to a folder of its own."""
    settings.VAR_DIR = tmp_path
    return tmp_path
