"""The interview loop, independent of the terminal.

``Interview`` conducts a saved ``Session`` step by step through any ``Backend``
and any ``Frontend`` (the terminal, or a script in tests). Every step is
derived from the session file alone, so a session can stop anywhere (``/quit``,
Ctrl-C, a model outage, SIGKILL) and ``--resume`` continues with the next step:

==========================================  ===========================================
a question's record                         next step
==========================================  ===========================================
``pending``                                 the interviewer asks it (streamed)
``asked``, last turn by the interviewer     read the candidate's answer
``asked``, last turn by the candidate       decide on a follow-up (or stop probing)
``answered``                                grade the whole exchange
``ungraded`` (found on resume)              grade again
``graded`` / ``skipped``                    nothing
==========================================  ===========================================

The session is saved (atomically) after every candidate answer, every
interviewer turn and every grade. Grading failures never end the session: an
answer the model could not grade is saved as ungraded with the reason. A model
*service* failure (``ServiceError``) stops the session after saving it.
"""

from __future__ import annotations

import asyncio
import math
import random
import re
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from mock_interviewer.answer_input import MAX_ANSWER_WORDS
from mock_interviewer.backends.base import Backend, ModelRequest, Task, Turn
from mock_interviewer.bank import Bank, Question, Track
from mock_interviewer.config import Settings
from mock_interviewer.context_budget import PastExchange, fit_exchange, fit_history
from mock_interviewer.errors import InputError, ServiceError
from mock_interviewer.grader import PreparedAnswer, build_grade_request, bullets, grade_answer
from mock_interviewer.grades import Grade
from mock_interviewer.prompts import fence, load_prompt
from mock_interviewer.replies import FollowUpDecision
from mock_interviewer.session_store import (
    MAX_MINUTES,
    QuestionRecord,
    Session,
    SessionOptions,
    SessionStore,
    SessionTurn,
    new_session_id,
)
from mock_interviewer.structured import StructuredFailure, complete_structured
from mock_interviewer.summary import Summary, match_key_point, summarise
from mock_interviewer.tokens import count_messages

ASK_PROMPT = "interviewer"
FOLLOW_UP_PROMPT = "follow_up"
CATEGORY_ORDER = ("technical", "behavioral")
Clock = Callable[[], float]


# ---------------------------------------------------------------- planning a session


def select_questions(bank: Bank, track_id: str, count: int, seed: int) -> list[Question]:
    """``count`` questions of a track, mixing categories evenly, in an order fixed by ``seed``.

    Categories take turns (technical first), so four questions of a track with
    both kinds are two technical and two behavioral, alternating.
    """
    pool = bank.in_track(track_id)
    if count < 1:
        raise InputError(f"--questions {count}: ask for at least 1 question")
    if count > len(pool):
        raise InputError(f"--questions {count}: track {track_id!r} has only {len(pool)} questions")
    rng = random.Random(seed)
    categories = sorted({q.category for q in pool}, key=lambda c: (*CATEGORY_ORDER, c).index(c))
    shuffled = {c: [q for q in pool if q.category == c] for c in categories}
    for questions in shuffled.values():
        rng.shuffle(questions)
    chosen: list[Question] = []
    while len(chosen) < count:
        for category in categories:
            if shuffled[category] and len(chosen) < count:
                chosen.append(shuffled[category].pop(0))
    return chosen


def resolve_minutes(option: float | None, track: Track) -> float | None:
    """The time box: ``--minutes`` when given (0 means untimed), else the track's limit, else untimed."""
    if option is None:
        return float(track.time_limit_minutes) if track.time_limit_minutes else None
    if not math.isfinite(option) or option < 0 or option > MAX_MINUTES:
        raise InputError(f"--minutes {option:g}: give a number of minutes from 0 (no time limit) to {MAX_MINUTES}")
    return None if option == 0 else float(option)


