"""Opaque public ids for URLs and the API (habit 6: URLs never carry sequential keys)."""

import secrets

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case
_SHIFTS = tuple(range(75, -1, -5))  # sixteen 5-bit groups of an 80-bit number


def new_public_id(prefix: str) -> str:
    """``prefix`` + "_" + 16 random base32 characters (80 bits), for example ``pay_3k9...``."""
    bits = secrets.randbits(80)
    return prefix + "_" + "".join(_ALPHABET[(bits >> shift) & 31] for shift in _SHIFTS)
