"""Salesforce-style record ids: 15 case-sensitive characters plus the 3-character checksum.

The suffix makes the 18-character id case-insensitive: for each 5-character chunk, a bit
per upper-case letter, mapped onto A-Z0-5.
https://help.salesforce.com/s/articleView?id=000385008&type=1
"""

from __future__ import annotations

import string

_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_SUFFIX = string.ascii_uppercase + "012345"
_POD = "5g"


def checksum(id15: str) -> str:
    suffix = ""
    for chunk in (id15[0:5], id15[5:10], id15[10:15]):
        bits = sum(1 << i for i, ch in enumerate(chunk) if "A" <= ch <= "Z")
        suffix += _SUFFIX[bits]
    return suffix


def make_id(key_prefix: str, number: int) -> str:
    """The 18-character id of the `number`-th record of the object with `key_prefix`."""
    if len(key_prefix) != 3:
        raise ValueError(f"key prefix must be 3 characters: {key_prefix!r}")
    digits = ""
    n = number
    for _ in range(9):
        n, rem = divmod(n, 62)
        digits = _BASE62[rem] + digits
    id15 = key_prefix + _POD + "0" + digits
    return id15 + checksum(id15)


def is_valid_id(value: str) -> bool:
    """True for a well-formed 15- or 18-character id (checksum verified on 18)."""
    if len(value) not in (15, 18) or not value.isalnum() or not value.isascii():
        return False
    return len(value) == 15 or checksum(value[:15]) == value[15:]
