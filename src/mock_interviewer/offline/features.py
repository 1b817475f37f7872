"""The named, bounded features the offline grader scores an answer by.

Each feature is a number with a plain meaning (see ``FEATURES``), computed from the
answer, the question's rubric notes and exemplars, and the bank's other questions.
An answer is never compared with itself: when it is (nearly) one of the exemplars,
that exemplar is left out of the reference texts, so grading the bank's own
exemplars is a fair check rather than an echo.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mock_interviewer.bank import TIERS, Question
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.coverage import Corpus, FlagMatch, PointCoverage, coverage, red_flag_matches
from mock_interviewer.offline.evidence import Findings
from mock_interviewer.offline.signals import Signals, signals
from mock_interviewer.textmatch import stem_set, stems

SAME_TEXT = 90.0  # rapidfuzz ratio above which an answer counts as one of the exemplars

FEATURES: dict[str, str] = {
    "coverage": "mean share of each key point's (rarity-weighted) words the answer carries",
    "points_covered": "key points at least half covered (capped at 4)",
    "length": "log of the number of distinct content words (repeating yourself adds nothing; length alone is not quality)",
    "concrete": "named tools and techniques (capped at 5) plus numbers with units (capped at 3)",
    "concrete_rel": "concrete minus the mean of the question's exemplars (behavioural questions name fewer tools)",
    "length_rel": "length minus the mean of the question's exemplars",
    "ownership_rel": "ownership minus the mean of the question's exemplars",
    "reasoning_rel": "reasoning minus the mean of the question's exemplars",
    "coverage_rel": "coverage minus the mediocre exemplar's coverage",
    "ownership": "what the speaker decided, built or changed (capped at 3)",
    "reasoning": "trade-offs, conditions, costs and reasons (capped at 4)",
    "poor_language": "reactive, hand-off, dismissive, shortcut, blaming or absolute phrases (capped at 3)",
    "buzzwords": "fluent words with no mechanism behind them (capped at 5)",
    "relevance": "share of the answer's weighted words found in this question's exemplars and notes",
    "off_topic": "how much closer the answer is to another question's material than to this one's",
    "like_great": "rapidfuzz token-set similarity of the answer's stems to the great exemplar's",
    "like_mediocre": "the same for the mediocre exemplar",
    "like_poor": "the same for the poor exemplar",
    "certainty": "absolutes and intensifiers: always, never, everything, just, basically, honestly (capped at 5)",
    "dismissal": "concerns waved away or conviction instead of reasons: overrated, isn't really needed, I'd rather (capped at 3)",
    "negations": "don't, isn't, never, no, not (capped at 5)",
    "red_flags": "mean share of each red flag's telling words (those not in the key points or great exemplar) in the answer",
    "red_flag_max": "the same for the red flag the answer comes closest to",
}
# What the evidence detectors (``offline/evidence.py``, on the rubric's authored phrases) found, as features
# (offline-v7): knowledge written into the rubric, not word counts, so a short answer that makes its points
# is not outweighed by a long one that does not, and a harmful practice said in the right words shows.
EVIDENCE_FEATURES: dict[str, str] = {
    "points_addressed": "key points found in the answer's own words by their evidence phrases (capped at 4)",
    "addressed_share": "the share of the question's key points found so",
    "missing_share": "the share of the key points with no phrase and little of their words",
    "addressed_density": "key points found per 100 words (capped at 10): making points, not length",
    "flags_shown": "red flags the answer says in their evidence phrases (capped at 2)",
    "points_rejected": "key points the answer turns down ('rollback plans are unnecessary'; capped at 2)",
    "waved_away": "practices waved away ('we don't need X', 'Y is overkill'; capped at 2)",
    "reason_density": "reason words per 100 words ('so', 'since', 'because'; capped at 8)",
    "length_saturated": "the number of words, saturating: 1 - exp(-words / 60)",
    "misconceptions": "the rubric's wrong claims the answer states in their evidence phrases ('an index on every column'; capped at 2)",
}
FEATURES.update(EVIDENCE_FEATURES)


@dataclass(frozen=True)
class Features:
    values: dict[str, float]
    points: list[PointCoverage]
    signals: Signals
    self_tier: str | None  # the exemplar tier this answer is a copy of, if any
    nearest_other: str | None = None  # id of the other question whose material the answer is closest to
    flags: tuple[FlagMatch, ...] = ()  # how far the answer says what each red flag describes

    def __getitem__(self, name: str) -> float:
        return self.values[name]


def _weighted_share(answer: frozenset[str], reference: frozenset[str], corpus: Corpus) -> float:
    total = sum(corpus.idf(s) for s in answer)
    return sum(corpus.idf(s) for s in answer & reference) / total if total else 0.0


def reference_stems(question: Question, exclude: str | None = None) -> frozenset[str]:
    parts = [question.text, *question.key_points, *question.red_flags]
    parts += [question.exemplars.get(tier) for tier in TIERS if tier != exclude]
    return stem_set(" ".join(parts))


def copied_exemplar(question: Question, answer: str) -> str | None:
    """The tier of the exemplar ``answer`` is (nearly) a copy of, else None."""
    from rapidfuzz import fuzz
    from rapidfuzz.utils import default_process

    for tier in TIERS:
        if fuzz.ratio(answer, question.exemplars.get(tier), processor=default_process) >= SAME_TEXT:
            return tier
    return None


def base_values(
    question: Question, answer: str, context: OfflineContext
) -> tuple[dict[str, float], list[PointCoverage], Signals]:
    """The features that need nothing but the answer and the rubric notes."""
    points = coverage(question, answer, context.corpus)
    sig = signals(answer)
    values = {
        "coverage": sum(p.share for p in points) / max(len(points), 1),
        "points_covered": float(min(sum(p.covered for p in points), 4)),
        "length": math.log1p(len(stem_set(answer))),
        "concrete": float(min(sig.named, 5) + min(sig.numbers, 3)),
        "ownership": float(min(sig.ownership, 3)),
        "reasoning": float(min(sig.reasoning, 4)),
        "poor_language": float(min(sig.poor_language, 3)),
        "buzzwords": float(min(sig.buzzwords, 5)),
        "certainty": float(min(sig.certainty, 5)),
        "dismissal": float(min(sig.dismissal, 3)),
        "negations": float(min(sig.negations, 5)),
    }
    return values, points, sig


def exemplar_profile(question: Question, context: OfflineContext) -> dict[str, dict[str, float]]:
    """The base features of each of the question's exemplars (cached per question)."""
    if question.id not in context.profiles:
        context.profiles[question.id] = {
            tier: base_values(question, question.exemplars.get(tier), context)[0] for tier in TIERS
        }
    return context.profiles[question.id]


