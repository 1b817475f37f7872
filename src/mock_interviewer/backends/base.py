"""The one seam to the model.

Everything above this module talks to a ``Backend``: it sends a ``ModelRequest``
(chat messages, plus the structured ``Task`` they were rendered from, plus the
output schema when a structured reply is wanted) and gets a ``ModelReply`` back,
or a ``ReplyStream`` (its text as it arrives, then its finish reason). Both say
when a reply was cut off at the length limit (``finish_reason == "length"``).
The OpenAI-compatible backend reads the messages; the offline backend reads the
task; the scripted backend (tests) replays queued replies and records every
request. Nothing above the seam knows which it has.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel

from mock_interviewer.bank import Question
from mock_interviewer.grade_model import Usage

Role = Literal["system", "user", "assistant"]
TaskKind = Literal["grade", "follow_up", "probe", "ask", "rank"]


@dataclass(frozen=True)
class Message:
    role: Role
    content: str

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True)
class Turn:
    """One utterance of an interview exchange about a question."""

    speaker: Literal["interviewer", "candidate"]
    text: str


@dataclass(frozen=True)
class Task:
    """What is being asked, in structured form (the messages are its rendering).

    ``answer`` is the candidate's words being judged (for grading and probing: the
    whole exchange's answers joined); ``exchange`` is the conversation so far about
    this question; ``count`` is how many probes (or, to rank, questions) are wanted.
    A ``rank`` task is about many questions, not one: ``candidates`` are the questions
    to rank and ``document`` the job description they are ranked for.
    """

    kind: TaskKind
    question: Question | None
    answer: str | None = None
    exchange: tuple[Turn, ...] = ()
    count: int | None = None
    follow_ups_left: int = 0
    candidates: tuple[Question, ...] = ()
    document: str | None = None

    @property
    def subject(self) -> Question:
        """The one question a grade, follow-up, probe or ask task is about."""
        if self.question is None:
            raise ValueError(f"a {self.kind!r} task is about no single question")
        return self.question


@dataclass(frozen=True)
class ModelRequest:
    task: Task
    messages: tuple[Message, ...]
    output: type[BaseModel] | None = None
    temperature: float = 0.0
    seed: int | None = 7
    max_tokens: int | None = None
    prompt_version: str | None = None


@dataclass
class ModelReply:
    text: str
    model: str
    finish_reason: str | None = "stop"
    refusal: str | None = None
    system_fingerprint: str | None = None
    usage: Usage | None = None
    extra: dict[str, object] = field(default_factory=dict)


class ReplyStream:
    """A streamed reply: its text pieces as they arrive (iterate it), then how it ended.

    ``finish_reason`` is ``None`` until the stream has ended, then what the model said
    (``"stop"``, or ``"length"`` when the reply was cut off at its token limit). The
    backend's generator is given the stream and calls ``finish`` before it returns.
    """

    def __init__(self, produce: Callable[[ReplyStream], AsyncIterator[str]]) -> None:
        self.finish_reason: str | None = None
        self._pieces = produce(self)

    def finish(self, reason: str | None) -> None:
        self.finish_reason = reason

    @property
    def cut_off(self) -> bool:
        """The reply ended at the model's length limit, not where the model meant it to."""
        return self.finish_reason == "length"

    def __aiter__(self) -> ReplyStream:
        return self

    async def __anext__(self) -> str:
        return await self._pieces.__anext__()

    async def aclose(self) -> None:
        close = getattr(self._pieces, "aclose", None)
        if close is not None:
            await close()


@runtime_checkable
class Backend(Protocol):
    """A model behind the seam."""

    name: str
    model: str
    estimate: bool

    async def complete(self, request: ModelRequest) -> ModelReply:
        """One reply; structured (JSON text of ``request.output``) when an output schema is given."""
        ...

    def stream(self, request: ModelRequest) -> ReplyStream:
        """The reply's text as it is generated (for the interviewer's words), then its finish reason."""
        ...

    async def aclose(self) -> None:
        """Release connections; a no-op for backends without any."""
        ...
