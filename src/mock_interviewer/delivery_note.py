"""The delivery and structure note saved with each interview answer's grade: words, an estimated speaking
time, and for a behavioural question the candidate's own actions, quoted.

It comes from the detectors (``delivery.py``, ``star.py``), not from a model, so it is the same on every
backend. What is *said* to the candidate is only what readers who did not write the detectors agreed
with at >= 95% precision on answers by other writers (docs/progress.md): word counts and the
candidate's own STAR actions (46 of 48). The rest the detectors find (fillers, hedges, situations) is
kept in the note as data, for ``--json`` and the session file, and never rendered.

Spans are offsets into the question's answer text as ``QuestionRecord.candidate_text()`` joins it (the
answer and any follow-up answers, separated by a blank line).
"""

from __future__ import annotations

import re

from pydantic import Field

from mock_interviewer.delivery import WORDS_PER_MINUTE, Found, delivery_of
from mock_interviewer.star import StarPart, is_behavioural, star_parts
from mock_interviewer.strict import StrictModel

QUOTE_WORDS = 6  # words of the candidate's clause quoted for each action, the action's own included
_CLAUSE_END = re.compile(r"[.,;:!?()\n—–]|\s[-–]\s")
_WORD = re.compile(r"\S+")


class ActionQuote(StrictModel):
    """One of the candidate's own actions: the detector's span, and the words quoted from its clause."""

    start: int
    end: int
    text: str = Field(description="What the detector found, e.g. 'I scheduled'.")
    quote: str = Field(description="The candidate's words from the action on, to the end of its clause (at most QUOTE_WORDS words).")


class DeliveryNote(StrictModel):
    words: int
    speaking_seconds: int = Field(description="An estimate: the words at words_per_minute.")
    words_per_minute: int = WORDS_PER_MINUTE
    answers: int = Field(default=1, description="Answers the words were counted over (the answer and its follow-up answers).")
    fillers: list[Found] = Field(default_factory=list, description="Found, not said: below the precision bar.")
    hedges: list[Found] = Field(default_factory=list, description="Found, not said: below the precision bar.")
    situations: list[StarPart] | None = Field(default=None, description="Behavioural questions: found, not said.")
    actions: list[ActionQuote] | None = Field(
        default=None, description="Behavioural questions: the candidate's own actions (None for other questions)."
    )


def quote_from(text: str, start: int, end: int) -> str:
    """The candidate's words from ``start`` to the end of the clause, at most ``QUOTE_WORDS`` words ('…' if cut)."""
    stop = _CLAUSE_END.search(text, end)
    clause = text[start : stop.start() if stop else len(text)]
    words = _WORD.findall(clause)
    if len(words) > QUOTE_WORDS:
        return " ".join(words[:QUOTE_WORDS]) + "…"
    return " ".join(words)


def delivery_note(text: str, category: str, *, answers: int = 1) -> DeliveryNote:
    """The note for one question's answers (``text``), with STAR parts when ``category`` is behavioural."""
    delivery = delivery_of(text)
    note = DeliveryNote(
        words=delivery.words,
        speaking_seconds=delivery.speaking_seconds,
        answers=answers,
        fillers=delivery.fillers,
        hedges=delivery.hedges,
    )
    if is_behavioural(category):
        parts = star_parts(text)
        note.situations = [p for p in parts if p.part == "situation"]
        note.actions = [
            ActionQuote(start=p.start, end=p.end, text=p.text, quote=quote_from(text, p.start, p.end))
            for p in parts
            if p.part == "action"
        ]
    return note


def spoken(seconds: int) -> str:
    """``1 min 18 s``, ``45 s``."""
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"
