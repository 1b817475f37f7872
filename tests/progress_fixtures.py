"""Saved sessions for the progress and review tests, made with the real session model and store."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

from mock_interviewer.grade_model import Grade, tier_for_score
from mock_interviewer.session_store import QuestionRecord, Session, SessionOptions, SessionStore, SessionTurn

START = datetime(2026, 10, 1, 9, 0, tzinfo=timezone.utc)


def saved_session(
    directory: Path, when: datetime, graded: Sequence[tuple[str, int]], *, track: str = "technical",
    serial: int = 0, backend: str = "offline",
) -> Session:
    """A completed session answered at ``when``: one graded record per ``(question_id, score)``, saved to disk."""
    records = []
    for offset, (question_id, score) in enumerate(graded):
        at = when + timedelta(minutes=3 * offset)
        records.append(
            QuestionRecord(
                question_id=question_id,
                status="graded",
                turns=[
                    SessionTurn(speaker="interviewer", kind="question", text="The question.", at=at),
                    SessionTurn(speaker="candidate", kind="answer", text=f"An answer worth {score}.", at=at + timedelta(minutes=2)),
                ],
                grade=Grade(question_id=question_id, tier=tier_for_score(score), score=score, explanation="x",
                            backend=backend, model="offline-v1", estimate=backend == "offline"),
            )
        )
    session = Session(
        id=f"{when:%Y%m%d-%H%M%S}-{serial:04x}", track=track, backend=backend, model="offline-v1", created_at=when,
        status="completed", options=SessionOptions(questions=max(1, len(records))), records=records,
    )
    store = SessionStore(directory)
    store.save(session)
    return session


def twenty_sessions(directory: Path) -> list[Session]:
    """Twenty sessions over about six weeks on two tracks.

    technical-01 and technical-02 climb to 5; technical-03 stays at 2 (no better); on the director track
    director-02 (a technical question) climbs, and the behavioral director-11 and director-14 stay weaker.
    """
    sessions = []
    for n in range(20):
        when = START + timedelta(days=2 * n + (n % 3), hours=n % 5)
        level = min(5, 1 + n // 4)
        if n % 2 == 0:
            graded = [("technical-01", level), ("technical-02", min(5, level + 1)), ("technical-03", 2)]
            sessions.append(saved_session(directory, when, graded, track="technical", serial=n))
        else:
            graded = [("director-02", level), ("director-11", 2 + n % 2), ("director-14", 3 if n > 10 else 2)]
            sessions.append(saved_session(directory, when, graded, track="director", serial=n))
    return sessions
