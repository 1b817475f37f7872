"""Which of a question's key points an answer covers, by weighted stem overlap.

A key point is a sentence such as "Keeps a living tech-debt register prioritised
by impact on velocity, reliability and security". Its content stems are weighted
by how rare they are across the whole bank (inverse document frequency), so
"register" and "velocity" count for more than "team". An answer covers the point
to the degree its stems (exact, or a near spelling via ``rapidfuzz``) carry that
weight. The result is explainable: every point comes with the stems that matched.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from mock_interviewer.bank import Question
from mock_interviewer.textmatch import compound_stems, sentences, shorten, stem_set, stems, words

COVERED = 0.5  # share of a key point's weight an answer must carry to count as covering it


@dataclass(frozen=True)
class Corpus:
    """Document frequencies of stems over a set of questions (one document per question)."""

    df: dict[str, int]
    documents: int

    @classmethod
    def from_questions(cls, questions: Iterable[Question]) -> Corpus:
        df: Counter[str] = Counter()
        n = 0
        for question in questions:
            n += 1
            df.update(question_stems(question))
        return cls(dict(df), max(n, 1))

    def idf(self, stem: str) -> float:
        return math.log((self.documents + 1) / (self.df.get(stem, 0) + 1)) + 1.0


def question_stems(question: Question) -> frozenset[str]:
    """Every stem of a question's text, exemplars and rubric notes."""
    parts = [question.text, *question.key_points, *question.red_flags]
    parts += [question.exemplars.great, question.exemplars.mediocre, question.exemplars.poor]
    return stem_set(" ".join(parts))


@lru_cache(maxsize=16384)
def _near(stem: str, candidates: frozenset[str]) -> bool:
    """A variant of ``stem`` among ``candidates``: a near spelling, or the same word with a suffix.

    Long stems only, so 'test' never meets 'text': a spelling within 80% (Levenshtein) for
    stems of 6+ letters, or one stem of 5+ letters extended by at most 3 ("block" and
    "blocker", "react" and "reactiv"), which the stemmer leaves apart.
    """
    if len(stem) < 5:
        return False
    from rapidfuzz.distance import Levenshtein

    for other in candidates:
        if len(other) < 5 or other[:3] != stem[:3] or abs(len(other) - len(stem)) > 3:
            continue
        short, long_ = (stem, other) if len(stem) <= len(other) else (other, stem)
        if long_.startswith(short) and "-" not in long_:
            return True
        close = len(stem) >= 6 and len(other) >= 6 and abs(len(other) - len(stem)) <= 2
        if close and Levenshtein.normalized_similarity(stem, other) >= 0.8:
            return True
    return False


@dataclass(frozen=True)
class PointCoverage:
    index: int
    point: str
    share: float  # 0..1 of the point's weight present in the answer
    matched: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def covered(self) -> bool:
        return self.share >= COVERED


def point_coverage(point: str, index: int, answer: frozenset[str], corpus: Corpus) -> PointCoverage:
    point_stems = list(dict.fromkeys(stems(point)))
    if not point_stems:
        return PointCoverage(index, point, 0.0, (), ())
    matched: list[str] = []
    missing: list[str] = []
    for s in point_stems:
        (matched if s in answer or _near(s, answer) else missing).append(s)
    total = sum(corpus.idf(s) for s in point_stems)
    share = sum(corpus.idf(s) for s in matched) / total
    return PointCoverage(index, point, share, tuple(matched), tuple(missing))


def matchable(answer_text: str) -> frozenset[str]:
    """The stems an answer offers to a key point or red flag: its own, plus its two-word compounds."""
    return stem_set(answer_text) | compound_stems(answer_text)


def coverage(question: Question, answer_text: str, corpus: Corpus) -> list[PointCoverage]:
    """Coverage of each key point of ``question`` by ``answer_text``, in key-point order."""
    answer = matchable(answer_text)
    return [point_coverage(point, i, answer, corpus) for i, point in enumerate(question.key_points)]


