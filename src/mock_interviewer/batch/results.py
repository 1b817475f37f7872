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

Every line is a ``ResultLine`` (pydantic, with ``schema_version``), read and
written only here. A torn last line (the process was killed mid-write, or the
disk filled), a line that does not parse, or one whose grade does not validate
(edited by hand, a tier and score that disagree) is unreadable: it counts as
not done, and the next run that writes rewrites the file without it
(atomically: temporary file, fsync, rename) before appending, so its answer is
graded again. A line of a newer schema stops the run rather than be dropped.
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
from typing import Any, Literal

from pydantic import Field, ValidationError

from mock_interviewer.batch import RESULTS_FILE
from mock_interviewer.batch.inputs import Item
from mock_interviewer.batch.keys import ref_of, short
from mock_interviewer.errors import InputError
from mock_interviewer.grade_model import Grade
from mock_interviewer.locks import FileLock, LockHeld
from mock_interviewer.scrub import scrub
from mock_interviewer.storage import atomic_open
from mock_interviewer.strict import StrictModel

FSYNC_EVERY_SECONDS = 2.0
RESULTS_SCHEMA_VERSION: Literal[1] = 1

Failure = Literal["service", "model_reply", "input"]


class ResultLine(StrictModel):
    """One line of ``results.jsonl``: an answer's key, where it came from, and its latest grade.

    Lines written before ``schema_version`` existed (and before ``answer`` was kept) read as version 1.
    """

    schema_version: Literal[1] = RESULTS_SCHEMA_VERSION
    key: str = Field(min_length=64, max_length=64)
    item_id: str
    candidate: str | None = None
    question_id: str
    source: str = ""
    line: int | None = None
    graded_at: str | None = None
    failure: Failure | None = None
    answer: str | None = None
    grade: Grade

    @property
    def graded(self) -> bool:
        return self.grade.status == "graded"

    @property
    def ref(self) -> bytes:
        """This answer's identity in a run (key, item id, candidate): see ``keys.ref_of``."""
        return ref_of(self.key, Item(item_id=self.item_id, candidate=self.candidate, question_id=self.question_id,
                                     answer="", source=""))

    def to_bytes(self, secrets: Sequence[str] = ()) -> bytes:
        """The line as written: compact JSON, scrubbed of ``secrets``, ending in a newline."""
        return (scrub(self.model_dump_json(), secrets) + "\n").encode("utf-8")


class NewerResults(Exception):
    """A line written by a newer mock-interviewer: never dropped as unreadable."""

    def __init__(self, version: object) -> None:
        super().__init__(f"written by a newer mock-interviewer (schema_version {version}); upgrade to read it")


def make_record(key: str, item: Item, grade: Grade, failure: Failure | None = None) -> ResultLine:
    """The line written for one answer: its key, where it came from, the answer, and its grade."""
    return ResultLine(
        key=key,
        item_id=item.item_id,
        candidate=item.candidate,
        question_id=item.question_id,
        source=item.source,
        line=item.line,
        graded_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        failure=failure,
        answer=item.answer,
        grade=grade,
    )


def read_line(raw: bytes) -> ResultLine | None:
    """A well-formed result line, or None (torn, corrupt, not ours, or a grade that does not validate).

    Raises ``NewerResults`` for a line of a newer schema, which this version must not rewrite away.
    """
    if not raw.endswith(b"\n"):
        return None
    try:
        return ResultLine.model_validate_json(raw)
    except ValidationError:
        pass
    except RecursionError:
        return None
    if b"schema_version" in raw:
        _refuse_newer(raw)
    return None


def _refuse_newer(raw: bytes) -> None:
    try:
        version = json.loads(raw).get("schema_version")
    except (ValueError, AttributeError, RecursionError):
        return
    if isinstance(version, int) and not isinstance(version, bool) and version > RESULTS_SCHEMA_VERSION:
        raise NewerResults(version)


def parse_line(raw: bytes) -> dict[str, Any] | None:
    """A well-formed result line as plain data (what the reports read), or None. See ``read_line``."""
    line = read_line(raw)
    return None if line is None else line.model_dump(mode="json")


