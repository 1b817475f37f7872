"""Answers to grade, streamed out of session files, directories and JSONL/CSV answer files.

``iter_inputs`` yields one ``Item`` per answer and one ``Problem`` per thing that
cannot be graded (a line that is not JSON, a missing field, an unknown question,
a session of a newer schema, an empty file...). A problem names its file and
line; it never stops the rest of the batch. Answer files are read a line (or a
CSV record) at a time, so a file of any size costs the memory of one answer;
session files are small and are read whole.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from mock_interviewer.answer_input import check_answer, unpaired_surrogate
from mock_interviewer.backends.base import Turn
from mock_interviewer.errors import InputError
from mock_interviewer.jsontext import parse_json
from mock_interviewer.reading import (
    MAX_JSON_FILE_BYTES,
    MAX_LINE_BYTES,
    iter_lines,
    open_input,
    path_problem,
    read_limited,
    size_text,
    special_file,
)
from mock_interviewer.session_store import Session, load_session_file

if TYPE_CHECKING:
    import _csv

SESSION_SUFFIXES = (".json",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
CSV_SUFFIXES = (".csv",)
SUPPORTED = SESSION_SUFFIXES + JSONL_SUFFIXES + CSV_SUFFIXES
REQUIRED_FIELDS = ("question_id", "answer")
EXCHANGE_KINDS = ("question", "follow_up", "answer")
"""Session turns that belong to the graded exchange (``skip`` and ``notice`` turns do not)."""

_CSV_FIELD_LIMIT = 16 * 1024 * 1024


@dataclass(frozen=True)
class Item:
    """One answer to grade, and where it came from."""

    item_id: str
    candidate: str | None
    question_id: str
    answer: str
    source: str
    line: int | None = None
    exchange: tuple[Turn, ...] = ()

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line else self.source


@dataclass(frozen=True)
class Problem:
    """An input that was skipped, with the file, the line when there is one, and why."""

    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "line": self.line, "message": self.message}


Entry = Item | Problem
KnownQuestion = Callable[[str], object]
"""Looks a question id up; raises InputError for an unknown one (``Bank.get``)."""


# ---------------------------------------------------------------- walking paths


def iter_inputs(paths: Iterable[Path], known: KnownQuestion, *, exclude: Sequence[Path] = ()) -> Iterator[Entry]:
    """Every answer in ``paths`` (files or directories, recursively), in a stable order.

    ``exclude`` names directories never read (the output directory, whose
    ``results.jsonl`` must not be mistaken for an answer file).
    """
    excluded = {_resolved(p) for p in exclude}
    for path in paths:
        path = Path(path)
        if path.is_dir():
            if _resolved(path) in excluded:
                yield Problem(str(path), None, "is the output directory; not read as input")
                continue
            yield from _walk(path, known, excluded)
        elif path.is_file():
            if path.suffix.lower() not in SUPPORTED:
                yield Problem(
                    str(path), None, "unsupported file type (expected a .json session, or .jsonl / .csv answers)"
                )
                continue
            yield from iter_file(path, known)
        elif path.exists():
            yield Problem(str(path), None, "not a regular file or directory")
        else:
            yield Problem(str(path), None, "no such file or directory")


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def _walk(root: Path, known: KnownQuestion, excluded: set[Path]) -> Iterator[Entry]:
    """Supported files under ``root``, depth first in name order, skipping hidden names and ``excluded``.

    A directory that cannot be listed is a Problem (its answers are not graded, and the run says so);
    a FIFO, device or socket among the files is a Problem too, and is never opened.
    """
    unreadable: list[OSError] = []
    for directory, dirnames, filenames in os.walk(root, onerror=unreadable.append):
        yield from _unreadable_directories(unreadable)
        here = Path(directory)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and _resolved(here / d) not in excluded)
        for name in sorted(filenames):
            if name.startswith(".") or Path(name).suffix.lower() not in SUPPORTED:
                continue
            kind = special_file(here / name)
            if kind is not None:
                yield Problem(str(here / name), None, f"is {kind}, not a regular file; skipped, not opened")
                continue
            yield from iter_file(here / name, known)
    yield from _unreadable_directories(unreadable)


def _unreadable_directories(errors: list[OSError]) -> Iterator[Problem]:
    while errors:
        exc = errors.pop(0)
        yield Problem(str(exc.filename), None, f"cannot read this directory ({path_problem(exc)}); nothing in it was graded")


def iter_file(path: Path, known: KnownQuestion) -> Iterator[Entry]:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from iter_jsonl(path, known)
    elif suffix in CSV_SUFFIXES:
        yield from iter_csv(path, known)
    else:
        yield from iter_session(path, known)


# ---------------------------------------------------------------- one record of an answer file


def make_item(record: dict[str, Any], source: str, line: int, known: KnownQuestion, default_id: str) -> Entry:
    """An answer-file record as an Item, or the Problem that stops it being graded."""

    def problem(message: str) -> Problem:
        return Problem(source, line, message)

    question_id = record.get("question_id")
    if question_id is None or (isinstance(question_id, str) and not question_id.strip()):
        return problem("missing question_id")
    if not isinstance(question_id, str):
        return problem(f"question_id must be text, got {_json_type(question_id)}")
    question_id = question_id.strip()
    answer = record.get("answer")
    if answer is None:
        return problem("missing answer")
    if not isinstance(answer, str):
        return problem(f"answer must be text, got {_json_type(answer)}")
    candidate = record.get("candidate")
    if candidate is not None and not isinstance(candidate, (str, int)):
        return problem(f"candidate must be text, got {_json_type(candidate)}")
    item_id = record.get("id")
    if item_id is not None and (isinstance(item_id, bool) or not isinstance(item_id, (str, int))):
        return problem(f"id must be text or a number, got {_json_type(item_id)}")
    try:
        known(question_id)
        _check_text(answer)
    except InputError as exc:
        return problem(str(exc))
    for name, value in (("candidate", candidate), ("id", item_id)):
        bad = unpaired_surrogate(value) if isinstance(value, str) else None
        if bad:
            return problem(f"{name}: {bad}")
    candidate_text = str(candidate).strip() if candidate is not None else ""
    given_id = str(item_id).strip() if item_id is not None else ""
    return Item(
        item_id=given_id or default_id,
        candidate=candidate_text or None,
        question_id=question_id,
        answer=answer,
        source=source,
        line=line,
    )


def _check_text(answer: str) -> None:
    if "\x00" in answer:
        raise InputError("the answer contains NUL bytes; expected text")
    try:
        check_answer(answer, "answer")
    except InputError as exc:
        raise InputError(str(exc).removeprefix("answer: ")) from None


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


# ---------------------------------------------------------------- JSONL


def iter_jsonl(path: Path, known: KnownQuestion) -> Iterator[Entry]:
    """One answer per line; blank lines are ignored; each bad line is one Problem."""
    source = str(path)
    records = 0
    try:
        handle = open_input(path, "a JSONL answer file", regular_only=True)
    except InputError as exc:
        yield Problem(source, None, str(exc).removeprefix(f"{source}: "))
        return
    with handle:
        for number, raw in enumerate(iter_lines(handle), start=1):
            if raw is None:
                records += 1
                yield Problem(source, number, f"longer than {size_text(MAX_LINE_BYTES)}, the limit for one line")
                continue
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            records += 1
            yield _jsonl_record(raw, source, number, known, f"{path.name}:{number}")
    if records == 0:
        yield Problem(source, None, "empty file: no answers in it")


def _jsonl_record(raw: bytes, source: str, number: int, known: KnownQuestion, default_id: str) -> Entry:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Problem(source, number, f"not UTF-8 text (bad byte at column {exc.start + 1})")
    try:
        record = parse_json(text, "", one_line_record=True)
    except InputError as exc:
        message = str(exc).removeprefix(": ")
        if "nested too deeply" in message:
            message = f"not an answer: {message}"
        return Problem(source, number, message)
    if not isinstance(record, dict):
        return Problem(source, number, f"expected a JSON object with question_id and answer, got {_json_type(record)}")
    return make_item(record, source, number, known, default_id=default_id)


# ---------------------------------------------------------------- CSV


class _CsvLines:
    """The physical lines of a CSV file for ``csv.reader``, each decoded on its own.

    A bad byte is then blamed on its own line (not on the line where an 8 KB decoding chunk began)
    and only the record holding it is skipped. Lines end where ``open(newline="")`` ends them (``\n``,
    ``\r\n`` or a bare ``\r``), so ``reader.line_num`` counts the same lines as these numbers.
    """

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.number = 0
        self.bad: dict[int, str] = {}

    def __iter__(self) -> Iterator[str]:
        for raw in iter_lines(self.handle):
            if raw is None:
                self.number += 1
                self.bad[self.number] = f"longer than {size_text(MAX_LINE_BYTES)}, the limit for one line"
                yield "\n"
                continue
            for piece in _BARE_CR.split(raw):
                self.number += 1
                if self.number == 1 and piece.startswith(b"\xef\xbb\xbf"):
                    piece = piece[3:]
                try:
                    yield piece.decode("utf-8")
                except UnicodeDecodeError as exc:
                    self.bad[self.number] = f"not UTF-8 text (bad byte 0x{piece[exc.start]:02x} at column {exc.start + 1})"
                    yield piece.decode("utf-8", "replace")

    def problem_in(self, first: int, last: int) -> tuple[int, str] | None:
        """The first bad line from ``first`` to ``last`` and what is wrong with it."""
        for number in range(first, last + 1):
            if number in self.bad:
                return number, self.bad[number]
        return None


_BARE_CR = re.compile(rb"(?<=\r)(?!\n)")


def iter_csv(path: Path, known: KnownQuestion) -> Iterator[Entry]:
    """A header row naming at least question_id and answer, then one answer per record.

    Quoted fields may span lines; a record is reported by the line it starts on, and a bad byte by
    its own line (the records before and after it are still read).
    """
    source = str(path)
    if csv.field_size_limit() < _CSV_FIELD_LIMIT:
        csv.field_size_limit(_CSV_FIELD_LIMIT)
    try:
        handle = open_input(path, "a CSV answer file", regular_only=True)
    except InputError as exc:
        yield Problem(source, None, str(exc).removeprefix(f"{source}: "))
        return
    with handle:
        lines = _CsvLines(handle)
        reader = csv.reader(lines)
        line = 1
        try:
            header = next(reader, None)
            while header is not None and not any(cell.strip() for cell in header):
                line = reader.line_num + 1
                header = next(reader, None)
        except csv.Error as exc:
            yield Problem(source, line, f"cannot read the header: malformed CSV ({exc})")
            return
        bad = lines.problem_in(line, reader.line_num)
        if bad is not None:
            yield Problem(source, bad[0], f"cannot read the header: {bad[1]}")
            return
        if header is None:
            yield Problem(source, None, "empty file: no header and no answers")
            return
        yield from _csv_records(reader, lines, header, source, line, known, path.name)


def _csv_records(
    reader: _csv.Reader, lines: _CsvLines, header: list[str], source: str, line: int, known: KnownQuestion, name: str
) -> Iterator[Entry]:
    columns = [cell.strip().lower() for cell in header]
    missing = [column for column in REQUIRED_FIELDS if column not in columns]
    if missing:
        yield Problem(
            source,
            line,
            f"bad CSV header: missing column(s) {', '.join(missing)} "
            f"(found: {', '.join(c for c in columns if c) or 'none'}; need question_id and answer)",
        )
        return
    wanted = {column: columns.index(column) for column in ("question_id", "answer", "candidate", "id") if column in columns}
    records = 0
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader, None)
        except csv.Error as exc:
            yield Problem(source, line, f"malformed CSV ({exc}); the rest of this file was not read")
            return
        if row is None:
            break
        bad = lines.problem_in(line, reader.line_num)
        if not any(cell.strip() for cell in row) and bad is None:
            continue
        records += 1
        if bad is not None:
            yield Problem(source, bad[0], bad[1])
        elif len(row) > len(columns):
            yield Problem(source, line, f"{len(row)} fields but the header has {len(columns)}")
        else:
            record: dict[str, Any] = {column: row[index] if index < len(row) else None for column, index in wanted.items()}
            yield make_item(record, source, line, known, default_id=f"{name}:{line}")
    if records == 0:
        yield Problem(source, None, "no answers after the header")


# ---------------------------------------------------------------- session files


def iter_session(path: Path, known: KnownQuestion) -> Iterator[Entry]:
    """Each question of a saved session that has the candidate's answers is one item, with its exchange."""
    source = str(path)
    try:
        if not read_limited(path, MAX_JSON_FILE_BYTES, "a session file", regular_only=True).strip():
            yield Problem(source, None, "empty file: no session in it")
            return
        session = load_session_file(path)
    except InputError as exc:
        line, message = _split_location(str(exc), source)
        yield Problem(source, line, message)
        return
    yield from session_items(session, source, known)