# Words a rubric uses to *describe* a poor answer rather than words such an answer would say.
_DESCRIBING = stem_set(
    "treats relies assumes ignores calls instead considers themself themselves simply regardless handles uses "
    "offers sets lets says believes thinks describes focuses lacks mentions claims only never without"
)


@dataclass(frozen=True)
class FlagMatch:
    index: int
    flag: str
    share: float  # 0..1 of the flag's telling (rarity-weighted) words present in the answer
    matched: tuple[str, ...]


def red_flag_matches(
    question: Question, answer_text: str, corpus: Corpus, exclude: str | None = None
) -> list[FlagMatch]:
    """How far the answer says what each of the question's red flags describes.

    A red flag ("Treats tech debt only reactively, once it blocks delivery") shares its topic
    words with the key points; only its *telling* words count: those in neither the question,
    the key points nor the great exemplar (nor the rubric's describing words such as "treats").
    What is left is the stance of a poor answer ("reactively", "blocks", "delivery"), which an
    answer can take in other words than the bank's poor exemplar. ``exclude`` leaves one
    exemplar out (when the answer is that exemplar).
    """
    good = stem_set(" ".join([question.text, *question.key_points]))
    if exclude != "great":
        good |= stem_set(question.exemplars.great)
    answer = matchable(answer_text)
    out = []
    for i, flag in enumerate(question.red_flags):
        telling = [s for s in dict.fromkeys(stems(flag)) if s not in good and s not in _DESCRIBING]
        total = sum(corpus.idf(s) for s in telling)
        matched = tuple(s for s in telling if s in answer or _near(s, answer))
        share = sum(corpus.idf(s) for s in matched) / total if total else 0.0
        out.append(FlagMatch(i, flag, share, matched))
    return out


def importance(question: Question, corpus: Corpus) -> list[float]:
    """How much each key point separates the great exemplar from the others (higher first to probe).

    A point whose words the great exemplar carries but the mediocre and poor ones do not is
    what makes the great answer great; earlier points get a small bonus (notes list the
    most important first).
    """
    great = stem_set(question.exemplars.great)
    mediocre = stem_set(question.exemplars.mediocre)
    poor = stem_set(question.exemplars.poor)
    scores = []
    for i, point in enumerate(question.key_points):
        g = point_coverage(point, i, great, corpus).share
        m = point_coverage(point, i, mediocre, corpus).share
        p = point_coverage(point, i, poor, corpus).share
        scores.append(g - 0.6 * m - 0.4 * p + 0.05 * (len(question.key_points) - i) / max(len(question.key_points), 1))
    return scores


def closest_passage(point: str, answer_text: str, minimum: float = 25.0, exclude: set[str] | None = None) -> str:
    """The stretch of the answer closest to a key point, as a short quote ('' when nothing is close).

    Passages in ``exclude`` (already quoted by another probe) are passed over.
    """
    from rapidfuzz import fuzz

    target = " ".join(stems(point))
    best, best_score = "", minimum
    for piece in passages(answer_text):
        if exclude and shorten(piece, 120) in exclude:
            continue
        score = fuzz.token_set_ratio(target, " ".join(stems(piece)))
        if score > best_score:
            best, best_score = piece, score
    return shorten(best, 120) if best else ""


def opening(answer_text: str) -> str:
    """The answer's first passage, as a short quote: what a probe builds on when nothing is closer."""
    pieces = passages(answer_text)
    return shorten(pieces[0], 120) if pieces else ""


def passages(text: str, window: int = 14) -> Sequence[str]:
    """Sentences, or overlapping word windows when the text has no punctuation (lower-cased sources)."""
    found = sentences(text)
    if len(found) > 1 and all(len(words(s)) <= 40 for s in found):
        return found
    tokens = text.split()
    if len(tokens) <= window:
        return [text]
    step = window // 2
    return [" ".join(tokens[i : i + window]) for i in range(0, len(tokens) - step, step)]
