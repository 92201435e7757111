"""What goes over the wire: pages compressed, static files under hashed names cached for a
year, and CSRF tokens masked afresh in every page (compressed pages must not leak them)."""

from __future__ import annotations

import gzip
import re

import httpx

from tests.app.flows import add_connection, soup, start_configuration
from tests.conftest import CSRF_TOKEN, RunningApp
from tests.support import TLS
from webapp.resources import resource_dir
from webapp.web.assets import IMMUTABLE
from webapp.web.csrf_mask import unmask


def raw_get(app: RunningApp, path: str, **headers: str) -> tuple[httpx.Headers, bytes]:
    """The answer's headers and body as they came over the wire (httpx would undo gzip)."""
    with app.signed_in() as web, web.stream("GET", path, headers=headers) as response:
        return response.headers, b"".join(response.iter_raw())


def test_pages_over_a_kilobyte_leave_gzipped_and_stay_hardened(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web))
    headers, body = raw_get(app, f"/configurations/{config}", **{"Accept-Encoding": "gzip"})
    assert headers["content-encoding"] == "gzip"
    assert "accept-encoding" in headers["vary"].lower()
    assert headers["cache-control"] == "no-store"
    assert "default-src 'self'" in headers["content-security-policy"]
    html = gzip.decompress(body).decode()
    assert "What a push sends" in html
    assert len(body) < len(html.encode()) / 2
    plain, _ = raw_get(app, f"/configurations/{config}", **{"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain
    small, _ = raw_get(app, "/healthz", **{"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small  # under 1 KiB: not worth it


def test_static_files_are_linked_by_content_hash_and_cached_for_a_year(
    app: RunningApp, web: httpx.Client
) -> None:
    page = soup(web.get("/"))
    links = [str(t["src"]) for t in page.select("script[src]")] + [
        str(t["href"]) for t in page.select("link[rel=stylesheet]")
    ]
    assert len(links) == 6
    for link in links:
        match = re.fullmatch(r"/static/(.+)\.([0-9a-f]{12})(\.[a-z]+)", link)
        assert match, link
        name = match.group(1) + match.group(3)
        hashed = web.get(link)
        assert hashed.status_code == 200
        assert hashed.headers["cache-control"] == IMMUTABLE
        assert hashed.content == (resource_dir("static") / name).read_bytes()
        plain = web.get(f"/static/{name}")
        assert plain.content == hashed.content
        assert plain.headers["cache-control"] == "no-cache"
    stale = re.sub(r"\.[0-9a-f]{12}\.", ".000000000000.", links[0])
    assert web.get(stale).status_code == 404  # an old hash is not this file


def test_each_page_carries_a_freshly_masked_csrf_token_that_the_app_accepts(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web))

    def token() -> str:
        field = soup(web.get(f"/configurations/{config}")).select_one("input[name=csrf_token]")
        assert field is not None
        return str(field["value"])

    first, second = token(), token()
    assert first != second  # a fresh pad each time: nothing constant for BREACH to find
    assert CSRF_TOKEN not in first
    assert CSRF_TOKEN not in second
    assert unmask(first) == unmask(second) == CSRF_TOKEN
    url = f"/configurations/{config}/refresh-options"
    with httpx.Client(
        base_url=app.url, cookies={"session": web.cookies["session"]}, verify=TLS
    ) as bare:
        accepted = bare.post(url, data={"csrf_token": first})
        assert accepted.status_code == 303
        tampered = first[:-2] + ("AA" if not first.endswith("AA") else "BB")
        refused = bare.post(url, data={"csrf_token": tampered})
        assert refused.status_code == 403
        assert "This form has expired" in refused.text
