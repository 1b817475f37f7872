"""The interview loop: ``Interview`` conducts a saved session step by step, saving after every step.

See the package docstring for the steps and what each record's status leads to.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Literal

from mock_interviewer.backends.base import Backend
from mock_interviewer.bank import Bank, Question
from mock_interviewer.compare import AttemptComparison, compare_attempts
from mock_interviewer.config import Settings
from mock_interviewer.context_budget import PastExchange, fit_exchange
from mock_interviewer.delivery_note import delivery_note
from mock_interviewer.errors import InputError, ServiceError
from mock_interviewer.grade_model import Grade
from mock_interviewer.grader import grade_answer
from mock_interviewer.interview.answers import answer_problem, bank_probe_for, clean_answer, leaks_exemplar
from mock_interviewer.interview.frontend import AnswerRequest, Command, Feedback, Frontend, QuestionInfo, say_once
from mock_interviewer.interview.requests import (
    answered_turns,
    build_ask_request,
    build_follow_up_request,
    grade_budget,
    session_turns,
)
from mock_interviewer.interview.timebox import Clock, TimeBox
from mock_interviewer.render import sentence_case
from mock_interviewer.replies import FollowUpDecision
from mock_interviewer.session_store import Session, SessionOptions, SessionStore, SessionTurn
from mock_interviewer.structured import StructuredFailure, complete_structured
from mock_interviewer.summary import Summary, summarise

Outcome = Literal["done", "quit", "time"]
CUT_OFF = "(the model's question was cut off at its length limit"


def cut_off_notice(question: Question) -> str:
    """The line shown under a question the model did not finish, with the bank's words to answer instead."""
    return f"{CUT_OFF}; the bank's question is: {sentence_case(question.text)})"


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
    _regrade: set[int] = field(init=False, default_factory=set)  # ungraded answers found on resume
    _again: int | None = field(init=False, default=None)  # the question being answered again (/retry)

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
        self._regrade = {i for i, r in enumerate(self.session.records) if r.status == "ungraded"}

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
            retry = f" Trying the {len(self._regrade)} ungraded answer(s) again." if self._regrade else ""
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
            if outcome == "done" and not finished_before:
                outcome = await self._after_last_feedback()
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
            await self.frontend.feedback_at_end(
                [
                    Feedback(index + 1, self.questions[index], record.grade)
                    for index, record in enumerate(self.session.records)
                    if record.grade is not None
                ]
            )
        self.frontend.summary(summary)
        return summary

    async def _conduct(self) -> Outcome:
        for index, record in enumerate(self.session.records):
            self._raise_grading_failure()
            if record.status in ("graded", "skipped"):
                continue
            if record.status == "answered" or (record.status == "ungraded" and index in self._regrade):
                self._regrade.discard(index)
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
            attempt=len(self.session.records[index].earlier_attempts) + 1,
        )

    async def _question(self, index: int, *, again: bool = False) -> Literal["next", "quit"]:
        """Ask a question (or go on with it where it stopped), read the answers and follow-ups, grade.

        ``again``: a ``/retry`` that has just started the question's new attempt (not a resume).
        """
        record = self.session.records[index]
        resumed = record.status != "pending" and not again
        info = self._info(index, resumed=resumed)
        self.frontend.question_start(info)
        if record.status == "pending":
            words, cut_off = await self._ask(index)
            record.turns.append(SessionTurn(speaker="interviewer", kind="question", text=words, cut_off=cut_off))
            record.status = "asked"
            self.save()
        elif record.turns:  # resumed: what was said, the candidate's answers included, then the open question
            last = record.turns[-1]
            earlier = record.turns[:-1] if last.speaker == "interviewer" else record.turns
            if earlier:
                self.frontend.recap(earlier)
            if last.speaker == "interviewer":
                self.frontend.repeat(last.text, self.questions[index])
                if last.cut_off:
                    self.frontend.notice(cut_off_notice(self.questions[index]), level="dim")
        while record.status == "asked":
            if record.turns[-1].speaker == "interviewer":
                if await self._read(index, info) == "quit":
                    return "quit"
            else:
                await self._follow_up(index)
        if record.status == "answered":
            await self._answered(index)
        return "next"

    async def _ask(self, index: int) -> tuple[str, bool]:
        """The interviewer's words for a question, and whether the model was cut off at its length limit."""
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
        stream = self.backend.stream(request)
        words = (await self.frontend.speak(stream)).strip()
        if not words:
            words = sentence_case(question.text)
            await self.frontend.speak(say_once(words))
            return words, False
        if stream.cut_off:
            self.frontend.notice(cut_off_notice(question), level="dim")
        return words, stream.cut_off

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
                if reply.name == "great":
                    self._great(index)
                    continue
                if reply.name == "retry":
                    if await self._answer_again(index) == "quit":
                        return "quit"
                    self.frontend.question_start(self._info(index, resumed=False))
                    self.frontend.repeat(last.text, question)
                    continue
                if reply.name == "quit":
                    return "quit"
                if record.earlier_attempts and not record.candidate_text().strip():
                    record.keep_earlier_attempt()  # a retry skipped before any answer: the earlier one stands
                    self.frontend.notice("Skipped: your earlier answer and its grade stand.", level="dim")
                    self.save()
                    return "skipped"
                record.turns.append(SessionTurn(speaker="candidate", kind="skip", text="/skip"))
                record.status = "answered" if record.candidate_text().strip() else "skipped"
                self.save()
                return "skipped"
            text = clean_answer(reply.text)
            problem = answer_problem(text)
            if problem:
                self.frontend.notice(problem, level="warning")
                continue
            record.turns.append(SessionTurn(speaker="candidate", kind="answer", text=text))
            self.save()
            return "answered"

    def _great(self, index: int) -> None:
        """``/great``: the great exemplar of the last question whose feedback the candidate has seen."""
        if self.options.feedback == "end":
            self.frontend.notice("/great shows a question's great answer after its feedback: with --feedback end, "
                                 "that is at the end (see 'mock-interviewer progress --question ID').", level="dim")
            return
        seen = [i for i in range(index) if self.session.records[i].grade is not None]
        if not seen:
            self.frontend.notice("No feedback yet: /great shows the great answer to a question once it is graded.",
                                 level="dim")
            return
        self.frontend.great(self.questions[seen[-1]])

    def _retry_target(self, index: int) -> int | None:
        """The question ``/retry`` answers again: the last one before ``index`` with its feedback shown."""
        if self.options.feedback == "end":
            self.frontend.notice("/retry answers a question again after its feedback: with --feedback end, the "
                                 "feedback comes at the end (practise it again with 'interview --question ID').",
                                 level="dim")
            return None
        if self._again is not None:
            self.frontend.notice(f"You are answering question {self._again + 1} again: answer it (or /skip) first.",
                                 level="dim")
            return None
        seen = [i for i in range(index) if self.session.records[i].grade is not None]
        if not seen:
            self.frontend.notice("No feedback yet: /retry answers a question again once it has its feedback.",
                                 level="dim")
            return None
        return seen[-1]

    async def _answer_again(self, index: int) -> Literal["back", "quit"]:
        """``/retry`` at question ``index``: answer the last question with feedback again, then come back.

        The earlier attempt is kept; the new one starts with the question as first asked, is saved as it
        goes (its answer before its grade) and is graded on its own, its feedback compared with the last.
        """
        target = self._retry_target(index)
        if target is None:
            return "back"
        self.session.records[target].start_again()
        self.save()
        self._again = target
        try:
            return "quit" if await self._question(target, again=True) == "quit" else "back"
        finally:
            self._again = None

    async def _after_last_feedback(self) -> Outcome:
        """Before the summary (``--feedback now``, time left): ``/retry`` or ``/great`` for the last question.

        There is no next question to type them at, so the frontend asks; each retry comes back here.
        """
        last = len(self.session.records) - 1
        while self.options.feedback == "now" and self.session.records[last].grade is not None and not self.timebox.is_up():
            choice = await self.frontend.before_summary(last + 1, self.questions[last])
            if choice == "summary":
                break
            if choice == "great":
                self.frontend.great(self.questions[last])
            elif await self._answer_again(last + 1) == "quit":
                return "quit"
        return "done"

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
            return bank_probe_for(question, decision.target)
        return words

    async def _answered(self, index: int) -> None:
        """Grade now (feedback now) or in the background while the interview goes on (feedback end)."""
        if self.options.feedback == "now":
            with self.frontend.busy("Grading your answer…"):
                await self._grade(index)
            grade = self.session.records[index].grade
            if grade is not None:
                self.frontend.feedback(index + 1, self.questions[index], grade)
                change = self._against_previous(index)
                if change is not None:
                    self.frontend.attempt_change(index + 1, self.questions[index], change)
        elif index not in self._grading:
            self._grading[index] = asyncio.ensure_future(self._grade(index))

    def _against_previous(self, index: int) -> AttemptComparison | None:
        """A retried question's graded attempt against its last earlier graded one (None: nothing to compare)."""
        record = self.session.records[index]
        earlier = [a.grade for a in record.earlier_attempts if a.grade is not None and a.grade.score is not None]
        if not earlier or record.grade is None or record.grade.status != "graded" or record.grade.score is None:
            return None
        return compare_attempts(earlier[-1], record.grade, self.questions[index])

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
        # words, speaking time and STAR actions come from the detectors, the same on every backend
        grade.delivery = delivery_note(record.candidate_text(), question.category, answers=record.answer_count())
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
            if record.status == "answered" or (record.status == "ungraded" and index in self._regrade):
                self._regrade.discard(index)
                if self.options.feedback == "now":
                    await self._answered(index)
                else:
                    with self.frontend.busy("Grading your answers…"):
                        await self._grade(index)
