"""Delivery and structure of an answer, in words: the length, the estimated speaking time, the fillers and
hedges found, and for a behavioural question the candidate's own actions in their words.

Only these are said: readers who did not write the detectors agreed with them at >= 95% precision on
answers by other writers (docs/progress.md): the actions 46 of 48, the fillers and hedges 129 of 131 on
spoken answers. The situations a ``DeliveryNote`` also holds did not pass and are never rendered here.
Nothing is said about what was not found: the detectors' recall was not measured.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rich.text import Text

from mock_interviewer.delivery import Found
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


def _counted(found: Sequence[Found]) -> str:
    counts = Counter(f.text.lower() for f in found)
    return ", ".join(f"“{for_terminal(text)}” {n}×" for text, n in counts.most_common())


def fillers_sentence(fillers: Sequence[Found], hedges: Sequence[Found]) -> str | None:
    """``Fillers: “um” 3×, “you know” 1×; hedges: “sort of” 2×.``; None when none was found."""
    said = [f"{name}: {_counted(found)}" for name, found in (("Fillers", fillers), ("hedges", hedges)) if found]
    if not said:
        return None
    text = "; ".join(said) + "."
    return text[0].upper() + text[1:]


def delivery_sentences(note: DeliveryNote) -> list[str]:
    """Everything said about an answer's delivery: its length and time, then fillers and hedges and actions if any."""
    extras = (fillers_sentence(note.fillers, note.hedges), actions_sentence(note))
    return [delivery_sentence(note), *(extra for extra in extras if extra)]


def delivery_lines(note: DeliveryNote) -> list[Text]:
    """The lines shown after an answer's feedback and under it in ``sessions show``."""
    return [Text(sentence, style="dim") for sentence in delivery_sentences(note)]


def delivery_cell(words: int, seconds: int) -> str:
    """A summary table's cell: ``182 words · 1 min 18 s``."""
    return f"{plural(words, 'word')} · {spoken(seconds)}"


def fillers_total(fillers: int, hedges: int) -> str | None:
    """Under a summary's table: ``Fillers and hedges found in all: 3 fillers, 1 hedge.``; None when none."""
    said = [plural(n, name) for n, name in ((fillers, "filler"), (hedges, "hedge")) if n]
    return f"Fillers and hedges found in all: {', '.join(said)}." if said else None
