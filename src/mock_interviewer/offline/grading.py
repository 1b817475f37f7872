"""The offline grader: places an answer on the 1-5 scale of THIS question's exemplars.

Topic similarity is not the tier: every answer to a question shares its topic. The
grader measures two things, each with named features (``features.py``):

1. *Substance*: key-point coverage, detail, concreteness, ownership, reasoning, the poor
   answer's language, buzzwords, off-topic drift and rapidfuzz similarity to each exemplar,
   weighed into one score. Two thresholds cut it into poor | mediocre | great.
2. *Stance*, for an answer that is not great: is it a mediocre answer (sensible practices
   without depth) or a poor one (the wrong stance in the right vocabulary)? Poor answers state
   things as certainties, wave practices away, say what they don't do, take the stance of
   the question's red flags, use poor-answer phrases, and wander from the question's material.
   A logistic model of these and the substance margin gives the odds that the answer is poor.
   Substance alone cannot see this: a confident poor answer is as long and as on-topic as a
   mediocre one, which is why the first grader called most fresh poor answers mediocre.

The weights were fitted once (``bench/fit_offline_grader.py``, on the labelled dev sets plus the
bank's exemplars) and are fixed here, so grades are deterministic and each one can say which
features decided it.

Guards sit on top, because their mistakes would be the most misleading: an answer much closer
to another question's material than to this one's is poor; buzzwords without substance is poor;
an answer with strong poor signals (stance odds, poor-answer phrases, buzzwords, hardly any key
point covered) is never great.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from mock_interviewer.bank import TIERS, Question
from mock_interviewer.grades import tier_for_score
from mock_interviewer.injection import strip_injection
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.coverage import PointCoverage
from mock_interviewer.offline.features import Features, features

# feature: (weight per unit, mean on the dev sets); substance = sum(weight * (value - mean)).
# Fitted by bench/fit_offline_grader.py; rerun it and paste its output when the features change.
MODEL: dict[str, tuple[float, float]] = {
    "coverage": (5.0296, 0.2000),
    "length": (1.1215, 3.3794),
    "concrete_rel": (0.2594, 1.2009),
    "ownership": (0.4291, 0.2704),
    "reasoning": (0.2479, 0.5407),
    "poor_language": (-0.7537, 0.5733),
    "buzzwords": (-0.4842, 0.0847),
    "off_topic": (-4.3080, 0.0236),
    "like_great": (2.6591, 0.5099),
    "like_mediocre": (1.4860, 0.5273),
    "like_poor": (-5.3081, 0.5037),
}
THRESHOLDS = (-1.1254, 1.9712)  # substance at which an answer becomes mediocre, then great
MODEL_FEATURES: tuple[str, ...] = tuple(MODEL)

# The stance model: log-odds that a not-great answer is poor = STANCE_BIAS
#   + STANCE_MARGIN * (substance - THRESHOLDS[0]) + sum(weight * (value - mean)).
STANCE: dict[str, tuple[float, float]] = {
    "certainty": (0.4860, 0.6364),
    "negations": (0.3015, 0.5227),
    "dismissal": (0.7198, 0.1409),
    "relevance": (-2.9277, 0.4265),
    "red_flags": (3.4291, 0.1146),
    "poor_language": (0.3337, 0.7591),
}
STANCE_MARGIN = -0.5338
STANCE_BIAS = 0.1875
STANCE_FEATURES: tuple[str, ...] = tuple(STANCE)
POOR_AT = 0.5  # odds of a poor stance from which a not-great answer is poor...
CLEARLY_POOR_AT = 0.75  # ...and 1/5 rather than 2/5
NEVER_GREAT_AT = 0.8  # odds from which an answer cannot be great, whatever its substance



@dataclass(frozen=True)
class Weights:
    """Both models' numbers in one place, so the fitting bench can grade with the weights of each fold."""

    model: dict[str, tuple[float, float]]
    thresholds: tuple[float, float]
    stance: dict[str, tuple[float, float]]
    stance_margin: float
    stance_bias: float


