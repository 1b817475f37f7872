"""Rows of the labelled and audit answer files in ``tests/data``, for tests that grade one of them."""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).parent / "data"


def row(name: str, index: int) -> tuple[str, str]:
    """The question id and the answer of line ``index`` (0-based) of ``tests/data/name``."""
    found = json.loads((DATA / name).read_text(encoding="utf-8").splitlines()[index])
    return str(found["question_id"]), str(found["answer"])
