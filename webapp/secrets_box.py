"""Floqer keys at rest: Fernet encryption under a key derived from the app's secret."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken


class KeyBox:
    def __init__(self, secret: str) -> None:
        # Fernet wants 32 url-safe base64 bytes; the secret may be any long string.
        digest = hashlib.sha256(("floqer-key-box:" + secret).encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def seal(self, api_key: str) -> bytes:
        return self._fernet.encrypt(api_key.encode())

    def open(self, ciphertext: bytes) -> str:
        try:
            return self._fernet.decrypt(ciphertext).decode()
        except InvalidToken:
            raise KeyBoxError("a stored key cannot be decrypted with this secret key") from None


class KeyBoxError(Exception):
    pass


def key_hint(api_key: str) -> str:
    """What the app shows of a key: `floq_…` and its last four characters."""
    return f"floq_…{api_key[-4:]}"
