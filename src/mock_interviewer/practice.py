"""Which questions a practice session asks: the ones due for review (``--review``) or chosen by id
(``--question``), each with the reason it was picked."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from mock_interviewer.bank import Bank
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


def job_questions(bank: Bank, path: Path, *, track: str | None, count: int) -> list[tuple[str, str]]:
    """``--job-description FILE``: the questions most relevant to it, each with the words that made it relevant."""
    from mock_interviewer.jobfit import rank_for_job
    from mock_interviewer.storage import read_user_file

    raw = read_user_file(path, "a job description (text)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (bad byte at offset {exc.start})") from None
    picks = rank_for_job(bank, text, track=track, count=count)
    return [(p.question_id, f"{p.why} (relevance {p.relevance:.2f})") for p in picks]


def plan_practice(
    bank: Bank, store: SessionStore, *, review: bool, question_ids: list[str], track: str | None, count: int,
    now: datetime, job_description: Path | None = None,
) -> list[tuple[str, str]] | None:
    """The questions ``--review``, ``--question`` or ``--job-description`` ask for, with why; None without them."""
    given = [name for name, on in (("--review", review), ("--question", question_ids), ("--job-description", job_description)) if on]
    if len(given) > 1:
        raise InputError(f"give only one of {', '.join(given)}")
    if job_description is not None:
        return job_questions(bank, job_description, track=track, count=count)
    if question_ids:
        return chosen_questions(bank, question_ids)
    if review:
        return review_questions(bank, store, track=track, count=count, now=now)
    return None
