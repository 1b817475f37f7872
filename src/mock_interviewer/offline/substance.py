"""The sentences of an answer that carry substance: what the offline grader reads, the rest left out.

A sentence about the team lunch or the office's location says nothing about the question, yet it
moved offline-v6's grades (5% of gradings changed tier when one was added: its words counted as
length, a capitalised "Fridays" as a named tool). So before any feature is computed, the answer's
sentences that carry nothing the grader weighs are cut out, and an answer graded with or without
them is graded the same.

A sentence carries substance when it has any of:

- two words of what this question is about (its text, key points, red flags, misconceptions, and
  their authored notes: not its exemplars), or one that is not common across the bank (in at most a
  quarter of its questions);
- a named tool or technique, an acronym, an identifier, or a number with a unit;
- a signal the grader weighs: ownership, reasoning, the poor answer's language, buzzwords,
  certainty, a practice waved away, a negation.

Sentences are split at . ! ? ; and line breaks, and, in answers written without full stops, before a
capitalised word that starts a sentence ("We", "The", ...) right after a lower-case word. What is
cut is exactly the sentence and the space after it (or before it, at the end), so an answer none of
whose sentences is cut is read exactly as written; an answer in which nothing carries substance is
read whole (the guards for unrelated answers judge it).
"""

from __future__ import annotations

import re

from mock_interviewer.bank import Question
from mock_interviewer.offline.coverage import Corpus
from mock_interviewer.offline.signals import carries_detail, carries_signal, carries_stance
from mock_interviewer.textmatch import stem_set

_NUMBER_WORDS = frozenset(["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "hundr", "thousand", "first", "second", "third"])
UNITS = frozenset(["minut", "hour", "day", "week", "month", "year", "peopl", "second", "time", "team", "person"])
STRICT = True  # offline-v8 (False: v7's cut): unit words do not tie a sentence; a headcount or a certainty counts only beside the question's material
COMMON = 0.25  # a word in more than this share of the bank's questions does not tie a sentence to this one alone...
TIED = 2  # ...but this many words of the question's material do
_BREAK = re.compile(
    r"(?<=[.!?;])\s+|\s*\n\s*"
    r"|(?<=[a-z0-9,])\s+(?=(?:We|Our|My|The|It|They|This|That|There|Also|So|But|And|Then|When|After|In|On|At)\b)"
)


def material(question: Question) -> frozenset[str]:
    """The stems of what the question is about: its text, key points, red flags, misconceptions and notes.

    Not its exemplars (their stories carry everyday words: "two", "week", "lunch"), and not number words
    (a number says something only with its unit, which ``signals`` counts).
    """
    parts = [question.text, *question.key_points, *question.red_flags]
    for note in question.point_notes:
        parts += [note.strong_reply, *note.evidence]
    parts += [phrase for note in question.flag_notes for phrase in note.evidence]
    parts += [phrase for m in question.misconceptions for phrase in (m.claim, *m.evidence)]
    return stem_set(" ".join(parts)) - _NUMBER_WORDS


def pieces(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each sentence-like piece of ``text``, separators excluded."""
    out, start = [], 0
    for match in _BREAK.finditer(text):
        if match.start() > start:
            out.append((start, match.start()))
        start = match.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def has_substance(piece: str, own: frozenset[str], corpus: Corpus) -> bool:
    shared = [s for s in stem_set(piece) if s in own]
    if STRICT:
        words = [s for s in shared if s not in UNITS]
        if len(words) >= TIED or any(corpus.df.get(s, 0) <= COMMON * corpus.documents for s in words):
            return True
        return carries_stance(piece) or (bool(words) and carries_detail(piece))
    if len(shared) >= TIED or any(corpus.df.get(s, 0) <= COMMON * corpus.documents for s in shared):
        return True
    return carries_signal(piece)


def substantive(text: str, own: frozenset[str], corpus: Corpus) -> str:
    """``text`` without its sentences that carry no substance (``own``: the question's ``material``)."""
    spans = pieces(text)
    kept = [span for span in spans if has_substance(text[span[0] : span[1]], own, corpus)]
    if not kept or len(kept) == len(spans):
        return text
    out = []
    for n, (start, end) in enumerate(kept):
        out.append(text[start:end])
        if n + 1 < len(kept):
            following = spans[spans.index((start, end)) + 1]
            out.append(text[end : following[0]])  # the separator the sentence had after it
    return "".join(out)
