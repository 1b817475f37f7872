"""``batch`` as one typed operation: ``run_batch(options, …) -> BatchOutcome`` (and ``dry_run_batch``).

The command only turns its options into ``BatchOptions``, shows what the run tells
it (a ``BatchView``) and renders the outcome. Everything else is here: the checks
made before anything is written, the output directory's lock, the plan, grading
live or through the Batch API, one stop policy (``stopping``), the report, and
the true counts that decide the exit status (``outcome``).
"""

from __future__ import annotations

import asyncio
import errno
import os
from collections.abc import Awaitable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol, TypeVar

from mock_interviewer.backends.base import Backend
from mock_interviewer.bank import Bank
from mock_interviewer.batch import DEFAULT_OUT_DIR
from mock_interviewer.batch.batch_api import BatchListener, BatchRecord, BatchState
from mock_interviewer.batch.estimate import DryRun
from mock_interviewer.batch.inputs import Problem
from mock_interviewer.batch.keys import KeyMaker
from mock_interviewer.batch.outcome import EXIT_OK, EXIT_SKIPPED, RunCounts, exit_status
from mock_interviewer.batch.plan import Job, Plan, build_plan
from mock_interviewer.batch.pricing import PriceTable, spent
from mock_interviewer.batch.report import FORMATS, ReportData, gather, write_reports
from mock_interviewer.batch.results import Failure, ResultIndex, ResultStore, ResultWriter
from mock_interviewer.batch.runner import DEFAULT_CONCURRENCY, RunListener, RunSummary, start_summary
from mock_interviewer.batch.stopping import StopFlag
from mock_interviewer.config import Settings
from mock_interviewer.errors import InputError
from mock_interviewer.grade_model import Grade
from mock_interviewer.sampling import OFFLINE_NOTE, check_samples

DEFAULT_OUT = Path(DEFAULT_OUT_DIR)
DEFAULT_POLL_SECONDS = 30.0
PROBLEMS_KEPT = 1000
T = TypeVar("T")


# ---------------------------------------------------------------- what goes in


@dataclass(frozen=True)
class BatchOptions:
    """What to grade and how; checked when made (one InputError naming the option)."""

    paths: tuple[Path, ...]
    out: Path = DEFAULT_OUT
    concurrency: int = DEFAULT_CONCURRENCY
    batch_api: bool = False
    formats: tuple[str, ...] = ()
    poll_seconds: float = DEFAULT_POLL_SECONDS
    secrets: tuple[str, ...] = ()
    """Strings never written to disk (the API key)."""
    samples: int = 1
    """Grades per answer, exemplars in rotated order (``sampling``); a split tier is marked borderline."""

    def __post_init__(self) -> None:
        formats = tuple(f.strip().lower() for f in self.formats)
        for fmt in formats:
            if fmt not in FORMATS:
                raise InputError(f"--format: unknown report format {fmt!r} (choose md, html or csv)")
        object.__setattr__(self, "formats", formats)
        if self.concurrency < 1:
            raise InputError(f"--concurrency must be at least 1, got {self.concurrency}")
        check_samples(self.samples)
        if self.samples > 1 and self.batch_api:
            raise InputError("--samples and --batch-api do not go together: the Batch API sends one request per "
                             "answer; grade live for samples, or drop --samples")
        if self.out.exists() and not self.out.is_dir():
            raise InputError(f"--out {self.out}: exists and is not a directory")
        self._check_paths()

    def _check_paths(self) -> None:
        """Before anything is written: when no path given exists, one error naming the first (exit 2).

        (A missing path among others that exist is a skipped input, like any unreadable one.)
        """
        if self.paths and not any(os.path.lexists(p) for p in self.paths):
            others = f" (nor do the {len(self.paths) - 1} other paths given)" if len(self.paths) > 1 else ""
            raise InputError(f"{self.paths[0]}: {_why_missing(self.paths[0])}{others}; nothing was graded or written")


def _why_missing(path: Path) -> str:
    """Why a path cannot be found, in words: usually it does not exist; a name too long for the file system says so."""
    from mock_interviewer.reading import path_problem

    try:
        os.lstat(path)
    except OSError as exc:
        if exc.errno != errno.ENOENT:
            return f"cannot read: {path_problem(exc)}"
    return "no such file or directory"


class ProgressView(RunListener, BatchListener, Protocol):
    """A progress display for the live runner and the Batch API flow, used as a context manager."""

    def __enter__(self) -> object: ...
    def __exit__(self, *exc: object) -> None: ...


