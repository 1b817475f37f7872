"""Where sessions live, and commands that find them again from any directory.

By default sessions go to the user's data directory as the platform defines it (``platformdirs``:
``~/.local/share/mock-interviewer/transcripts`` on Linux, ``~/Library/Application Support/…`` on macOS,
``%LOCALAPPDATA%\\mock-interviewer\\…`` on Windows), so ``sessions``, ``--resume`` and ``progress`` work
wherever they are run. ``--transcripts-dir`` / ``MOCK_INTERVIEWER_TRANSCRIPTS`` choose another directory,
made absolute at once so every printed command works from anywhere.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterable
from pathlib import Path

APP_NAME = "mock-interviewer"
LEGACY_DIR_NAME = "transcripts"  # before 0.2 sessions went to ./transcripts of the current directory
_SESSION_FILE = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{4}\.json$")


def default_transcripts_dir() -> Path:
    """The platform's per-user data directory for this tool, plus ``transcripts``."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "transcripts"


def resolve_transcripts_dir(given: Path | str | None) -> Path:
    """The directory the user chose (made absolute), else the default one."""
    if given is None or str(given).strip() == "":
        return default_transcripts_dir()
    return Path(os.path.abspath(os.path.expanduser(str(given))))


def location_args(transcripts_dir: Path) -> list[str]:
    """``--transcripts-dir DIR`` when ``DIR`` is not the default (a printed command must find the sessions)."""
    return [] if transcripts_dir == default_transcripts_dir() else ["--transcripts-dir", str(transcripts_dir)]


def command_line(*words: str, transcripts_dir: Path | None = None, banks: Iterable[Path] = ()) -> str:
    """``mock-interviewer WORDS…`` with the options that find the same sessions and banks, shell-quoted."""
    parts = ["mock-interviewer", *words]
    if transcripts_dir is not None:
        parts += location_args(transcripts_dir)
    for bank in banks:
        parts += ["--bank", os.path.abspath(os.path.expanduser(str(bank)))]
    return shlex.join(parts)


def legacy_sessions(transcripts_dir: Path, cwd: Path | None = None) -> tuple[Path, int] | None:
    """Session files left in ``./transcripts`` (the old default place) when sessions now live elsewhere."""
    old = Path(os.path.abspath(cwd or Path.cwd())) / LEGACY_DIR_NAME
    if old == transcripts_dir or not old.is_dir():
        return None
    try:
        count = sum(1 for entry in old.iterdir() if _SESSION_FILE.match(entry.name))
    except OSError:
        return None
    return (old, count) if count else None


def legacy_note(transcripts_dir: Path, cwd: Path | None = None) -> str | None:
    """One line for a returning user whose earlier sessions are in ``./transcripts``, or None."""
    found = legacy_sessions(transcripts_dir, cwd)
    if found is None:
        return None
    old, count = found
    noun = "session" if count == 1 else "sessions"
    see = command_line("sessions", "--transcripts-dir", str(old))
    new = shlex.quote(str(transcripts_dir))
    move = f"mkdir -p {new} && mv {shlex.quote(str(old))}/*.json {new}/"
    return (
        f"note: {count} earlier {noun} in {old} (the old default place; sessions now live in {transcripts_dir}); "
        f"see them with: {see}  or move them: {move}"
    )
