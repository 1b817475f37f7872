"""What a run must do, found in one streamed pass over the inputs, without holding the answers.

Each answer not already in ``results.jsonl`` is written to a temporary *spool*
file; memory keeps only its offset there, under its question and key. Jobs then
come out question by question (in id order), so requests for the same question
leave one after another and the shared prompt prefix (instructions, question,
exemplars) stays in the provider's prompt cache; word-for-word identical answers
to a question share one key and become one request with several result lines.
This is an external sort by question: memory grows by an offset and a 16-byte key
per answer, never by the answer's text, and the total is known before the first
request (the progress bar has an ETA, ``--dry-run`` has exact counts).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

from mock_interviewer.backends.base import Turn
from mock_interviewer.bank import Bank
from mock_interviewer.batch.inputs import Item, Problem, iter_inputs
from mock_interviewer.batch.keys import KeyMaker, ref_of, short
from mock_interviewer.batch.results import ResultIndex
from mock_interviewer.errors import InputError

ProblemHandler = Callable[[Problem], None]
T = TypeVar("T")


@dataclass
class Job:
    """One grade request: a key and the answers (usually one) it grades."""

    key: str
    items: list[Item]

    @property
    def item(self) -> Item:
        return self.items[0]


@dataclass
class Plan:
    """The pending jobs (spooled), the answers already done, and every answer of this run (for the report)."""

    spool: IO[bytes]
    groups: dict[str, dict[bytes, list[int]]] = field(default_factory=dict)
    reuse: list[tuple[int, int]] = field(default_factory=list)
    """(spool offset of an answer, results offset of its key's grade): a new answer to an already graded key."""
    run_refs: set[bytes] = field(default_factory=set)
    answers: int = 0
    already_done: int = 0
    duplicates: int = 0
    problems: int = 0

    @property
    def requests(self) -> int:
        return sum(len(keys) for keys in self.groups.values())

    @property
    def pending_answers(self) -> int:
        return sum(len(offsets) for keys in self.groups.values() for offsets in keys.values())

    def read(self, offset: int) -> tuple[str, Item]:
        """The key and answer spooled at ``offset``."""
        self.spool.seek(offset)
        data = json.loads(self.spool.readline())
        exchange = tuple(Turn(speaker=s, text=t) for s, t in data.pop("exchange"))
        key = data.pop("key")
        return key, Item(**data, exchange=exchange)

    def _job(self, offsets: list[int]) -> Job:
        key, first = self.read(offsets[0])
        return Job(key=key, items=[first, *(self.read(o)[1] for o in offsets[1:])])

    def jobs(self) -> Iterator[Job]:
        """Pending jobs, grouped by question (ids in order), answers in input order within a question."""
        for question_id in sorted(self.groups):
            for offsets in self.groups[question_id].values():
                yield self._job(offsets)

    def find(self, key: str) -> Job | None:
        """The pending job of a key (the Batch API hands results back by key, in any order)."""
        digest = short(key)
        for offsets_by_key in self.groups.values():
            offsets = offsets_by_key.get(digest)
            if offsets is not None:
                return self._job(offsets)
        return None

    def close(self) -> None:
        with suppress(OSError):  # a failed flush of a temporary file about to vanish: the write already said why
            self.spool.close()

    def __enter__(self) -> Plan:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _spool_line(item: Item, key: str) -> bytes:
    data: dict[str, Any] = {
        "item_id": item.item_id,
        "candidate": item.candidate,
        "question_id": item.question_id,
        "answer": item.answer,
        "source": item.source,
        "line": item.line,
        "exchange": [[t.speaker, t.text] for t in item.exchange],
        "key": key,
    }
    return (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8")


def build_plan(
    paths: Iterable[Path],
    bank: Bank,
    keys: KeyMaker,
    index: ResultIndex,
    *,
    exclude: Iterable[Path] = (),
    on_problem: ProblemHandler | None = None,
) -> Plan:
    """Read every input once; spool what is left to grade; report problems as they are met."""
    plan = Plan(spool=tempfile.TemporaryFile(prefix="mock-interviewer-batch-"))  # noqa: SIM115 - Plan closes it
    try:
        for entry in iter_inputs(paths, bank.get, exclude=list(exclude)):
            if isinstance(entry, Problem):
                plan.problems += 1
                if on_problem is not None:
                    on_problem(entry)
                continue
            _add(plan, entry, bank, keys, index)
        _spooling(plan.spool.flush)
    except BaseException:
        plan.close()
        raise
    return plan


def _spooling(write: Callable[[], T]) -> T:
    """A write to the spool (a seek flushes too); a full disk (or any OS error) is one line naming where it lives."""
    try:
        return write()
    except OSError as exc:
        raise InputError(
            f"{tempfile.gettempdir()}: cannot write the batch's temporary spool file: {exc.strerror or exc} "
            "(set TMPDIR to a directory with room)"
        ) from None


def _add(plan: Plan, item: Item, bank: Bank, keys: KeyMaker, index: ResultIndex) -> None:
    key = keys.key(item, bank.get(item.question_id))
    ref = ref_of(key, item)
    if ref in plan.run_refs:
        plan.duplicates += 1  # the same answer met twice (a file given twice, or inside a given directory)
        return
    plan.run_refs.add(ref)
    plan.answers += 1
    if ref in index.refs:
        plan.already_done += 1
        return
    digest = short(key)
    offset = _spooling(lambda: plan.spool.seek(0, 2))
    _spooling(lambda: plan.spool.write(_spool_line(item, key)))
    done_at = index.done.get(digest)
    if done_at is not None:
        plan.reuse.append((offset, done_at))
        return
    plan.groups.setdefault(item.question_id, {}).setdefault(digest, []).append(offset)
