"""``probe``: follow-up probes for one answer, for a question, or a printable sheet for a track."""

from __future__ import annotations

import sys
from collections.abc import Awaitable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from mock_interviewer.commands.common import (
    AnswerFileOpt,
    AnswerOpt,
    BackendOpt,
    BankOpt,
    JsonOpt,
    ModelOpt,
    make_context,
)

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from mock_interviewer.backends.base import Backend
    from mock_interviewer.commands.common import Context

T = TypeVar("T")

EPILOG = """\
Examples:

  probe --question technical-02 --answer "I'd count requests in a table"

  probe --question director-07 --answer-file answer.txt --count 5

  pbpaste | mock-interviewer probe --question engineer-03

  probe --question technical-01   (no answer: what to probe for)

  probe --track director --out director-probes.md
"""


def _answer_or_none(answer: str | None, answer_file: Path | None) -> str | None:
    """The answer from --answer, --answer-file or piped stdin; None when none is given.

    A terminal on stdin means nobody is piping an answer, so this is the no-answer
    mode rather than a prompt that blocks. An empty pipe (zero bytes, e.g. /dev/null
    in CI) is treated the same way; a pipe holding only whitespace is an empty answer.
    """
    import io

    from mock_interviewer.answer_input import read_answer
    from mock_interviewer.errors import InputError

    if answer is not None or answer_file is not None:
        return read_answer(answer, answer_file)[0]
    stream = sys.stdin
    try:
        if stream is None or stream.isatty() or not stream.readable():
            return None
    except ValueError:  # closed stdin
        return None
    try:
        raw = stream.buffer.read() if hasattr(stream, "buffer") else stream.read().encode("utf-8")
    except (OSError, ValueError) as exc:
        raise InputError(f"stdin: cannot read the answer: {exc}") from None
    if not raw:
        return None
    return read_answer(None, None, stdin=io.BytesIO(raw))[0]


async def _closing(backend: Backend, work: Awaitable[T]) -> T:
    """Await ``work`` and always release the backend's connections."""
    try:
        return await work
    finally:
        await backend.aclose()


def _probe_one(ctx: Context, question_id: str, answer: str | None, answer_file: Path | None, count: int) -> None:
    import asyncio

    from mock_interviewer.probes import probe_answer, probe_question
    from mock_interviewer.render.probes import probe_set_view

    question = ctx.load_bank().get(question_id)
    text = _answer_or_none(answer, answer_file)
    settings = ctx.settings()
    backend = ctx.make_backend()
    if text is None:
        work = probe_question(backend, question, settings, count)
    else:
        work = probe_answer(backend, question, text, settings, count)
    result = asyncio.run(_closing(backend, work))
    if result.truncated:
        ctx.say(f"note: the answer was cut to {settings.max_answer_tokens} tokens before probing")
    if result.suspicious:
        ctx.say("the answer contains text aimed at the model; it was treated as data", label="warning:")
    if result.dropped:
        ctx.say(f"note: dropped {len(result.dropped)} probe(s) that repeated another or gave the answer away")
    if ctx.json:
        ctx.print_json(result.model_dump(mode="json"))
    else:
        ctx.out.print(probe_set_view(result, question))


def _probe_sheet(ctx: Context, track: str, count: int, out: Path | None) -> None:
    import asyncio

    from mock_interviewer.errors import InputError, ServiceError
    from mock_interviewer.probes import SheetEntry, probe_track
    from mock_interviewer.render.probes import sheet_markdown
    from mock_interviewer.storage import atomic_write_text

    if out is not None and out.is_dir():
        raise InputError(f"--out {out}: is a directory; give a file name such as {out / (track + '-probes.md')}")
    loaded = ctx.load_bank()
    questions = loaded.in_track(track)  # InputError for an unknown track, before any model call
    settings = ctx.settings()
    backend = ctx.make_backend()

    progress: Progress | None = None
    task_id: TaskID | None = None
    if ctx.err.is_terminal:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        progress = Progress(TextColumn("probing"), BarColumn(), MofNCompleteColumn(), console=ctx.err, transient=True)
        task_id = progress.add_task("probing", total=len(questions))

    def done(_entry: SheetEntry) -> None:
        if progress is not None and task_id is not None:
            progress.advance(task_id)

    if progress is not None:
        progress.start()
    try:
        sheet = asyncio.run(_closing(backend, probe_track(backend, loaded, track, settings, count, on_done=done)))
    finally:
        if progress is not None:
            progress.stop()

    markdown = sheet_markdown(sheet)
    if out is not None:
        atomic_write_text(out, markdown)
        probes = sum(len(entry.probes) for entry in sheet.questions)
        ctx.say(f"wrote {out} ({len(sheet.questions)} questions, {probes} probes)")
    if ctx.json:
        ctx.print_json(sheet.model_dump(mode="json"))
    elif out is None:
        sys.stdout.write(markdown)
    failures = sheet.failures
    if failures:
        first = failures[0]
        raise ServiceError(
            f"{len(failures)} of {len(sheet.questions)} questions got no probes (the sheet marks them); "
            f"{first.question_id}: {first.error}"
        )


def probe(
    question_id: Annotated[
        str | None,
        typer.Option("--question", "-q", metavar="ID", help="Question id, e.g. technical-01.", show_default=False),
    ] = None,
    track: Annotated[
        str | None,
        typer.Option(
            "--track", metavar="TRACK", help="Make a probe sheet for every question of this track.", show_default=False
        ),
    ] = None,
    answer: AnswerOpt = None,
    answer_file: AnswerFileOpt = None,
    count: Annotated[int, typer.Option("--count", metavar="N", help="Most probes per question, 1-8.")] = 3,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="With --track: write the Markdown sheet here (default: print it).", show_default=False
        ),
    ] = None,
    json_output: JsonOpt = False,
    bank: BankOpt = None,
    backend: BackendOpt = "auto",
    model: ModelOpt = None,
) -> None:
    """Follow-up probes a team lead can ask: for a candidate's answer, for a question, or a sheet for a track.

    With an answer (--answer, --answer-file or piped on stdin) the probes aim at what this answer has not yet shown. Without one, they are the probes that best separate great answers from mediocre and poor ones. With --track, a printable Markdown sheet of every question, its key points, red flags and probes.
    """
    from mock_interviewer.errors import InputError
    from mock_interviewer.probes import check_count

    ctx = make_context(json_output=json_output, bank=bank, backend=backend, model=model)
    if (question_id is None) == (track is None):
        raise InputError(
            "give --question ID (probes for one question) or --track TRACK (a probe sheet), not both or neither"
        )
    wanted = check_count(count)
    if track is not None:
        if answer is not None or answer_file is not None:
            raise InputError("--answer and --answer-file go with --question; a --track sheet has no answer")
        _probe_sheet(ctx, track, wanted, out)
        return
    if out is not None:
        raise InputError("--out goes with --track (a probe sheet); for one question use --json and redirect")
    assert question_id is not None
    _probe_one(ctx, question_id, answer, answer_file, wanted)


def register(app: typer.Typer) -> None:
    app.command("probe", epilog=EPILOG)(probe)
