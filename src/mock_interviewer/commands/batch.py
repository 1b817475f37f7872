"""``batch``: grade saved sessions and answer files, concurrently and resumably, with a report.

Wiring only: options, then the work in ``mock_interviewer.batch`` and the views in
``mock_interviewer.render.batch``.

Exit status: 0 when every answer is graded; 1 when some answers are left
ungraded (the model service failed or its reply stayed invalid: run the command
again to retry them) or the run stopped early; 2 when some inputs were skipped
(bad lines, unknown questions, unreadable files: each is named on stderr and in
the report). 2 wins when both happen.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from mock_interviewer.commands.common import BackendOpt, BankOpt, JsonOpt, ModelOpt, make_context, print_error

DEFAULT_OUT = Path("batch-out")
MAX_PROBLEMS_PRINTED = 50
EXIT_UNGRADED = 1
EXIT_SKIPPED = 2

EPILOG = """\
Examples:

  batch transcripts/ answers.jsonl --out graded/

  batch answers.csv --dry-run                      (requests, tokens and cost; nothing sent)

  batch answers.jsonl --concurrency 16 --format html --format csv

  batch answers.jsonl --batch-api                  (OpenAI Batch API: half price, within 24 h)

Answer files: JSONL or CSV with question_id and answer, optional candidate and id.
Run the same command again after an interruption: it grades only what is left.

Exit status: 0 every answer graded; 1 some answers ungraded (a re-run retries
them) or the run stopped early; 2 some inputs skipped (named on stderr).
"""


def _secrets(settings: Any) -> tuple[str, ...]:
    from mock_interviewer.openai_service import secrets_of

    return secrets_of(settings)


class _Problems:
    """Prints each skipped input as one line on stderr (the first few dozen), keeps a bounded list for the report."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.count = 0
        self.kept: list[Any] = []

    def __call__(self, problem: Any) -> None:

        self.count += 1
        if len(self.kept) < 1000:
            self.kept.append(problem)
        if self.count <= MAX_PROBLEMS_PRINTED:
            self.ctx.say(str(problem), label="skipped:", label_style="bold yellow")
        elif self.count == MAX_PROBLEMS_PRINTED + 1:
            self.ctx.say("skipped: … more problems are listed in the report")


async def _closing(resource: Any, work: Any) -> Any:
    try:
        return await work
    finally:
        close = getattr(resource, "aclose", None) or getattr(resource, "close", None)
        if close is not None:
            await close()


