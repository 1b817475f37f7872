"""Which questions a practice session asks: the ones due for review (``--review``), chosen by id
(``--question``) or most relevant to a job description (``--job-description``), each with the reason it was
picked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from mock_interviewer.bank import Bank, Question
from mock_interviewer.errors import InputError
from mock_interviewer.progress import build_report, questions_to_review
from mock_interviewer.session_store import QuestionRecord, Session, SessionStore


def chosen_questions(bank: Bank, question_ids: list[str]) -> list[tuple[str, str]]:
    """``--question ID …``: each must be in the bank; repeats are asked once, in the order given."""
    picked: list[tuple[str, str]] = []
    for question_id in question_ids:
        if question_id not in bank.questions:
            raise InputError(f"--question {question_id!r}: no such question in the bank (see 'mock-interviewer bank list')")
        if question_id not in [q for q, _ in picked]:
            picked.append((question_id, "chosen"))
    return picked


def review_questions(bank: Bank, store: SessionStore, *, track: str | None, count: int, now: datetime) -> list[tuple[str, str]]:
    """``--review``: due questions (weakest first), then unseen ones, then the rest; ``count`` of them.

    Without ``track``, unseen questions come from the tracks already practised (the first track if none).
    """
    if count < 1:
        raise InputError(f"--questions {count}: give 1 or more")
    report = build_report(store.list(), bank, now=now, transcripts_dir=store.directory, track=track)
    order = questions_to_review(report, bank, track, now)
    if track is None:
        practised = {q.track for q in report.questions} or {next(iter(bank.tracks))}
        order = [(q, why) for q, why in order if bank.questions[q].track in practised]
    return order[:count]


def session_track(bank: Bank, picked: list[tuple[str, str]], track: str | None) -> str:
    """The session's track: the one asked for, else the first picked question's."""
    if track is not None:
        bank.track(track)
        return track
    if not picked:
        raise InputError("no questions to practise: the bank is empty")
    return bank.questions[picked[0][0]].track


def use_questions(session: Session, picked: list[tuple[str, str]]) -> None:
    """Plan ``session`` to ask exactly the picked questions, in order."""
    session.records = [QuestionRecord(question_id=question_id) for question_id, _ in picked]
    session.options.questions = len(picked)


JobRanker = Callable[[str, list[Question], list[tuple[str, str]]], list[tuple[str, str]]]
"""Given the job description, the questions it may pick from and the offline picks: the picks to use, with why."""


def read_job_description(path: Path) -> str:
    from mock_interviewer.storage import read_user_file

    raw = read_user_file(path, "a job description (text)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (bad byte at offset {exc.start})") from None


def job_questions(
    bank: Bank, path: Path, *, track: str | None, count: int, ranker: JobRanker | None = None
) -> list[tuple[str, str]]:
    """``--job-description FILE``: the questions most relevant to it, each with why.

    The offline relevance score ranks them first (it also checks the file and the track); a ``ranker`` (a
    model's, from the command) may then pick instead, from the same questions, falling back to these picks.
    """
    from mock_interviewer.jobfit import rank_for_job

    text = read_job_description(path)
    picks = rank_for_job(bank, text, track=track, count=count)
    offline = [(p.question_id, f"{p.why} (relevance {p.relevance:.2f})") for p in picks]
    return offline if ranker is None else ranker(text, bank.in_track(track), offline)


def plan_practice(
    bank: Bank, store: SessionStore, *, review: bool, question_ids: list[str], track: str | None, count: int,
    now: datetime, job_description: Path | None = None, job_ranker: JobRanker | None = None,
) -> list[tuple[str, str]] | None:
    """The questions ``--review``, ``--question`` or ``--job-description`` ask for, with why; None without them."""
    given = [name for name, on in (("--review", review), ("--question", question_ids), ("--job-description", job_description)) if on]
    if len(given) > 1:
        raise InputError(f"give only one of {', '.join(given)}")
    if job_description is not None:
        return job_questions(bank, job_description, track=track, count=count, ranker=job_ranker)
    if question_ids:
        return chosen_questions(bank, question_ids)
    if review:
        return review_questions(bank, store, track=track, count=count, now=now)
    return None
