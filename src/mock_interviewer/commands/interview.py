"""``interview``: the interactive mock interview (wiring: options in, loop run, results out)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from mock_interviewer.commands.common import (
    BackendOpt,
    BankOpt,
    Context,
    JsonOpt,
    ModelOpt,
    TranscriptsOpt,
    make_context,
)
from mock_interviewer.envvars import ENV_CONTEXT_BUDGET
from mock_interviewer.locations import command_line

if TYPE_CHECKING:
    from rich.console import Console

    from mock_interviewer.backends.base import Backend
    from mock_interviewer.bank import Bank, Question
    from mock_interviewer.config import Settings
    from mock_interviewer.interview.loop import Interview
    from mock_interviewer.jobrank import JobPicks
    from mock_interviewer.session_store import Session, SessionStore
    from mock_interviewer.storage import WriteError
    from mock_interviewer.summary import Summary
    from mock_interviewer.terminal import TerminalFrontend

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


TrackOpt = Annotated[
    str | None,
    typer.Option("--track", help="Track to practise (default: the first one, director); see 'bank list'.", show_default=False),
]
QuestionsOpt = Annotated[
    int | None,
    typer.Option("--questions", "-n", help=f"How many questions (default {DEFAULT_QUESTIONS}, or all of a smaller track).", show_default=False),
]
MinutesOpt = Annotated[
    float | None,
    typer.Option("--minutes", help="Time box in minutes (default: the track's limit; 0 for no limit).", show_default=False),
]
FollowUpsOpt = Annotated[int, typer.Option("--follow-ups", help="Most follow-up questions per question.")]
FeedbackOpt = Annotated[
    str, typer.Option("--feedback", help="now: grade after each question; end: all at the end, as in a real interview.")
]
SeedOpt = Annotated[int | None, typer.Option("--seed", help="Seed for choosing questions (same seed, same questions).", show_default=False)]
ResumeOpt = Annotated[
    str | None, typer.Option("--resume", metavar="ID", help="Continue a saved session where it stopped.", show_default=False)
]
ReviewOpt = Annotated[
    bool, typer.Option("--review", help="Practise the questions due for review (weakest first, spaced repetition), then new ones.")
]
QuestionOpt = Annotated[
    list[str] | None,
    typer.Option("--question", "-q", metavar="ID", help="Practise this question (repeatable).", show_default=False),
]
JobDescriptionOpt = Annotated[
    Path | None,
    typer.Option(
        "--job-description",
        metavar="FILE",
        help="Pick the questions most relevant to this job description (a text file), each with why: ranked by the model, or by a transparent word score offline.",
        show_default=False,
    ),
]
ContextBudgetOpt = Annotated[
    int | None,
    typer.Option(
        "--context-budget",
        help=(
            "Most tokens of conversation sent per model request; older exchanges are summarised to fit "
            f"(default 12000); also {ENV_CONTEXT_BUDGET}."
        ),
        show_default=False,
    ),
]


@dataclass(frozen=True)
class PlanOptions:
    """The options that plan a new session (a resumed one keeps its own)."""

    track: str | None
    questions: int | None
    minutes: float | None
    follow_ups: int
    feedback: str
    seed: int | None
    review: bool = False
    question: tuple[str, ...] = ()
    job_description: Path | None = None

    def given(self) -> list[str]:
        plan = (("--track", self.track), ("--questions", self.questions), ("--minutes", self.minutes), ("--seed", self.seed),
                ("--review", self.review or None), ("--question", self.question or None),
                ("--job-description", self.job_description))
        return [name for name, value in plan if value is not None]


def interview(
    track: TrackOpt = None,
    questions: QuestionsOpt = None,
    minutes: MinutesOpt = None,
    follow_ups: FollowUpsOpt = 1,
    feedback: FeedbackOpt = "now",
    seed: SeedOpt = None,
    resume: ResumeOpt = None,
    review: ReviewOpt = False,
    question: QuestionOpt = None,
    job_description: JobDescriptionOpt = None,
    context_budget: ContextBudgetOpt = None,
    json_output: JsonOpt = False,
    bank: BankOpt = None,
    backend: BackendOpt = None,
    model: ModelOpt = None,
    transcripts_dir: TranscriptsOpt = None,
) -> None:
    """Run a mock interview: questions, follow-ups, grades against the exemplars, and a summary.

    Type or paste a multi-line answer; Esc then Enter submits (so does a line with only '.', also when answers are piped).

    Commands on a line of their own: /edit, /repeat, /great, /retry, /skip, /quit, /help.

    The session is saved after every answer; Ctrl-C saves too. Continue it with --resume ID.
    """
    from mock_interviewer.errors import InputError
    from mock_interviewer.interview.plan import check_transcripts_dir
    from mock_interviewer.session_store import SessionStore

    ctx = make_context(json_output=json_output, bank=bank, backend=backend, model=model, transcripts_dir=transcripts_dir)
    settings = _settings(ctx, context_budget)
    get_backend = functools.cache(ctx.make_backend)  # made once, when first needed (a job ranking, or the interview)
    loaded = ctx.load_bank()
    store = SessionStore(settings.transcripts_dir)
    plan = PlanOptions(track, questions, minutes, follow_ups, feedback, seed, review, tuple(question or ()), job_description)
    if resume is not None and not resume.strip():  # not a new session: the user meant to resume one
        raise InputError("--resume: give the id of a saved session (see 'mock-interviewer sessions')")
    picked: list[tuple[str, str]] = []
    purpose = ""
    if resume:
        try:
            session = store.load(resume)
        except InputError:
            ctx.note_legacy_sessions()  # a session saved by an earlier version may be in ./transcripts
            raise
        if plan.given():
            ctx.say(f"note: {', '.join(plan.given())} ignored: a resumed session keeps its plan")
    else:
        session, picked, purpose = _plan_session(ctx, settings, get_backend, loaded, store, plan)
    check_transcripts_dir(store.directory)
    with store.lock(session.id):
        if resume:  # read again under the lock: what the interview that held it saved last
            session = store.load(resume)
        _conduct(ctx, settings, loaded, store, session, resumed=bool(resume), banks=bank, picked=picked, purpose=purpose,
                 model_backend=get_backend())


def _settings(ctx: Context, context_budget: int | None) -> Settings:
    from mock_interviewer.errors import InputError

    settings: Settings = ctx.settings()
    if context_budget is not None:
        if context_budget < MIN_CONTEXT_BUDGET:
            raise InputError(f"--context-budget {context_budget}: give at least {MIN_CONTEXT_BUDGET} tokens")
        settings = settings.model_copy(update={"context_budget": context_budget})
    return settings


def _plan_session(
    ctx: Context, settings: Settings, get_backend: Callable[[], Backend], loaded: Bank, store: SessionStore, plan: PlanOptions
) -> tuple[Session, list[tuple[str, str]], str]:
    """A new session, the questions picked for practice (review, named, or for a job description) and what for."""
    from mock_interviewer.errors import InputError
    from mock_interviewer.interview.plan import new_session, resolve_minutes
    from mock_interviewer.jobrank import pick_for_job
    from mock_interviewer.practice import plan_practice, session_track, use_questions
    from mock_interviewer.session_store import now

    count = plan.questions or DEFAULT_QUESTIONS
    for_job: list[JobPicks] = []  # the picks for --job-description, and whose they are

    def rank_by_model(text: str, pool: list[Question], offline: list[tuple[str, str]]) -> list[tuple[str, str]]:
        for_job.append(pick_for_job(get_backend(), text, pool, count, settings, offline))
        return for_job[-1].picks

    picked = plan_practice(loaded, store, review=plan.review, question_ids=list(plan.question), track=plan.track,
                           count=count, now=now(), job_description=plan.job_description, job_ranker=rank_by_model) or []
    job = for_job[0] if for_job else None
    if job is not None:
        _say_job_notes(ctx, settings, job)
    purpose = ""
    if plan.review:
        purpose = "for review (see 'mock-interviewer progress')"
    elif plan.job_description is not None:
        purpose = f"for the job description by the model {job.model}" if job and job.model else "for the job description"
    track_id = session_track(loaded, picked, plan.track) if picked else plan.track or next(iter(loaded.tracks), None)
    if track_id is None:
        raise InputError("no tracks loaded: check --bank and MOCK_INTERVIEWER_BANK")
    track_obj = loaded.track(track_id)
    count = plan.questions if plan.questions is not None else min(DEFAULT_QUESTIONS, len(loaded.in_track(track_id)))
    session = new_session(
        loaded,
        track=track_id,
        questions=count,
        minutes=resolve_minutes(plan.minutes, track_obj),
        follow_ups=plan.follow_ups,
        feedback=plan.feedback,
        seed=plan.seed,
    )
    if picked:
        use_questions(session, picked)
    return session, picked, purpose


def _say_job_notes(ctx: Context, settings: Settings, job: JobPicks) -> None:
    """One line when the model's ranking was not used, or when it read a description cut to fit."""
    if job.failure is not None:
        ctx.say(f"the model's ranking of the questions could not be used: {job.failure}; "
                "they are picked by the offline relevance score instead", label="note:")
    elif job.truncated:
        ctx.say(f"the job description was cut to fit the context budget ({settings.context_budget} tokens) "
                "before the model ranked the questions", label="note:")


