"""Opaque public ids for URLs and the API (habit 6: URLs never carry sequential keys)."""

import secrets

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case


def new_public_id(prefix: str) -> str:
    """``prefix`` + "_" + 16 random base32 characters (80 bits), for example ``pay_3k9...``."""
    return prefix + "_" + "".join(secrets.choice(_ALPHABET) for _ in range(16))
