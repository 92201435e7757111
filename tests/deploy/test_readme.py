"""The README shows what it says: every picture it links is in the repository, and
`make screenshots` is the script that takes them; its API table lists every API route with
the role it declares."""

from __future__ import annotations

import re
from pathlib import Path

from tests.security.helpers import API_ROUTES  # the routes the real app factory builds

ROOT = Path(__file__).resolve().parents[2]


def test_every_picture_the_readme_shows_is_in_the_repository_and_made_by_the_script() -> None:
    readme = (ROOT / "README.md").read_text()
    pictures = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", readme)
    assert len(pictures) >= 4, pictures
    script = (ROOT / "tests" / "screenshots.py").read_text()
    for picture in pictures:
        path = ROOT / picture
        assert path.is_file(), picture
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", picture
        assert f'"{path.stem}"' in script, f"{picture} is not taken by tests/screenshots.py"
    assert "python -m tests.screenshots" in (ROOT / "Makefile").read_text()


def _shape(path: str) -> str:
    """A path with its parameters blanked: `/configurations/{id}` as `/configurations/{}`."""
    return re.sub(r"\{[^}]*\}", "{}", path)


def test_the_readme_lists_every_api_route_with_the_role_it_declares() -> None:
    readme = (ROOT / "README.md").read_text()
    rows = re.findall(r"^\| `([A-Z]+) (/api/v1/[^`]*)` \| (\w+) \|", readme, re.M)
    listed = {(method, _shape(path)): role for method, path, role in rows}
    served = {
        (route.method, _shape(route.path)): route.role
        for route in API_ROUTES
        if route.role is not None  # the public OpenAPI document has its own paragraph
    }
    assert listed == served