def _conduct(
    ctx: Context,
    settings: Settings,
    loaded: Bank,
    store: SessionStore,
    session: Session,
    *,
    resumed: bool,
    banks: list[Path] | None,
    picked: list[tuple[str, str]],
    purpose: str,
    model_backend: Backend,
) -> None:
    """Run the interview in this terminal, then say how to see it again or resume it."""
    import sys

    from rich.markup import escape  # paths may hold '[': shown as they are, never read as markup

    from mock_interviewer.errors import ServiceError
    from mock_interviewer.interview.loop import Interview
    from mock_interviewer.scrub import unscrubbed
    from mock_interviewer.storage import WriteError
    from mock_interviewer.terminal import TerminalFrontend, make_reader

    if not resumed:
        session.backend, session.model = model_backend.name, model_backend.model
    console = ctx.err if ctx.json else ctx.out
    reconfigure = getattr(sys.stdin, "reconfigure", None)
    if reconfigure is not None:  # a byte that is not UTF-8 in an answer must not end the interview
        reconfigure(errors="replace")
    # the answer box draws exactly what it writes (it shows only what the candidate types): not scrubbed
    frontend = TerminalFrontend(console, make_reader(stdin=sys.stdin, out=unscrubbed(console.file)))
    runner = Interview(session, bank=loaded, backend=model_backend, settings=settings, store=store, frontend=frontend)
    hint = resume_command(session.id, settings.transcripts_dir, banks)
    if not resumed:
        _announce(console, runner)
        if picked and purpose:
            from mock_interviewer.render.practice import practice_lines

            console.print(practice_lines(picked, purpose), highlight=False)
    try:
        summary = drive(runner, model_backend)
    except KeyboardInterrupt:
        _paused(ctx, console, runner, frontend, hint, banks)
    except WriteError as exc:
        _not_saved(console, runner, exc, banks)
    except ServiceError as exc:
        raise ServiceError(f"{exc}; your answers are saved, resume with: {hint}") from None
    if summary is None:
        console.print(f"\n[bold]Saved.[/bold] Resume with:\n  {escape(hint)}", highlight=False, soft_wrap=not console.is_terminal)
    else:
        path = store.path_for(session.id)
        again = ctx.command("sessions", "show", session.id, banks=banks)
        console.print(f"\n[dim]Session saved to {escape(str(path))}; see it again with: {escape(again)}[/dim]", highlight=False, soft_wrap=not console.is_terminal)
    if ctx.json:
        ctx.print_json(_result(runner, summary, hint))


