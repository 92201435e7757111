"""Floqer keys at rest: Fernet encryption under a key derived from the app's secret."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
from collections import OrderedDict

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

MAX_OPENED = 256  # connections whose opened keys are kept


def _fernet(secret: str) -> Fernet:
    # Fernet wants 32 url-safe base64 bytes; the secret may be any long string.
    digest = hashlib.sha256(("floqer-key-box:" + secret).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _digest_key(secret: str) -> bytes:
    # A key of its own for the digests, apart from the one that encrypts.
    return hashlib.sha256(("floqer-key-digest:" + secret).encode()).digest()


class KeyBox:
    """Seals with the current secret; opens with it or any previous one (during a rotation).

    `digest` names a key without revealing it (HMAC-SHA256 under the secret), so the same
    key can be recognised when it is added twice; without the secret it cannot be tested
    against guessed keys. Under a rotation a key's digest changes with the secret:
    `digests` gives it under the current secret and every previous one.
    """

    def __init__(self, secret: str, previous: tuple[str, ...] = ()) -> None:
        self._fernet = MultiFernet([_fernet(secret), *(_fernet(p) for p in previous)])
        self._digest_keys = [_digest_key(secret), *(_digest_key(p) for p in previous)]
        # What open() gave for recent ciphertexts (a Fernet token is one key, always): every
        # warm fragment opens its connection's key, and decrypting was 5 % of its time. The
        # keys are no more exposed for it: this process holds the secret that opens them.
        self._opened: OrderedDict[bytes, str] = OrderedDict()
        self._lock = threading.Lock()

    def digest(self, api_key: str) -> str:
        """The key's digest under the current secret (64 hex characters)."""
        return _hmac(self._digest_keys[0], api_key)

    def digests(self, api_key: str) -> list[str]:
        """The key's digest under the current secret, then under each previous one."""
        return [_hmac(key, api_key) for key in self._digest_keys]

    def seal(self, api_key: str) -> bytes:
        return self._fernet.encrypt(api_key.encode())

    def open(self, ciphertext: bytes) -> str:
        with self._lock:
            opened = self._opened.get(ciphertext)
            if opened is not None:
                self._opened.move_to_end(ciphertext)
                return opened
        try:
            opened = self._fernet.decrypt(ciphertext).decode()
        except InvalidToken:
            raise KeyBoxError("a stored key cannot be decrypted with this secret key") from None
        with self._lock:
            self._opened[ciphertext] = opened
            while len(self._opened) > MAX_OPENED:
                self._opened.popitem(last=False)
        return opened

    def reseal(self, ciphertext: bytes) -> bytes:
        """The same key sealed under the current secret."""
        try:
            return self._fernet.rotate(ciphertext)
        except InvalidToken:
            raise KeyBoxError("a stored key cannot be decrypted with these secret keys") from None


def _hmac(key: bytes, api_key: str) -> str:
    return hmac.new(key, api_key.encode(), hashlib.sha256).hexdigest()


class KeyBoxError(Exception):
    pass


def key_hint(api_key: str) -> str:
    """What the app shows of a key: `floq_…` and its last four characters."""
    return f"floq_…{api_key[-4:]}"
