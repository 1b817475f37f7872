"""``sessions`` and ``sessions show ID``: saved interview sessions (wiring only)."""

from __future__ import annotations

from typing import Annotated

import typer

from mock_interviewer.commands.common import BankOpt, JsonOpt, TranscriptsOpt, make_context

sessions_app = typer.Typer(help="List and show saved interview sessions.", invoke_without_command=True)


@sessions_app.callback()
def list_sessions(
    typer_ctx: typer.Context,
    json_output: JsonOpt = False,
    transcripts_dir: TranscriptsOpt = None,
) -> None:
    """List saved sessions, newest first (a file that cannot be read is listed with the reason)."""
    if typer_ctx.invoked_subcommand is not None:
        return

    from mock_interviewer.errors import InputError
    from mock_interviewer.render.session import session_row, sessions_table
    from mock_interviewer.session_store import SessionStore

    ctx = make_context(json_output=json_output, transcripts_dir=transcripts_dir)
    store = SessionStore(ctx.settings().transcripts_dir)
    items = list(store.list())
    if ctx.json:
        ctx.print_json(
            {
                "directory": str(store.directory),
                "sessions": [
                    {"path": str(path), "error": str(item)}
                    if isinstance(item, InputError)
                    else {"path": str(path), **session_row(item)}
                    for path, item in items
                ],
            }
        )
        return
    ctx.note_legacy_sessions()
    if not items:
        ctx.say(f"No saved sessions in {store.directory}. Start one with: {ctx.command('interview')}")
        return
    ctx.out.print(sessions_table(items))
    for _, item in items:
        if isinstance(item, InputError):
            ctx.say(str(item), label="unreadable:")
    ctx.say(f"{len(items)} in {store.directory}; see one with: {ctx.command('sessions', 'show')} ID", style="dim")


@sessions_app.command("show")
def show(
    session_id: Annotated[str, typer.Argument(metavar="ID", help="Session id (see 'mock-interviewer sessions').")],
    markdown: Annotated[bool, typer.Option("--markdown", help="Print the session as Markdown (to save or share).")] = False,
    json_output: JsonOpt = False,
    bank: BankOpt = None,
    transcripts_dir: TranscriptsOpt = None,
) -> None:
    """Show one session: every question, answer, follow-up and grade, then the summary."""
    import sys

    from mock_interviewer.errors import InputError
    from mock_interviewer.render.session import session_markdown, session_view
    from mock_interviewer.session_store import SessionStore
    from mock_interviewer.summary import summarise

    if markdown and json_output:
        raise InputError("give either --markdown or --json, not both")
    ctx = make_context(json_output=json_output, bank=bank, transcripts_dir=transcripts_dir)
    try:
        session = SessionStore(ctx.settings().transcripts_dir).load(session_id)
    except InputError:
        ctx.note_legacy_sessions()  # a session saved by an earlier version may be in ./transcripts
        raise
    loaded = ctx.load_bank()
    summary = summarise(session, loaded)
    if ctx.json:
        ctx.print_json({"session": session.model_dump(mode="json"), "summary": summary.model_dump(mode="json")})
    elif markdown:
        sys.stdout.write(session_markdown(session, loaded, summary))
    else:
        ctx.out.print(session_view(session, loaded, summary))


def register(app: typer.Typer) -> None:
    app.add_typer(sessions_app, name="sessions")
