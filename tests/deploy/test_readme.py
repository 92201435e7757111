"""The README shows what it says: every picture it links is in the repository, and
`make screenshots` is the script that takes them."""

from __future__ import annotations

import re
from pathlib import Path

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
