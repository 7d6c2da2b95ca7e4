"""HostLedger's ``epp`` registrar configured, through provider settings and the environment,
to reach the EPP test server of :mod:`tests.domains.epp_server`, which sells ``.test``."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from hostledger.core.registry import provider_setting_change
from hostledger.domains.models import ZoneRule
from hostledger.domains.registrars.epp import conf as epp_conf
from hostledger.domains.registrars.epp import epp_registrar
from tests.domains.epp_server import EppTestServer, make_certificates


@pytest.fixture(scope="session")
def epp_certificates():
    """Throwaway certificates, made once per session with the real clock (TLS checks their
    validity against the system's time, whatever a test's frozen clock says)."""
    with tempfile.TemporaryDirectory(prefix="epp-certs-") as directory:
        yield make_certificates(Path(directory))


@pytest.fixture
def epp_registry(monkeypatch, epp_certificates):
    """The EPP test server selling .test; the .test zone is sold through the epp registrar;
    the domain family runs on the registrar module."""
    certificates = epp_certificates
    server = EppTestServer(certificates, zones=("test",)).start()
    try:
        monkeypatch.setenv(epp_conf.PASSWORD_ENV, "s3cret-Pass")
        for key, value in (
            (epp_conf.HOST, "127.0.0.1"),
            (epp_conf.PORT, server.port),
            (epp_conf.ZONES, "test"),
            (epp_conf.LOGIN_ID, "hl-registrar"),
            (epp_conf.CERT_FILE, str(certificates.client_cert)),
            (epp_conf.KEY_FILE, str(certificates.client_key)),
            (epp_conf.CA_FILE, str(certificates.ca_file)),
        ):
            provider_setting_change(key=key, raw_value=value)
        provider_setting_change(key="provisioning.family_modules", raw_value="domain=registrar")
        ZoneRule.objects.update_or_create(
            zone="test", defaults={"registrar_name": "epp", "is_active": True}
        )
        yield server
    finally:
        epp_registrar.close()
        server.stop()
