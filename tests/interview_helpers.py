"""Helpers shared by the interview tests: the bank, a scripted frontend, a fake clock, sessions."""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from mock_interviewer.backends.scripted import ScriptedBackend
from mock_interviewer.bank import load_bank
from mock_interviewer.config import Settings
from mock_interviewer.interview.frontend import Answer, AnswerRequest, Command, QuestionInfo
from mock_interviewer.interview.loop import Interview
from mock_interviewer.session_store import QuestionRecord, Session, SessionOptions, SessionStore

BANK = load_bank()


def verdict(tier: str = "mediocre", score: int = 3, gap: str = "Quantifies the impact", why: str = "Numbers show it worked.") -> dict[str, Any]:
    return {
        "strengths": ["Names a concrete practice"],
        "gaps": [{"point": gap, "why_it_matters": why}],
        "explanation": "You describe the idea but stay generic.",
        "suspicious": False,
        "tier": tier,
        "score": score,
    }


class ScriptedFrontend:
    """Answers from a queue; records everything shown."""

    def __init__(self, replies: list[Any]) -> None:
        self.replies: deque[Any] = deque(replies)
        self.events: list[tuple[Any, ...]] = []
        self.requests: list[AnswerRequest] = []

    def question_start(self, info: QuestionInfo) -> None:
        self.events.append(("question", info.question.id, info.time_left, info.resumed))

    async def speak(self, words: AsyncIterator[str]) -> str:
        chunks = [chunk async for chunk in words]
        text = "".join(chunks)
        self.events.append(("say", text, len(chunks)))
        return text

    async def read(self, request: AnswerRequest) -> Answer | Command:
        self.requests.append(request)
        if not self.replies:
            raise AssertionError("ScriptedFrontend: no reply queued")
        item = self.replies.popleft()
        if isinstance(item, BaseException):
            raise item
        if callable(item):
            item = item(request)
        if isinstance(item, str):
            item = Command(item[1:]) if item.startswith("/") else Answer(item)
        self.events.append(("read", item))
        return item

    def repeat(self, words: str, question: Any) -> None:
        self.events.append(("repeat", words))

    def show_help(self) -> None:
        self.events.append(("help",))

    def notice(self, text: str, *, level: str = "info") -> None:
        self.events.append(("notice", level, text))

    def busy(self, label: str) -> Any:
        return nullcontext()

    def feedback(self, position: int, question: Any, grade: Any) -> None:
        self.events.append(("feedback", position, grade.status, grade.tier))

    async def before_summary(self, position: int, question: Any) -> str:
        """``/retry``, ``/great`` or ``/summary`` when one is next in the queue, else on to the summary."""
        if self.replies and self.replies[0] in ("/retry", "/great", "/summary"):
            choice = self.replies.popleft()[1:]
            self.events.append(("before_summary", position, choice))
            return choice
        return "summary"

    async def feedback_at_end(self, items: Any) -> None:
        self.events.append(("feedback_at_end", [item.position for item in items]))
        for item in items:
            self.feedback(item.position, item.question, item.grade)

    def recap(self, turns: Any) -> None:
        self.events.append(("recap", [(t.speaker, t.kind, t.text) for t in turns]))

    def summary(self, summary: Any) -> None:
        self.events.append(("summary", summary))

    def kinds(self) -> list[str]:
        return [e[0] for e in self.events]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_session(ids: list[str], *, follow_ups: int = 1, feedback: str = "now", minutes: float | None = None) -> Session:
    return Session(
        id="20250101-120000-abcd",
        track=ids[0].rsplit("-", 1)[0],
        backend="scripted",
        model="scripted-model",
        options=SessionOptions(questions=len(ids), minutes=minutes, follow_ups=follow_ups, feedback=feedback, seed=1),
        records=[QuestionRecord(question_id=i) for i in ids],
    )


def run(
    session: Session,
    backend: ScriptedBackend,
    frontend: ScriptedFrontend,
    tmp_path: Path,
    *,
    clock: Callable[[], float] | None = None,
    settings: Settings | None = None,
) -> tuple[Interview, Any]:
    interview = Interview(
        session,
        bank=BANK,
        backend=backend,
        settings=settings or Settings(transcripts_dir=tmp_path),
        store=SessionStore(tmp_path),
        frontend=frontend,
        **({"clock": clock} if clock else {}),
    )
    return interview, asyncio.run(interview.run())


def saved(tmp_path: Path, session_id: str = "20250101-120000-abcd") -> dict[str, Any]:
    return json.loads((tmp_path / f"{session_id}.json").read_text())
