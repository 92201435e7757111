"""Facts derived from an options list, computed once per list the metadata cache holds.

The cache hands out the same list object for as long as it keeps an answer, and never
changes it, so what is derived from it (the fields' guide JSON, the required fields, the
index of an org's object names) can be kept with it: for a 900-field object each costs
milliseconds per request otherwise. Bounded; each entry keeps its list, so an id is never
mistaken for another list's.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


class PerList:
    def __init__(self, size: int = 64) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[int, str], tuple[Sequence[Any], Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, options: Sequence[Any], what: str, compute: Callable[[], T]) -> T:
        key = (id(options), what)
        with self.lock:
            hit = self.entries.get(key)
            if hit is not None and hit[0] is options:
                self.entries.move_to_end(key)
                value: T = hit[1]
                return value
        value = compute()
        with self.lock:
            self.entries[key] = (options, value)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return value


per_list = PerList()