class BatchView(Protocol):
    """What the run tells its user as it goes; the command shows it on stderr."""

    def problem(self, problem: Problem) -> None: ...
    def note(self, text: str, *, warning: bool = False) -> None: ...
    def progress(self, requests: int) -> ProgressView: ...


class _NoProgress:
    def __enter__(self) -> object:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def started(self, answers: int, requests: int) -> None:
        return None

    def graded(self, job: Job, grade: Grade, failure: Failure | None) -> None:
        return None

    def note(self, message: str) -> None:
        return None

    def polled(self, record: BatchRecord) -> None:
        return None


class QuietView:
    """A view that shows nothing (library callers and tests)."""

    def problem(self, problem: Problem) -> None:
        return None

    def note(self, text: str, *, warning: bool = False) -> None:
        return None

    def progress(self, requests: int) -> ProgressView:
        return _NoProgress()


@dataclass
class ProblemLog:
    """Every skipped input is counted and shown; the first ``PROBLEMS_KEPT`` are kept for the report."""

    view: BatchView
    count: int = 0
    kept: list[Problem] = field(default_factory=list)

    def __call__(self, problem: Problem) -> None:
        self.count += 1
        if len(self.kept) < PROBLEMS_KEPT:
            self.kept.append(problem)
        self.view.problem(problem)


# ---------------------------------------------------------------- what comes out


@dataclass
class BatchOutcome:
    """A finished (or stopped) run: its summary, the report's data, the files written, the true counts."""

    options: BatchOptions
    summary: RunSummary
    report: ReportData
    reports: list[Path]
    results: Path
    problems: ProblemLog
    cost: float | None
    counts: RunCounts

    @property
    def exit_status(self) -> int:
        return exit_status(self.counts)


@dataclass
class DryRunOutcome:
    result: DryRun
    problems: ProblemLog

    @property
    def exit_status(self) -> int:
        return EXIT_SKIPPED if self.problems.count else EXIT_OK


# ---------------------------------------------------------------- the run


@dataclass
class _Run:
    """What every step of one run shares."""

    options: BatchOptions
    settings: Settings
    bank: Bank
    backend: Backend
    view: BatchView
    stop: StopFlag
    prompt_version: str
    store: ResultStore = field(init=False)
    problems: ProblemLog = field(init=False)

    def __post_init__(self) -> None:
        self.store = ResultStore(self.options.out)
        self.problems = ProblemLog(self.view)

    def plan(self, index: ResultIndex) -> Plan:
        keys = KeyMaker(self.backend.name, self.backend.model, self.prompt_version, self.settings,
                        samples=self.options.samples)
        return build_plan(self.options.paths, self.bank, keys, index, exclude=[self.options.out],
                          on_problem=self.problems)


def _start(options: BatchOptions, settings: Settings, bank: Bank, backend: Backend, view: BatchView | None,
           stop: StopFlag | None) -> _Run:
    from mock_interviewer.grader import PROMPT_NAME
    from mock_interviewer.prompts import load_prompt

    if options.batch_api and backend.name != "openai":
        raise InputError("--batch-api needs the openai backend (set OPENAI_API_KEY, or pass --backend openai)")
    view = view or QuietView()
    if options.samples > 1 and backend.estimate:  # said once, and the run grades (and keys) as with one sample
        view.note(OFFLINE_NOTE, warning=True)  # said with --json too, as grade says it
        options = replace(options, samples=1)
    run = _Run(options, settings, bank, backend, view, stop or StopFlag(),
               load_prompt(PROMPT_NAME).version)
    if not options.batch_api:
        waiting = BatchState.load(options.out).pending()
        if waiting:
            run.view.note(
                f"{options.out / 'batch-api.json'} names Batch API batch(es) not collected yet "
                f"({', '.join(b.id for b in waiting)}); run with --batch-api to collect them rather than pay twice",
                warning=True,
            )
    return run


def dry_run_batch(options: BatchOptions, settings: Settings, bank: Bank, backend: Backend, *, prices: PriceTable,
                  view: BatchView | None = None) -> DryRunOutcome:
    """Count the requests, tokens and cost of a run; send nothing, write nothing."""
    from mock_interviewer.batch.estimate import dry_run
    from mock_interviewer.batch.requests import BodyBuilder

    run = _start(options, settings, bank, backend, view, None)
    offline = backend.name == "offline"
    with run.plan(run.store.scan()) as plan:
        result = dry_run(plan, bank, settings, backend=backend.name, model=settings.model if offline else backend.model,
                         body_for=None if offline else BodyBuilder(settings), prices=prices,
                         batch_api=options.batch_api, priced=not offline, samples=run.options.samples)
    return DryRunOutcome(result, run.problems)


