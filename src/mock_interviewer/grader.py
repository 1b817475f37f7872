"""Grading one answer (or one question's whole exchange) against the question's exemplars.

Builds the grade request from ``prompts/grade.*.md`` (static instructions, then
the question, key points and exemplars, then the candidate's words fenced last),
asks any backend for a ``GradeVerdict``, and returns a ``Grade``: graded, or
ungraded with the reason after one repair re-ask.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mock_interviewer.backends.base import Backend, ModelReply, ModelRequest, Task, Turn
from mock_interviewer.bank import TIERS, Question
from mock_interviewer.config import Settings
from mock_interviewer.errors import InputError, ServiceError
from mock_interviewer.grade_model import Grade, GradeVerdict, Usage, add_usage
from mock_interviewer.injection import looks_like_injection
from mock_interviewer.prompts import fence, load_prompt
from mock_interviewer.structured import StructuredFailure, complete_structured
from mock_interviewer.tokens import truncate

PROMPT_NAME = "grade"


@dataclass(frozen=True)
class PreparedAnswer:
    """The candidate's words as they will be sent: truncated to budget, flagged when suspicious."""

    text: str
    truncated: bool
    suspicious: bool


def bullets(items: Sequence[str], empty: str = "(none given: use the exemplars)") -> str:
    return "\n".join(f"- {item}" for item in items) if items else empty


def question_variables(question: Question) -> dict[str, str]:
    """The prompt variables that describe a question and its exemplars (shared by grade and probe prompts)."""
    return {
        "question_id": question.id,
        "category": question.category,
        "question": question.text,
        "key_points": bullets(question.key_points),
        "red_flags": bullets(question.red_flags),
        "exemplar_great": question.exemplars.great,
        "exemplar_mediocre": question.exemplars.mediocre,
        "exemplar_poor": question.exemplars.poor,
    }


_ANCHOR = {"great": "GREAT exemplar (score 5)", "mediocre": "MEDIOCRE exemplar (score 3)", "poor": "POOR exemplar (score 1)"}


def exemplar_block(question: Question, rotation: int = 0) -> str:
    """The three exemplars, each under its tier and anchor score, great first; ``rotation`` turns the order
    (1: mediocre, poor, great), so sampling a grade several times shows whether the order sways it."""
    order = [TIERS[(i + rotation) % len(TIERS)] for i in range(len(TIERS))]
    return "\n\n".join(f"{_ANCHOR[tier]}:\n{question.exemplars.get(tier)}" for tier in order)


def grade_variables(question: Question, rotation: int = 0) -> dict[str, str]:
    """The grade prompt's variables: the question's, with the exemplars as one block in ``rotation``'s order."""
    shared = {k: v for k, v in question_variables(question).items() if not k.startswith("exemplar_")}
    return {**shared, "exemplars": exemplar_block(question, rotation)}


def prepare_answer(answer: str, settings: Settings) -> PreparedAnswer:
    """Check an answer is usable, cut it to the token budget, and flag injection attempts."""
    if "\x00" in answer:
        raise InputError("the answer contains NUL bytes; expected text")
    if not answer.strip():
        raise InputError("the answer is empty")
    text, truncated = truncate(answer.strip(), settings.max_answer_tokens, settings.model)
    return PreparedAnswer(text=text, truncated=truncated, suspicious=looks_like_injection(answer))


def render_exchange(exchange: Sequence[Turn]) -> str:
    """A question's exchange as plain text: each turn labelled with its speaker."""
    return "\n\n".join(f"[{turn.speaker}] {turn.text.strip()}" for turn in exchange)


def build_grade_request(
    question: Question, prepared: PreparedAnswer, settings: Settings, exchange: Sequence[Turn] = (), rotation: int = 0
) -> ModelRequest:
    """The grade request: everything before the answer is the same for every answer to this question
    (for one ``rotation`` of the exemplars; 0, great first, unless grades are sampled)."""
    template = load_prompt(PROMPT_NAME)
    data = render_exchange(exchange) if exchange else prepared.text
    fenced, _forged = fence(data)
    messages = template.render(**grade_variables(question, rotation), answer=fenced)
    return ModelRequest(
        task=Task(kind="grade", question=question, answer=prepared.text, exchange=tuple(exchange)),
        messages=messages,
        output=GradeVerdict,
        temperature=0.0,
        seed=settings.seed,
        max_tokens=settings.max_output_tokens,
        prompt_version=template.version,
    )


async def grade_answer(
    backend: Backend,
    question: Question,
    answer: str,
    settings: Settings,
    *,
    exchange: Sequence[Turn] = (),
    samples: int = 1,
) -> Grade:
    """Grade ``answer`` (with ``exchange``, the whole conversation about the question, when there is one).

    With ``samples`` K > 1 the answer is graded K times, the exemplars in rotated order, and the
    grades are combined (``sampling.combine``): a tier that is not unanimous marks the grade borderline.
    Raises InputError for an unusable answer; a model that gives no valid verdict
    yields an ungraded Grade with the reason. Service failures propagate as ServiceError.
    """
    prepared = prepare_answer(answer, settings)  # once: every sample sends the same words
    if samples > 1:
        from mock_interviewer.sampling import combine

        rounds: list[Grade] = []
        for rotation in range(samples):
            try:
                rounds.append(await _grade_once(backend, question, prepared, settings, exchange, rotation))
            except ServiceError as exc:
                if rounds:  # the samples that came back were paid for: say so, with the failed request
                    spent: Usage | None = Usage(requests=1)
                    for done in rounds:
                        spent = add_usage(spent, done.usage)
                    exc.spent = spent
                raise
        return combine(rounds)
    return await _grade_once(backend, question, prepared, settings, exchange, 0)


async def _grade_once(
    backend: Backend,
    question: Question,
    prepared: PreparedAnswer,
    settings: Settings,
    exchange: Sequence[Turn],
    rotation: int,
) -> Grade:
    request = build_grade_request(question, prepared, settings, exchange, rotation)
    common: dict[str, Any] = {
        "backend": backend.name,
        "estimate": backend.estimate,
        "prompt_version": request.prompt_version,
        "truncated": prepared.truncated,
    }
    try:
        verdict, reply = await complete_structured(backend, request, GradeVerdict)
    except StructuredFailure as failure:
        failed = failure.reply
        return Grade.ungraded(
            question.id,
            failure.reason,
            model=failed.model if failed else backend.model,
            suspicious=prepared.suspicious,
            usage=failed.usage if failed else None,
            response_format=_format_of(failed),
            **common,
        )
    grade = Grade.from_verdict(
        question.id,
        verdict,
        model=reply.model,
        system_fingerprint=reply.system_fingerprint,
        usage=reply.usage,
        response_format=_format_of(reply),
        **common,
    )
    if prepared.suspicious and not grade.suspicious:
        grade = grade.model_copy(update={"suspicious": True})
    return grade


def _format_of(reply: ModelReply | None) -> str | None:
    """The structured-output step a reply came through, when its backend says (the openai one does)."""
    found = reply.extra.get("response_format") if reply is not None else None
    return found if isinstance(found, str) else None
