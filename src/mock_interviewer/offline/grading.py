"""The offline grader: places an answer on the 1-5 scale of THIS question's exemplars.

Topic similarity is not the tier: every answer to a question shares its topic. The
grader measures substance, the way the three exemplars differ from one another,
through the named features of ``features.py`` (key-point coverage, concreteness,
ownership, reasoning, the poor answer's language, buzzwords, off-topic drift, and
rapidfuzz similarity to each exemplar). One weighted sum of them is the *substance
score*; two thresholds cut it into poor | mediocre | great, and the distance past a
threshold gives the 1-5 score. The weights were fitted once (``bench/fit_offline_grader.py``,
ordinal logistic regression on the labelled dev set plus the bank's exemplars) and are
fixed here, so grades are deterministic and each one can say which features decided it.

Two guards sit on top, because their mistakes would be the most misleading:
an answer much closer to another question's material than to this one's is poor, and
an answer full of buzzwords or poor-answer language without concrete substance is never great.
"""

from __future__ import annotations

from dataclasses import dataclass

from mock_interviewer.bank import TIERS, Question
from mock_interviewer.grades import tier_for_score
from mock_interviewer.injection import strip_injection
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.coverage import PointCoverage
from mock_interviewer.offline.features import Features, features

# feature: (weight per unit, mean on the dev set); substance = sum(weight * (value - mean)).
# Fitted by bench/fit_offline_grader.py; rerun it and paste its output when the features change.
MODEL: dict[str, tuple[float, float]] = {
    "coverage": (5.4630, 0.2134),
    "length": (1.2814, 3.4329),
    "concrete_rel": (0.4184, 1.0705),
    "ownership": (0.6397, 0.2885),
    "reasoning": (0.4320, 0.5769),
    "poor_language": (-0.8170, 0.8205),
    "buzzwords": (-0.6404, 0.1346),
    "off_topic": (-4.5781, 0.0260),
    "like_great": (2.2063, 0.5088),
    "like_mediocre": (2.9911, 0.5263),
    "like_poor": (-3.9812, 0.5153),
}
THRESHOLDS = (-1.8432, 2.2144)  # substance at which an answer becomes mediocre, then great
MODEL_FEATURES: tuple[str, ...] = tuple(MODEL)

OFF_TOPIC = 0.2  # an answer this much closer to another question's material...
OFF_TOPIC_COVERAGE = 0.2  # ...that covers less than this of the key points answers a different question


@dataclass(frozen=True)
class Assessment:
    """Everything the offline grader found about one answer, and its placement."""

    question: Question
    features: Features
    substance: float
    contributions: dict[str, float]
    anchors: dict[str, float]  # substance of the question's exemplars, for the explanation
    score: int
    guard: str | None  # the rule that overrode the weighted score, if any

    @property
    def tier(self) -> str:
        return tier_for_score(self.score)

    @property
    def points(self) -> list[PointCoverage]:
        return self.features.points

    @property
    def covered(self) -> list[PointCoverage]:
        return [p for p in self.points if p.covered]

    @property
    def uncovered(self) -> list[PointCoverage]:
        return [p for p in self.points if not p.covered]


def weigh(values: dict[str, float]) -> tuple[float, dict[str, float]]:
    """The substance score and each feature's contribution to it."""
    contributions = {name: weight * (values[name] - mean) for name, (weight, mean) in MODEL.items()}
    return sum(contributions.values()), contributions


def place(substance: float) -> int:
    """1-5 from the substance score: 3 between the thresholds; 2 and 4 within a quarter-gap outside them."""
    low, high = THRESHOLDS
    margin = (high - low) / 4
    if substance >= high + margin:
        return 5
    if substance >= high:
        return 4
    if substance >= low:
        return 3
    if substance >= low - margin:
        return 2
    return 1


def guard(found: Features, score: int) -> tuple[int, str | None]:
    """Rules that override the weighted score where a mistake would mislead most."""
    values, sig = found.values, found.signals
    if values["off_topic"] >= OFF_TOPIC and values["coverage"] < OFF_TOPIC_COVERAGE:
        return 1, "off_topic"
    if score >= 3 and sig.buzzwords >= 4 and sig.concrete <= 1:
        return 2, "buzzword_soup"
    if score >= 4 and (sig.buzzwords >= 3 or (sig.buzzwords >= 2 and sig.concrete <= 2)):
        return 3, "buzzwords"
    if score >= 4 and sig.poor_language >= 3:
        return 3, "poor_language"
    return score, None


def anchor_scores(question: Question, context: OfflineContext) -> dict[str, float]:
    """The substance score of each of the question's exemplars (each judged without itself)."""
    if question.id not in context.anchors:
        context.anchors[question.id] = {
            tier: weigh(features(question, question.exemplars.get(tier), context).values)[0] for tier in TIERS
        }
    return context.anchors[question.id]


def assess(question: Question, answer: str, context: OfflineContext) -> Assessment:
    """Grade the substance of ``answer`` against the question's exemplars; injected instructions are removed first."""
    context.include(question)
    found = features(question, strip_injection(answer) or answer, context)
    substance, contributions = weigh(found.values)
    rule: str | None
    if found.self_tier is not None:
        # The answer is one of the exemplars: by definition it sits at that exemplar's anchor.
        score, rule = {"poor": 1, "mediocre": 3, "great": 5}[found.self_tier], "exemplar"
    else:
        score, rule = guard(found, place(substance))
    return Assessment(question, found, substance, contributions, anchor_scores(question, context), score, rule)
