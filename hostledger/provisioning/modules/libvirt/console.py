"""Console links of libvirt servers: a signed, short-lived token for a websocket-to-VNC proxy.

libvirt gives a running domain a VNC display on the hypervisor host; a browser cannot open
VNC itself. The provider runs noVNC behind websockify with its JWT token plug-in::

    websockify --token-plugin JWTTokenApi --token-source /etc/hostledger/console.key \\
        --web /usr/share/novnc 127.0.0.1:6080

and publishes it under the address of the setting ``libvirt.console_url``. The token is a
JSON Web Token (HS256) naming the VNC host and port and when it expires; websockify checks
its signature with the key file (the same base64url value as the environment variable
``HOSTLEDGER_LIBVIRT_CONSOLE_KEY``) and its ``exp``, then connects the browser to that
display. The token is not single-use: websockify keeps no record of tokens used, so the link
works for anyone holding it until it expires — keep ``libvirt.console_link_minutes`` short.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from datetime import datetime

from hostledger.provisioning.modules.interface import ModuleError
from hostledger.provisioning.modules.libvirt import conf


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def console_key() -> bytes:
    """The signing key from ``HOSTLEDGER_LIBVIRT_CONSOLE_KEY`` (base64url, at least 32 bytes)."""
    raw = os.environ.get(conf.CONSOLE_KEY_ENVIRONMENT, "").strip()
    try:
        key = _b64url_decode(raw) if raw else b""
    except (binascii.Error, ValueError):
        key = b""
    if len(key) < 32:
        raise ModuleError(
            f"Console links need {conf.CONSOLE_KEY_ENVIRONMENT}: a base64url key of at least "
            "32 bytes, the same as in the console proxy's key file.",
            retry_can_help=False,
            code="console_not_configured",
        )
    return key


def console_token(*, host: str, port: int, expires_at: datetime, key: bytes) -> str:
    """A JWT (HS256) that websockify's ``JWTTokenApi`` plug-in accepts until ``expires_at``."""
    header = {"alg": "HS256", "typ": "JWT"}
    claims = {
        "host": host,
        "port": port,
        "exp": int(expires_at.timestamp()),
        "jti": secrets.token_urlsafe(12),
    }
    signing_input = ".".join(
        _b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
    )
    signature = hmac.new(key, signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{_b64url(signature)}"
