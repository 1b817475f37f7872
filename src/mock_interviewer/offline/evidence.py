"""What an exchange shows about a question's key points and red flags, each finding with the words behind it.

Each key point and red flag in the built-in bank carries authored evidence phrases (``rubric/``:
paraphrases, named tools, alternative techniques). A point is *addressed* when one of its
phrases stands in the candidate's words and the candidate affirms it (not "we never …", not
"instead of …"); it is *missing* when no phrase stands there, affirmed or not, and the answer
carries little of the point's own words either: no sentence holds all the words of one of its phrases
in another order, or two words of the point's own vocabulary. Anything between is *unclear*, and the offline
grader says nothing about it: a wrong "you did not mention X" costs more trust than silence.

A red flag is *shown* when one of its phrases stands affirmed. Questions without notes (a user's
bank) get no findings about points or flags: word overlap alone was measured to be wrong too often.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from mock_interviewer.bank import Question
from mock_interviewer.offline.coverage import PointCoverage
from mock_interviewer.textmatch import (
    STOPWORDS,
    PhraseHit,
    Span,
    Token,
    dismissals,
    find_phrase,
    first_person,
    loosely_said,
    quote,
    reasons,
    sentence_stems,
    tokens,
)

PointStatus = Literal["addressed", "missing", "unclear"]
MISSING_BELOW = 0.34  # share of a point's weighted words under which an answer without its phrases misses it
MIN_WORDS = 25  # an answer shorter than this is too short to say what it never does
NEAR_WORDS = 2  # a sentence with this many of a point's own words may make the point in other words



@dataclass(frozen=True)
class PointFinding:
    index: int
    point: str
    status: PointStatus
    hits: tuple[PhraseHit, ...]  # the affirmed evidence, first said first
    rejected: tuple[PhraseHit, ...]  # evidence the candidate said but turned down
    vocabulary_used: int = 0  # how many different words of the point's own vocabulary the whole answer uses


@dataclass(frozen=True)
class FlagFinding:
    index: int
    flag: str
    hits: tuple[PhraseHit, ...]  # affirmed evidence of the red flag


@dataclass(frozen=True)
class Findings:
    """Everything the detectors found in one candidate's words for one question."""

    text: str
    has_notes: bool
    points: tuple[PointFinding, ...]
    flags: tuple[FlagFinding, ...]
    first_person: tuple[Token, ...]
    word_count: int
    dismissals: tuple[Span, ...] = ()  # where the candidate waves a practice away
    vocabulary: frozenset[str] = frozenset()  # the words (as written) the answer shares with its key points' vocabularies
    reasons: tuple[Span, ...] = ()  # where the candidate argues for a choice ("so", "since", "because")
    misconceptions: tuple[FlagFinding, ...] = ()  # the rubric's wrong claims the answer affirms (``flag`` holds the claim)

    @property
    def reasons_per_100_words(self) -> float:
        return 100 * len(self.reasons) / max(self.word_count, 1)

    @property
    def addressed(self) -> list[PointFinding]:
        return [p for p in self.points if p.status == "addressed"]

    @property
    def missing(self) -> list[PointFinding]:
        return [p for p in self.points if p.status == "missing"]

    @property
    def rejected(self) -> list[PointFinding]:
        """Points the candidate turned down ("rollback plans are unnecessary") and never affirmed."""
        return [p for p in self.points if p.rejected and not p.hits]

    @property
    def shown_flags(self) -> list[FlagFinding]:
        return [f for f in self.flags if f.hits]

    @property
    def claims_made(self) -> list[FlagFinding]:
        """The misconceptions (``rubric/``: wrong claims in the right words) the answer affirms."""
        return [m for m in self.misconceptions if m.hits]

    def quote(self, hit: PhraseHit | Span) -> str:
        return quote(self.text, hit if isinstance(hit, Span) else hit.span)


def _hits(found: list[Token], phrases: list[str], prevention: bool = False) -> tuple[list[PhraseHit], list[PhraseHit]]:
    """The affirmed and the turned-down places of some phrases. With ``prevention`` (a key point's
    evidence), "… to avoid a thundering herd" speaks to the point: the candidate prevents it."""
    affirmed: list[PhraseHit] = []
    rejected: list[PhraseHit] = []
    for phrase in phrases:
        for hit in find_phrase(found, phrase):
            (affirmed if hit.affirmed or (prevention and hit.prevented) else rejected).append(hit)
    affirmed.sort(key=lambda h: (h.span.start, -(h.span.end - h.span.start)))
    rejected.sort(key=lambda h: h.span.start)
    return affirmed, rejected


