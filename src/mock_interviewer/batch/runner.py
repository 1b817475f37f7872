"""The live run: ``concurrency`` workers pulling jobs in order, each grading through the backend.

Why N workers on one shared iterator (and not one task per answer): only N
requests, N jobs and their N grades exist at any moment, whatever the batch size;
jobs leave in plan order (question by question, for the prompt cache); and a
worker waiting on a 429 (the SDK sleeps for Retry-After inside that one request)
holds up nobody else: the other N-1 keep pulling jobs.

Every grade goes through ``grader.grade_answer`` (one repair re-ask, ungraded with
the reason otherwise) and is appended to ``results.jsonl`` the moment it exists.
A model service failure (after the SDK's retries) makes that answer ungraded with
the reason; if ``stop_after`` requests fail in a row the run stops early rather
than spend the night failing (a wrong key or model fails every request alike).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from mock_interviewer.backends.base import Backend
from mock_interviewer.bank import Bank
from mock_interviewer.batch.plan import Job, Plan
from mock_interviewer.batch.results import Failure, ResultStore, ResultWriter, make_record
from mock_interviewer.batch.stopping import StopFlag
from mock_interviewer.config import Settings
from mock_interviewer.errors import InputError, ServiceError
from mock_interviewer.grade_model import Grade
from mock_interviewer.grader import grade_answer

DEFAULT_CONCURRENCY = 8


class RunListener(Protocol):
    def started(self, answers: int, requests: int) -> None: ...
    def graded(self, job: Job, grade: Grade, failure: Failure | None) -> None: ...


class RunEvents:
    """What a run reports as it goes; the command draws a progress bar from it. No-ops here."""

    def started(self, answers: int, requests: int) -> None:
        """Grading starts: ``answers`` to grade with ``requests`` requests."""

    def graded(self, job: Job, grade: Grade, failure: Failure | None) -> None:
        """One job finished (its ``len(job.items)`` answers are written)."""


@dataclass
class RunSummary:
    """What a run did, in numbers (``--json`` prints it)."""

    answers: int = 0
    already_done: int = 0
    reused: int = 0
    duplicates: int = 0
    skipped_inputs: int = 0
    requests: int = 0
    graded: int = 0
    ungraded: int = 0
    service_failures: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    elapsed_seconds: float = 0.0
    stopped: str | None = None
    interrupted: bool = False

    def count(self, job: Job, grade: Grade, failure: Failure | None) -> None:
        n = len(job.items)
        self.requests += grade.usage.requests if grade.usage is not None else 1
        if grade.status == "graded":
            self.graded += n
        else:
            self.ungraded += n
            if failure == "service":
                self.service_failures += n
        if grade.usage is not None:
            self.prompt_tokens += grade.usage.prompt_tokens
            self.completion_tokens += grade.usage.completion_tokens
            self.cached_tokens += grade.usage.cached_tokens

    def as_dict(self) -> dict[str, Any]:
        return {
            "answers": self.answers,
            "already_done": self.already_done,
            "reused": self.reused,
            "duplicates": self.duplicates,
            "skipped_inputs": self.skipped_inputs,
            "requests": self.requests,
            "graded": self.graded,
            "ungraded": self.ungraded,
            "service_failures": self.service_failures,
            "tokens": {
                "prompt": self.prompt_tokens,
                "completion": self.completion_tokens,
                "cached": self.cached_tokens,
            },
            "elapsed_seconds": round(self.elapsed_seconds, 3),
            "stopped": self.stopped,
        }


def start_summary(plan: Plan) -> RunSummary:
    return RunSummary(
        answers=plan.answers,
        already_done=plan.already_done,
        duplicates=plan.duplicates,
        skipped_inputs=plan.problems,
    )


def apply_reuse(plan: Plan, store: ResultStore, writer: ResultWriter, summary: RunSummary) -> None:
    """New answers whose key is already graded (same words, same question) get that grade, no request."""
    for spool_offset, result_offset in plan.reuse:
        key, item = plan.read(spool_offset)
        writer.append(make_record(key, item, store.read_at(result_offset).grade))
        summary.reused += 1


async def grade_job(
    job: Job, backend: Backend, bank: Bank, settings: Settings, prompt_version: str, samples: int = 1
) -> tuple[Grade, Failure | None]:
    """One job's grade, and why it is ungraded when it is: "service", "model_reply" or "input".

    With ``samples`` K > 1 the grader sends K requests, one after another (``sampling``).
    """
    item = job.item
    question = bank.get(item.question_id)
    common: dict[str, Any] = {"estimate": backend.estimate, "prompt_version": prompt_version}
    try:
        grade = await grade_answer(backend, question, item.answer, settings, exchange=item.exchange, samples=samples)
    except ServiceError as exc:  # with samples, ``spent`` counts the samples that came back before it failed
        return Grade.ungraded(question.id, str(exc), backend=backend.name, model=backend.model, usage=exc.spent,
                              **common), "service"
    except InputError as exc:
        reason = f"the answer cannot be graded: {exc}"
        return Grade.ungraded(question.id, reason, backend=backend.name, model=backend.model, **common), "input"
    return grade, (None if grade.status == "graded" else "model_reply")


async def run_live(
    plan: Plan,
    backend: Backend,
    bank: Bank,
    settings: Settings,
    store: ResultStore,
    writer: ResultWriter,
    *,
    prompt_version: str,
    concurrency: int = DEFAULT_CONCURRENCY,
    events: RunListener | None = None,
    stop_after: int | None = None,
    stop: StopFlag | None = None,
    samples: int = 1,
) -> RunSummary:
    """Grade every pending job of ``plan``, ``concurrency`` at a time, appending results as they come.

    With ``samples`` K > 1 each job is graded K times by its worker (the exemplars in rotated order), so
    ``concurrency`` still bounds the requests in flight.
    When ``stop`` is requested no worker takes another job, requests in flight are cancelled (their
    answers stay ungraded and unrecorded), and the summary says ``interrupted``.
    """
    if concurrency < 1:
        raise InputError(f"--concurrency must be at least 1, got {concurrency}")
    summary = start_summary(plan)
    started = time.monotonic()
    apply_reuse(plan, store, writer, summary)
    run = _LiveRun(plan, backend, bank, settings, writer, prompt_version, events or RunEvents(), summary,
                   stop_after if stop_after is not None else max(10, 2 * concurrency), stop or StopFlag(), samples)
    run.events.started(plan.pending_answers, plan.requests * samples)
    try:
        await run.workers(min(concurrency, max(plan.requests, 1)))
    finally:
        summary.elapsed_seconds = time.monotonic() - started
    summary.interrupted = run.stop.requested
    return summary


@dataclass
class _LiveRun:
    plan: Plan
    backend: Backend
    bank: Bank
    settings: Settings
    writer: ResultWriter
    prompt_version: str
    events: RunListener
    summary: RunSummary
    stop_after: int
    stop: StopFlag
    samples: int = 1
    failures_in_a_row: int = 0

    def __post_init__(self) -> None:
        self.jobs: Iterator[Job] = self.plan.jobs()

    async def workers(self, count: int) -> None:
        """Run ``count`` workers until the jobs run out, the run stops, or a stop is requested.

        A stop request cancels the requests in flight: their answers stay unrecorded (not attempted).
        """
        tasks = [asyncio.ensure_future(self.worker()) for _ in range(count)]

        def cancel_all() -> None:
            for task in tasks:
                task.cancel()

        try:
            with self.stop.when_requested(cancel_all):
                done, _pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
            for task in done:
                if not task.cancelled():
                    task.result()  # re-raise a worker's unexpected error
        finally:
            cancel_all()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def worker(self) -> None:
        while self.summary.stopped is None and not self.stop.requested:
            job = next(self.jobs, None)
            if job is None:
                return
            grade, failure = await grade_job(job, self.backend, self.bank, self.settings, self.prompt_version,
                                             self.samples)
            self.record(job, grade, failure)

    def record(self, job: Job, grade: Grade, failure: Failure | None) -> None:
        for item in job.items:
            self.writer.append(make_record(job.key, item, grade, failure))
        self.summary.count(job, grade, failure)
        self.events.graded(job, grade, failure)
        if failure != "service":
            self.failures_in_a_row = 0
            return
        self.failures_in_a_row += 1
        if self.failures_in_a_row >= self.stop_after and self.summary.stopped is None:
            self.summary.stopped = (f"stopped after {self.failures_in_a_row} requests in a row failed; "
                                    f"the last: {grade.reason}")