def session_items(session: Session, source: str, known: KnownQuestion) -> Iterator[Entry]:
    for index, record in enumerate(session.records):
        answer = record.candidate_text()
        if not answer.strip():
            continue  # asked but not answered, or skipped: nothing to grade
        where = f"records[{index}]"
        try:
            known(record.question_id)
            _check_text(answer)
        except InputError as exc:
            yield Problem(source, None, f"{where} ({record.question_id}): {exc}")
            continue
        exchange = tuple(
            Turn(speaker=turn.speaker, text=turn.text) for turn in record.turns if turn.kind in EXCHANGE_KINDS
        )
        yield Item(
            item_id=f"{session.id}/{record.question_id}",
            candidate=session_candidate(session),
            question_id=record.question_id,
            answer=answer,
            source=source,
            line=None,
            exchange=exchange,
        )


def session_candidate(session: Session) -> str | None:
    """The candidate's name when the session records one; else None (never the session id, which names no one)."""
    name = getattr(session, "candidate", None)
    return (name.strip() or None) if isinstance(name, str) else None


_LOCATION = re.compile(r"^:(\d+):\s*")


def _split_location(message: str, source: str) -> tuple[int | None, str]:
    """``path:12: what`` -> (12, "what"); messages from the session loader start with the path."""
    if not message.startswith(source):
        return None, message
    rest = message[len(source) :]
    found = _LOCATION.match(rest)
    if found:
        return int(found.group(1)), rest[found.end() :]
    return None, rest.removeprefix(":").strip()
