"""Rich renderables for people. Library code returns data; only the CLI prints these."""

from __future__ import annotations

TIER_STYLE = {"great": "bold green", "mediocre": "bold yellow", "poor": "bold red"}
TIER_LABEL = {"great": "Great", "mediocre": "Mediocre", "poor": "Poor"}


def sentence_case(text: str) -> str:
    """Capitalise the first letter, for display of the lower-cased source questions."""
    return text[:1].upper() + text[1:] if text else text


def time_box(minutes: float | None) -> str:
    """A session's time box as a person says it: "22 min", "45 s" (not "0.8 min"), or "untimed"."""
    if not minutes:
        return "untimed"
    if minutes < 1:
        return f"{max(1, round(minutes * 60))} s"
    return f"{minutes:g} min"


def follow_up_limit(count: int) -> str:
    """ "no follow-ups", "up to 1 follow-up", "up to 2 follow-ups"."""
    return f"up to {plural(count, 'follow-up')}" if count else "no follow-ups"


def plural(count: int, word: str) -> str:
    """ "1 question", "2 questions"."""
    return f"{count} {word}{'' if count == 1 else 's'}"
