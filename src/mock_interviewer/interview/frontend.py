"""The frontend protocol: what the interview shows, and what a frontend returns (an answer or a command).

The terminal is one frontend; tests script another. This module imports nothing heavy, so a
frontend can use these types without loading the loop.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Literal, Protocol

from mock_interviewer.bank import Question
from mock_interviewer.compare import AttemptComparison
from mock_interviewer.grade_model import Grade
from mock_interviewer.session_store import SessionTurn
from mock_interviewer.summary import Summary


@dataclass(frozen=True)
class QuestionInfo:
    position: int
    total: int
    question: Question
    time_left: float | None
    resumed: bool = False
    attempt: int = 1  # 2 and more: the question answered again (/retry)


@dataclass(frozen=True)
class AnswerRequest:
    """What the frontend needs to read one answer: which question, what was just asked, the clock."""

    info: QuestionInfo
    follow_up: bool
    interviewer_words: str
    time_left: Callable[[], float | None]


@dataclass(frozen=True)
class Answer:
    text: str


@dataclass(frozen=True)
class Command:
    name: Literal["repeat", "skip", "quit", "help", "great", "retry"]


Reply = Answer | Command


@dataclass(frozen=True)
class Feedback:
    """One question's grade, to show: its position in the session, the question, the grade."""

    position: int
    question: Question
    grade: Grade


class Frontend(Protocol):
    """Where the interview is shown and answers come from. The terminal is one; tests script another."""

    def question_start(self, info: QuestionInfo) -> None: ...

    async def speak(self, words: AsyncIterator[str]) -> str:
        """Show the interviewer's words as they arrive; return them whole."""
        ...

    async def read(self, request: AnswerRequest) -> Reply: ...

    def repeat(self, words: str, question: Question) -> None: ...

    def recap(self, turns: Sequence[SessionTurn]) -> None:
        """On resume: what was already said about the question (the candidate's earlier answers too)."""
        ...

    def show_help(self) -> None: ...

    def great(self, question: Question) -> None:
        """``/great`` after feedback: the question's great exemplar, with the key points it covers."""
        ...

    def notice(self, text: str, *, level: Literal["info", "warning", "dim"] = "info") -> None: ...

    def busy(self, label: str) -> AbstractContextManager[object]: ...

    def feedback(self, position: int, question: Question, grade: Grade) -> None: ...

    def attempt_change(self, position: int, question: Question, change: AttemptComparison) -> None:
        """After a retried question's feedback: what changed against the attempt before (``/retry``)."""
        ...

    async def before_summary(self, position: int, question: Question) -> Literal["summary", "retry", "great"]:
        """After the last question's feedback: go on to the summary, answer it again, or see its great answer.

        A frontend nobody can answer (piped input) goes on to the summary without reading anything.
        """
        ...

    async def feedback_at_end(self, items: Sequence[Feedback]) -> None:
        """With ``--feedback end``: every question's feedback, before the summary."""
        ...

    def summary(self, summary: Summary) -> None: ...


async def say_once(text: str) -> AsyncIterator[str]:
    """Words already known (a follow-up from a structured reply) as a one-chunk stream."""
    yield text