def record_ref(record: dict[str, Any]) -> bytes:
    """``ResultLine.ref`` of a line read by ``parse_line``."""
    item = Item(item_id=str(record.get("item_id") or ""), candidate=record.get("candidate"),
                question_id=str(record.get("question_id") or ""), answer="", source="")
    return ref_of(str(record["key"]), item)


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
    """The results file of one output directory: the one place its lines are read and written."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.path = self.directory / RESULTS_FILE

    def exists(self) -> bool:
        return self.path.is_file()

    def _lines(self) -> Iterator[tuple[int, bytes, ResultLine | None]]:
        """Every raw line with its offset and what it holds (None: unreadable)."""
        try:
            handle = self.path.open("rb")
        except FileNotFoundError:
            return
        except OSError as exc:
            raise InputError(f"{self.path}: cannot read: {exc.strerror or exc}") from None
        with handle:
            offset = 0
            for number, raw in enumerate(handle, start=1):
                try:
                    line = read_line(raw)
                except NewerResults as exc:
                    raise InputError(f"{self.path}:{number}: {exc}") from None
                yield offset, raw, line
                offset += len(raw)

    def scan(self) -> ResultIndex:
        """Read the file once (streamed) and index it; nothing is changed."""
        index = ResultIndex()
        for offset, raw, line in self._lines():
            if line is None:
                if raw.strip():
                    index.bad_lines += 1
                continue
            if not line.graded:
                index.ungraded_lines += 1
                continue
            ref = line.ref
            if ref in index.refs:
                index.duplicate_lines += 1
                continue
            index.refs.add(ref)
            index.done.setdefault(short(line.key), offset)
            index.graded_lines += 1
        return index

    def prepare(self) -> ResultIndex:
        """Index the file, first rewriting it without ungraded, unreadable and duplicate lines when it has any."""
        index = self.scan()
        if not index.needs_rewrite:
            return index
        seen: set[bytes] = set()
        with atomic_open(self.path, "wb") as out:
            for _offset, raw, line in self._lines():
                if line is None or not line.graded or line.ref in seen:
                    continue
                seen.add(line.ref)
                out.write(raw)
        fresh = self.scan()
        fresh.ungraded_lines, fresh.bad_lines, fresh.duplicate_lines = (
            index.ungraded_lines,
            index.bad_lines,
            index.duplicate_lines,
        )
        return fresh

    def read_at(self, offset: int) -> ResultLine:
        with self.path.open("rb") as handle:
            handle.seek(offset)
            line = read_line(handle.readline())
        if line is None:
            raise InputError(f"{self.path}: changed while the batch was running (offset {offset})")
        return line

    def records(self, refs: set[bytes] | None = None) -> Iterator[ResultLine]:
        """Every well-formed line, streamed; only the answers in ``refs`` when given."""
        for _offset, _raw, line in self._lines():
            if line is not None and (refs is None or line.ref in refs):
                yield line

    def writer(self, secrets: Sequence[str] = ()) -> ResultWriter:
        return ResultWriter(self.path, secrets)


class ResultWriter:
    """Appends one line per answer; each line reaches the file in one write, synced every few seconds.

    A failed write (a full disk) is one InputError naming the file: what was appended before stays,
    and the torn line, if any, is dropped by the next run.
    """

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

    def append(self, record: ResultLine) -> None:
        assert self._fd is not None, "use the writer as a context manager"
        try:
            write_all(self._fd, record.to_bytes(self.secrets))
        except OSError as exc:
            raise self._failed(exc) from None
        self.written += 1
        if time.monotonic() - self._synced > FSYNC_EVERY_SECONDS:
            self.sync()

    def _failed(self, exc: OSError) -> InputError:
        kept = f"the {self.written} line(s) written before are kept" if self.written else "nothing was written"
        return InputError(f"{self.path}: cannot write: {exc.strerror or exc}; {kept}; run the same command again "
                          "once the problem is fixed")

    def sync(self) -> None:
        if self._fd is not None:
            try:
                os.fsync(self._fd)
            except OSError as exc:
                raise self._failed(exc) from None
            self._synced = time.monotonic()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.fsync(fd)
        except OSError as failure:
            if exc is None:  # never hide the error that is already on its way out
                raise self._failed(failure) from None
        finally:
            os.close(fd)


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` to ``fd`` (``os.write`` may write less)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


class DirectoryLock(FileLock):
    """One batch at a time per output directory: two runs would grade (and pay for) the same answers twice.

    The shared process lock (``locks.FileLock``) on ``.batch.lock``: released when the process ends
    however it ends (no stale lock after a kill).
    """

    NAME = ".batch.lock"

    def __init__(self, directory: Path) -> None:
        super().__init__(Path(directory) / self.NAME)

    def __enter__(self) -> DirectoryLock:
        try:
            self.acquire()
        except LockHeld as held:
            raise InputError(
                f"{self.path.parent}: another batch run is using this output directory ({held.holder}); "
                "wait for it or use another --out"
            ) from None
        return self