def batch(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH",
            help="Session files (.json), answer files (.jsonl, .csv) and directories of them (read recursively).",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", metavar="DIR", help="Output directory: results.jsonl, report.md (and any --format).")
    ] = DEFAULT_OUT,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, max=256, metavar="N", help="Requests in flight at once.")
    ] = 8,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count requests and tokens (tiktoken) and price them; send nothing.")
    ] = False,
    batch_api: Annotated[
        bool,
        typer.Option("--batch-api", help="Use the OpenAI Batch API (half price; results within 24 h; resumable)."),
    ] = False,
    formats: Annotated[
        list[str] | None,
        typer.Option("--format", metavar="md|html|csv", help="Report formats besides report.md (repeatable).", show_default=False),
    ] = None,
    prices: Annotated[
        Path | None,
        typer.Option(
            "--prices",
            metavar="FILE.json",
            help='Price table override: {"model": {"input": $, "cached_input": $, "output": $}} per million tokens; '
            "also MOCK_INTERVIEWER_PRICES.",
            show_default=False,
        ),
    ] = None,
    poll_seconds: Annotated[
        float, typer.Option("--poll-seconds", min=0, metavar="S", help="With --batch-api: seconds between status checks.")
    ] = 30.0,
    json_output: JsonOpt = False,
    bank: BankOpt = None,
    backend: BackendOpt = None,
    model: ModelOpt = None,
) -> None:
    """Grade saved transcripts and answer files at scale: concurrent, resumable, with a report.

    Every answer is graded against its question's exemplars and appended to OUT/results.jsonl as soon as it is graded; a re-run skips what is done, so an interrupted batch resumes and a finished one costs nothing to repeat. Bad inputs are named with file and line and skipped; the rest still runs.
    """
    import asyncio

    from mock_interviewer.batch.keys import KeyMaker
    from mock_interviewer.batch.plan import build_plan
    from mock_interviewer.batch.pricing import load_prices
    from mock_interviewer.batch.report import FORMATS
    from mock_interviewer.batch.results import DirectoryLock, ResultStore
    from mock_interviewer.errors import InputError
    from mock_interviewer.grader import PROMPT_NAME
    from mock_interviewer.prompts import load_prompt
    from mock_interviewer.render.batch import BatchProgress

    ctx = make_context(json_output=json_output, bank=bank, backend=backend, model=model)
    wanted_formats = [f.strip().lower() for f in formats or []]
    for fmt in wanted_formats:
        if fmt not in FORMATS:
            raise InputError(f"--format: unknown report format {fmt!r} (choose md, html or csv)")
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: exists and is not a directory")
    price_table = load_prices(prices, os.environ)
    settings = ctx.settings()
    loaded = ctx.load_bank()
    model_backend = ctx.make_backend()
    if batch_api and model_backend.name != "openai":
        raise InputError("--batch-api needs the openai backend (set OPENAI_API_KEY, or pass --backend openai)")
    prompt_version = load_prompt(PROMPT_NAME).version
    keys = KeyMaker(model_backend.name, model_backend.model, prompt_version, settings)
    store = ResultStore(out)
    problems = _Problems(ctx)
    if not batch_api:
        from mock_interviewer.batch.batch_api import BatchState

        waiting = BatchState.load(out).pending()
        if waiting:
            ctx.say(
                f"{out / 'batch-api.json'} names Batch API batch(es) not collected yet "
                f"({', '.join(b.id for b in waiting)}); run with --batch-api to collect them rather than pay twice",
                label="warning:",
            )

    if dry_run:
        index = store.scan()
        with build_plan(paths, loaded, keys, index, exclude=[out], on_problem=problems) as plan:
            _dry_run(ctx, plan, loaded, settings, model_backend, price_table, batch_api, problems)
        return

    with DirectoryLock(out):
        index = store.prepare()
        if index.ungraded_lines and not ctx.json:
            ctx.say(f"retrying {index.ungraded_lines} answer(s) left ungraded by an earlier run")
        if index.bad_lines and not ctx.json:
            ctx.say(f"dropped {index.bad_lines} unreadable line(s) from {store.path} (a run killed mid-write)")
        with build_plan(paths, loaded, keys, index, exclude=[out], on_problem=problems) as plan:
            if plan.answers == 0 and not problems.count:
                ctx.say(f"no answers found in {', '.join(map(str, paths))}", label="warning:")
            interrupted = False
            live = BatchProgress(ctx.err, enabled=not ctx.json and ctx.err.is_terminal and plan.requests > 0)
            try:
                with store.writer(_secrets(settings)) as writer, live:
                    if batch_api:
                        summary = _run_batch_api(ctx, plan, loaded, settings, store, writer, model_backend, prompt_version,
                                                 poll_seconds, live)
                    else:
                        from mock_interviewer.batch.runner import run_live

                        summary = asyncio.run(
                            _closing(
                                model_backend,
                                run_live(plan, model_backend, loaded, settings, store, writer, prompt_version=prompt_version,
                                         concurrency=concurrency, events=live),
                            )
                        )
            except KeyboardInterrupt:
                interrupted = True
                summary = None
            _finish(ctx, plan, store, loaded, out, wanted_formats, problems, summary, price_table, model_backend.model,
                    batch_api, interrupted)


