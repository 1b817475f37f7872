"""The interviewer's model requests: phrasing the next question and deciding on a follow-up.

Earlier exchanges and the current one are fitted to the context budget; the rubric never is.
"""

from __future__ import annotations

from collections.abc import Sequence

from mock_interviewer.backends.base import ModelRequest, Task, Turn
from mock_interviewer.bank import Question
from mock_interviewer.config import Settings
from mock_interviewer.context_budget import PastExchange, fit_exchange, fit_history
from mock_interviewer.grader import PreparedAnswer, build_grade_request, bullets
from mock_interviewer.prompts import fence, load_prompt
from mock_interviewer.replies import FollowUpDecision
from mock_interviewer.session_store import QuestionRecord
from mock_interviewer.tokens import count_messages

ASK_PROMPT = "interviewer"
FOLLOW_UP_PROMPT = "follow_up"


def _position(index: int, total: int) -> str:
    if total == 1:
        return "the only question"
    if index == 0:
        return f"the first question (of {total})"
    if index == total - 1:
        return f"the last question ({total} of {total})"
    return f"question {index + 1} of {total}"


def session_turns(record: QuestionRecord) -> tuple[Turn, ...]:
    """What was said about a question, as model turns (skips and notices are not words said)."""
    return tuple(
        Turn(t.speaker, t.text) for t in record.turns if t.kind in ("question", "follow_up", "answer") and t.text.strip()
    )


def answered_turns(record: QuestionRecord) -> tuple[Turn, ...]:
    """The exchange to grade: an interviewer turn the candidate skipped is not held against them."""
    turns = session_turns(record)
    while turns and turns[-1].speaker == "interviewer" and len(turns) > 1:
        turns = turns[:-1]
    return turns


def build_ask_request(
    question: Question,
    *,
    index: int,
    total: int,
    track_title: str,
    history: Sequence[PastExchange],
    settings: Settings,
) -> ModelRequest:
    """The interviewer phrases the next question; earlier exchanges are fitted to the context budget."""
    template = load_prompt(ASK_PROMPT)
    variables = {
        "position": _position(index, total),
        "track": track_title,
        "category": question.category,
        "question": question.text,
    }
    fixed = count_messages(template.render(conversation="", **variables), settings.model)
    fitted = fit_history(history, settings.context_budget - fixed, settings.model)
    conversation, _ = fence(fitted.text or "(nothing yet: this is the start of the interview)")
    return ModelRequest(
        task=Task(kind="ask", question=question, exchange=tuple(t for e in history for t in e.turns)),
        messages=template.render(conversation=conversation, **variables),
        output=None,
        temperature=0.7,
        seed=settings.seed,
        max_tokens=300,
        prompt_version=template.version,
    )


def build_follow_up_request(
    question: Question, turns: Sequence[Turn], follow_ups_left: int, settings: Settings
) -> ModelRequest:
    """Should the interviewer probe, and with what? The exchange is fitted to the budget; the rubric never is."""
    template = load_prompt(FOLLOW_UP_PROMPT)
    variables = {
        "question_id": question.id,
        "category": question.category,
        "question": question.text,
        "key_points": bullets(question.key_points),
        "exemplar_great": question.exemplars.great,
        "follow_ups_left": str(follow_ups_left),
    }
    fixed = count_messages(template.render(exchange="", **variables), settings.model)
    fitted = fit_exchange(turns, settings.context_budget - fixed, settings.model)
    exchange, _ = fence("\n\n".join(f"[{t.speaker}] {t.text.strip()}" for t in fitted))
    answer = "\n\n".join(t.text for t in turns if t.speaker == "candidate")
    return ModelRequest(
        task=Task(
            kind="follow_up", question=question, answer=answer, exchange=tuple(turns), follow_ups_left=follow_ups_left
        ),
        messages=template.render(exchange=exchange, **variables),
        output=FollowUpDecision,
        temperature=0.0,
        seed=settings.seed,
        max_tokens=settings.max_output_tokens,
        prompt_version=template.version,
    )


def grade_budget(question: Question, settings: Settings) -> int:
    """Tokens left for the exchange once the grade prompt's fixed part (rubric, exemplars) is counted."""
    empty = PreparedAnswer(text="", truncated=False, suspicious=False)
    fixed = count_messages(build_grade_request(question, empty, settings).messages, settings.model)
    return settings.context_budget - fixed