WEIGHTS = Weights(MODEL, THRESHOLDS, STANCE, STANCE_MARGIN, STANCE_BIAS)

THIN_COVERAGE = 0.07  # an answer carrying almost none of the key points' words is never great
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
    poor_odds: float = 0.0  # probability of a poor stance, from the stance model
    stance: dict[str, float] = field(default_factory=dict)  # each stance feature's push toward poor (log-odds)

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


def weigh(values: dict[str, float], weights: Weights = WEIGHTS) -> tuple[float, dict[str, float]]:
    """The substance score and each feature's contribution to it."""
    contributions = {name: weight * (values[name] - mean) for name, (weight, mean) in weights.model.items()}
    return sum(contributions.values()), contributions


def stance_odds(values: dict[str, float], substance: float, weights: Weights = WEIGHTS) -> tuple[float, dict[str, float]]:
    """The probability that the answer takes a poor stance, and each feature's push toward it (log-odds)."""
    pushes = {name: weight * (values[name] - mean) for name, (weight, mean) in weights.stance.items()}
    pushes["substance"] = weights.stance_margin * (substance - weights.thresholds[0])
    z = weights.stance_bias + sum(pushes.values())
    return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0))), pushes


def place(substance: float, poor_odds: float, weights: Weights = WEIGHTS) -> int:
    """1-5: great (4, 5) by substance; below it, poor (1, 2) or mediocre (3) by the stance odds.

    5 from a quarter of the threshold gap above the great threshold. An answer that is not
    great is poor when the odds of a poor stance reach ``POOR_AT`` (1/5 from ``CLEARLY_POOR_AT``),
    unless its substance is within a quarter-gap of great: the stance decides between neighbouring
    tiers, it does not pull a nearly great answer down two (confident great answers exist too).
    The margin is narrow on purpose: confidently wrong answers use the right vocabulary, so
    their substance often sits high in the mediocre band (measured: half-way cost three of them).
    """
    low, high = weights.thresholds
    quarter = (high - low) / 4
    if substance >= high:
        return 5 if substance >= high + quarter else 4
    if poor_odds >= POOR_AT and substance < high - quarter:
        return 1 if poor_odds >= CLEARLY_POOR_AT else 2
    return 3


def decide(found: Features, substance: float, poor_odds: float, weights: Weights = WEIGHTS) -> tuple[int, str | None]:
    """The score, and the rule that overrode the two models where a mistake would mislead most."""
    values, sig = found.values, found.signals
    score = place(substance, poor_odds, weights)
    if values["off_topic"] >= OFF_TOPIC and values["coverage"] < OFF_TOPIC_COVERAGE:
        return 1, "off_topic"
    if score >= 3 and sig.buzzwords >= 4 and sig.concrete <= 1:
        return 2, "buzzword_soup"
    if score >= 4 and (sig.buzzwords >= 3 or (sig.buzzwords >= 2 and sig.concrete <= 2)):
        return 3, "buzzwords"
    if score >= 4 and sig.poor_language >= 2:
        return 3, "poor_language"
    if score >= 4 and values["coverage"] < THIN_COVERAGE:
        return 3, "thin"
    if score >= 4 and poor_odds >= NEVER_GREAT_AT:
        return 3, "poor_stance"
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
    odds, pushes = stance_odds(found.values, substance)
    rule: str | None
    if found.self_tier is not None:
        # The answer is one of the exemplars: by definition it sits at that exemplar's anchor.
        score, rule = {"poor": 1, "mediocre": 3, "great": 5}[found.self_tier], "exemplar"
    else:
        score, rule = decide(found, substance, odds)
    anchors = anchor_scores(question, context)
    return Assessment(question, found, substance, contributions, anchors, score, rule, odds, pushes)
