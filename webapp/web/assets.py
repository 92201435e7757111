"""Static files under content-hashed names, cached for a year; and compressed answers.

`static_url("app.css")` names `/static/app.<12 hex>.css`, the hash of the file's content,
so a browser may keep it for good: a changed file is a new name. The plain name is still
served (revalidated on every use), for anything that links to it directly.
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
MAX_FILES = 200  # the app ships about a dozen; a stray directory cannot make this unbounded
_SUFFIX = re.compile(r"(\.[A-Za-z0-9]+)$")


@functools.lru_cache(maxsize=MAX_FILES)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    """A file's content hash, kept for the process while the file is unchanged: the test
    suite starts hundreds of apps, and Swagger UI's bundle alone is 1.7 MB to hash."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


class HashedStatic(StaticFiles):
    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory)
        self.hashed: dict[str, str] = {}  # "app.css" -> "app.0123456789ab.css"
        files = sorted(p for p in directory.rglob("*") if p.is_file())[:MAX_FILES]
        for path in files:
            name = path.relative_to(directory).as_posix()
            stat = path.stat()
            digest = _digest(str(path), stat.st_mtime_ns, stat.st_size)
            self.hashed[name] = _SUFFIX.sub(rf".{digest}\1", name, count=1)
        self.real = {hashed: name for name, hashed in self.hashed.items()}

    def url(self, name: str) -> str:
        return "/static/" + self.hashed.get(name, name)

    async def get_response(self, path: str, scope: Scope) -> Response:
        real = self.real.get(path)
        response = await super().get_response(real or path, scope)
        if response.status_code in (200, 304):
            response.headers["cache-control"] = IMMUTABLE if real else REVALIDATE
        return response
