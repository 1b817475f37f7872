"""Runs last (file order): no file written during the suite contains an API key.

Every test writes under pytest's base temporary directory (``tmp_path``); the
fault and backend tests use ``openai_fakes.API_KEY``. This scans every file there,
and the repository's own transcripts and outputs, for that key.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from openai_fakes import API_KEY

SECRETS = (API_KEY, "sk-test-")


def files_containing_secrets(root: Path) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            try:
                data = path.read_bytes()
            except OSError:
                continue
            if any(secret.encode() in data for secret in SECRETS):
                found.append(path)
    return found


def test_the_scanner_finds_a_planted_key(tmp_path):
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "leak.json").write_text(f'{{"key": "{API_KEY}"}}')
    assert files_containing_secrets(tmp_path) == [tmp_path / "nested" / "leak.json"]


def test_no_file_written_during_the_suite_holds_the_api_key(tmp_path_factory: pytest.TempPathFactory, repo: Path):
    base = tmp_path_factory.getbasetemp()
    leaks = [p for p in files_containing_secrets(base) if "test_the_scanner_finds_a_pla" not in str(p)]
    for extra in ("transcripts", "batch-out"):
        if (repo / extra).is_dir():
            leaks += files_containing_secrets(repo / extra)
    assert leaks == []
