"""Delivery and structure of an answer, in words: the length, the estimated speaking time and, for a
behavioural question, the candidate's own actions in their words.

Only these are said: readers who did not write the detectors agreed with word counts and with the
actions (46 of 48) at >= 95% precision; the fillers, hedges and situations a ``DeliveryNote`` also holds
did not pass (docs/progress.md) and are never rendered here.
"""

from __future__ import annotations

from rich.text import Text

from mock_interviewer.delivery_note import DeliveryNote, spoken
from mock_interviewer.render import plural
from mock_interviewer.safetext import for_terminal

MAX_ACTIONS = 4  # actions quoted; the rest are counted


def delivery_sentence(note: DeliveryNote) -> str:
    """``Delivery: 182 words, about 1 min 18 s spoken at 140 words a minute (an estimate).``"""
    over = f" (your answer and {plural(note.answers - 1, 'follow-up answer')})" if note.answers > 1 else ""
    return (
        f"Delivery: {plural(note.words, 'word')}{over}, about {spoken(note.speaking_seconds)} spoken "
        f"at {note.words_per_minute} words a minute (an estimate)."
    )


def actions_sentence(note: DeliveryNote) -> str | None:
    """``Your actions, in your words: “I scheduled a weekly review”, “I rewrote the runbook…”``; None when the
    question is not behavioural or no action was found (nothing is said about what was not found)."""
    if not note.actions:
        return None
    quoted = ", ".join(f"“{for_terminal(a.quote)}”" for a in note.actions[:MAX_ACTIONS])
    more = len(note.actions) - MAX_ACTIONS
    return f"Your actions, in your words: {quoted}" + (f", and {more} more" if more > 0 else "")


def delivery_lines(note: DeliveryNote) -> list[Text]:
    """The one or two lines shown after an answer's feedback and under it in ``sessions show``."""
    lines = [Text(delivery_sentence(note), style="dim")]
    actions = actions_sentence(note)
    if actions:
        lines.append(Text(actions, style="dim"))
    return lines


def delivery_cell(words: int, seconds: int) -> str:
    """A summary table's cell: ``182 words · 1 min 18 s``."""
    return f"{plural(words, 'word')} · {spoken(seconds)}"