def _run_batch_api(ctx: Any, plan: Any, loaded: Any, settings: Any, store: Any, writer: Any, model_backend: Any,
                   prompt_version: str, poll_seconds: float, live: Any) -> Any:
    import asyncio

    from mock_interviewer.batch.batch_api import BatchState, make_client, run_batch_api
    from mock_interviewer.batch.requests import BodyBuilder

    state = BatchState.load(store.directory)
    if not state.pending() and not plan.requests:
        from mock_interviewer.batch.runner import apply_reuse, start_summary

        summary = start_summary(plan)
        apply_reuse(plan, store, writer, summary)
        return summary
    client = make_client(settings)
    return asyncio.run(
        _closing(
            client,
            run_batch_api(client, plan, loaded, settings, store, writer, state, BodyBuilder(settings),
                          model=model_backend.model, prompt_version=prompt_version, poll_seconds=poll_seconds,
                          events=live, secrets=_secrets(settings)),
        )
    )


def _finish(ctx: Any, plan: Any, store: Any, loaded: Any, out: Path, formats: list[str], problems: _Problems,
            summary: Any, prices: Any, model: str, batch_api: bool, interrupted: bool) -> None:
    from mock_interviewer.batch.pricing import spent
    from mock_interviewer.batch.report import gather, write_reports
    from mock_interviewer.render.batch import summary_view

    data = gather(store, plan.run_refs, loaded.questions.get, problems=problems.kept, problem_count=problems.count)
    reports = write_reports(data, out, formats)
    if interrupted:
        ctx.say(
            f"interrupted: {data.overall.graded} of {plan.answers} answers are graded in {store.path}; "
            "run the same command again to grade the rest"
            + (" (the recorded batch is collected, not submitted again)" if batch_api else "")
        )
        raise typer.Exit(130)
    assert summary is not None
    cost = spent(summary, prices, model, batch_api)
    if ctx.json:
        ctx.print_json(
            {
                **summary.as_dict(),
                "out": str(out),
                "results": str(store.path),
                "reports": [str(p) for p in reports],
                "tiers": {tier: data.overall.tiers[tier] for tier in ("great", "mediocre", "poor")},
                "graded_total": data.overall.graded,
                "ungraded_total": data.overall.ungraded,
                "mean_score": None if data.overall.mean is None else round(data.overall.mean, 3),
                "cost_usd": cost,
                "problems": [p.as_dict() for p in problems.kept],
            }
        )
    else:
        ctx.out.print(summary_view(summary, data, reports, store.path, cost))
    if summary.stopped:
        print_error("error", summary.stopped)
    elif data.overall.ungraded:
        print_error("not graded", _ungraded_line(data, reports))
    if problems.count:
        raise typer.Exit(EXIT_SKIPPED)
    if data.overall.ungraded or summary.stopped:
        raise typer.Exit(EXIT_UNGRADED)


def _ungraded_line(data: Any, reports: list[Path]) -> str:
    """How many answers are left ungraded and the first reason: a wrong key or model must not hide in the report."""
    first = next(data.ungraded_rows(), None) or {}
    reason = (first.get("grade") or {}).get("reason") or "no reason recorded"
    total = data.overall.graded + data.overall.ungraded
    where = f"; all are listed in {reports[0]}" if reports else ""
    return f"{data.overall.ungraded} of {total} answers are ungraded ({reason}){where}; run the same command again to retry them"


def _dry_run(ctx: Any, plan: Any, loaded: Any, settings: Any, model_backend: Any, prices: Any, batch_api: bool,
             problems: _Problems) -> None:
    from mock_interviewer.batch.estimate import dry_run
    from mock_interviewer.batch.requests import BodyBuilder
    from mock_interviewer.render.batch import dry_run_view

    offline = model_backend.name == "offline"
    body_for = None if offline else BodyBuilder(settings)
    model = settings.model if offline else model_backend.model
    result = dry_run(plan, loaded, settings, backend=model_backend.name, model=model, body_for=body_for,
                     prices=prices, batch_api=batch_api, priced=not offline)
    if ctx.json:
        ctx.print_json({**result.as_dict(), "problems": [p.as_dict() for p in problems.kept]})
    else:
        ctx.out.print(dry_run_view(result, offline))
    if problems.count:
        raise typer.Exit(EXIT_SKIPPED)


def register(app: typer.Typer) -> None:
    app.command("batch", epilog=EPILOG)(batch)
