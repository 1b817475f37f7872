"""What ``batch`` shows of a run: lines on stderr as it goes, the ``--json`` document, the closing line.

The views of the report itself and the progress bar are in ``render.batch``; this
module adapts them to ``batch.operation``'s ``BatchView`` and turns a
``BatchOutcome`` into what the command prints.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from rich.console import Console

from mock_interviewer.batch.inputs import Problem
from mock_interviewer.batch.operation import BatchOutcome, DryRunOutcome, first_ungraded_reason
from mock_interviewer.render.batch import BatchProgress
from mock_interviewer.strict import StrictModel

MAX_PROBLEMS_PRINTED = 50
Say = Callable[..., None]


class TerminalView:
    """Skipped inputs and notes as one line each on stderr; the progress bar only on a terminal, never with --json."""

    def __init__(self, console: Console, say: Say, *, live: bool, quiet: bool = False) -> None:
        self.console = console
        self.say = say
        self.live = live
        self.quiet = quiet
        self.problems = 0

    def problem(self, problem: Problem) -> None:
        self.problems += 1
        if self.problems <= MAX_PROBLEMS_PRINTED:
            self.say(str(problem), label="skipped:", label_style="bold yellow")
        elif self.problems == MAX_PROBLEMS_PRINTED + 1:
            self.say("skipped: … more problems are listed in the report")

    def note(self, text: str, *, warning: bool = False) -> None:
        if warning:
            self.say(text, label="warning:")
        elif not self.quiet:
            self.say(text)

    def progress(self, requests: int) -> BatchProgress:
        return BatchProgress(self.console, enabled=self.live and requests > 0)


# ---------------------------------------------------------------- --json


class Tokens(StrictModel):
    prompt: int
    completion: int
    cached: int


class BatchRunJson(StrictModel):
    """``batch --json``: one document on stdout, whatever the run's end."""

    schema_version: Literal[1] = 1
    answers: int
    already_done: int
    reused: int
    duplicates: int
    skipped_inputs: int
    requests: int
    samples: int = 1  # grades per answer (--samples; 1 offline, which grades once)
    graded: int
    ungraded: int
    service_failures: int
    tokens: Tokens
    elapsed_seconds: float
    stopped: str | None
    interrupted: bool
    out: str
    results: str
    reports: list[str]
    tiers: dict[str, int]
    graded_total: int
    ungraded_total: int
    not_attempted: int
    mean_score: float | None
    cost_usd: float | None
    exit_status: int
    problems: list[dict[str, object]]


def outcome_json(outcome: BatchOutcome) -> BatchRunJson:
    summary, total = outcome.summary, outcome.report.overall
    return BatchRunJson(
        **{name: getattr(summary, name) for name in (
            "answers", "already_done", "reused", "duplicates", "skipped_inputs", "requests", "graded", "ungraded",
            "service_failures", "stopped", "interrupted")},
        tokens=Tokens(prompt=summary.prompt_tokens, completion=summary.completion_tokens, cached=summary.cached_tokens),
        elapsed_seconds=round(summary.elapsed_seconds, 3),
        samples=outcome.options.samples,
        out=str(outcome.options.out),
        results=str(outcome.results),
        reports=[str(p) for p in outcome.reports],
        tiers={tier: total.tiers[tier] for tier in ("great", "mediocre", "poor")},
        graded_total=total.graded,
        ungraded_total=total.ungraded,
        not_attempted=outcome.counts.not_attempted,
        mean_score=None if total.mean is None else round(total.mean, 3),
        cost_usd=outcome.cost,
        exit_status=outcome.exit_status,
        problems=[p.as_dict() for p in outcome.problems.kept],
    )


class DryRunTokens(StrictModel):
    prompt: int
    completion_estimate: int
    completion_max: int
    prompt_cacheable: int
    counted_with: str


class PriceJson(StrictModel):
    input: float
    cached_input: float | None
    output: float


class CostJson(StrictModel):
    model: str
    priced_as: str
    prices_per_million: PriceJson
    batch_api: bool
    usd: float
    usd_with_prompt_cache: float | None
    usd_max: float


class DryRunJson(StrictModel):
    """``batch --dry-run --json``: what a run would send and cost; nothing was sent."""

    schema_version: Literal[1] = 1
    dry_run: Literal[True] = True
    backend: str
    model: str
    batch_api: bool
    answers: int
    already_done: int
    reused: int
    duplicates: int
    skipped_inputs: int
    requests: int
    samples: int = 1
    answers_to_grade: int
    tokens: DryRunTokens
    cost: CostJson | None
    prices: str
    problems: list[dict[str, object]]


def dry_run_json(planned: DryRunOutcome) -> DryRunJson:
    return DryRunJson.model_validate(
        {**planned.result.as_dict(), "problems": [p.as_dict() for p in planned.problems.kept]}
    )


# ---------------------------------------------------------------- the closing line


def closing_line(outcome: BatchOutcome) -> tuple[str, str] | None:
    """The one line (label, message) that ends a run that did not grade everything; None when it did."""
    counts, summary = outcome.counts, outcome.summary
    accounts = (f"{counts.graded} of {counts.answers} answers graded, {counts.ungraded} ungraded, "
                f"{counts.not_attempted} not attempted")
    if counts.interrupted:
        collected = " (the recorded batch is collected, not submitted again)" if outcome.options.batch_api else ""
        return "interrupted", (f"{accounts}; everything graded is in {outcome.results}; run the same command again "
                               f"to grade the rest{collected}")
    if summary.stopped:
        return "error", f"{summary.stopped} ({accounts}); run the same command again to grade the rest"
    if counts.ungraded:
        where = f"; all are listed in {outcome.reports[0]}" if outcome.reports else ""
        total = counts.graded + counts.ungraded
        return "not graded", (f"{counts.ungraded} of {total} answers are ungraded ({first_ungraded_reason(outcome.report)})"
                              f"{where}; run the same command again to retry them")
    return None
