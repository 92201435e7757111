"""CSRF tokens as pages carry them: masked afresh in every answer.

Pages are sent compressed, and a compressed page that holds a secret next to text an
attacker can choose leaks the secret through its size (BREACH). So the token is never
written as is: each page gets `m.` + base64url(pad + (pad XOR token)) with a fresh random
pad, and the server unmasks what comes back. The bare token is still accepted (it is the
same secret; clients that hold it, such as scripts and tests, send it as is).
"""

from __future__ import annotations

import base64
import binascii
import secrets

PREFIX = "m."
MAX_TOKEN = 256  # a session's token is 43 characters; anything far longer is not one


def mask(token: str) -> str:
    raw = token.encode()
    pad = secrets.token_bytes(len(raw))
    mixed = bytes(a ^ b for a, b in zip(pad, raw, strict=True))
    return PREFIX + base64.urlsafe_b64encode(pad + mixed).decode().rstrip("=")


def unmask(presented: str) -> str:
    """The token a masked value stands for; anything else as it came (compared as such)."""
    if not presented.startswith(PREFIX) or len(presented) > 4 * MAX_TOKEN:
        return presented
    text = presented[len(PREFIX) :]
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return presented
    half = len(data) // 2
    if len(data) % 2 or not half:
        return presented
    pad, mixed = data[:half], data[half:]
    try:
        return bytes(a ^ b for a, b in zip(pad, mixed, strict=True)).decode()
    except UnicodeDecodeError:
        return presented
