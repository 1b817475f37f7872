"""``progress``: every saved attempt over time, what improved, and what is due for review (wiring only)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mock_interviewer.commands.common import BankOpt, Context, JsonOpt, TranscriptsOpt, make_context

if TYPE_CHECKING:
    from mock_interviewer.bank import Bank
    from mock_interviewer.session_store import SessionStore


def progress(
    track: Annotated[
        str | None, typer.Option("--track", help="Only this track's questions (default: every track).", show_default=False)
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option("--html", metavar="FILE", help="Also write the report as one self-contained HTML page with charts.", show_default=False),
    ] = None,
    question: Annotated[
        str | None,
        typer.Option("--question", "-q", metavar="ID", help="One question instead: every attempt, what changed each time, and the great answer.", show_default=False),
    ] = None,
    json_output: JsonOpt = False,
    bank: BankOpt = None,
    transcripts_dir: TranscriptsOpt = None,
) -> None:
    """Your progress across every saved session: scores over time per question, category and track, the trend,
    what improved and what did not, and what is due for review (practise it with 'interview --review')."""
    from datetime import datetime, timezone

    from mock_interviewer.errors import InputError
    from mock_interviewer.progress import build_report
    from mock_interviewer.render.progress import progress_json, progress_view
    from mock_interviewer.session_store import SessionStore
    from mock_interviewer.storage import atomic_write_text

    ctx = make_context(json_output=json_output, bank=bank, transcripts_dir=transcripts_dir)
    loaded = ctx.load_bank()
    if track is not None:
        loaded.track(track)  # an unknown track is bad input, named with the known ones
    ctx.note_legacy_sessions()
    store = SessionStore(ctx.transcripts_dir)
    if question is not None:
        if html is not None:
            raise InputError("--html is the report of every question; leave out --question")
        _one_question(ctx, store, loaded, question, bank)
        return
    report = build_report(store.list(), loaded, now=datetime.now(timezone.utc), transcripts_dir=store.directory, track=track)
    for problem in report.unreadable:
        ctx.say(problem.error, label="unreadable:")
    review = ctx.command("interview", "--review", *(["--track", track] if track else []), banks=bank)
    if html is not None and report.timeline:
        from mock_interviewer.render.progress_html import progress_html

        atomic_write_text(html, progress_html(report, review_command=review))
        ctx.say(f"wrote {html}", style="dim")
    if ctx.json:
        ctx.print_json(progress_json(report))
        return
    if not report.timeline:
        scope = f" on track {track}" if track else ""
        unwritten = f"; {html} not written" if html is not None else ""
        ctx.say(f"No graded answers{scope} in {store.directory} yet{unwritten}. Start practising with: {ctx.command('interview', banks=bank)}")
        return
    # piped: lines are not wrapped, so the review command (a long path in it) can be copied whole
    ctx.out.print(progress_view(report, review_command=review), soft_wrap=not ctx.out.is_terminal)


def _one_question(ctx: Context, store: SessionStore, loaded: Bank, question_id: str, bank: list[Path] | None) -> None:
    from datetime import datetime, timezone

    from mock_interviewer.history import question_history
    from mock_interviewer.render.history import history_view

    history = question_history(store.list(), loaded, question_id)
    if ctx.json:
        ctx.print_json(history.model_dump(mode="json"))
        return
    again = ctx.command("interview", "--question", question_id, banks=bank)
    ctx.out.print(history_view(history, now=datetime.now(timezone.utc), practise_command=again))


def register(app: typer.Typer) -> None:
    app.command("progress")(progress)