def run_batch(options: BatchOptions, settings: Settings, bank: Bank, backend: Backend, *, prices: PriceTable,
              view: BatchView | None = None, stop: StopFlag | None = None) -> BatchOutcome:
    """Grade every answer of ``options.paths`` not graded yet, write ``results.jsonl`` and the reports.

    Bad inputs are skipped (and counted); a stop request (the first Ctrl-C) ends the run after the
    answers being recorded, and the outcome counts what was not attempted.
    """
    from mock_interviewer.batch.results import DirectoryLock

    run = _start(options, settings, bank, backend, view, stop)
    with DirectoryLock(options.out):
        index = run.store.prepare()
        if index.ungraded_lines:
            run.view.note(f"retrying {index.ungraded_lines} answer(s) left ungraded by an earlier run")
        if index.bad_lines:
            run.view.note(f"dropped {index.bad_lines} unreadable line(s) from {run.store.path} (torn by a kill "
                          "or a full disk, or holding no valid grade); their answers are graded again")
        with run.plan(index) as plan:
            if plan.answers == 0 and not run.problems.count:
                run.view.note(f"no answers found in {', '.join(map(str, options.paths))}", warning=True)
            summary = _grade(run, plan)
            return _finish(run, plan, summary, prices)


def _grade(run: _Run, plan: Plan) -> RunSummary:
    progress = run.view.progress(plan.requests * run.options.samples)
    try:
        with run.store.writer(run.options.secrets) as writer, progress:
            if run.options.batch_api:
                return _via_batch_api(run, plan, writer, progress)
            from mock_interviewer.batch.runner import run_live

            return asyncio.run(_closing(run.backend.aclose(), run_live(
                plan, run.backend, run.bank, run.settings, run.store, writer, prompt_version=run.prompt_version,
                concurrency=run.options.concurrency, events=progress, stop=run.stop, samples=run.options.samples)))
    except KeyboardInterrupt:  # a second Ctrl-C, or one that came outside the stop policy's reach
        summary = start_summary(plan)
        summary.interrupted = True
        return summary


def _via_batch_api(run: _Run, plan: Plan, writer: ResultWriter, progress: ProgressView) -> RunSummary:
    from mock_interviewer.batch.batch_api import make_client, run_batch_api
    from mock_interviewer.batch.requests import BodyBuilder
    from mock_interviewer.batch.runner import apply_reuse
    from mock_interviewer.batch.stopping import until_stopped
    from mock_interviewer.errors import ServiceError

    state = BatchState.load(run.store.directory)
    summary = start_summary(plan)
    if not state.pending() and not plan.requests:
        apply_reuse(plan, run.store, writer, summary)
        return summary
    client = make_client(run.settings)
    flow = run_batch_api(client, plan, run.bank, run.settings, run.store, writer, state, BodyBuilder(run.settings),
                         model=run.backend.model, prompt_version=run.prompt_version,
                         poll_seconds=run.options.poll_seconds, events=progress, secrets=run.options.secrets)
    try:
        done = asyncio.run(_closing(client.close(), until_stopped(flow, run.stop)))
    except ServiceError as exc:  # nothing more can be sent: the rest is not attempted, and the report says so
        summary.stopped = str(exc)
        return summary
    if done is None:
        summary.interrupted = True
        return summary
    return done


async def _closing(close: Awaitable[None], work: Awaitable[T]) -> T:
    """``work``'s result, awaiting ``close`` afterwards whatever happened."""
    try:
        return await work
    finally:
        await close


def _finish(run: _Run, plan: Plan, summary: RunSummary, prices: PriceTable) -> BatchOutcome:
    data = gather(run.store, plan.run_refs, run.bank.questions.get, problems=run.problems.kept,
                  problem_count=run.problems.count)
    counts = RunCounts(
        answers=plan.answers,
        graded=data.overall.graded,
        ungraded=data.overall.ungraded,
        skipped_inputs=run.problems.count,
        service_failed=bool(summary.service_failures or summary.stopped),
        interrupted=summary.interrupted,
    )
    data.not_attempted = counts.not_attempted
    reports = write_reports(data, run.options.out, run.options.formats)
    cost = spent(summary, prices, run.backend.model, run.options.batch_api)
    return BatchOutcome(run.options, summary, data, reports, run.store.path, run.problems, cost, counts)


def first_ungraded_reason(data: ReportData) -> str:
    """The reason of the first ungraded answer of the report (a wrong key or model must not hide in it)."""
    first = next(data.ungraded_rows(), None) or {}
    grade = first.get("grade")
    reason = grade.get("reason") if isinstance(grade, dict) else None
    return str(reason or "no reason recorded")

