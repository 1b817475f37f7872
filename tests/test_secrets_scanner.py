"""The scanner behind the session-finish secrets check (conftest.py): it finds a planted key."""

from __future__ import annotations

from pathlib import Path

from openai_fakes import API_KEY, files_containing_secrets


def test_the_scanner_finds_a_planted_key(tmp_path: Path) -> None:
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "planted.json").write_text(f'{{"key": "{API_KEY}"}}')
    (tmp_path / "clean.json").write_text('{"key": "[redacted]"}')
    assert files_containing_secrets(tmp_path) == (2, [tmp_path / "nested" / "planted.json"])
