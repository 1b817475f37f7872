"""``results.jsonl``: one line per graded answer, appended as each grade arrives.

The file is the batch's memory. A line is appended (one ``write`` of the whole
line, on a file opened for appending) the moment its grade exists, so a run
killed at any point has lost at most the requests in flight, and a re-run reads
the file to learn what is done.

What counts as done (decided here, documented in docs/batch.md):

- a *graded* answer is done: its key is never sent again;
- an *ungraded* answer (the model service failed, or the model's reply stayed
  invalid after the repair re-ask) is written too, so the report lists it with
  its reason, but it is **not** done: the next run drops that line and grades the
  answer again. Every line in the file is therefore one answer's latest outcome,
  and a key never appears twice for the same answer.

A torn last line (the process was killed mid-write, or the disk filled) or any
line that does not parse is ignored, and the next run that writes rewrites the
file without it (atomically: temporary file, fsync, rename) before appending.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any

from mock_interviewer.batch import RESULTS_FILE
from mock_interviewer.batch.inputs import Item
from mock_interviewer.batch.keys import ref_of, short
from mock_interviewer.errors import InputError
from mock_interviewer.grades import Grade
from mock_interviewer.scrub import scrub
from mock_interviewer.storage import atomic_open

FSYNC_EVERY_SECONDS = 2.0


def make_record(key: str, item: Item, grade: Grade, failure: str | None = None) -> dict[str, Any]:
    """The line written for one answer: its key, where it came from, and its grade."""
    return {
        "key": key,
        "item_id": item.item_id,
        "candidate": item.candidate,
        "question_id": item.question_id,
        "source": item.source,
        "line": item.line,
        "graded_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "failure": failure,
        "grade": grade.model_dump(mode="json"),
    }


def record_ref(record: dict[str, Any]) -> bytes:
    item = Item(
        item_id=str(record.get("item_id") or ""),
        candidate=record.get("candidate"),
        question_id=str(record.get("question_id") or ""),
        answer="",
        source="",
    )
    return ref_of(str(record["key"]), item)


def is_graded(record: dict[str, Any]) -> bool:
    grade = record.get("grade")
    return isinstance(grade, dict) and grade.get("status") == "graded"


def parse_line(raw: bytes) -> dict[str, Any] | None:
    """A well-formed result line, or None (torn, corrupt, or not ours)."""
    if not raw.endswith(b"\n"):
        return None
    try:
        record = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("key"), str) or len(record["key"]) != 64:
        return None
    if not isinstance(record.get("grade"), dict):
        return None
    return record


@dataclass
class ResultIndex:
    """What ``results.jsonl`` says: keys graded (with the offset of a line holding the grade), answers recorded."""

    done: dict[bytes, int] = field(default_factory=dict)
    refs: set[bytes] = field(default_factory=set)
    graded_lines: int = 0
    ungraded_lines: int = 0
    bad_lines: int = 0
    duplicate_lines: int = 0

    @property
    def needs_rewrite(self) -> bool:
        """True when lines must go before appending: ungraded ones (to retry), torn or duplicate ones."""
        return bool(self.ungraded_lines or self.bad_lines or self.duplicate_lines)


class ResultStore:
    """The results file of one output directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.path = self.directory / RESULTS_FILE

    def exists(self) -> bool:
        return self.path.is_file()

    def _lines(self) -> Iterator[tuple[int, bytes]]:
        try:
            handle = self.path.open("rb")
        except FileNotFoundError:
            return
        except OSError as exc:
            raise InputError(f"{self.path}: cannot read: {exc.strerror or exc}") from None
        with handle:
            offset = 0
            for raw in handle:
                yield offset, raw
                offset += len(raw)

    def scan(self) -> ResultIndex:
        """Read the file once (streamed) and index it; nothing is changed."""
        index = ResultIndex()
        for offset, raw in self._lines():
            record = parse_line(raw)
            if record is None:
                if raw.strip():
                    index.bad_lines += 1
                continue
            if not is_graded(record):
                index.ungraded_lines += 1
                continue
            ref = record_ref(record)
            if ref in index.refs:
                index.duplicate_lines += 1
                continue
            index.refs.add(ref)
            index.done.setdefault(short(record["key"]), offset)
            index.graded_lines += 1
        return index

    def prepare(self) -> ResultIndex:
        """Index the file, first rewriting it without ungraded, torn and duplicate lines when it has any."""
        index = self.scan()
        if not index.needs_rewrite:
            return index
        seen: set[bytes] = set()
        with atomic_open(self.path, "wb") as out:
            for _offset, raw in self._lines():
                record = parse_line(raw)
                if record is None or not is_graded(record):
                    continue
                ref = record_ref(record)
                if ref in seen:
                    continue
                seen.add(ref)
                out.write(raw)
        fresh = self.scan()
        fresh.ungraded_lines, fresh.bad_lines, fresh.duplicate_lines = (
            index.ungraded_lines,
            index.bad_lines,
            index.duplicate_lines,
        )
        return fresh

    def read_at(self, offset: int) -> dict[str, Any]:
        with self.path.open("rb") as handle:
            handle.seek(offset)
            record = parse_line(handle.readline())
        if record is None:
            raise InputError(f"{self.path}: changed while the batch was running (offset {offset})")
        return record

    def records(self, refs: set[bytes] | None = None) -> Iterator[dict[str, Any]]:
        """Every well-formed line, streamed; only the answers in ``refs`` when given."""
        for _offset, raw in self._lines():
            record = parse_line(raw)
            if record is None:
                continue
            if refs is not None and record_ref(record) not in refs:
                continue
            yield record

    def writer(self, secrets: Sequence[str] = ()) -> ResultWriter:
        return ResultWriter(self.path, secrets)


class ResultWriter:
    """Appends one line per answer; each line reaches the file in one write, synced every few seconds."""

    def __init__(self, path: Path, secrets: Sequence[str] = ()) -> None:
        self.path = path
        self.secrets = [s for s in secrets if s and len(s) >= 8]
        self._fd: int | None = None
        self._synced = time.monotonic()
        self.written = 0

    def __enter__(self) -> ResultWriter:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        except OSError as exc:
            raise InputError(f"{self.path}: cannot write: {exc.strerror or exc}") from None
        return self

    def append(self, record: dict[str, Any]) -> None:
        assert self._fd is not None, "use the writer as a context manager"
        text = scrub(json.dumps(record, ensure_ascii=False, separators=(",", ":")), self.secrets)
        data = (text + "\n").encode("utf-8")
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        self.written += 1
        if time.monotonic() - self._synced > FSYNC_EVERY_SECONDS:
            self.sync()

    def sync(self) -> None:
        if self._fd is not None:
            os.fsync(self._fd)
            self._synced = time.monotonic()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._fd is not None:
            try:
                os.fsync(self._fd)
            finally:
                os.close(self._fd)
                self._fd = None


class DirectoryLock:
    """One batch at a time per output directory: two runs would grade (and pay for) the same answers twice.

    An advisory ``flock`` on ``.batch.lock``, released when the process ends however
    it ends (no stale lock after a kill). Where ``fcntl`` does not exist, no lock.
    """

    NAME = ".batch.lock"

    def __init__(self, directory: Path) -> None:
        self.path = Path(directory) / self.NAME
        self._fd: int | None = None

    def __enter__(self) -> DirectoryLock:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            return self
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise InputError(f"{self.path.parent}: cannot write here: {exc.strerror or exc}") from None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self._fd)
            self._fd = None
            raise InputError(
                f"{self.path.parent}: another batch run is using this output directory; wait for it or use another --out"
            ) from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