def says_rubric_phrase(question: Question, text: str) -> bool:
    """Whether ``text`` says (or turns down) one of the question's authored evidence phrases: a key point's, a red
    flag's or a misconception's."""
    phrases = [p for note in question.point_notes for p in note.evidence]
    phrases += [p for note in question.flag_notes for p in note.evidence]
    phrases += [p for m in question.misconceptions for p in m.evidence]
    found = tokens(text)
    return any(find_phrase(found, phrase) for phrase in phrases)


def point_vocabulary(question: Question, index: int) -> frozenset[str]:
    """The words that speak of one key point and not of the question's topic as a whole.

    The content-word stems of the point, its evidence phrases and its strong reply, less those
    of the question itself and of the bank's function words.
    """
    note = question.point_notes[index]
    return _vocabulary(question.text, question.key_points[index], note.strong_reply, tuple(note.evidence))


@lru_cache(maxsize=4096)
def _vocabulary(question: str, point: str, strong_reply: str, evidence: tuple[str, ...]) -> frozenset[str]:
    topic = {t.stem for t in tokens(question)}
    text = " ".join([point, strong_reply, *evidence])
    return frozenset(t.stem for t in tokens(text) if t.word not in STOPWORDS and len(t.word) > 2) - topic


def talks_about(sentences: list[frozenset[str]], vocabulary: frozenset[str], enough: int = NEAR_WORDS) -> bool:
    """Some sentence of the answer (its stems, ``textmatch.sentence_stems``) uses ``enough`` words of a vocabulary."""
    return any(len(stems & vocabulary) >= enough for stems in sentences)


def as_said_in_whole(findings: Findings, whole: Findings) -> Findings:
    """``findings`` of the sentences the grader read, corrected by ``whole`` (the same detectors on the whole answer)
    where a claim speaks of the whole answer: a point is missing only if the whole answer misses it too, and the
    speaker's own part counts wherever it is said. The grade is not changed (its features are taken before this):
    a sentence the grader leaves out for carrying no substance ("Metric I watch: mean time to remediate") may
    still be where the candidate says "I" (hold-out G: two such claims judged false).
    """
    still = {p.index for p in whole.missing}
    points = tuple(replace(p, status="unclear") if p.status == "missing" and p.index not in still else p for p in findings.points)
    first = findings.first_person or whole.first_person
    return replace(findings, points=points, first_person=first)


def read_exchange(question: Question, text: str, coverage: list[PointCoverage]) -> Findings:
    """The findings for ``text`` (the candidate's whole exchange on the question: answer and follow-up replies).

    ``coverage`` is the word-share coverage of each key point (``offline.coverage``), used only
    to hold back a "missing" claim when the answer carries much of the point's own words.
    """
    found = tokens(text)
    sentences = sentence_stems(found)
    said = frozenset(t.stem for t in found)
    has_notes = bool(question.point_notes)
    points: list[PointFinding] = []
    if has_notes:
        for index, point in enumerate(question.key_points):
            note = question.point_notes[index]
            affirmed, rejected = _hits(found, note.evidence, prevention=True)
            share = coverage[index].share if index < len(coverage) else 0.0
            status: PointStatus
            vocabulary = point_vocabulary(question, index)
            if affirmed:
                status = "addressed"
            elif (
                not rejected
                and share < MISSING_BELOW
                and not any(loosely_said(sentences, e) for e in note.evidence)
                and not talks_about(sentences, vocabulary)
            ):
                status = "missing"
            else:
                status = "unclear"
            used = len(said & vocabulary)
            points.append(PointFinding(index, point, status, tuple(affirmed), tuple(rejected), used))
    flags: list[FlagFinding] = []
    for index, flag in enumerate(question.red_flags):
        flag_note = question.flag_note(index)
        affirmed = _hits(found, flag_note.evidence)[0] if flag_note else []
        flags.append(FlagFinding(index, flag, tuple(affirmed)))
    wrong = []
    for index, misconception in enumerate(question.misconceptions):
        affirmed = _hits(found, misconception.evidence)[0]
        wrong.append(FlagFinding(index, misconception.claim, tuple(affirmed)))
    shared: set[str] = set()
    if has_notes:
        every = frozenset().union(*(point_vocabulary(question, i) for i in range(len(question.key_points))))
        shared = {t.word for t in found if t.stem in every}
    return Findings(
        text,
        has_notes,
        tuple(points),
        tuple(flags),
        tuple(first_person(found)),
        len(found),
        tuple(dismissals(text)),
        frozenset(shared),
        tuple(reasons(text)),
        tuple(wrong),
    )
