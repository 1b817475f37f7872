"""``bank list | show | import | validate``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mock_interviewer.commands.common import BankOpt, JsonOpt, make_context

bank_app = typer.Typer(help="List, show, import and validate question banks.", no_args_is_help=True)


@bank_app.command("list")
def list_questions(
    track: Annotated[str | None, typer.Option("--track", help="Only this track.")] = None,
    json_output: JsonOpt = False,
    bank: BankOpt = None,
) -> None:
    """List the questions of every loaded bank (or one track)."""
    from mock_interviewer.render.bank import bank_table, track_summary

    ctx = make_context(json_output=json_output, bank=bank)
    loaded = ctx.load_bank()
    questions = loaded.in_track(track)
    tracks = {t: loaded.tracks[t] for t in loaded.tracks if track in (None, t)}
    if ctx.json:
        ctx.print_json(
            {
                "tracks": [
                    {
                        **t.model_dump(),
                        "questions": sum(q.track == t.id for q in questions),
                        "file": str(loaded.origins[f"track:{t.id}"]),
                    }
                    for t in tracks.values()
                ],
                "questions": [
                    {"id": q.id, "track": q.track, "number": q.number, "category": q.category, "text": q.text}
                    for q in questions
                ],
            }
        )
        return
    counts = {t: sum(q.track == t for q in questions) for t in tracks}
    ctx.out.print(track_summary(tracks, counts))
    ctx.out.print(bank_table(questions, tracks))


@bank_app.command("show")
def show(
    question_id: Annotated[str, typer.Argument(metavar="ID", help="Question id, e.g. director-01.")],
    json_output: JsonOpt = False,
    bank: BankOpt = None,
) -> None:
    """Show a question with its great, mediocre and poor exemplars and its rubric notes."""
    from mock_interviewer.render.bank import question_view

    ctx = make_context(json_output=json_output, bank=bank)
    loaded = ctx.load_bank()
    question = loaded.get(question_id)
    if ctx.json:
        ctx.print_json({**question.model_dump(), "track_title": loaded.tracks[question.track].title})
        return
    ctx.out.print(question_view(question, loaded.tracks[question.track], width=ctx.out.width))


@bank_app.command("import")
def import_bank(
    file: Annotated[Path, typer.Argument(help="Source document (single-line or line-based format).")],
    track: Annotated[
        list[str],
        typer.Option("--track", help="Track id for each question set in the document, in order (repeat for several)."),
    ],
    question_set: Annotated[
        int | None, typer.Option("--set", min=1, help="Import only the Nth question set of the document.")
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Track title (default: the document's heading).")] = None,
    role: Annotated[
        str | None,
        typer.Option(
            "--role",
            help="The job the track interviews for, as the interviewer says it, e.g. 'an engineering manager role' "
            "(default: named after the track id).",
        ),
    ] = None,
    minutes: Annotated[
        int | None, typer.Option("--minutes", min=1, help="Time limit in minutes (default: from the document).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Output file, or directory for several tracks (default: print YAML on stdout)."),
    ] = None,
) -> None:
    """Import a source document as bank YAML. Rubric notes (key points, red flags) are left for you to write."""
    import sys

    from mock_interviewer.bank import dump_bank_file
    from mock_interviewer.errors import InputError
    from mock_interviewer.importer import import_document
    from mock_interviewer.storage import atomic_write_text

    ctx = make_context()
    result = import_document(
        file, track, question_set=question_set, title=title, role=role, time_limit_minutes=minutes
    )
    for warning in result.warnings:
        ctx.say(warning, label="warning:")
    if out is None:
        sys.stdout.write("---\n".join(dump_bank_file(b) for b in result.banks))
        return
    if len(result.banks) > 1 or out.is_dir():
        if out.exists() and not out.is_dir():
            raise InputError(f"--out {out}: several tracks need a directory, and this is a file")
        targets = [(out / f"{b.track.id}.yaml", b) for b in result.banks]
    else:
        targets = [(out, result.banks[0])]
    for path, bank_file in targets:
        atomic_write_text(path, dump_bank_file(bank_file))
        ctx.say(f"wrote {path} ({len(bank_file.questions)} questions, track {bank_file.track.id})")


@bank_app.command("validate")
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Bank files or directories.")],
    json_output: JsonOpt = False,
) -> None:
    """Check bank files: every problem is listed with its file, line and field; exit 2 if any."""
    from mock_interviewer.bank import validate_paths

    ctx = make_context(json_output=json_output)
    notes: list[str] = []
    problems = validate_paths(paths, notes)
    if ctx.json:
        ctx.print_json({"valid": not problems, "problems": problems, "incomplete": notes})
    else:
        for problem in problems:
            ctx.say(problem, label="invalid:", label_style="bold red")
        for note in notes:
            ctx.say(note, label="incomplete:", label_style="yellow")
        if not problems:
            ctx.say(f"valid: {', '.join(str(p) for p in paths)}")
    if problems:
        raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    app.add_typer(bank_app, name="bank")
