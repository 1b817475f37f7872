"""Progress across sessions: every graded attempt, per question, category and track, over time.

Everything is computed from the saved sessions' grades (no model call), so ``progress`` is the same on
both backends and can be recomputed at any time. The rules, stated once (also in docs/progress.md):

- An *attempt* is one graded answer to a question: its session, when it was answered, tier and score.
  A question answered again in a session (``/retry``) gives one attempt per graded answer, each a point
  in its history and in its session's mean score.
- A question *improved* when its latest score is above its first; it *did not improve* when it has two or
  more attempts and the latest is not above the first.
- An area's (category's or track's) *current* score is the mean of its questions' latest scores, its
  *first* score the mean of their first scores; the strongest and weakest areas are ranked by current score.
- The overall trend compares the mean session score of the later half of the sessions with the earlier
  half: "improving" at +0.5 or more, "slipping" at -0.5 or less, else "steady".
- When a question is due again is the spaced-repetition rule in ``review.py``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import Field

from mock_interviewer.bank import Bank
from mock_interviewer.delivery import delivery_of
from mock_interviewer.errors import InputError
from mock_interviewer.review import due_at, review_order
from mock_interviewer.session_store import AnswerAttempt, Session
from mock_interviewer.strict import StrictModel

SCHEMA_VERSION = 1
TREND_STEP = 0.5
Trend = Literal["improving", "steady", "slipping", "too few sessions"]
Change = Literal["improved", "no better", "one attempt"]


class Attempt(StrictModel):
    session_id: str
    at: datetime
    tier: Literal["great", "mediocre", "poor"]
    score: int = Field(ge=1, le=5)
    backend: str
    estimate: bool = False
    words: int = 0
    fillers: int = Field(default=0, description="Fillers and hedges found (delivery.py), an audited count.")


class DeliveryTrend(StrictModel):
    """Delivery over time: the earlier half of the attempts against the later half."""

    earlier_words: float
    later_words: float
    earlier_fillers_per_100_words: float
    later_fillers_per_100_words: float


class QuestionProgress(StrictModel):
    question_id: str
    track: str
    category: str
    text: str
    attempts: list[Attempt]
    first_score: int
    latest_score: int
    change: Change
    due: datetime
    due_now: bool


class AreaProgress(StrictModel):
    kind: Literal["category", "track"]
    name: str
    questions: int
    attempts: int
    first_score: float
    current_score: float
    mean_score: float


class SessionPoint(StrictModel):
    session_id: str
    at: datetime
    track: str
    graded: int
    mean_score: float
    tiers: dict[str, int]


class ReviewItem(StrictModel):
    question_id: str
    due: datetime
    latest_score: int
    text: str


class Unreadable(StrictModel):
    path: str
    error: str


class ProgressReport(StrictModel):
    schema_version: Literal[1] = 1
    generated_at: datetime
    transcripts_dir: str
    track: str | None
    sessions: int
    attempts: int
    estimate: bool = Field(description="True when any attempt was graded by the offline backend.")
    trend: Trend
    trend_change: float | None
    delivery: DeliveryTrend | None = None
    timeline: list[SessionPoint]
    questions: list[QuestionProgress]
    categories: list[AreaProgress]
    tracks: list[AreaProgress]
    improved: list[str]
    not_improved: list[str]
    strongest: str | None
    weakest: str | None
    due_now: list[ReviewItem]
    upcoming: list[ReviewItem]
    unreadable: list[Unreadable] = Field(default_factory=list)


def _attempt_time(answer: AnswerAttempt, session: Session) -> datetime:
    return answer.answered_at() or session.created_at


def attempts_of(session: Session) -> list[tuple[str, Attempt]]:
    """``(question_id, attempt)`` for every graded answer in a session, a question answered again included."""
    found = []
    for record in session.records:
        for answer in record.attempts():
            grade = answer.grade
            if grade is None or grade.status != "graded" or grade.tier is None or grade.score is None:
                continue
            spoken = delivery_of(answer.candidate_text())
            attempt = Attempt(
                session_id=session.id, at=_attempt_time(answer, session), tier=grade.tier, score=grade.score,
                backend=grade.backend, estimate=grade.estimate, words=spoken.words,
                fillers=len(spoken.fillers) + len(spoken.hedges),
            )
            found.append((record.question_id, attempt))
    return found


def _mean(values: Iterable[float]) -> float:
    items = list(values)
    return round(sum(items) / len(items), 2) if items else 0.0


def _question(question_id: str, track: str, attempts: list[Attempt], bank: Bank, now: datetime) -> QuestionProgress:
    attempts = sorted(attempts, key=lambda a: a.at)
    scores = [a.score for a in attempts]
    known = bank.questions.get(question_id)
    due = due_at(scores, attempts[-1].at)
    change: Change = "one attempt" if len(scores) == 1 else ("improved" if scores[-1] > scores[0] else "no better")
    return QuestionProgress(
        question_id=question_id, track=known.track if known else track, category=known.category if known else "other",
        text=known.text if known else "", attempts=attempts, first_score=scores[0], latest_score=scores[-1],
        change=change, due=due, due_now=due <= now,
    )


def _areas(kind: Literal["category", "track"], questions: list[QuestionProgress]) -> list[AreaProgress]:
    groups: dict[str, list[QuestionProgress]] = defaultdict(list)
    for item in questions:
        groups[item.category if kind == "category" else item.track].append(item)
    areas = [
        AreaProgress(
            kind=kind, name=name, questions=len(items), attempts=sum(len(q.attempts) for q in items),
            first_score=_mean(q.first_score for q in items), current_score=_mean(q.latest_score for q in items),
            mean_score=_mean(a.score for q in items for a in q.attempts),
        )
        for name, items in groups.items()
    ]
    return sorted(areas, key=lambda a: (-a.current_score, a.name))


def _timeline(sessions: list[Session], attempts: dict[str, list[Attempt]]) -> list[SessionPoint]:
    points = []
    for session in sorted(sessions, key=lambda s: s.created_at):
        mine = attempts.get(session.id, [])
        if not mine:
            continue
        tiers = {tier: sum(a.tier == tier for a in mine) for tier in ("great", "mediocre", "poor")}
        points.append(SessionPoint(session_id=session.id, at=session.created_at, track=session.track,
                                   graded=len(mine), mean_score=_mean(a.score for a in mine), tiers=tiers))
    return points


def _trend(points: list[SessionPoint]) -> tuple[Trend, float | None]:
    if len(points) < 2:
        return "too few sessions", None
    half = len(points) // 2
    change = round(_mean(p.mean_score for p in points[-half:]) - _mean(p.mean_score for p in points[:half]), 2)
    if change >= TREND_STEP:
        return "improving", change
    return ("slipping", change) if change <= -TREND_STEP else ("steady", change)


def _delivery(questions: list[QuestionProgress]) -> DeliveryTrend | None:
    attempts = sorted((a for q in questions for a in q.attempts), key=lambda a: a.at)
    if len(attempts) < 2:
        return None
    half = len(attempts) // 2
    earlier, later = attempts[:half], attempts[-half:]

    def rate(items: list[Attempt]) -> float:
        words = sum(a.words for a in items)
        return round(100 * sum(a.fillers for a in items) / words, 1) if words else 0.0

    return DeliveryTrend(earlier_words=_mean(a.words for a in earlier), later_words=_mean(a.words for a in later),
                         earlier_fillers_per_100_words=rate(earlier), later_fillers_per_100_words=rate(later))


def _review_item(item: QuestionProgress) -> ReviewItem:
    return ReviewItem(question_id=item.question_id, due=item.due, latest_score=item.latest_score, text=item.text)


def build_report(
    items: Iterable[tuple[Path, Session | InputError]], bank: Bank, *, now: datetime, transcripts_dir: Path,
    track: str | None = None,
) -> ProgressReport:
    """The progress report over every readable session (``track``: only that track's questions)."""
    sessions: list[Session] = []
    unreadable: list[Unreadable] = []
    for path, item in items:
        if isinstance(item, InputError):
            unreadable.append(Unreadable(path=str(path), error=str(item)))
        else:
            sessions.append(item)
    by_question: dict[str, list[Attempt]] = defaultdict(list)
    track_of: dict[str, str] = {}
    by_session: dict[str, list[Attempt]] = defaultdict(list)
    for session in sessions:
        for question_id, attempt in attempts_of(session):
            known = bank.questions.get(question_id)
            if track is not None and (known.track if known else session.track) != track:
                continue
            by_question[question_id].append(attempt)
            track_of.setdefault(question_id, session.track)
            by_session[session.id].append(attempt)
    questions = [_question(q, track_of[q], found, bank, now) for q, found in by_question.items()]
    questions.sort(key=lambda q: (q.latest_score, q.due, q.question_id))
    return _assemble(questions, sessions, by_session, unreadable, now=now, transcripts_dir=transcripts_dir, track=track)


def _assemble(
    questions: list[QuestionProgress], sessions: list[Session], by_session: dict[str, list[Attempt]],
    unreadable: list[Unreadable], *, now: datetime, transcripts_dir: Path, track: str | None,
) -> ProgressReport:
    timeline = _timeline(sessions, by_session)
    trend, change = _trend(timeline)
    categories = _areas("category", questions)
    due = sorted((q for q in questions if q.due_now), key=lambda q: (q.latest_score, q.due))
    upcoming = sorted((q for q in questions if not q.due_now), key=lambda q: q.due)
    return ProgressReport(
        generated_at=now, transcripts_dir=str(transcripts_dir), track=track, sessions=len(timeline),
        attempts=sum(len(q.attempts) for q in questions),
        estimate=any(a.estimate for q in questions for a in q.attempts),
        trend=trend, trend_change=change, delivery=_delivery(questions), timeline=timeline, questions=questions, categories=categories,
        tracks=_areas("track", questions),
        improved=[q.question_id for q in questions if q.change == "improved"],
        not_improved=[q.question_id for q in questions if q.change == "no better"],
        strongest=categories[0].name if len(categories) > 1 else None,
        weakest=categories[-1].name if len(categories) > 1 else None,
        due_now=[_review_item(q) for q in due], upcoming=[_review_item(q) for q in upcoming],
        unreadable=unreadable,
    )


def questions_to_review(report: ProgressReport, bank: Bank, track: str | None, now: datetime) -> list[tuple[str, str]]:
    """Question ids for ``interview --review``, in order, each with why: due (weakest first), unseen, then the rest."""
    attempted = {q.question_id: (q.latest_score, q.due) for q in report.questions if q.question_id in bank.questions}
    pool = bank.in_track(track) if track else list(bank.questions.values())
    unseen = [q.id for q in pool if q.id not in attempted]
    if track:
        attempted = {q: v for q, v in attempted.items() if bank.questions[q].track == track}
    return review_order(attempted, unseen, now)
