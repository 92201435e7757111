"""Warm fragments rendered once: the fields part of a 900-field object, as HTML and gzipped.

A warm fields part is the same bytes for everyone who opens the same saved configuration
while the org's field list is the same cached list: rendering it (900 fields' guide, the
rows, the External ID choices) and compressing it again for each request was most of its
server time. Each entry is kept with the very list objects its HTML was made from and is
used only while the metadata cache still hands out those same objects (identity, not
equality: a refresh or a change of the org makes new lists, so a kept page can never outlive
the metadata it shows). Everything else the HTML shows is in the key. Bounded by bytes; a
part with anything passing in it (a Floqer failure, a push's problems, a notice) is never
kept.
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

MIN_GZIP = 1024  # as the app's GZipMiddleware: smaller answers leave as they are
GZIP_LEVEL = 3  # as the app's GZipMiddleware


@dataclass(frozen=True)
class Rendered:
    lists: tuple[Sequence[Any], ...]  # the cached lists the HTML was made from (kept alive)
    body: bytes
    gzipped: bytes | None  # None when too small to be worth it

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"")


class RenderedParts:
    """A byte-bounded LRU of rendered fragments, keyed by what they show."""

    def __init__(self, max_bytes: int = 8 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self.entries: OrderedDict[tuple[tuple[int, ...], Hashable], Rendered] = OrderedDict()
        self.lock = threading.Lock()

    def get(
        self, lists: tuple[Sequence[Any], ...], key: Hashable, build: Callable[[], bytes]
    ) -> Rendered:
        """The fragment for `key` made from these very `lists`, built (and kept) if need be."""
        full = (tuple(id(each) for each in lists), key)
        with self.lock:
            hit = self.entries.get(full)
            if hit is not None and all(a is b for a, b in zip(hit.lists, lists, strict=True)):
                self.entries.move_to_end(full)
                return hit
        body = build()
        gzipped = gzip.compress(body, GZIP_LEVEL, mtime=0) if len(body) >= MIN_GZIP else None
        made = Rendered(lists, body, gzipped)
        if made.size > self.max_bytes // 4:
            return made  # one part may not crowd out all the others
        with self.lock:
            old = self.entries.pop(full, None)
            self.bytes -= old.size if old else 0
            self.entries[full] = made
            self.bytes += made.size
            while self.bytes > self.max_bytes:
                _, dropped = self.entries.popitem(last=False)
                self.bytes -= dropped.size
        return made

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.bytes = 0


def hashable(key: Any) -> bool:
    try:
        hash(key)
    except TypeError:  # a row keeps a value Floqer sent that is a list or an object
        return False
    return True


def respond(request: Request, rendered: Rendered) -> Response:
    """`rendered` as the app's GZipMiddleware would have sent it: it lets a body that is
    already encoded pass untouched, and marks the others `Vary` itself."""
    if rendered.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
        headers = {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
        return HTMLResponse(rendered.gzipped, headers=headers)
    return HTMLResponse(rendered.body)


rendered_parts = RenderedParts()
