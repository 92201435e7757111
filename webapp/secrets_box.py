"""Floqer keys at rest: Fernet encryption under a key derived from the app's secret."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


def _fernet(secret: str) -> Fernet:
    # Fernet wants 32 url-safe base64 bytes; the secret may be any long string.
    digest = hashlib.sha256(("floqer-key-box:" + secret).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class KeyBox:
    """Seals with the current secret; opens with it or any previous one (during a rotation)."""

    def __init__(self, secret: str, previous: tuple[str, ...] = ()) -> None:
        self._fernet = MultiFernet([_fernet(secret), *(_fernet(p) for p in previous)])

    def seal(self, api_key: str) -> bytes:
        return self._fernet.encrypt(api_key.encode())

    def open(self, ciphertext: bytes) -> str:
        try:
            return self._fernet.decrypt(ciphertext).decode()
        except InvalidToken:
            raise KeyBoxError("a stored key cannot be decrypted with this secret key") from None

    def reseal(self, ciphertext: bytes) -> bytes:
        """The same key sealed under the current secret."""
        try:
            return self._fernet.rotate(ciphertext)
        except InvalidToken:
            raise KeyBoxError("a stored key cannot be decrypted with these secret keys") from None


class KeyBoxError(Exception):
    pass


def key_hint(api_key: str) -> str:
    """What the app shows of a key: `floq_…` and its last four characters."""
    return f"floq_…{api_key[-4:]}"
