"""``interview``: the interactive mock interview (wiring: options in, loop run, results out)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mock_interviewer.commands.common import BackendOpt, BankOpt, JsonOpt, ModelOpt, TranscriptsOpt, make_context
from mock_interviewer.envvars import ENV_CONTEXT_BUDGET
from mock_interviewer.locations import command_line

if TYPE_CHECKING:
    from mock_interviewer.backends.base import Backend
    from mock_interviewer.interviewer import Interview
    from mock_interviewer.summary import Summary

DEFAULT_QUESTIONS = 5
MIN_CONTEXT_BUDGET = 1000


def resume_command(session_id: str, transcripts_dir: Path, banks: list[Path] | None) -> str:
    """The exact command that resumes this session, from any directory (with the options that find it again)."""
    return command_line("interview", "--resume", session_id, transcripts_dir=transcripts_dir, banks=banks or [])


def drive(interview: Interview, backend: Backend) -> Summary | None:
    """Run the interview on its own event loop.

    Not ``asyncio.run``: on Python 3.11+ it installs a SIGINT handler that only
    cancels the main task, so a Ctrl-C during a blocking read of stdin would wait
    for the next line. Here Ctrl-C raises KeyboardInterrupt at once, wherever it lands.
    """
    import asyncio

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    task = loop.create_task(interview.run())
    try:
        return loop.run_until_complete(task)
    finally:
        try:
            pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for leftover in pending:
                leftover.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(backend.aclose())
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            asyncio.set_event_loop(None)
            loop.close()


def interview(
    track: Annotated[
        str | None,
        typer.Option("--track", help="Track to practise (default: the first one, director); see 'bank list'.", show_default=False),
    ] = None,
    questions: Annotated[
        int | None,
        typer.Option("--questions", "-n", help=f"How many questions (default {DEFAULT_QUESTIONS}, or all of a smaller track).", show_default=False),
    ] = None,
    minutes: Annotated[
        float | None,
        typer.Option("--minutes", help="Time box in minutes (default: the track's limit; 0 for no limit).", show_default=False),
    ] = None,
    follow_ups: Annotated[int, typer.Option("--follow-ups", help="Most follow-up questions per question.")] = 1,
    feedback: Annotated[
        str, typer.Option("--feedback", help="now: grade after each question; end: all at the end, as in a real interview.")
    ] = "now",
    seed: Annotated[int | None, typer.Option("--seed", help="Seed for choosing questions (same seed, same questions).", show_default=False)] = None,
    resume: Annotated[
        str | None, typer.Option("--resume", metavar="ID", help="Continue a saved session where it stopped.", show_default=False)
    ] = None,
    review: Annotated[
        bool, typer.Option("--review", help="Practise the questions due for review (weakest first, spaced repetition), then new ones.")
    ] = False,
    question: Annotated[
        list[str] | None,
        typer.Option("--question", "-q", metavar="ID", help="Practise this question (repeatable).", show_default=False),
    ] = None,
    job_description: Annotated[
        Path | None,
        typer.Option("--job-description", metavar="FILE", help="Pick the questions most relevant to this job description (a text file), each with why.", show_default=False),
    ] = None,
    context_budget: Annotated[
        int | None,
        typer.Option(
            "--context-budget",
            envvar=ENV_CONTEXT_BUDGET,
            help="Most tokens of conversation sent per model request; older exchanges are summarised to fit (default 12000).",
            show_default=False,
        ),
    ] = None,
    json_output: JsonOpt = False,
    bank: BankOpt = None,
    backend: BackendOpt = "auto",
    model: ModelOpt = None,
    transcripts_dir: TranscriptsOpt = None,
) -> None:
    """Run a mock interview: questions, follow-ups, grades against the exemplars, and a summary.

    Type or paste a multi-line answer; Esc then Enter submits (so does a line with only '.', also when answers are piped).

    Commands on a line of their own: /edit, /repeat, /skip, /quit, /help.

    --review asks the questions due for review first (see 'mock-interviewer progress'); --question ID asks the ones you name.

    The session is saved after every answer; Ctrl-C saves too. Continue it with --resume ID.
    """
    import sys

    from mock_interviewer.errors import InputError, ServiceError
    from mock_interviewer.interviewer import Interview, check_transcripts_dir, new_session, resolve_minutes
    from mock_interviewer.practice import plan_practice, session_track, use_questions
    from mock_interviewer.render.practice import practice_lines
    from mock_interviewer.session_store import SessionStore, now
    from mock_interviewer.terminal import TerminalFrontend, make_reader

    ctx = make_context(json_output=json_output, bank=bank, backend=backend, model=model, transcripts_dir=transcripts_dir)
    settings = ctx.settings()
    if context_budget is not None:
        if context_budget < MIN_CONTEXT_BUDGET:
            raise InputError(f"--context-budget {context_budget}: give at least {MIN_CONTEXT_BUDGET} tokens")
        settings = settings.model_copy(update={"context_budget": context_budget})
    loaded = ctx.load_bank()
    store = SessionStore(settings.transcripts_dir)
    if resume is not None and not resume.strip():  # not a new session: the user meant to resume one
        raise InputError("--resume: give the id of a saved session (see 'mock-interviewer sessions')")
    picked: list[tuple[str, str]] | None = None
    if resume:
        plan_options = (("--track", track), ("--questions", questions), ("--minutes", minutes), ("--seed", seed),
                        ("--review", review or None), ("--question", question), ("--job-description", job_description))
        given = [name for name, value in plan_options if value is not None]
        try:
            session = store.load(resume)
        except InputError:
            ctx.note_legacy_sessions()  # a session saved by an earlier version may be in ./transcripts
            raise
        if given:
            ctx.say(f"note: {', '.join(given)} ignored: a resumed session keeps its plan")
    else:
        picked = plan_practice(loaded, store, review=review, question_ids=question or [], track=track,
                               count=questions or DEFAULT_QUESTIONS, now=now(), job_description=job_description)
        track_id = session_track(loaded, picked, track) if picked else track or next(iter(loaded.tracks), None)
        if track_id is None:
            raise InputError("no tracks loaded: check --bank and MOCK_INTERVIEWER_BANK")
        track_obj = loaded.track(track_id)
        session = new_session(
            loaded,
            track=track_id,
            questions=questions if questions is not None else min(DEFAULT_QUESTIONS, len(loaded.in_track(track_id))),
            minutes=resolve_minutes(minutes, track_obj),
            follow_ups=follow_ups,
            feedback=feedback,
            seed=seed,
        )
        if picked:
            use_questions(session, picked)
    check_transcripts_dir(store.directory)
    model_backend = ctx.make_backend()
    if not resume:
        session.backend, session.model = model_backend.name, model_backend.model
    console = ctx.err if ctx.json else ctx.out
    reconfigure = getattr(sys.stdin, "reconfigure", None)
    if reconfigure is not None:  # a byte that is not UTF-8 in an answer must not end the interview
        reconfigure(errors="replace")
    frontend = TerminalFrontend(console, make_reader(stdin=sys.stdin, out=console.file))
    runner = Interview(session, bank=loaded, backend=model_backend, settings=settings, store=store, frontend=frontend)
    hint = resume_command(session.id, settings.transcripts_dir, bank)
    from rich.markup import escape  # paths may hold '[': shown as they are, never read as markup
    if not resume:
        _announce(console, runner)
        if picked and (review or job_description):
            console.print(practice_lines(picked, "for review (see 'mock-interviewer progress')" if review else "for the job description"), highlight=False)
    try:
        summary = drive(runner, model_backend)
    except KeyboardInterrupt:
        runner.pause()
        draft = frontend.unsent_draft()
        if draft:
            from rich.text import Text

            console.print("\n[bold]Your unsent answer[/bold] (not saved; copy it if you want it):", highlight=False)
            console.print(Text(draft, style="dim"))
        console.print(f"\n[bold]Paused.[/bold] Your session is saved. Resume with:\n  {escape(hint)}", highlight=False)
        if ctx.json:
            ctx.print_json(_result(runner, None, hint))
        raise typer.Exit(130) from None
    except ServiceError as exc:
        raise ServiceError(f"{exc}; your answers are saved, resume with: {hint}") from None
    if summary is None:
        console.print(f"\n[bold]Saved.[/bold] Resume with:\n  {escape(hint)}", highlight=False)
    else:
        path = store.path_for(session.id)
        again = ctx.command("sessions", "show", session.id, banks=bank)
        console.print(f"\n[dim]Session saved to {escape(str(path))}; see it again with: {escape(again)}[/dim]", highlight=False)
    if ctx.json:
        ctx.print_json(_result(runner, summary, hint))


def _announce(console: Any, runner: Interview) -> None:
    from rich.text import Text

    from mock_interviewer.render import plural, time_box

    session = runner.session
    options = session.options
    track = runner.bank.tracks[session.track]
    count = len(session.records)
    facts = [track.title, plural(count, "question"), time_box(options.minutes)]
    follow = f"up to {plural(options.follow_ups, 'follow-up')} per question"
    when = "feedback after each answer" if options.feedback == "now" else "feedback at the end"
    console.print(Text.assemble(("Mock interview", "bold"), " · " + " · ".join(facts)))
    console.print(Text(f"{follow} · {when} · /help for commands", style="dim"))
    console.print(Text(f"Session {session.id}, saved after every answer.", style="dim"))


def _result(runner: Interview, summary: Summary | None, hint: str) -> dict[str, Any]:
    session = runner.session
    return {
        "session_id": session.id,
        "status": session.status,
        "path": str(runner.store.path_for(session.id)),
        "resume": hint if session.status in ("quit", "in_progress") else None,
        "summary": summary.model_dump(mode="json") if summary else None,
    }


def register(app: typer.Typer) -> None:
    app.command("interview")(interview)
