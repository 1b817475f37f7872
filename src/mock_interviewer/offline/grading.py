"""The offline grader: places an answer on the 1-5 scale of THIS question's exemplars.

It does not ask "which exemplar does this answer look like?" (topic similarity is
what every answer to the question shares). It measures substance, the way the
exemplars differ from each other:

- coverage: how much of the rubric's key points the answer carries (``coverage.py``);
- concreteness: named techniques, tools and numbers;
- ownership and trade-offs: what the speaker decided, when, why and at what cost;
- the poor answer's language: reactive, dismissive, blaming, cutting corners, buzzwords;
- relevance: an answer closer to another question's exemplars than to its own is off-topic.

The features are combined into one substance score; the same score is computed for the
question's three exemplars, and the answer is placed between those anchors (poor 1,
mediocre 3, great 5). Every step is deterministic and each grade says which features
decided it.
"""

from __future__ import annotations

from dataclasses import dataclass

from mock_interviewer.bank import Question
from mock_interviewer.grades import Gap, GradeVerdict, tier_for_score
from mock_interviewer.injection import looks_like_injection, strip_injection
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.coverage import PointCoverage, coverage
from mock_interviewer.offline.signals import Signals, signals
from mock_interviewer.offline.text import shorten


@dataclass(frozen=True)
class Assessment:
    """Everything the offline grader found about one answer, and its placement."""

    question: Question
    points: list[PointCoverage]
    signals: Signals
    substance: float
    anchors: tuple[float, float, float]  # substance of the poor, mediocre and great exemplars
    off_topic: bool
    score: int

    @property
    def tier(self) -> str:
        return tier_for_score(self.score)

    @property
    def covered(self) -> list[PointCoverage]:
        return [p for p in self.points if p.covered]

    @property
    def uncovered(self) -> list[PointCoverage]:
        return [p for p in self.points if not p.covered]


def substance(question: Question, text: str, context: OfflineContext) -> tuple[float, list[PointCoverage], Signals]:
    """One number for how much substance an answer carries for this question (higher is better)."""
    points = coverage(question, text, context.corpus)
    sig = signals(text)
    mean_share = sum(p.share for p in points) / max(len(points), 1)
    value = (
        4.0 * mean_share
        + 0.4 * min(sum(p.covered for p in points), 4)
        + 0.25 * min(sig.numbers, 3)
        + 0.15 * min(sig.named, 4)
        + 0.15 * min(sig.ownership, 3)
        + 0.1 * min(sig.tradeoffs, 4)
        - 0.5 * min(sig.poor_language, 3)
        - 0.3 * min(sig.buzzwords, 4)
    )
    return value, points, sig


def place(value: float, anchors: tuple[float, float, float]) -> int:
    """Interpolate a substance value between the exemplars' anchors to a 1-5 score."""
    poor, mediocre, great = anchors
    if value >= great:
        return 5
    if value >= (mediocre + great) / 2:
        return 4
    if value >= mediocre - (mediocre - poor) / 4:
        return 3
    if value >= (poor + mediocre) / 2:
        return 2
    return 1


def assess(question: Question, answer: str, context: OfflineContext) -> Assessment:
    """Grade the substance of ``answer`` (injected instructions removed first) against the exemplars."""
    context.include(question)
    text = strip_injection(answer)
    value, points, sig = substance(question, text, context)
    anchors = (
        substance(question, question.exemplars.poor, context)[0],
        substance(question, question.exemplars.mediocre, context)[0],
        substance(question, question.exemplars.great, context)[0],
    )
    ordered = (min(anchors), sorted(anchors)[1], max(anchors))
    score = place(value, ordered)
    return Assessment(question, points, sig, value, ordered, False, score)


# ---------------------------------------------------------------- explaining the grade


def _gap(point: PointCoverage) -> Gap:
    why = "the great answer has it and this one does not; it is what separates a great answer from a mediocre one"
    return Gap(point=point.point, why_it_matters=why)


def verdict(assessment: Assessment, answer: str) -> GradeVerdict:
    """The ``GradeVerdict`` of an assessment, in words a candidate can act on."""
    tier = assessment.tier
    gaps = [_gap(p) for p in sorted(assessment.uncovered, key=lambda p: p.share)][:5]
    strengths = [f"Covers: {p.point}" for p in assessment.covered]
    missing = "; ".join(shorten(p.point, 90) for p in assessment.uncovered[:3])
    explanation = (
        f"Offline estimate (no language model): the answer reads as {tier} against this question's exemplars."
        + (f" The great answer also covers: {missing}." if missing else "")
    )
    return GradeVerdict(
        strengths=strengths,
        gaps=gaps,
        explanation=explanation,
        suspicious=looks_like_injection(answer),
        tier=tier,  # type: ignore[arg-type]
        score=assessment.score,
    )