def features(question: Question, answer: str, context: OfflineContext) -> Features:
    """Every feature of ``answer`` as an answer to ``question``."""
    from rapidfuzz import fuzz

    corpus = context.corpus
    self_tier = copied_exemplar(question, answer)
    answer_stems = stem_set(answer)
    base, points, sig = base_values(question, answer, context)
    own = _weighted_share(answer_stems, reference_stems(question, self_tier), corpus)
    other, nearest = 0.0, None
    for candidate in context.others(question):
        share = _weighted_share(answer_stems, context.reference(candidate), corpus)
        if share > other:
            other, nearest = share, candidate.id
    joined = " ".join(stems(answer))
    like: dict[str, float] = {}
    for tier in TIERS:
        if tier != self_tier:
            like[tier] = fuzz.token_set_ratio(joined, context.exemplar_stems(question, tier)) / 100.0
    if self_tier is not None:  # leave the copied exemplar out: use the mean of the other two
        like[self_tier] = sum(like.values()) / 2
    profile = exemplar_profile(question, context)
    others = [tier for tier in TIERS if tier != self_tier]
    values = dict(base)
    for name in ("length", "concrete", "ownership", "reasoning"):
        values[f"{name}_rel"] = base[name] - sum(profile[t][name] for t in others) / len(others)
    reference_tier = "mediocre" if self_tier != "mediocre" else "poor"
    values["coverage_rel"] = base["coverage"] - profile[reference_tier]["coverage"]
    values.update(
        {
            "relevance": own,
            "off_topic": max(other - own, 0.0),
            "like_great": like["great"],
            "like_mediocre": like["mediocre"],
            "like_poor": like["poor"],
        }
    )
    flags = tuple(red_flag_matches(question, answer, corpus, exclude=self_tier))
    values["red_flags"] = sum(f.share for f in flags) / max(len(flags), 1)
    values["red_flag_max"] = max((f.share for f in flags), default=0.0)
    return Features(values, points, sig, self_tier, nearest, flags)


def evidence_values(findings: Findings, key_points: int) -> dict[str, float]:
    """The ``EVIDENCE_FEATURES`` of an answer's findings (all zero for a question without rubric notes)."""
    words = max(findings.word_count, 1)
    addressed = len(findings.addressed)
    return {
        "points_addressed": float(min(addressed, 4)),
        "addressed_share": addressed / key_points if findings.has_notes and key_points else 0.0,
        "missing_share": len(findings.missing) / key_points if findings.has_notes and key_points else 0.0,
        "addressed_density": min(100 * addressed / max(words, 20), 10.0),
        "flags_shown": float(min(len(findings.shown_flags), 2)),
        "points_rejected": float(min(len(findings.rejected), 2)),
        "waved_away": float(min(len(findings.dismissals), 2)),
        "reason_density": min(findings.reasons_per_100_words, 8.0),
        "length_saturated": 1 - math.exp(-words / 60),
        "misconceptions": float(min(len(findings.claims_made), 2)),
    }
