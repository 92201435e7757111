"""Where templates, static files and migrations are: in the package (wheel) or the checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """`templates`, `static` or `migrations`: inside the installed package, else the repo top."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cannot find the {name} directory next to {_PACKAGE}")
