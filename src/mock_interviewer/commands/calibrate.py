"""``calibrate``: measure a grader against labelled answers, the bank's exemplars, or people's ratings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from mock_interviewer.commands.common import BackendOpt, BankOpt, Context, JsonOpt, ModelOpt, make_context, print_error

if TYPE_CHECKING:  # the backends (and pydantic) load with the command, not with --help
    from mock_interviewer.backends.base import Backend

T = TypeVar("T")
Progress = Callable[[int, int], None]

EPILOG = """\
Examples:

  calibrate                                   every exemplar of every track, offline unless a key is set

  calibrate --labelled tests/data/labelled_dev.jsonl --backend offline

  calibrate --track engineer --labelled answers.jsonl --json > report.json

  calibrate --ratings ratings.csv             people's ratings: agreement with each other and the grader

The labelled file is JSONL: one object per line with question_id, answer and label
(great | mediocre | poor); note and id are kept if present.
The ratings file is JSONL or CSV (with a header): one rating per line with rater, item_id (or
question_id and answer), and tier (great | mediocre | poor) or score (1-5). Answers with their
question_id and text are graded too, and each rater is compared with the grader.
Exit status: 0 measured, 1 model service failed or no answer graded, 2 bad input.
"""


async def _closing(backend: Backend, work: Awaitable[T]) -> T:
    try:
        return await work
    finally:
        await backend.aclose()


@contextmanager
def _progress(ctx: Context) -> Iterator[Progress]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(), console=ctx.err, transient=True) as bar:
        task = bar.add_task("grading", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _ratings(ctx: Context, path: Path, grade: bool, concurrency: int, rounds: int, seed: int) -> None:
    import asyncio

    from mock_interviewer.rater_agreement import grade_rated, measure
    from mock_interviewer.ratings import load_ratings

    settings = ctx.settings()
    loaded = ctx.load_bank()
    ratings = load_ratings(path, loaded)
    values, info = None, None
    if grade and any(i.question_id and i.answer for i in ratings.items.values()):
        chosen = ctx.make_backend()
        with _progress(ctx) as advance:
            work = grade_rated(chosen, loaded, settings, ratings, concurrency=concurrency, progress=advance)
            values, info = asyncio.run(_closing(chosen, work))
    report = measure(ratings, values, info, rounds=rounds, seed=seed)
    if ctx.json:
        ctx.print_json(report.model_dump(mode="json"))
        return
    from mock_interviewer.render.calibration import ratings_view

    ctx.out.print(ratings_view(report))


def calibrate(
    track: Annotated[str | None, typer.Option("--track", help="Only this track's questions.", show_default=False)] = None,
    labelled: Annotated[
        Path | None,
        typer.Option("--labelled", metavar="FILE.jsonl", help="Labelled answers to grade as well.", show_default=False),
    ] = None,
    exemplars: Annotated[
        bool, typer.Option("--exemplars/--no-exemplars", help="Grade every exemplar against its own question.")
    ] = True,
    ratings: Annotated[
        Path | None,
        typer.Option("--ratings", metavar="FILE", help="People's ratings (JSONL or CSV): agreement between raters and with the grader.",
                     show_default=False),
    ] = None,
    grader: Annotated[
        bool, typer.Option("--grader/--no-grader", help="With --ratings: grade the rated answers and compare.")
    ] = True,
    bootstrap: Annotated[
        int, typer.Option("--bootstrap", min=0, max=100_000, help="With --ratings: bootstrap resamples for the intervals.")
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="With --ratings: the bootstrap's seed (same seed, same intervals).")] = 0,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=64, help="Grades in flight at once.")] = 4,
    json_output: JsonOpt = False,
    bank: BankOpt = None,
    backend: BackendOpt = None,
    model: ModelOpt = None,
) -> None:
    """Measure the grader: accuracy, kappa and confusion on labelled answers; agreement with people's ratings."""
    from mock_interviewer.errors import InputError

    ctx = make_context(json_output=json_output, bank=bank, backend=backend, model=model)
    if ratings is not None:
        if labelled is not None or track is not None:
            raise InputError("--ratings is measured on its own: leave out --labelled and --track")
        _ratings(ctx, ratings, grader, concurrency, bootstrap, seed)
        return
    _graded(ctx, track, labelled, exemplars, concurrency)


def _graded(ctx: Context, track: str | None, labelled: Path | None, exemplars: bool, concurrency: int) -> None:
    import asyncio

    from mock_interviewer.calibration import load_labelled, run_calibration
    from mock_interviewer.errors import InputError

    settings = ctx.settings()
    loaded = ctx.load_bank()
    loaded.in_track(track)  # unknown track: one clear error before any work
    answers = load_labelled(labelled, loaded) if labelled is not None else []
    if not exemplars and not answers:
        raise InputError("--no-exemplars needs --labelled FILE: there is nothing else to grade")
    chosen = ctx.make_backend()
    with _progress(ctx) as advance:
        work = run_calibration(
            chosen, loaded, settings, track=track, labelled=answers,
            labelled_file=str(labelled) if labelled is not None else None,
            exemplars=exemplars, concurrency=concurrency, progress=advance,
        )  # fmt: skip
        report = asyncio.run(_closing(chosen, work))
    if ctx.json:
        ctx.print_json(report.as_dict())
    else:
        from mock_interviewer.render.calibration import report_view

        ctx.out.print(report_view(report))
    measured = [m for m in (report.exemplars, report.labelled) if m is not None]
    if measured and all(m.graded == 0 for m in measured):
        print_error("not measured", "no answer was graded (every grade failed; the reasons are listed above)")
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("calibrate", epilog=EPILOG)(calibrate)