def check_transcripts_dir(directory: Path) -> None:
    """Fail before the first question, not after the first answer, when sessions cannot be saved."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".write-check-"):
            pass
    except OSError as exc:
        raise InputError(
            f"--transcripts-dir {directory}: cannot save sessions there ({exc.strerror or exc}); "
            "choose another with --transcripts-dir or MOCK_INTERVIEWER_TRANSCRIPTS"
        ) from None


def new_session(
    bank: Bank,
    *,
    track: str,
    questions: int,
    minutes: float | None,
    follow_ups: int,
    feedback: str,
    seed: int | None,
    backend: str = "",
    model: str = "",
) -> Session:
    """A planned session: its questions chosen and recorded, nothing asked yet. Bad options raise InputError."""
    if follow_ups < 0:
        raise InputError(f"--follow-ups {follow_ups}: give 0 or more")
    if feedback not in ("now", "end"):
        raise InputError(f"--feedback {feedback!r}: choose now or end")
    used_seed = seed if seed is not None else random.SystemRandom().randrange(1, 1_000_000)
    chosen = select_questions(bank, track, questions, used_seed)
    return Session(
        id=new_session_id(),
        track=track,
        backend=backend,
        model=model,
        options=SessionOptions(
            questions=questions,
            minutes=minutes,
            follow_ups=follow_ups,
            feedback=feedback,  # type: ignore[arg-type]
            seed=used_seed,
        ),
        records=[QuestionRecord(question_id=q.id) for q in chosen],
    )


# ---------------------------------------------------------------- time


class TimeBox:
    """Time used and left, carried across resumes (time spent away does not count)."""

    def __init__(self, minutes: float | None, used_seconds: float = 0.0, clock: Clock = time.monotonic) -> None:
        self.limit = minutes * 60 if minutes else None
        self._used = used_seconds
        self._clock = clock
        self._start = clock()

    def elapsed(self) -> float:
        return self._used + (self._clock() - self._start)

    def left(self) -> float | None:
        return None if self.limit is None else max(0.0, self.limit - self.elapsed())

    def is_up(self) -> bool:
        left = self.left()
        return left is not None and left <= 0


# ---------------------------------------------------------------- what the frontend sees and returns


@dataclass(frozen=True)
class QuestionInfo:
    position: int
    total: int
    question: Question
    time_left: float | None
    resumed: bool = False


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
    name: Literal["repeat", "skip", "quit", "help"]


Reply = Answer | Command


class Frontend(Protocol):
    """Where the interview is shown and answers come from. The terminal is one; tests script another."""

    def question_start(self, info: QuestionInfo) -> None: ...

    async def speak(self, words: AsyncIterator[str]) -> str:
        """Show the interviewer's words as they arrive; return them whole."""
        ...

    async def read(self, request: AnswerRequest) -> Reply: ...

    def repeat(self, words: str, question: Question) -> None: ...

    def show_help(self) -> None: ...

    def notice(self, text: str, *, level: Literal["info", "warning", "dim"] = "info") -> None: ...

    def busy(self, label: str) -> AbstractContextManager[object]: ...

    def feedback(self, position: int, question: Question, grade: Grade) -> None: ...

    def summary(self, summary: Summary) -> None: ...


async def say_once(text: str) -> AsyncIterator[str]:
    """Words already known (a follow-up from a structured reply) as a one-chunk stream."""
    yield text


# ---------------------------------------------------------------- requests


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


_WORD = re.compile(r"[a-z0-9']+")
_UNPAIRED_SURROGATE = re.compile("[\ud800-\udfff]")


def leaks_exemplar(text: str, question: Question, span: int = 7) -> bool:
    """True when a follow-up repeats ``span`` consecutive words of the great exemplar: it gives the answer away."""
    words = _WORD.findall(text.lower())
    exemplar = " " + " ".join(_WORD.findall(question.exemplars.great.lower())) + " "
    return any(f" {' '.join(words[i : i + span])} " in exemplar for i in range(len(words) - span + 1))


def answer_problem(text: str) -> str | None:
    """Why an answer cannot be taken as it is (the candidate is asked again), or None."""
    if not text.strip():
        return "An empty answer can't be graded: type or paste your answer, or /skip this question."
    words = len(text.split())
    if words > MAX_ANSWER_WORDS:
        return f"That answer is {words:,} words; the most accepted is {MAX_ANSWER_WORDS:,}. Please shorten it."
    return None


# ---------------------------------------------------------------- the loop

Outcome = Literal["done", "quit", "time"]


