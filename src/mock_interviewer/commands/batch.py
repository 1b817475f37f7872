"""``batch``: grade saved sessions and answer files, concurrently and resumably, with a report.

Wiring only: the options become ``BatchOptions``, ``batch.operation.run_batch`` does the work,
``render.batch`` and ``render.batch_run`` show it. The exit status is ``batch.outcome.exit_status``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mock_interviewer.batch import DEFAULT_OUT_DIR
from mock_interviewer.commands.common import (
    BackendOpt,
    BankOpt,
    JsonOpt,
    ModelOpt,
    SamplesOpt,
    make_context,
    print_error,
)

DEFAULT_OUT = Path(DEFAULT_OUT_DIR)

EPILOG = """\
Examples:

  batch transcripts/ answers.jsonl --out graded/

  batch answers.csv --dry-run                      (requests, tokens and cost; nothing sent)

  batch answers.jsonl --concurrency 16 --format html --format csv

  batch answers.jsonl --batch-api                  (OpenAI Batch API: half price, within 24 h)

  batch answers.jsonl --samples 3                  (each answer graded 3 times; split tiers are borderline)

Answer files: JSONL or CSV with question_id and answer, optional candidate and id.
Run the same command again after an interruption: it grades only what is left.

Exit status, the first that applies: 130 interrupted (Ctrl-C); 1 the model
service failed (answers ungraded or not attempted: a re-run grades them); 2 some
inputs skipped (named on stderr); 1 answers ungraded by invalid replies; 0 every
answer graded.
"""


PathsArg = Annotated[
    list[Path],
    typer.Argument(
        metavar="PATH",
        help="Session files (.json), answer files (.jsonl, .csv) and directories of them (read recursively).",
        show_default=False,
    ),
]
OutOpt = Annotated[
    Path, typer.Option("--out", metavar="DIR", help="Output directory: results.jsonl, report.md (and any --format).")
]
ConcurrencyOpt = Annotated[
    int, typer.Option("--concurrency", min=1, max=256, metavar="N", help="Requests in flight at once.")
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Count requests and tokens (tiktoken) and price them; send nothing.")
]
BatchApiOpt = Annotated[
    bool, typer.Option("--batch-api", help="Use the OpenAI Batch API (half price; results within 24 h; resumable).")
]
FormatOpt = Annotated[
    list[str] | None,
    typer.Option("--format", metavar="md|html|csv", help="Report formats besides report.md (repeatable).", show_default=False),
]
PricesOpt = Annotated[
    Path | None,
    typer.Option(
        "--prices",
        metavar="FILE.json",
        help='Price table override: {"model": {"input": $, "cached_input": $, "output": $}} per million tokens; '
        "also MOCK_INTERVIEWER_PRICES.",
        show_default=False,
    ),
]
PollOpt = Annotated[
    float, typer.Option("--poll-seconds", min=0, metavar="S", help="With --batch-api: seconds between status checks.")
]


def batch(
    paths: PathsArg,
    out: OutOpt = DEFAULT_OUT,
    concurrency: ConcurrencyOpt = 8,
    dry_run: DryRunOpt = False,
    batch_api: BatchApiOpt = False,
    formats: FormatOpt = None,
    prices: PricesOpt = None,
    poll_seconds: PollOpt = 30.0,
    samples: SamplesOpt = 1,
    json_output: JsonOpt = False,
    bank: BankOpt = None,
    backend: BackendOpt = None,
    model: ModelOpt = None,
) -> None:
    """Grade saved transcripts and answer files at scale: concurrent, resumable, with a report.

    Every answer is graded against its question's exemplars and appended to OUT/results.jsonl as soon as it is graded; a re-run skips what is done, so an interrupted batch resumes and a finished one costs nothing to repeat. Bad inputs are named with file and line and skipped; the rest still runs.
    """
    from mock_interviewer.batch.operation import BatchOptions, dry_run_batch, run_batch
    from mock_interviewer.batch.pricing import load_prices
    from mock_interviewer.batch.stopping import StopFlag
    from mock_interviewer.openai_service import secrets_of
    from mock_interviewer.render.batch import batch_summary_view, dry_run_view
    from mock_interviewer.render.batch_run import TerminalView, closing_line, dry_run_json, outcome_json

    ctx = make_context(json_output=json_output, bank=bank, backend=backend, model=model)
    settings = ctx.settings()
    options = BatchOptions(paths=tuple(paths), out=out, concurrency=concurrency, batch_api=batch_api,
                           formats=tuple(formats or ()), poll_seconds=poll_seconds, secrets=secrets_of(settings),
                           samples=samples)
    price_table = load_prices(prices, settings.prices_file)
    loaded, model_backend = ctx.load_bank(), ctx.make_backend()
    view = TerminalView(ctx.err, ctx.say, live=not ctx.json and ctx.err.is_terminal, quiet=ctx.json)
    if dry_run:
        planned = dry_run_batch(options, settings, loaded, model_backend, prices=price_table, view=view)
        if ctx.json:
            ctx.print_json(dry_run_json(planned).model_dump(mode="json"))
        else:
            ctx.out.print(dry_run_view(planned.result, model_backend.name == "offline"))
        raise typer.Exit(planned.exit_status)
    with StopFlag().on_sigint() as stop:
        outcome = run_batch(options, settings, loaded, model_backend, prices=price_table, view=view, stop=stop)
    if ctx.json:
        ctx.print_json(outcome_json(outcome).model_dump(mode="json"))
    else:
        # piped: lines are not wrapped, so the results and report paths can be copied whole
        shown = batch_summary_view(outcome.summary, outcome.report, outcome.reports, outcome.results, outcome.cost)
        ctx.out.print(shown, soft_wrap=not ctx.out.is_terminal)
    closing = closing_line(outcome)
    if closing is not None:
        print_error(*closing)
    raise typer.Exit(outcome.exit_status)


def register(app: typer.Typer) -> None:
    app.command("batch", epilog=EPILOG)(batch)
