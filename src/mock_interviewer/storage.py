"""Atomic, durable file writes and safe names: nothing half-written, nothing outside its folder.

Also the one way to read a file the user named, so every reader reports a missing file, a
directory or an unreadable file in the same words.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from mock_interviewer.errors import InputError
from mock_interviewer.reading import MAX_JSON_FILE_BYTES, read_limited

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


class WriteError(InputError):
    """A file could not be written (a full disk, no permission): the message names the file and why.

    ``path`` is the file, ``errno`` the operating system's error number (``errno.ENOSPC`` for a full disk).
    """

    def __init__(self, message: str, path: Path, errno: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.errno = errno


def read_user_file(path: Path, expected: str) -> bytes:
    """The bytes of a file the user named, up to 64 MB; otherwise one InputError naming it (``expected``: "a bank file")."""
    return read_limited(path, MAX_JSON_FILE_BYTES, expected)


@contextmanager
def atomic_open(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path`` for writing; on success fsync it and rename it over ``path``.

    ``mode`` is ``"w"`` (UTF-8 text, ``\n`` line ends) or ``"wb"``. On any failure the temporary file
    is removed and ``path`` is untouched; an OS error becomes a ``WriteError`` naming the file. The file
    gets the permissions ``open`` would give it: an existing file's mode, else 0666 less the umask.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = temp_file_beside(path)
    except OSError as exc:
        raise WriteError(f"{path.parent}: cannot write here: {exc.strerror or exc}", path, exc.errno) from None
    try:
        text = "b" not in mode
        with os.fdopen(fd, mode, encoding="utf-8" if text else None, newline="\n" if text else None) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise WriteError(f"{path}: cannot write: {exc.strerror or exc}", path, exc.errno) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def temp_file_beside(path: Path) -> tuple[int, str]:
    """A new, empty temporary file in ``path``'s folder, open for writing: ``(fd, name)``.

    Unlike ``tempfile.mkstemp`` (always 0600) it gets the mode any new file gets: 0666 less the user's
    umask, so a session, a report or a probe sheet is as readable as everything else the user writes.
    When ``path`` already exists, the new file takes its mode instead (a file the user made private stays
    private after the rename).
    """
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        mode = None
    for _ in range(100):
        name = str(path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:
            continue
        if mode is not None:
            with suppress(OSError, AttributeError):  # no fchmod (Windows): the default mode is kept
                os.fchmod(fd, mode)
        return fd, name
    raise FileExistsError(f"no free temporary name beside {path}")


def atomic_write_text(path: Path, text: str) -> None:
    """Write text to a temporary file beside ``path``, fsync it, and rename it over ``path``."""
    with atomic_open(path) as handle:
        handle.write(text)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def safe_child(directory: Path, name: str, suffix: str = "") -> Path:
    """``directory/name+suffix``, refusing any name that could escape the directory."""
    if not _SAFE_NAME.match(name) or ".." in name:
        raise InputError(f"{name!r} is not a valid id (letters, digits, '.', '_' and '-' only)")
    # The directory is resolved, the name is not: a session file that is a symbolic link is read through it
    # (it was "not a valid id"), and a write replaces the link itself (rename), never writing outside.
    child = directory.resolve() / f"{name}{suffix}"
    if child.parent != directory.resolve():
        raise InputError(f"{name!r} is not a valid id")
    return child
