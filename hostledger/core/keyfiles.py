"""Secrets kept in files under the var/ folder when they are not given in the environment.

Each secret is created once, atomically, readable only by its owner (mode 0600), so that two
processes starting together agree on one value. Nothing here derives one key from another.
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable
from pathlib import Path


def read_or_create_secret(
    directory: Path, name: str, *, length: int = 32, generate: Callable[[], str] | None = None
) -> str:
    """Return the secret stored in ``directory/name``, creating it with mode 0600 if missing.

    ``generate`` makes the value when the file is new; by default a random URL-safe string of
    ``length`` bytes.
    """
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_when_written(path)
    value = generate() if generate else secrets.token_urlsafe(length)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(value + "\n")
    return value


def _read_when_written(path: Path) -> str:
    """Read a secret another process may be writing this very moment."""
    import time

    for _ in range(50):
        value = path.read_text().strip()
        if value:
            return value
        time.sleep(0.02)
    raise RuntimeError(f"The secret file {path} is empty; delete it to have a new one made.")


def new_fernet_key() -> str:
    """A new key for the personal-data field encryption (GDPR-11)."""
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def new_backup_key() -> str:
    """A new key for the encryption of backups (GDPR-14): 32 random bytes, URL-safe base64."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
