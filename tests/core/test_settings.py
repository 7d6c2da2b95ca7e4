"""The settings read from HOSTLEDGER_* variables: production passes Django's deployment
checks, and secrets not given are generated once into the var folder, readable only by the
owner."""

from __future__ import annotations

import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GENERATED_SECRETS = ("secret_key", "field_encryption_key", "blind_index_key", "audit_chain_key")


def python(*arguments: str, var_dir: Path, **variables: str) -> subprocess.CompletedProcess:
    """Run Python in a fresh process with only the given HOSTLEDGER_* variables."""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("HOSTLEDGER_")
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment["HOSTLEDGER_VAR_DIR"] = str(var_dir)
    environment.update({f"HOSTLEDGER_{name}": value for name, value in variables.items()})
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def manage(*arguments: str, var_dir: Path, **variables: str) -> subprocess.CompletedProcess:
    """Run ``manage.py`` in a fresh process with only the given HOSTLEDGER_* variables."""
    return python(str(REPO / "manage.py"), *arguments, var_dir=var_dir, **variables)


def load_settings(var_dir: Path, **variables: str) -> subprocess.CompletedProcess:
    """Import the settings module in a fresh process (this is when secrets are made)."""
    return python("-c", "import config.settings", var_dir=var_dir, **variables)


def production_variables() -> dict[str, str]:
    return {
        "PRODUCTION": "1",
        "SECRET_KEY": secrets.token_urlsafe(60)[:60],
        "ALLOWED_HOSTS": "billing.example.com",
    }


def test_production_settings_pass_the_deployment_checks(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", var_dir=tmp_path, **production_variables()
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_development_settings_do_not_pass_the_deployment_checks(tmp_path):
    """The check above can fail: without HOSTLEDGER_PRODUCTION the HTTPS settings are off."""
    variables = production_variables()
    del variables["PRODUCTION"]
    result = manage("check", "--deploy", "--fail-level", "WARNING", var_dir=tmp_path, **variables)
    assert result.returncode != 0
    assert "security.W004" in result.stderr  # SECURE_HSTS_SECONDS not set


def test_secrets_not_given_are_generated_once_with_mode_0600(tmp_path):
    first = load_settings(tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr

    values = {}
    for name in GENERATED_SECRETS:
        path = tmp_path / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
        values[name] = path.read_text().strip()
        assert len(values[name]) >= 32, name
    assert len(set(values.values())) == len(GENERATED_SECRETS)

    second = load_settings(tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert {name: (tmp_path / name).read_text().strip() for name in GENERATED_SECRETS} == values


def test_a_secret_given_in_the_environment_is_not_written_to_disk(tmp_path):
    result = load_settings(tmp_path, **production_variables())
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (tmp_path / "secret_key").exists()
    assert (tmp_path / "field_encryption_key").exists()
