"""``calibrate``: measure a grader against the bank's exemplars and a labelled answer file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from mock_interviewer.commands.common import BackendOpt, BankOpt, JsonOpt, ModelOpt, make_context

EPILOG = """\
Examples:

  calibrate                                   every exemplar of every track, offline unless a key is set

  calibrate --labelled tests/data/labelled_dev.jsonl --backend offline

  calibrate --track engineer --labelled answers.jsonl --json > report.json

The labelled file is JSONL: one object per line with question_id, answer and label
(great | mediocre | poor); note and id are kept if present.
Exit status: 0 measured, 1 model service failed, 2 bad input.
"""


async def _run(backend: Any, **kwargs: Any) -> Any:
    from mock_interviewer.calibration import run_calibration

    try:
        return await run_calibration(backend, **kwargs)
    finally:
        await backend.aclose()


def calibrate(
    track: Annotated[str | None, typer.Option("--track", help="Only this track's questions.", show_default=False)] = None,
    labelled: Annotated[
        Path | None,
        typer.Option("--labelled", metavar="FILE.jsonl", help="Labelled answers to grade as well.", show_default=False),
    ] = None,
    exemplars: Annotated[
        bool, typer.Option("--exemplars/--no-exemplars", help="Grade every exemplar against its own question.")
    ] = True,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=64, help="Grades in flight at once.")] = 4,
    json_output: JsonOpt = False,
    bank: BankOpt = None,
    backend: BackendOpt = None,
    model: ModelOpt = None,
) -> None:
    """Measure the grader: accuracy, quadratic-weighted kappa, confusion matrix, exemplar ordering."""
    import asyncio

    from mock_interviewer.calibration import load_labelled
    from mock_interviewer.errors import InputError

    ctx = make_context(json_output=json_output, bank=bank, backend=backend, model=model)
    settings = ctx.settings()
    loaded = ctx.load_bank()
    loaded.in_track(track)  # unknown track: one clear error before any work
    answers = load_labelled(labelled, loaded) if labelled is not None else []
    if not exemplars and not answers:
        raise InputError("--no-exemplars needs --labelled FILE: there is nothing else to grade")
    chosen = ctx.make_backend()

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("grading"), BarColumn(), MofNCompleteColumn(), console=ctx.err, transient=True
    ) as progress:
        task = progress.add_task("grading", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        report = asyncio.run(
            _run(
                chosen,
                bank=loaded,
                settings=settings,
                track=track,
                labelled=answers,
                labelled_file=str(labelled) if labelled is not None else None,
                exemplars=exemplars,
                concurrency=concurrency,
                progress=advance,
            )
        )
    if ctx.json:
        ctx.print_json(report.as_dict())
        return
    from mock_interviewer.render.calibration import report_view

    ctx.out.print(report_view(report))


def register(app: typer.Typer) -> None:
    app.command("calibrate", epilog=EPILOG)(calibrate)
