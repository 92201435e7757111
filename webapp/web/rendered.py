"""Warm fragments rendered once: the object picker and the fields part, as HTML and gzipped.

A warm part is the same bytes for everyone who opens the same saved configuration while the
org's lists are the same cached lists: rendering the fields part of a 900-field object (the
fields' guide, the rows, the External ID choices) and compressing it again for each request
was most of its server time. Each entry is kept with the very list objects its HTML was made
from and is used only while the metadata cache still hands out those same objects (identity,
not equality: a refresh or a change in the org makes new lists, so a kept part never outlives
the metadata it shows); everything else the HTML shows is its key, and a part made again
from new lists takes its old entry's place, letting the old lists go. Bounded by bytes and by
entries (each holds its lists); a part with anything passing in it (a Floqer failure, a
push's problems, a notice) is never kept.
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

# The app's GZipMiddleware is set up with these too (webapp.app), so a kept part leaves
# exactly as a rendered one would: smaller answers as they are, the others at this level.
MIN_GZIP = 1024
GZIP_LEVEL = 3


@dataclass(frozen=True)
class Rendered:
    lists: tuple[Sequence[Any], ...]  # the cached lists the HTML was made from (kept alive)
    body: bytes
    gzipped: bytes | None  # None when too small to be worth it

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"")


class RenderedParts:
    """A bounded LRU of rendered parts, keyed by what they show."""

    def __init__(self, max_bytes: int = 8 * 1024 * 1024, max_entries: int = 64) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.bytes = 0
        self.entries: OrderedDict[Hashable, Rendered] = OrderedDict()
        self.lock = threading.Lock()

    def get(
        self, lists: tuple[Sequence[Any], ...], key: Hashable, build: Callable[[], bytes]
    ) -> Rendered:
        """The part for `key` made from these very `lists`, built (and kept) if need be."""
        with self.lock:
            hit = self.entries.get(key)
            if hit is not None and all(a is b for a, b in zip(hit.lists, lists, strict=True)):
                self.entries.move_to_end(key)
                return hit
        body = build()
        gzipped = gzip.compress(body, GZIP_LEVEL, mtime=0) if len(body) >= MIN_GZIP else None
        made = Rendered(lists, body, gzipped)
        if made.size > self.max_bytes // 4:
            return made  # one part may not crowd out all the others
        with self.lock:
            old = self.entries.pop(key, None)  # made from lists the cache no longer has
            self.bytes -= old.size if old else 0
            self.entries[key] = made
            self.bytes += made.size
            while self.bytes > self.max_bytes or len(self.entries) > self.max_entries:
                _, dropped = self.entries.popitem(last=False)
                self.bytes -= dropped.size
        return made


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
