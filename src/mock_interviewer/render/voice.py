"""Feedback written to a candidate, retold about them for the person who reads a report.

Graders address the candidate ("your answer sits with…", "You said “…”", "what you say"): right in an
interview, wrong in a report a hiring manager reads. ``about_candidate`` rewrites the second person
into the third ("the answer sits with…", "They said “…”", "what they say"). Phrases the graders use
are rewritten whole; after them, "your" becomes "their", "yourself" "themselves", and "you" becomes
"they" before a word and "them" at the end of a clause ("hiring you:" → "hiring them:"). Words in
quotation marks are the candidate's own and are left exactly as they are.
"""

from __future__ import annotations

import re

_PHRASES = (
    ("to go further, answer this", "to go further, ask them"),
    ("your answer", "the answer"),
    ("in your words", "in the candidate's words"),
    ("you yourself", "they themselves"),
    ("you are", "they are"),
    ("you were", "they were"),
    ("you're", "they're"),
    ("you've", "they've"),
    ("you'd", "they'd"),
    ("you'll", "they'll"),
    ("yourself", "themselves"),
    ("yours", "theirs"),
    ("your", "their"),
)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|(?<!\w)'[^'\n]+?'(?!\w)")
_PHRASE = re.compile(r"\b(" + "|".join(re.escape(a) for a, _ in _PHRASES) + r")\b", re.IGNORECASE)
_YOU = re.compile(r"\byou\b(?=(\s*[.,;:!?)]|\s*$)?)", re.IGNORECASE)
_TABLE = {a: b for a, b in _PHRASES}


def _case(original: str, replacement: str) -> str:
    return replacement[:1].upper() + replacement[1:] if original[:1].isupper() else replacement


def _retell(text: str) -> str:
    text = _PHRASE.sub(lambda m: _case(m.group(1), _TABLE[m.group(1).lower()]), text)
    return _YOU.sub(lambda m: _case(m.group(0), "them" if m.group(1) is not None else "they"), text)


def about_candidate(text: str) -> str:
    """``text`` in the third person; anything inside quotation marks is kept as written."""
    out, last = [], 0
    for quoted in _QUOTED.finditer(text):
        out.append(_retell(text[last : quoted.start()]))
        out.append(quoted.group(0))
        last = quoted.end()
    out.append(_retell(text[last:]))
    return "".join(out)