def _paused(
    ctx: Context, console: Console, runner: Interview, frontend: TerminalFrontend, hint: str, banks: list[Path] | None
) -> NoReturn:
    """Ctrl-C: save, show the unsent draft, print the resume command, exit 130."""
    from rich.markup import escape
    from rich.text import Text

    from mock_interviewer.storage import WriteError

    try:
        runner.pause()
    except WriteError as exc:
        _not_saved(console, runner, exc, banks)
    draft = frontend.unsent_draft()
    if draft:
        console.print("\n[bold]Your unsent answer[/bold] (not saved; copy it if you want it):", highlight=False)
        console.print(Text(draft, style="dim"))
    # soft_wrap: the command stays on one line however long, so it can be copied (it wrapped at 80 when piped)
    console.print(f"\n[bold]Paused.[/bold] Your session is saved. Resume with:\n  {escape(hint)}", highlight=False, soft_wrap=True)
    if ctx.json:
        ctx.print_json(_result(runner, None, hint))
    raise typer.Exit(130) from None


def _not_saved(console: Console, runner: Interview, exc: WriteError, banks: list[Path] | None) -> NoReturn:
    """The session file could not be written (a full disk): keep what was said elsewhere, say where, and how to go on.

    A copy of the session, the last answer included, goes to a temporary directory and the resume command
    reads it from there. When no copy can be written either, the last answer is printed back to be copied.
    """
    import errno

    from rich.text import Text

    from mock_interviewer.errors import MockInterviewerError
    from mock_interviewer.safetext import for_terminal
    from mock_interviewer.session_store import save_recovery_copy

    session = runner.session
    then = "free some space, then" if exc.errno == errno.ENOSPC else "once it can be written,"
    copy = save_recovery_copy(session)
    if copy is not None:
        hint = resume_command(str(copy), runner.store.directory, banks)
        raise MockInterviewerError(
            f"{exc}; everything said so far, your last answer included, is kept in {copy}: {then} resume with: {hint}"
        ) from None
    # the answer just given: the newest (a /retry's answer to an earlier question may be newer than a later one's)
    last = max((t for r in session.records for t in r.turns if t.kind == "answer"), key=lambda t: t.at, default=None)
    if last is not None:
        console.print("\n[bold]Your last answer[/bold] (not saved; copy it):", highlight=False)
        console.print(Text(for_terminal(last.text)), soft_wrap=True)  # unwrapped: it is copied
    hint = resume_command(session.id, runner.store.directory, banks)
    raise MockInterviewerError(
        f"{exc}; no copy could be written anywhere either{', your last answer is printed above' if last else ''}: "
        f"{then} resume with: {hint}"
    ) from None


def _announce(console: Console, runner: Interview) -> None:
    from rich.text import Text

    from mock_interviewer.render import follow_up_limit, plural, time_box

    session = runner.session
    options = session.options
    track = runner.bank.tracks[session.track]
    count = len(session.records)
    facts = [track.title, plural(count, "question"), time_box(options.minutes)]
    follow = f"{follow_up_limit(options.follow_ups)} per question"
    when = "feedback after each answer" if options.feedback == "now" else "feedback at the end"
    console.print(Text.assemble(("Mock interview", "bold"), " · " + " · ".join(facts)))
    console.print(Text(f"{follow} · {when} · /help for commands", style="dim"))
    console.print(Text(f"Session {session.id}, saved after every answer.", style="dim"))


def _result(runner: Interview, summary: Summary | None, hint: str) -> dict[str, object]:
    from mock_interviewer.interview.result import InterviewResult

    session = runner.session
    return InterviewResult(
        session_id=session.id,
        status=session.status,
        path=str(runner.store.path_for(session.id)),
        resume=hint if session.status in ("quit", "in_progress") else None,
        summary=summary,
    ).model_dump(mode="json")


def register(app: typer.Typer) -> None:
    app.command("interview")(interview)
