"""File names for per-candidate pages: safe on every file system, one per candidate, never two alike.

A candidate's name comes from an input file, so it may be anything: ``../../x``, ``<script>``, a name in
another script, a reserved device name. Its *slug* keeps only lower-case ASCII letters, digits and single
hyphens (accents dropped: "José Núñez" is ``jose-nunez``), at most ``MAX_LENGTH`` characters, never empty
and never a name Windows reserves (``con``, ``nul``, ``com1``…). Lower case also keeps two names apart on
file systems that ignore case.

Two names may slugify alike ("Ann Lee" and "ann-lee", or two names in Chinese that leave nothing). Slugs
are given in name order: the first keeps the plain slug, each later one gets the first hex digits of a
SHA-256 of its full name appended, so the same set of names always gets the same files.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

MAX_LENGTH = 60
FALLBACK = "candidate"
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
_SAFE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _digest(name: str, length: int = 8) -> str:
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def slug(name: str) -> str:
    """A file-name-safe stem for ``name`` (not yet unique: see ``assign``)."""
    ascii_only = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    found = "-".join(re.findall(r"[a-z0-9]+", ascii_only.lower()))[:MAX_LENGTH].strip("-")
    if not found:
        return f"{FALLBACK}-{_digest(name)}"
    if found in _RESERVED:
        return f"{found}-{FALLBACK}"
    return found


def is_safe(stem: str) -> bool:
    """True for a stem ``slug`` could have made: letters, digits, single inner hyphens, no path, not reserved."""
    return bool(_SAFE.fullmatch(stem)) and stem not in _RESERVED and len(stem) <= MAX_LENGTH + 20


def assign(names: Iterable[str]) -> dict[str, str]:
    """A unique slug for each distinct name, the same for the same set of names."""
    taken: set[str] = set()
    found: dict[str, str] = {}
    for name in sorted(set(names)):
        stem = slug(name)
        if stem in taken:
            base = stem[:MAX_LENGTH]
            stem = f"{base}-{_digest(name)}"
            extra = 2
            while stem in taken:  # a name that is itself some other name's slug and digest
                stem = f"{base}-{_digest(name)}-{extra}"
                extra += 1
        taken.add(stem)
        found[name] = stem
    return found
