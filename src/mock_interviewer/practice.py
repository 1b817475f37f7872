"""Which questions a practice session asks: the ones due for review (``--review``) or chosen by id
(``--question``), each with the reason it was picked."""

from __future__ import annotations

from datetime import datetime

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


def plan_practice(
    bank: Bank, store: SessionStore, *, review: bool, question_ids: list[str], track: str | None, count: int,
    now: datetime,
) -> list[tuple[str, str]] | None:
    """The questions ``--review`` or ``--question`` ask for, with why; None when neither was given."""
    if review and question_ids:
        raise InputError("give either --review or --question, not both")
    if question_ids:
        return chosen_questions(bank, question_ids)
    if review:
        return review_questions(bank, store, track=track, count=count, now=now)
    return None
