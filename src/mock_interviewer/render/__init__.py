"""Rich renderables for people. Library code returns data; only the CLI prints these."""

from __future__ import annotations

TIER_STYLE = {"great": "bold green", "mediocre": "bold yellow", "poor": "bold red"}
TIER_LABEL = {"great": "Great", "mediocre": "Mediocre", "poor": "Poor"}


def sentence_case(text: str) -> str:
    """Capitalise the first letter, for display of the lower-cased source questions."""
    return text[:1].upper() + text[1:] if text else text