@dataclass
class Interview:
    """One interview session, conducted through a backend and a frontend, saved after every step."""

    session: Session
    bank: Bank
    backend: Backend
    settings: Settings
    store: SessionStore
    frontend: Frontend
    clock: Clock = time.monotonic
    timebox: TimeBox = field(init=False)
    questions: list[Question] = field(init=False)
    _grading: dict[int, asyncio.Task[None]] = field(init=False, default_factory=dict)
    _retry: set[int] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self.questions = []
        for record in self.session.records:
            if record.question_id not in self.bank.questions:
                raise InputError(
                    f"session {self.session.id}: question {record.question_id!r} is not in the loaded banks "
                    "(if it came from your own bank, pass --bank PATH)"
                )
            self.questions.append(self.bank.questions[record.question_id])
        self.timebox = TimeBox(self.session.options.minutes, self.session.elapsed_seconds, self.clock)
        self._retry = {i for i, r in enumerate(self.session.records) if r.status == "ungraded"}

    @property
    def options(self) -> SessionOptions:
        return self.session.options

    def save(self) -> None:
        self.session.elapsed_seconds = round(self.timebox.elapsed(), 1)
        self.store.save(self.session)

    def pause(self) -> None:
        """Stop here, resumably (Ctrl-C): everything said is already saved; this records the pause."""
        for task in self._grading.values():
            task.cancel()
        if self.session.status == "in_progress":
            self.session.status = "quit"
        self.save()

    async def run(self) -> Summary | None:
        """Conduct the session to its end (a summary) or to ``/quit`` (None). Resumes wherever it stopped."""
        finished_before = self.session.status in ("completed", "timed_out")
        if finished_before:
            retry = f" Trying the {len(self._retry)} ungraded answer(s) again." if self._retry else ""
            self.frontend.notice(f"Session {self.session.id} is already finished; here is its summary.{retry}")
        elif any(r.turns for r in self.session.records):
            done = sum(r.status in ("graded", "ungraded", "skipped", "answered") for r in self.session.records)
            self.frontend.notice(
                f"Resuming session {self.session.id}: {done} of {len(self.session.records)} questions done."
            )
        if not finished_before:
            self.session.status = "in_progress"
        self.save()
        try:
            outcome: Outcome = "done" if finished_before else await self._conduct()
            if outcome == "quit":
                await self._stop_grading()
                self.session.status = "quit"
                self.save()
                return None
            if outcome == "time":
                self.frontend.notice("Time is up: that's where we stop. Let's see how it went.")
            await self._finish_grading()
            if not finished_before:
                self.session.status = "timed_out" if outcome == "time" else "completed"
            self.save()
        except ServiceError:
            for task in self._grading.values():
                task.cancel()
            self.save()
            raise
        except BaseException:
            for task in self._grading.values():
                task.cancel()
            raise
        summary = summarise(self.session, self.bank)
        if self.options.feedback == "end":
            for index, record in enumerate(self.session.records):
                if record.grade is not None:
                    self.frontend.feedback(index + 1, self.questions[index], record.grade)
        self.frontend.summary(summary)
        return summary

    async def _conduct(self) -> Outcome:
        for index, record in enumerate(self.session.records):
            self._raise_grading_failure()
            if record.status in ("graded", "skipped"):
                continue
            if record.status == "answered" or (record.status == "ungraded" and index in self._retry):
                self._retry.discard(index)
                await self._answered(index)
                continue
            if record.status == "ungraded":
                continue
            if record.status == "pending" and self.timebox.is_up():
                return "time"
            if await self._question(index) == "quit":
                return "quit"
        return "done"

    def _info(self, index: int, *, resumed: bool) -> QuestionInfo:
        return QuestionInfo(
            position=index + 1,
            total=len(self.session.records),
            question=self.questions[index],
            time_left=self.timebox.left(),
            resumed=resumed,
        )

    async def _question(self, index: int) -> Literal["next", "quit"]:
        record = self.session.records[index]
        resumed = record.status != "pending"
        info = self._info(index, resumed=resumed)
        self.frontend.question_start(info)
        if record.status == "pending":
            words = await self._ask(index)
            record.turns.append(SessionTurn(speaker="interviewer", kind="question", text=words))
            record.status = "asked"
            self.save()
        elif record.turns and record.turns[-1].speaker == "interviewer":
            self.frontend.repeat(record.turns[-1].text, self.questions[index])
        while record.status == "asked":
            if record.turns[-1].speaker == "interviewer":
                if await self._read(index, info) == "quit":
                    return "quit"
            else:
                await self._follow_up(index)
        if record.status == "answered":
            await self._answered(index)
        return "next"

    async def _ask(self, index: int) -> str:
        question = self.questions[index]
        history = [
            PastExchange(label=f"Question {i + 1} ({self.questions[i].category})", turns=session_turns(r))
            for i, r in enumerate(self.session.records[:index])
            if r.turns
        ]
        track = self.bank.tracks.get(self.session.track)
        request = build_ask_request(
            question,
            index=index,
            total=len(self.session.records),
            track_title=track.described if track else f'the "{self.session.track}" track',
            history=history,
            settings=self.settings,
        )
        words = (await self.frontend.speak(self.backend.stream(request))).strip()
        if not words:
            words = question.text[:1].upper() + question.text[1:]
            await self.frontend.speak(say_once(words))
        return words

    async def _read(self, index: int, info: QuestionInfo) -> Literal["answered", "skipped", "quit"]:
        record = self.session.records[index]
        question = self.questions[index]
        last = record.turns[-1]
        request = AnswerRequest(
            info=info, follow_up=last.kind == "follow_up", interviewer_words=last.text, time_left=self.timebox.left
        )
        while True:
            reply = await self.frontend.read(request)
            if isinstance(reply, Command):
                if reply.name == "help":
                    self.frontend.show_help()
                    continue
                if reply.name == "repeat":
                    self.frontend.repeat(last.text, question)
                    continue
                if reply.name == "quit":
                    return "quit"
                record.turns.append(SessionTurn(speaker="candidate", kind="skip", text="/skip"))
                record.status = "answered" if record.candidate_text().strip() else "skipped"
                self.save()
                return "skipped"
            # Bytes that were not UTF-8 (a terminal decodes with surrogateescape) become U+FFFD: the answer
            # is kept, and the session file can still be written.
            text = _UNPAIRED_SURROGATE.sub("\ufffd", reply.text.replace("\x00", "")).strip()
            problem = answer_problem(text)
            if problem:
                self.frontend.notice(problem, level="warning")
                continue
            record.turns.append(SessionTurn(speaker="candidate", kind="answer", text=text))
            self.save()
            return "answered"

    async def _follow_up(self, index: int) -> None:
        """After an answer: probe the largest gap (within ``--follow-ups``), or stop probing."""
        record = self.session.records[index]
        left = self.options.follow_ups - record.follow_ups_asked
        words = await self._decide(index, left) if left > 0 and not self.timebox.is_up() else None
        if words is None:
            record.status = "answered"
            self.save()
            return
        record.turns.append(SessionTurn(speaker="interviewer", kind="follow_up", text=words))
        record.follow_ups_asked += 1
        self.save()
        await self.frontend.speak(say_once(words))

    async def _decide(self, index: int, left: int) -> str | None:
        question = self.questions[index]
        request = build_follow_up_request(question, session_turns(self.session.records[index]), left, self.settings)
        try:
            with self.frontend.busy("The interviewer is considering your answer…"):
                decision, _ = await complete_structured(self.backend, request, FollowUpDecision)
        except StructuredFailure as failure:
            self.frontend.notice(f"(No follow-up: {failure.reason}.)", level="dim")
            return None
        words = decision.follow_up.strip()
        if not decision.ask_follow_up or not words:
            return None
        if leaks_exemplar(words, question):
            return self._probe_for(question, decision.target)
        return words

    def _probe_for(self, question: Question, target: str) -> str | None:
        """The bank's own probe for the targeted key point: used when the model's follow-up gave the answer away."""
        if not question.probes:
            return None
        point = match_key_point(target, question.key_points)
        return question.probes[question.key_points.index(point)] if point else question.probes[0]

    async def _answered(self, index: int) -> None:
        """Grade now (feedback now) or in the background while the interview goes on (feedback end)."""
        if self.options.feedback == "now":
            with self.frontend.busy("Grading your answer…"):
                await self._grade(index)
            grade = self.session.records[index].grade
            if grade is not None:
                self.frontend.feedback(index + 1, self.questions[index], grade)
        elif index not in self._grading:
            self._grading[index] = asyncio.ensure_future(self._grade(index))

    async def _grade(self, index: int) -> None:
        record = self.session.records[index]
        question = self.questions[index]
        turns = fit_exchange(answered_turns(record), grade_budget(question, self.settings), self.settings.model)
        common = {"backend": self.backend.name, "model": self.backend.model, "estimate": self.backend.estimate}
        try:
            grade = await grade_answer(self.backend, question, record.candidate_text(), self.settings, exchange=turns)
        except ServiceError:
            raise
        except InputError as exc:
            grade = Grade.ungraded(question.id, str(exc), **common)  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001 - a grading bug must not cost the candidate their session
            reason = f"internal error while grading ({type(exc).__name__}: {exc})"
            grade = Grade.ungraded(question.id, reason, **common)  # type: ignore[arg-type]
        record.grade = grade
        record.status = grade.status
        self.save()

    def _raise_grading_failure(self) -> None:
        for task in self._grading.values():
            if task.done() and not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]

    async def _stop_grading(self) -> None:
        for task in self._grading.values():
            task.cancel()
        await asyncio.gather(*self._grading.values(), return_exceptions=True)

    async def _finish_grading(self) -> None:
        """Every answer gets its grade before the summary: background grades, leftovers, retries on resume."""
        if self._grading:
            with self.frontend.busy("Grading your answers…"):
                results = await asyncio.gather(*self._grading.values(), return_exceptions=True)
            for result in results:
                if isinstance(result, BaseException):
                    raise result
        for index, record in enumerate(self.session.records):
            if index in self._grading:
                continue
            if record.status == "answered" or (record.status == "ungraded" and index in self._retry):
                self._retry.discard(index)
                if self.options.feedback == "now":
                    await self._answered(index)
                else:
                    with self.frontend.busy("Grading your answers…"):
                        await self._grade(index)
