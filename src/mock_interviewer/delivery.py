"""Delivery of an answer: its length, an estimated speaking time, and the filler words and hedges in it,
each with the span it was found at.

Only forms a reader agrees are fillers or hedges are matched (``bench/delivery_audit.py`` measures the
precision on answers by other writers, tests/data/delivery_audit.jsonl): "um", "uh", "erm"; "like" only
when set off by commas or opening a sentence ("it was, like, slow"), never as a verb or a comparison
("I like", "looks like") nor when it introduces a quotation ("Like, "in the last three designs…""); "you know" and "I mean" only as an aside set off by a comma; and the hedges "I guess" (as an aside, not
"where I guess"), "I think maybe", "sort of" and "kind of" except after a word that makes them a noun
phrase ("what kind of system", "each kind of data"). Not counted, because in the audit they were as often
meant as not: "basically" ("went from basically zero"), "literally" ("can literally trip a feeder") and
"just" ("not just", "just in time").
"""

from __future__ import annotations

import re
from typing import Literal

from mock_interviewer.strict import StrictModel

WORDS_PER_MINUTE = 140  # a calm interview pace
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
_NOUN_BEFORE = r"(?<!\bwhat )(?<!\bwhich )(?<!\bthat )(?<!\bthis )(?<!\bsame )(?<!\bany )(?<!\bsome )(?<!\bthe )(?<!\ba )(?<!\bone )(?<!\bevery )(?<!\bthese )(?<!\bthose )(?<!\bwhatever )(?<!\beach )(?<!\banother )(?<!\bother )(?<!\ball )(?<!\bno )"

PATTERNS: tuple[tuple[Literal["filler", "hedge"], str, re.Pattern[str]], ...] = (
    ("filler", "um / uh", re.compile(r"\b(?:um+|uh+|erm+|uhm+)\b", re.IGNORECASE)),
    ("filler", "like", re.compile(r"(?:(?<=, )|(?<=^)|(?<=[.!?] ))like(?=,(?! [\"“'‘]))", re.IGNORECASE | re.MULTILINE)),
    ("filler", "you know", re.compile(r"(?:(?<=, )|(?<=^)|(?<=[.!?] ))you know(?=,)", re.IGNORECASE | re.MULTILINE)),
    ("filler", "I mean", re.compile(r"(?:(?<=, )|(?<=^)|(?<=[.!?] ))I mean(?=,)", re.IGNORECASE | re.MULTILINE)),
    ("hedge", "I guess", re.compile(r"(?:(?<=, )|(?<=^)|(?<=[.!?] ))I guess\b", re.IGNORECASE | re.MULTILINE)),
    ("hedge", "I think maybe", re.compile(r"\bI think maybe\b", re.IGNORECASE)),
    ("hedge", "sort of / kind of", re.compile(_NOUN_BEFORE + r"\b(?:sort|kind) of\b(?! (?:a |an |the )?(?:thing|system|problem|person|role|team|issue|question|work|situation|approach|project)s?\b)", re.IGNORECASE)),
)


class Found(StrictModel):
    kind: Literal["filler", "hedge"]
    label: str
    start: int
    end: int
    text: str


class Delivery(StrictModel):
    words: int
    speaking_seconds: int
    fillers: list[Found]
    hedges: list[Found]

    def per_hundred_words(self) -> float:
        """Fillers and hedges per 100 words (0 for an empty answer)."""
        return round(100 * (len(self.fillers) + len(self.hedges)) / self.words, 1) if self.words else 0.0


def find_all(text: str) -> list[Found]:
    """Every filler and hedge in ``text``, in order of where it stands."""
    found = [
        Found(kind=kind, label=label, start=m.start(), end=m.end(), text=m.group(0))
        for kind, label, pattern in PATTERNS
        for m in pattern.finditer(text)
    ]
    return sorted(found, key=lambda f: (f.start, f.end))


def delivery_of(text: str) -> Delivery:
    """Words, estimated speaking time, fillers and hedges of one answer."""
    words = len(_WORD.findall(text))
    found = find_all(text)
    return Delivery(
        words=words,
        speaking_seconds=round(words * 60 / WORDS_PER_MINUTE),
        fillers=[f for f in found if f.kind == "filler"],
        hedges=[f for f in found if f.kind == "hedge"],
    )
