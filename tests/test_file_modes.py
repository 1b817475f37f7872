"""Files the tool writes get the user's umask, like any file they create; atomic writes stay atomic.

Every file was 0600 whatever the umask (sessions, probe sheets, imported banks, reports), while
results.jsonl was 0644.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mock_interviewer.storage import atomic_write_text

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


def current_umask() -> int:
    """The process's umask (the tool itself never needs it: new files get it from the kernel), read without changing it where the system says it (Linux), else set and restored."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@pytest.fixture
def umask() -> Iterator[Callable[[int], int]]:
    """Set the process umask for one test (``umask(0o077)``); the old one comes back after it."""
    saved = os.umask(0o022)
    os.umask(saved)
    yield os.umask
    os.umask(saved)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_the_umask(tmp_path: Path, umask: Callable[[int], int], mask: int, expected: int) -> None:
    umask(mask)
    assert current_umask() == mask
    atomic_write_text(tmp_path / "a.txt", "x")
    assert mode(tmp_path / "a.txt") == expected
    assert not list(tmp_path.glob(".a.txt.*")), "no temporary file left"


def test_a_rewritten_file_keeps_its_mode(tmp_path: Path, umask: Callable[[int], int]) -> None:
    umask(0o022)
    path = tmp_path / "a.txt"
    path.write_text("old")
    path.chmod(0o640)
    atomic_write_text(path, "new")
    assert mode(path) == 0o640 and path.read_text() == "new"


def test_a_session_file_and_a_probe_sheet_get_the_umask(cli: Callable[..., Any], tmp_path: Path,
                                                      umask: Callable[[int], int]) -> None:
    umask(0o022)
    transcripts = tmp_path / "t"
    result = cli("interview", "--backend", "offline", "--transcripts-dir", str(transcripts), "--questions", "1",
                 "--follow-ups", "0", "--seed", "1", stdin="An answer.\n.\n")
    assert result.exit_code == 0, result.stderr
    (session,) = transcripts.glob("*.json")
    assert mode(session) == 0o644
    sheet = tmp_path / "sheet.md"
    result = cli("probe", "--track", "technical", "--backend", "offline", "--out", str(sheet))
    assert result.exit_code == 0, result.stderr
    assert mode(sheet) == 0o644
