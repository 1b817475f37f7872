"""Rendering ``batch``: the live progress bar, the end-of-run summary, and the dry run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from mock_interviewer.render import TIER_STYLE


def dollars(amount: float) -> str:
    """Cents for budgets, four decimals for the small sums of a small batch."""
    return f"${amount:,.2f}" if amount >= 1 or amount == 0 else f"${amount:.4f}"


def _make_progress(console: Any) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn

    class RateColumn(ProgressColumn):
        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:.1f}/s" if speed else "–/s", style="cyan")

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[failed]} failed · {task.fields[tokens]:,} tokens"),
        console=console,
        transient=False,
    )


class BatchProgress:
    """Runner and Batch API events drawn as one Rich progress bar on ``console`` (stderr; none with --json or off a terminal)."""

    def __init__(self, console: Any, enabled: bool) -> None:
        self.console = console
        self.progress = _make_progress(console) if enabled else None
        self.task: Any = None
        self.failed = 0
        self.tokens = 0
        self.last_status: tuple[Any, ...] | None = None
        self.batch_tasks: dict[str, Any] = {}

    def __enter__(self) -> BatchProgress:
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()

    # runner events
    def started(self, answers: int, requests: int) -> None:
        if self.progress is not None:
            self.task = self.progress.add_task("grading", total=answers, failed=0, tokens=0)

    def graded(self, job: Any, grade: Any, failure: str | None) -> None:
        if grade.status != "graded":
            self.failed += len(job.items)
        if grade.usage is not None:
            self.tokens += grade.usage.prompt_tokens + grade.usage.completion_tokens
        if self.progress is not None:
            if self.task is None:
                self.task = self.progress.add_task("collecting", total=None, failed=0, tokens=0)
            self.progress.update(self.task, advance=len(job.items), failed=self.failed, tokens=self.tokens)

    # Batch API events
    def note(self, message: str) -> None:
        """Batch ids and downloads are worth a line on stderr even with --json (stdout stays one document)."""
        if self.progress is not None:
            self.progress.console.print(message, highlight=False, markup=False)
        else:
            self.console.print(message, highlight=False, markup=False)

    def polled(self, record: Any) -> None:
        if self.progress is None:
            status = (record.id, record.status, record.completed, record.failed)
            if status != self.last_status:  # off a terminal: one line per change, not a bar
                self.last_status = status
                self.console.print(
                    f"batch {record.id}: {record.status} ({record.completed + record.failed}/{record.requests} done, "
                    f"{record.failed} failed)",
                    highlight=False,
                )
            return
        task = self.batch_tasks.get(record.id)
        if task is None:
            task = self.batch_tasks[record.id] = self.progress.add_task(
                "batch", total=record.requests, failed=0, tokens=0
            )
        self.progress.update(
            task,
            description=f"batch {record.id} {record.status}",
            total=record.requests or None,
            completed=record.completed + record.failed,
            failed=record.failed,
        )


def batch_summary_view(summary: Any, data: Any, reports: list[Path], results: Path, cost: float | None) -> RenderableType:
    """The end-of-run summary: counts, tokens and cost, the tier line, where the results and reports are."""

    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column(justify="right")
    table.add_column(style="dim")
    total = data.overall
    table.add_row("answers", f"{summary.answers:,}", "in the inputs")
    table.add_row(
        "graded now", f"{summary.graded:,}", f"{summary.requests:,} requests in {summary.elapsed_seconds:.1f} s"
    )
    if summary.already_done or summary.reused:
        table.add_row("already graded", f"{summary.already_done + summary.reused:,}", "skipped, no request")
    if total.ungraded:
        table.add_row(
            "ungraded", f"{total.ungraded:,}", "listed in the report with the reason; retried on the next run"
        )
    if data.not_attempted:
        table.add_row("not attempted", f"{data.not_attempted:,}", "the run stopped first; the next run grades them")
    if summary.skipped_inputs:
        table.add_row("skipped inputs", f"{summary.skipped_inputs:,}", "named above and in the report")
    if summary.prompt_tokens or summary.completion_tokens:
        spent = f"≈ {dollars(cost)}" if cost is not None else ""
        table.add_row(
            "tokens",
            f"{summary.prompt_tokens + summary.completion_tokens:,}",
            f"{summary.prompt_tokens:,} prompt ({summary.cached_tokens:,} cached), "
            f"{summary.completion_tokens:,} completion {spent}".rstrip(),
        )
    parts: list[RenderableType] = [table]
    if total.graded:
        tiers = Text("tiers   ")
        for tier in ("great", "mediocre", "poor"):
            tiers.append(f"{tier} {total.tiers[tier]}", style=TIER_STYLE[tier])
            tiers.append("   ")
        mean = f"mean score {total.mean:.2f}/5" if total.mean is not None else ""
        tiers.append(mean, style="bold")
        parts.append(tiers)
    parts.append(Text(f"results {results}\nreport  {', '.join(str(p) for p in reports)}", style="dim"))
    return Group(*parts)


def dry_run_view(result: Any, offline: bool) -> RenderableType:
    """What a dry run found: answers, requests, tokens counted with tiktoken, and the cost."""

    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column(justify="right")
    table.add_column(style="dim")
    done = result.already_done + result.reused
    table.add_row("answers", f"{result.answers:,}", f"{done:,} already graded" if done else "")
    notes = ["Batch API (half price)"] if result.batch_api else []
    if result.samples > 1:
        notes.append(f"{result.samples} per answer (--samples)")
    table.add_row("requests", f"{result.requests:,}", "; ".join(notes))
    counted = f"tiktoken, {result.model}" if result.tokens_exact else "estimated: no tiktoken encoding could load"
    table.add_row("prompt tokens", f"{result.prompt_tokens:,}", counted)
    table.add_row("completion tokens", f"~{result.completion_tokens:,}", f"at most {result.completion_tokens_max:,}")
    if offline:
        table.add_row("cost", "$0", "offline backend: graded locally, no service is called")
    elif result.cost is None:
        table.add_row("cost", "unknown", f"no price for {result.model}: add it with --prices FILE.json")
    else:
        cost = result.cost
        notes = [f"at most {dollars(cost.maximum)}"]
        if cost.with_cache is not None and result.cacheable_tokens:
            notes.append(f"{dollars(cost.with_cache)} if the prompt cache serves every shared prefix")
        table.add_row("cost", dollars(cost.total), "; ".join(notes))
    if result.skipped_inputs:
        table.add_row("skipped inputs", f"{result.skipped_inputs:,}", "named above")
    parts: list[RenderableType] = [Text("Dry run: nothing was sent.", style="bold"), table]
    if not offline and result.cost is not None:
        parts.append(Text(f"prices: {result.prices}", style="dim"))
    return Group(*parts)
