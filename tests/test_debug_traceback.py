"""--debug prints the traceback, and the traceback passes through the scrubber like every other exit (issue 16, item 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openai_fakes import API_KEY


def test_a_debug_traceback_never_shows_the_key(cli: Any, openai_env: Any, tmp_path: Path) -> None:
    where = tmp_path / f"banks-{API_KEY}"  # a path the error names, holding the key
    result = cli("--debug", "bank", "list", "--bank", str(where))
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.stderr  # --debug still shows it
    assert API_KEY not in result.stderr and API_KEY not in result.stdout
    assert "[redacted]" in result.stderr


def test_without_debug_the_same_error_is_one_line(cli: Any, openai_env: Any, tmp_path: Path) -> None:
    result = cli("bank", "list", "--bank", str(tmp_path / f"banks-{API_KEY}"))
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert API_KEY not in result.stderr
