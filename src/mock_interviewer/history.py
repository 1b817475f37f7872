"""One question across every saved session: each attempt with the answer given, what it lacked and what
changed against the attempt before, and the great exemplar with the key points it covers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import Field

from mock_interviewer.bank import Bank
from mock_interviewer.compare import AttemptComparison, compare_attempts, missing_points
from mock_interviewer.delivery import Delivery, delivery_of
from mock_interviewer.errors import InputError
from mock_interviewer.grade_model import Grade
from mock_interviewer.review import due_at
from mock_interviewer.session_store import AnswerAttempt, Session
from mock_interviewer.star import StarPart, is_behavioural, star_parts
from mock_interviewer.strict import StrictModel


class AttemptDetail(StrictModel):
    session_id: str
    at: datetime
    tier: Literal["great", "mediocre", "poor"]
    score: int
    estimate: bool
    answer: str
    missing: list[str]
    delivery: Delivery
    star: list[StarPart] | None = Field(default=None, description="Behavioural questions: situation and actions found.")
    against_previous: AttemptComparison | None = None


class QuestionHistory(StrictModel):
    schema_version: Literal[1] = 1
    question_id: str
    track: str
    category: str
    text: str
    attempts: list[AttemptDetail]
    due: datetime | None
    great_answer: str
    key_points: list[str]


def _graded(sessions: Iterable[Session], question_id: str) -> list[tuple[datetime, Session, AnswerAttempt, Grade]]:
    """Every graded answer to the question, oldest first (a question answered again gives one each)."""
    found = []
    for session in sessions:
        for record in session.records:
            if record.question_id != question_id:
                continue
            for answer in record.attempts():
                grade = answer.grade
                if grade is not None and grade.status == "graded":
                    found.append((answer.answered_at() or session.created_at, session, answer, grade))
    return sorted(found, key=lambda item: item[0])


def question_history(items: Iterable[tuple[Path, Session | InputError]], bank: Bank, question_id: str) -> QuestionHistory:
    """Every graded attempt at ``question_id``, oldest first (the question must be in the bank)."""
    question = bank.questions.get(question_id)
    if question is None:
        raise InputError(f"--question {question_id!r}: no such question in the bank (see 'mock-interviewer bank list')")
    sessions = [item for _, item in items if isinstance(item, Session)]
    attempts: list[AttemptDetail] = []
    previous: Grade | None = None
    for at, session, answer, grade in _graded(sessions, question_id):
        if grade.tier is None or grade.score is None:  # a graded grade has both; the model says so
            continue
        attempts.append(AttemptDetail(
            session_id=session.id, at=at, tier=grade.tier, score=grade.score, estimate=grade.estimate,
            answer=answer.candidate_text(), missing=missing_points(grade, question), delivery=delivery_of(answer.candidate_text()),
            star=star_parts(answer.candidate_text()) if is_behavioural(question.category) else None,
            against_previous=compare_attempts(previous, grade, question) if previous else None,
        ))
        previous = grade
    due = due_at([a.score for a in attempts], attempts[-1].at) if attempts else None
    return QuestionHistory(
        question_id=question.id, track=question.track, category=question.category, text=question.text,
        attempts=attempts, due=due, great_answer=question.exemplars.great, key_points=list(question.key_points),
    )
