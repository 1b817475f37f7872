"""Bounded reading of every file and stream the user gives: one place for sizes, file kinds and path errors.

Every reader of user input (answers, banks, sessions, price files, labelled files, JSONL and CSV answer
files) gets its bytes here, so each one:

- stops at a named limit instead of reading until memory runs out (``/dev/zero``, a 500 MB pipe);
- refuses, without opening it, a FIFO or device found by walking a directory (a FIFO would block
  forever, ``/dev/zero`` never ends); a path the user names explicitly may be a pipe
  (``--answer-file <(…)``), still read with the bound;
- reports a missing file, a directory, a name longer than NAME_MAX, a directory without search
  permission in one line naming the path (exit 2), never as an internal error;
- reports undecodable bytes by line and column, counted in bytes of the file as it is.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from mock_interviewer.errors import InputError

MB = 1_000_000
MAX_ANSWER_BYTES = 1 * MB
"""An answer file or piped answer (20,000 words are about 150 KB)."""
MAX_BANK_BYTES = 8 * MB
"""A bank file (the largest built-in one is about 0.2 MB)."""
MAX_JSON_FILE_BYTES = 64 * MB
"""A session, price, labelled or state file read whole."""
MAX_LINE_BYTES = 16 * MB
"""One line of a JSONL or CSV answer file (those files are streamed, so they have no total limit)."""

_REASONS = {
    errno.ENOENT: "no such file",
    errno.ENAMETOOLONG: "a name in the path is too long for the file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOTDIR: "a part of the path is not a directory",
    errno.ELOOP: "too many levels of symbolic links",
}

PATH_ERRNOS = frozenset({*_REASONS, errno.EISDIR, errno.EROFS, errno.EEXIST})
"""Errors that mean the path given is wrong (exit 2), not that the machine failed."""


def size_text(limit: int) -> str:
    """``1 MB``, ``64 MB``, ``512 KB``: limits as people say them (decimal units)."""
    if limit >= MB and limit % MB == 0:
        return f"{limit // MB} MB"
    if limit >= 1000 and limit % 1000 == 0:
        return f"{limit // 1000} KB"
    return f"{limit:,} bytes"


def path_problem(exc: OSError) -> str:
    """What went wrong with a path, in words (no errno numbers, no repeated path)."""
    return _REASONS.get(exc.errno or 0) or (exc.strerror or str(exc)).lower()


def path_error(path: Path | str, exc: OSError, expected: str = "a file") -> InputError:
    """An OSError from opening or listing ``path`` as one InputError line naming it."""
    if exc.errno == errno.EISDIR:
        return InputError(f"{path}: is a directory, expected {expected}")
    if exc.errno == errno.ENOENT:
        return InputError(f"{path}: no such file")
    return InputError(f"{path}: cannot read: {path_problem(exc)}")


def file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


def special_file(path: Path) -> str | None:
    """For a file found by walking a directory: why it must not be opened (FIFO, device, socket), or None.

    Symbolic links are followed to what they name, so a link to ``/dev/zero`` is a device. A path that
    cannot be examined is left to the reader, which reports why.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    return None if stat.S_ISREG(mode) else file_kind(mode)


def open_input(path: Path, expected: str, *, regular_only: bool = False) -> BinaryIO:
    """Open a file the user gave for binary reading; any failure is one InputError naming it.

    ``regular_only`` (files found in a directory): a FIFO or device is refused before anything is read,
    and it is opened non-blocking so that a FIFO swapped in after :func:`special_file` cannot hang.
    """
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOCTTY", 0)
    if regular_only:
        flags |= getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise path_error(path, exc, expected) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InputError(f"{path}: is a directory, expected {expected}")
        if regular_only and not stat.S_ISREG(mode):
            raise InputError(f"{path}: is {file_kind(mode)}, not a regular file; not read")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def too_large(where: str, limit: int, expected: str) -> InputError:
    return InputError(f"{where}: larger than {size_text(limit)}, the limit for {expected}")


def read_limited(path: Path, limit: int, expected: str, *, regular_only: bool = False) -> bytes:
    """All the bytes of ``path`` if there are at most ``limit``; else one InputError naming the limit."""
    with open_input(path, expected, regular_only=regular_only) as handle:
        try:
            info = os.fstat(handle.fileno())
            if stat.S_ISREG(info.st_mode) and info.st_size > limit:
                raise too_large(str(path), limit, expected)
            data = handle.read(limit + 1)
        except OSError as exc:
            raise path_error(path, exc, expected) from None
    if len(data) > limit:
        raise too_large(str(path), limit, expected)
    return data


def read_stream_limited(stream: BinaryIO, limit: int, where: str, expected: str) -> bytes:
    """At most ``limit`` bytes from a stream (stdin); more is one InputError naming the limit."""
    try:
        data = stream.read(limit + 1)
    except OSError as exc:
        raise InputError(f"{where}: cannot read: {path_problem(exc)}") from None
    if len(data) > limit:
        raise too_large(where, limit, expected)
    return data


# ---------------------------------------------------------------- text


def byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and byte column of ``offset`` in ``data`` (lines end at ``\\n``)."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


def utf8_error(where: str, data: bytes, exc: UnicodeDecodeError) -> InputError:
    """``file: not UTF-8 text (bad byte 0xe9 at line 3, column 12)``: where the first bad byte is."""
    line, column = byte_position(data, exc.start)
    return InputError(f"{where}: not UTF-8 text (bad byte 0x{data[exc.start]:02x} at line {line}, column {column})")


def decode_utf8(data: bytes, where: str) -> str:
    """UTF-8 text, with or without a byte order mark."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise utf8_error(where, data, exc) from None


def decode_text(data: bytes, where: str) -> str:
    """Text a person saved: UTF-8, or UTF-16 with its byte order mark (Notepad, PowerShell's ``>``)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass  # not UTF-16 after all: report it as the UTF-8 it should have been
    return decode_utf8(data, where)


def iter_lines(handle: BinaryIO, limit: int = MAX_LINE_BYTES) -> Iterator[bytes | None]:
    """The lines of a binary stream (ending at ``\\n``), each read with a bound.

    A line longer than ``limit`` bytes is skipped, to its end, without keeping it, and given as
    None, so callers still count it and can report it by number.
    """
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        while line and not line.endswith(b"\n"):
            line = handle.readline(MB)
        yield None
