"""``grade``: grade one answer against its question's great / mediocre / poor exemplars."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from mock_interviewer.commands.common import (
    AnswerFileOpt,
    AnswerOpt,
    BackendOpt,
    BankOpt,
    JsonOpt,
    ModelOpt,
    SamplesOpt,
    make_context,
    print_error,
)

if TYPE_CHECKING:
    from mock_interviewer.backends.base import Backend
    from mock_interviewer.bank import Question
    from mock_interviewer.commands.common import Context
    from mock_interviewer.config import Settings
    from mock_interviewer.grade_model import Grade

EPILOG = """\
Examples:

  grade --question technical-02 --answer "I'd index the join column, then EXPLAIN"

  grade --question director-07 --answer-file answer.txt --json

  pbpaste | mock-interviewer grade --question engineer-03

Exit status: 0 graded, 1 model service failed or no usable grade, 2 bad input.
"""


async def _grade(backend: Backend, question: Question, answer: str, settings: Settings, samples: int = 1) -> Grade:
    """Grade, and always release the backend's connections (also on failure or Ctrl-C)."""
    from mock_interviewer.grader import grade_answer

    try:
        return await grade_answer(backend, question, answer, settings, samples=samples)
    finally:
        await backend.aclose()


QuestionIdOpt = Annotated[
    str,
    typer.Option("--question", "-q", metavar="ID", help="Question id, e.g. director-01 (see `bank list`).", show_default=False),
]


def grade(
    question_id: QuestionIdOpt,
    answer: AnswerOpt = None,
    answer_file: AnswerFileOpt = None,
    json_output: JsonOpt = False,
    bank: BankOpt = None,
    backend: BackendOpt = None,
    model: ModelOpt = None,
    samples: SamplesOpt = 1,
) -> None:
    """Grade one answer: tier, score, the gap to the great exemplar, and what to add.

    The answer comes from --answer, --answer-file, or standard input when neither is given.
    """
    import asyncio

    from mock_interviewer.answer_input import read_answer

    ctx = make_context(json_output=json_output, bank=bank, backend=backend, model=model)
    settings = ctx.settings()
    question = ctx.load_bank().get(question_id)
    text, source = read_answer(answer, answer_file)

    _notice_if_truncated(ctx, text, source, settings)
    chosen = ctx.make_backend()
    if chosen.estimate and settings.backend != "auto":  # auto already said "grades are estimates"
        ctx.say("offline estimate: graded from the exemplars and rubric notes, without a language model", style="dim")
    if samples > 1 and chosen.estimate:
        from mock_interviewer.sampling import OFFLINE_NOTE

        ctx.say(OFFLINE_NOTE, label="notice:")
        samples = 1
    result = asyncio.run(_grade(chosen, question, text, settings, samples))

    if ctx.json:
        ctx.print_json(result.model_dump(mode="json"))
    if result.status != "graded":

        print_error("not graded", result.reason or "no reason given")
        raise typer.Exit(1)
    if not ctx.json:
        from mock_interviewer.render.grade import grade_view

        ctx.out.print(grade_view(result, question, width=ctx.out.width))


def _notice_if_truncated(ctx: Context, text: str, source: str, settings: Settings) -> None:
    """An answer over the grading budget is graded in part: say so before grading."""
    from mock_interviewer.tokens import count_tokens, fits_without_counting

    if fits_without_counting(text.strip(), settings.max_answer_tokens):
        return
    tokens = count_tokens(text.strip(), settings.model)
    if tokens > settings.max_answer_tokens:
        ctx.say(
            f"the answer ({source}) is {tokens:,} tokens; only its first "
            f"{settings.max_answer_tokens:,} tokens are graded (the grading budget), the rest is ignored",
            label="notice:",
        )


def register(app: typer.Typer) -> None:
    app.command("grade", epilog=EPILOG)(grade)
