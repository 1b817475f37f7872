"""Saved interview sessions: one JSON file per session, written atomically after every change.

A session file holds the plan (which questions, which options), every turn of
every question as it was spoken, and each question's grade once it has one.
It never holds credentials.

A question answered again (``/retry``) keeps every attempt: the record's own ``turns``,
``follow_ups_asked`` and ``grade`` are its latest attempt (so a reader of version 1 files, and every
caller, reads the latest answer where it always did), and ``earlier_attempts`` holds the ones before it,
oldest first, each with its turns and grade. ``record.attempts()`` lists them all.

Schema versions: 1 had no ``earlier_attempts``; 2 added them. A version-1 file is migrated when it is
read (``MIGRATIONS``) and written as version 2 the next time it is saved.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SerializerFunctionWrapHandler, ValidationError, model_serializer

from mock_interviewer.errors import InputError
from mock_interviewer.grade_model import Grade
from mock_interviewer.jsontext import parse_json
from mock_interviewer.locks import FileLock, LockHeld
from mock_interviewer.reading import MAX_JSON_FILE_BYTES, decode_utf8, path_error, read_limited
from mock_interviewer.scrub import configured_secrets, scrub
from mock_interviewer.storage import atomic_write_text, safe_child
from mock_interviewer.strict import StrictModel

SCHEMA_VERSION: Literal[2] = 2
SUFFIX = ".json"
RECOVERY_PREFIX = "mock-interviewer-recovery-"
RECOVERY_PLACES = ("/dev/shm", "/var/tmp")  # tried after the temporary directory: often another filesystem


def now() -> datetime:
    return datetime.now(timezone.utc)


MAX_MINUTES = 24 * 60  # a time box longer than a day is a typo (and inf or 1e308 overflowed the clock)

class SessionTurn(StrictModel):
    speaker: Literal["interviewer", "candidate"]
    kind: Literal["question", "follow_up", "answer", "skip", "notice"]
    text: str
    at: datetime = Field(default_factory=now)
    cut_off: bool = False
    """The model's words stopped at its length limit (finish_reason "length"): written only when true."""

    @model_serializer(mode="wrap")
    def _without_default_cut_off(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        data: dict[str, object] = handler(self)
        if not self.cut_off:
            data.pop("cut_off", None)
        return data


def _answers(turns: list[SessionTurn]) -> list[SessionTurn]:
    return [t for t in turns if t.speaker == "candidate" and t.kind == "answer"]


class AnswerAttempt(StrictModel):
    """One attempt at a question: the question as asked, the answers and follow-ups, and its grade."""

    turns: list[SessionTurn] = Field(default_factory=list)
    follow_ups_asked: int = 0
    grade: Grade | None = None

    def candidate_text(self) -> str:
        return "\n\n".join(t.text for t in _answers(self.turns))

    def answered_at(self) -> datetime | None:
        """When the candidate last answered in this attempt (None: no answer)."""
        answers = _answers(self.turns)
        return answers[-1].at if answers else None


class QuestionRecord(StrictModel):
    """A question of the session; ``turns``, ``follow_ups_asked`` and ``grade`` are its latest attempt."""

    question_id: str
    status: Literal["pending", "asked", "answered", "skipped", "graded", "ungraded"] = "pending"
    turns: list[SessionTurn] = Field(default_factory=list)
    follow_ups_asked: int = 0
    grade: Grade | None = None
    earlier_attempts: list[AnswerAttempt] = Field(
        default_factory=list, description="Attempts before the latest (/retry), oldest first."
    )

    def candidate_text(self) -> str:
        return "\n\n".join(t.text for t in _answers(self.turns))

    def latest(self) -> AnswerAttempt:
        """The latest attempt (a copy of the record's own turns, follow-ups and grade)."""
        return AnswerAttempt(turns=list(self.turns), follow_ups_asked=self.follow_ups_asked, grade=self.grade)

    def attempts(self) -> list[AnswerAttempt]:
        """Every attempt at the question, oldest first; the last is the latest (the record's own)."""
        return [*self.earlier_attempts, self.latest()] if self.turns or self.earlier_attempts else []

    def start_again(self) -> None:
        """``/retry``: the latest attempt joins the earlier ones; a new one starts with the same question.

        The new attempt's first turn is the interviewer's question in the words it was first asked.
        """
        asked = next((t for t in self.turns if t.kind == "question"), None)
        if asked is None or self.grade is None:
            raise ValueError("only a question whose answer has its feedback can be answered again")
        self.earlier_attempts.append(self.latest())
        self.turns = [SessionTurn(speaker="interviewer", kind="question", text=asked.text, cut_off=asked.cut_off)]
        self.follow_ups_asked = 0
        self.grade = None
        self.status = "asked"

    def keep_earlier_attempt(self) -> None:
        """A new attempt given up before any answer (``/skip``): the last earlier attempt is the latest again."""
        if not self.earlier_attempts or self.candidate_text().strip():
            raise ValueError("only an attempt with no answer yet can be given up for the earlier one")
        earlier = self.earlier_attempts.pop()
        self.turns, self.follow_ups_asked, self.grade = earlier.turns, earlier.follow_ups_asked, earlier.grade
        self.status = earlier.grade.status if earlier.grade is not None else "answered"

    def answer_count(self) -> int:
        """How many answers ``candidate_text`` joins (the answer and its follow-up answers)."""
        return len(_answers(self.turns))


class SessionOptions(StrictModel):
    questions: int = Field(ge=1)
    minutes: float | None = Field(default=None, gt=0, le=MAX_MINUTES, allow_inf_nan=False)
    follow_ups: int = Field(default=1, ge=0)
    feedback: Literal["now", "end"] = "now"
    seed: int | None = None


class Session(StrictModel):
    schema_version: Literal[2] = SCHEMA_VERSION
    id: str
    track: str
    backend: str
    model: str
    created_at: datetime = Field(default_factory=now)
    updated_at: datetime = Field(default_factory=now)
    status: Literal["in_progress", "completed", "quit", "timed_out"] = "in_progress"
    options: SessionOptions
    elapsed_seconds: float = 0.0
    records: list[QuestionRecord] = Field(default_factory=list)

    def current(self) -> QuestionRecord | None:
        """The first question not yet finished (answered questions still await their grade)."""
        for record in self.records:
            if record.status not in ("graded", "ungraded", "skipped"):
                return record
        return None


def new_session_id(when: datetime | None = None) -> str:
    stamp = (when or now()).strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-{secrets.token_hex(2)}"


class SessionStore:
    """The transcripts directory: one ``<id>.json`` per session."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path_for(self, session_id: str) -> Path:
        return safe_child(self.directory, session_id, SUFFIX)

    def lock(self, session_id: str) -> SessionLock:
        """The lock an interview holds on its session while it runs (``with store.lock(id):``)."""
        return SessionLock(self.directory, session_id)

    def save(self, session: Session) -> Path:
        session.updated_at = now()
        path = self.path_for(session.id)
        atomic_write_text(path, session_text(session))
        return path

    def load(self, session_id_or_path: str | Path) -> Session:
        """The saved session with this id (or in this ``.json`` file); every problem is one InputError naming it."""
        try:
            return self._load(session_id_or_path)
        except OSError as exc:  # a name over NAME_MAX, a directory without search permission
            raise InputError(f"{exc.filename or self.directory}: cannot read: {exc.strerror or exc}") from None

    def _load(self, session_id_or_path: str | Path) -> Session:
        candidate = Path(session_id_or_path)
        path = (
            candidate if candidate.suffix == SUFFIX and candidate.exists() else self.path_for(str(session_id_or_path))
        )
        if not path.exists():
            raise InputError(
                f"no saved session {str(session_id_or_path)!r} in {self.directory} (see 'mock-interviewer sessions')"
            )
        session = load_session_file(path)
        if path.resolve().parent == self.directory.resolve() and path.stem != session.id:
            # Saving it would write <its id>.json: another session's file, or one outside the directory.
            raise InputError(
                f"{path}: holds session {session.id!r}, not {path.stem!r}; the file was renamed or edited "
                "(name it after the id inside it)"
            )
        return session

    def list(self) -> Iterator[tuple[Path, Session | InputError]]:
        """Every session file, newest first, with the session or the problem that stops it loading."""
        try:
            if not self.directory.is_dir():
                return
            files = sorted(self.directory.glob(f"*{SUFFIX}"), key=_modified, reverse=True)
        except OSError as exc:
            raise path_error(self.directory, exc, "a directory") from None
        for path in files:
            try:
                yield path, load_session_file(path)
            except InputError as exc:
                yield path, exc


def _modified(path: Path) -> float:
    """When a file was last written; a file gone since the listing (or unreadable) sorts last."""
    try:
        return path.stat().st_mtime
    except OSError:  # a dangling link: listed last, with the reason it cannot be read
        return 0.0


def session_text(session: Session) -> str:
    """The session as its file holds it: scrubbed, since a model's words (a refusal, a grade) may echo a key."""
    return scrub(session.model_dump_json(indent=2), configured_secrets()) + "\n"


def save_recovery_copy(session: Session) -> Path | None:
    """The session in a new private temporary directory, for when its own file cannot be written (a full disk).

    Tried in the temporary directory, then in places often on another filesystem; None when none can be
    written. ``interview --resume PATH`` reads the copy and saves it back to the transcripts directory.
    """
    text = session_text(session).encode("utf-8")
    for place in (tempfile.gettempdir(), *RECOVERY_PLACES):
        directory: Path | None = None
        try:
            directory = Path(tempfile.mkdtemp(prefix=RECOVERY_PREFIX, dir=place))
            path = directory / f"{session.id}{SUFFIX}"
            with path.open("xb") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            return path
        except OSError:
            if directory is not None:
                shutil.rmtree(directory, ignore_errors=True)
    return None


class SessionLock(FileLock):
    """One interview at a time per session: two terminals resuming one session would each save over the other.

    The shared process lock (``locks.FileLock``) on ``.<id>.lock`` beside the session file, removed
    when the interview ends; one left by a killed process is taken over.
    """

    def __init__(self, directory: Path, session_id: str) -> None:
        session_file = safe_child(Path(directory), session_id, SUFFIX)  # the id is checked like the file's
        super().__init__(session_file.with_name(f".{session_id}.lock"), remove=True)
        self.session_id = session_id

    def __enter__(self) -> SessionLock:
        try:
            self.acquire()
        except LockHeld as held:
            raise InputError(
                f"session {self.session_id} is open in another interview ({held.holder}); "
                "carry on there, or /quit it there and resume here"
            ) from None
        return self


def _from_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 to 2: a version-1 record is a version-2 record with no earlier attempts."""
    return {**data, "schema_version": 2}


#: ``{version: the step to the next version}``, applied in turn until the current version.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _from_v1}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """A session file's data brought to the current schema version (other versions are left to validation)."""
    version = data.get("schema_version", 1)
    while isinstance(version, int) and version in MIGRATIONS:
        data = MIGRATIONS[version](data)
        version = data["schema_version"]
    return data


def load_session_file(path: Path) -> Session:
    """Load and validate one session file; every problem names the file and field."""
    raw = read_limited(path, MAX_JSON_FILE_BYTES, "a session file", regular_only=True)
    data = parse_json(decode_utf8(raw, str(path)), str(path), note="; the session file is corrupt")
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a session object")
    version = data.get("schema_version", 1)  # version 1 was the default: a file without one is version 1
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        raise InputError(
            f"{path}: schema_version {version} is newer than this tool supports ({SCHEMA_VERSION}); upgrade mock-interviewer"
        )
    data = migrate(data)
    try:
        session = Session.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"]) or "(root)"
        raise InputError(f"{path}: {where}: {error['msg']}") from None
    try:
        session.model_dump_json()  # it is saved after every step: text that cannot be written is refused now
    except ValueError:
        raise InputError(f"{path}: holds text that is not valid Unicode (an unpaired \\ud800-style escape)") from None
    return session
