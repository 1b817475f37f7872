"""Spotting candidate text that tries to instruct the grader.

The fence is what keeps such text harmless; this check only *flags* it, so a
grade can carry ``suspicious: true`` whatever the backend.
"""

from __future__ import annotations

import re

_PATTERNS = [
    r"\bignore\s+(?:all\s+|any\s+|the\s+|your\s+)?(?:previous|prior|above|earlier|preceding)?\s*(?:instructions|rules|rubric|prompt|guidelines)",
    r"\bdisregard\s+(?:all\s+|any\s+|the\s+|your\s+)?(?:previous|prior|above)?\s*(?:instructions|rules|rubric|prompt)",
    r"\b(?:grade|rate|score|mark|classify)\s+(?:this|my|the)\s+(?:answer|response|reply)?\s*(?:as\s+)?(?:a\s+)?(?:great|excellent|5|five|perfect)\b",
    r"\b(?:you\s+are\s+now|new\s+instructions|system\s+prompt|as\s+the\s+grader)\b",
    r"\bnote\s+to\s+the\s+(?:grader|grading|evaluator|ai|model|assistant)",
    r"[\"']tier[\"']\s*:\s*[\"'](?:great|mediocre|poor)[\"']",
    r"[\"']score[\"']\s*:\s*[1-5]\b",
    r"<\s*/?\s*candidate_answer",
    r"</?\s*(?:system|instructions?|assistant)\s*>",
    r"(?:^|\n)\s*\[\s*(?:interviewer|candidate)\s*\]",  # a forged turn of the exchange the grader reads
]
_FAKE_TAG = re.compile(r"<\s*/?\s*(?:candidate_answer|system|instructions?|assistant)\b[^<>]*>?", re.IGNORECASE)
_INJECTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)


def looks_like_injection(text: str) -> bool:
    """True when the text contains instructions aimed at the grader or a forged verdict or fence."""
    return bool(_INJECTION.search(text))


def strip_injection(text: str) -> str:
    """The text with sentences that carry an injection removed (for graders that read substance).

    Fake tags go first, on their own: a tag glued to an honest sentence must not take that
    sentence with it (a forged fence around real content would otherwise change the grade).
    """
    sentences = re.split(r"(?<=[.!?])\s+|\n+", _FAKE_TAG.sub(" ", text))
    kept = [s for s in sentences if not _INJECTION.search(s)]
    return " ".join(kept)
