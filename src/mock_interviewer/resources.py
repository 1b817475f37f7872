"""Where the packaged data lives: ``prompts/`` and ``rubric/``.

In an installed wheel both are copied inside the package; in a source checkout
(editable install, tests) they sit at the top of the repository.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """Return the directory of packaged data ``name`` ("prompts" or "rubric")."""
    installed = _PACKAGE_DIR / name
    if installed.is_dir():
        return installed
    checkout = _PACKAGE_DIR.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"packaged data directory {name!r} is missing (looked in {installed} and {checkout})")
