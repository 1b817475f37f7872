"""Planning a session: which questions, in which order, under which options."""

from __future__ import annotations

import math
import random
import tempfile
from pathlib import Path

from mock_interviewer.bank import Bank, Question, Track
from mock_interviewer.errors import InputError
from mock_interviewer.session_store import MAX_MINUTES, QuestionRecord, Session, SessionOptions, new_session_id

CATEGORY_ORDER = ("technical", "behavioral")


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
