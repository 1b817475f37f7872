"""The offline grader: places an answer on the 1-5 scale of THIS question's exemplars.

Topic similarity is not the tier: every answer to a question shares its topic. The grader
reads two kinds of evidence and weighs them in one multinomial logistic regression (the
*tier model*), whose numbers were fitted by ``bench/fit_offline_grader.py`` and live in
``model.json``:

1. *Named features* (``features.py``), each with a plain meaning: key-point coverage,
   detail, concreteness, ownership, reasoning, the poor answer's language, buzzwords,
   certainty, dismissal, red flags, off-topic drift, and rapidfuzz similarity to each
   exemplar, several of them relative to the question's own exemplars.
2. *Wording* (``lexical.py``): which tier the answer's words and word pairs are typical
   of, learned across every question's labelled answers.

The tier with the highest probability wins. Guards sit on top, because their mistakes would
be the most misleading: an answer much closer to another question's material than to this
one's is poor; buzzwords without substance is poor; an answer built on buzzwords, with
hardly any key point covered, or with a real chance of being poor is never great; one with a
real chance of being great is never poor. Sentences without substance are cut before anything is
read (``substance.py``), so they cannot move a grade.

Grades are deterministic, and each one can say which features decided it: a feature's push
is its weight times its standardised value, toward one tier and away from another.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from pathlib import Path

from mock_interviewer.bank import Question
from mock_interviewer.grade_model import tier_for_score
from mock_interviewer.injection import strip_injection
from mock_interviewer.offline.asides import LIKELY
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.coverage import PointCoverage, coverage
from mock_interviewer.offline.evidence import Findings, as_said_in_whole, read_exchange, says_rubric_phrase
from mock_interviewer.offline.features import Features, evidence_values, features
from mock_interviewer.offline.guards import Guard
from mock_interviewer.offline.lexical import CLASSES, Lexicon
from mock_interviewer.offline.substance import substantive
from mock_interviewer.textmatch import stem

MODEL_FILE = Path(__file__).with_name("model.json")
WORDING_FEATURES = ("wording_poor", "wording_mediocre", "wording_great")

CLEARLY = 0.8  # probability from which a great answer is 5/5 and a poor one 1/5
NEVER_GREAT_AT = 0.3  # probability of poor from which an answer cannot be great, whatever else it has
NEVER_POOR_AT = 0.3  # probability of great from which the tier model's "poor" is mediocre (offline-v7)
THIN_COVERAGE = 0.07  # an answer carrying almost none of the key points' words is never great
OFF_TOPIC = 0.2  # an answer this much closer to another question's material...
OFF_TOPIC_COVERAGE = 0.2  # ...that covers less than this of the key points answers a different question
UNRELATED_RELEVANCE = 0.065  # an answer with no key point found, less than this of its words in the question's material,
UNRELATED_VOCABULARY = 2  # ...and at most this many of its key points' less common words is about something else
COMMON = 0.25  # a word in more than this share of the bank's questions is too common to tie an answer to a topic
ARGUED = 3.0  # reasons per 100 words ("so", "since", "because") from which the grader cannot verify a great answer...
ARGUED_POOR = 0.03  # ...when the tier model gives it at least this chance of being poor (offline-v7)
UNFOUND_POOR = ARGUED_POOR  # v4's ceiling for "no key point found" holds from this chance of poor (offline-v8; v4-v7: 0)
DISMISSALS_FOR_POOR = 2  # an answer that waves this many practices away is poor ("we don't need X", "Y is overkill")


@dataclass(frozen=True)
class Model:
    """The tier model: per feature (mean, scale, weight toward poor, mediocre, great), and the intercepts."""

    weights: dict[str, tuple[float, float, float, float, float]]
    intercepts: tuple[float, float, float]

    def push(self, name: str, value: float, toward: str, against: str) -> float:
        """How far ``value`` of feature ``name`` moves the log-odds of ``toward`` over ``against``."""
        mean, scale, *w = self.weights[name]
        return (w[CLASSES.index(toward)] - w[CLASSES.index(against)]) * (value - mean) / scale


@dataclass(frozen=True)
class Fitted:
    model: Model
    lexicon: Lexicon


@lru_cache(maxsize=1)
def fitted() -> Fitted:
    """The fitted numbers, read once from ``model.json`` (shipped in the package)."""
    document = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    tier, words = document["tier"], document["wording"]
    model = Model({n: tuple(w) for n, w in tier["features"].items()}, tuple(tier["intercepts"]))
    lexicon = Lexicon({t: tuple(w) for t, w in words["terms"].items()}, tuple(words["intercepts"]))
    return Fitted(model, lexicon)


def probabilities(values: dict[str, float], model: Model | None = None) -> dict[str, float]:
    """The tier model's probability of each tier, from the named features and the wording features."""
    model = model or fitted().model
    z = list(model.intercepts)
    for name, (mean, scale, *w) in model.weights.items():
        standard = (values[name] - mean) / scale
        for k in range(3):
            z[k] += w[k] * standard
    top = max(z)
    exp = [math.exp(v - top) for v in z]
    total = sum(exp)
    return {name: e / total for name, e in zip(CLASSES, exp, strict=True)}


@dataclass(frozen=True)
class Assessment:
    """Everything the offline grader found about one answer, and its placement."""

    question: Question
    features: Features
    probabilities: dict[str, float]
    contributions: dict[str, float]  # each feature's push toward great rather than poor (log-odds)
    score: int
    guard: Guard | None  # the rule that overrode the tier model, if any (offline/guards.py)
    findings: Findings
    weighed_findings: Findings  # the findings the guards read (``Reading.weighed_findings``)
    stance: dict[str, float] = field(default_factory=dict)  # each feature's push toward poor rather than mediocre

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


def place(probs: dict[str, float]) -> int:
    """1-5 from the tier probabilities: the likeliest tier; 5 or 1 when it is clearly so."""
    tier = max(CLASSES, key=lambda t: probs[t])
    if tier == "great":
        return 5 if probs["great"] >= CLEARLY else 4
    if tier == "poor":
        return 1 if probs["poor"] >= CLEARLY else 2
    return 3


def decide(found: Features, probs: dict[str, float], findings: Findings, topic_words: int = 99) -> tuple[int, Guard | None]:
    """The score, and the rule that overrode the tier model where a mistake would mislead most.

    Where the question has evidence notes, great is a ceiling the grader must verify: it needs
    a key point found in the answer's own words, no red flag and no practice waved away; wording
    alone never makes an answer great. (A key point "turned down" is not used: readers agreed with
    that reading only half the time on hold-out B.) Two practices waved away
    make an answer poor, on any question. ``topic_words`` counts the less common words the answer
    shares with its key points: with none found and nearly none of those, it is about something else.
    """
    values, sig = found.values, found.signals
    score = place(probs)
    if values["off_topic"] >= OFF_TOPIC and values["coverage"] < OFF_TOPIC_COVERAGE:
        return 1, "off_topic"
    if len(findings.dismissals) >= DISMISSALS_FOR_POOR:
        return 1, "dismissive"
    nothing_of_it = not findings.addressed and not findings.rejected and topic_words <= UNRELATED_VOCABULARY
    if findings.has_notes and nothing_of_it and values["relevance"] < UNRELATED_RELEVANCE:
        return 1, "unrelated"
    # A red flag shown or a practice waved away always caps great. No key point found caps it only where the tier model
    # also sees some risk of poor (offline-v8, v7's ``ARGUED_POOR`` reused, not tuned): held out by writer and question it
    # capped great answers said in words no evidence list foresaw (8 freed, all labelled great; no poor or mediocre).
    # One key point found is the bar: a quarter of the points was measured to cap strong answers made in words
    # no evidence list foresaw (hold-out 5: 92.7% in the right tier fell to 88.1%) and caught no more wrong ones.
    unverified = findings.shown_flags or findings.dismissals or (not findings.addressed and probs["poor"] >= UNFOUND_POOR)
    if score >= 4 and findings.has_notes and unverified:
        return 3, "unverified"
    # Answers that borrow the great exemplar's words to argue for wrong practices ("100% coverage, so the code is
    # correct") argue for their choices far more densely than strong ones: on the audit's dev sets 84 of the 95
    # answers at this density were poor, 6 great. Whether the reasons hold is what the grader cannot check.
    # offline-v7's tier model, which has read such answers, is sure of most strong ones: held out by writer and
    # question, the cap hit 25 great answers and 3 poor ones, and of those only 3 great had a 3% chance of poor or more.
    if score >= 4 and findings.has_notes and findings.reasons_per_100_words >= ARGUED and probs["poor"] >= ARGUED_POOR:
        return 3, "argued"
    if score >= 3 and sig.buzzwords >= 4 and sig.concrete <= 1:
        return 2, "buzzword_soup"
    if score >= 4 and (sig.buzzwords >= 3 or (sig.buzzwords >= 2 and sig.concrete <= 2)):
        return 3, "buzzwords"
    if score >= 4 and values["coverage"] < THIN_COVERAGE:
        return 3, "thin"
    if score >= 4 and probs["poor"] >= NEVER_GREAT_AT:
        return 3, "poor_stance"
    # The mirror rule: torn between poor and great, the grader says mediocre, off by a tier at worst. Held out by
    # writer and question (offline-v7) it turned 1 great answer graded poor, and 3 poor answers, into mediocre.
    if score <= 2 and probs["great"] >= NEVER_POOR_AT:
        return 3, "great_chance"
    return score, None


@dataclass(frozen=True)
class Reading:
    """What the grader reads from an answer before weighing it: the text it grades, its features and findings."""

    text: str  # the answer with injected instructions and sentences without substance removed: what claims are read from
    features: Features  # what the tier weighs, read from ``weighed``; its key points are those found in ``text``
    findings: Findings  # what the claims say, read from ``text``
    topic_words: int  # the less common words ``weighed`` shares with the key points
    weighed: str  # ``text`` without what is more likely an aside than not: what the tier weighs (offline-v17)
    weighed_findings: Findings  # the findings of ``weighed``, which the tier's guards read (offline-v19)


def read_texts(question: Question, answer: str, context: OfflineContext) -> tuple[str, str, str]:
    """The answer without injected instructions; of that the sentences with substance, what claims are read from; and
    of those the sentences the tier weighs (``Reading``)."""
    context.include(question)
    whole = strip_injection(answer) or answer
    own, says = context.material(question), partial(says_rubric_phrase, question)
    text = substantive(whole, own, context.corpus, says)
    weighed = substantive(whole, own, context.corpus, says, LIKELY)
    # where nothing is left at ``LIKELY``, the answer is read whole (``substantive``): the tier weighs ``text``
    return whole, text, text if weighed == whole else weighed


def read(question: Question, answer: str, context: OfflineContext) -> Reading:
    """The features and findings of ``answer``; injected instructions and sentences without substance are removed first.

    The tier's features and the findings its guards read are read from the answer without what is more likely an
    aside than not (``LIKELY``), so a long story the aside model doubts moves no grade, not even by its length
    (offline-v19); the key points found, the findings and so every claim are read from the answer without only what
    it is sure of (``ASIDE``), so nothing the candidate said is denied on a doubt.
    """
    whole, text, weighed = read_texts(question, answer, context)
    found = features(question, text, context)
    findings = weighed_findings = read_exchange(question, text, found.points)
    if weighed != text:
        weighed_found = features(question, weighed, context)
        weighed_findings = read_exchange(question, weighed, weighed_found.points)
        found = replace(weighed_found, points=found.points)
    found = replace(found, values={**found.values, **evidence_values(weighed_findings, len(question.key_points))})
    if text != whole and (findings.missing or not findings.first_person):
        # what the claims say of the whole answer (a point missing, no "I") is checked on the whole answer; read again
        # only where the cut could have changed it
        findings = as_said_in_whole(findings, read_exchange(question, whole, coverage(question, whole, context.corpus)))
    corpus = context.corpus
    rare = [w for w in weighed_findings.vocabulary if corpus.df.get(stem(w), 0) <= COMMON * corpus.documents]
    return Reading(text, found, findings, len(rare), weighed, weighed_findings)


def assess(question: Question, answer: str, context: OfflineContext) -> Assessment:
    """Grade the substance of ``answer`` against the question's exemplars; injected instructions are removed first."""
    reading = read(question, answer, context)
    found, findings = reading.features, reading.findings
    model, lexicon = fitted().model, fitted().lexicon
    values = {**found.values, **lexicon.features(lexicon.vector(reading.weighed))}
    probs = probabilities(values, model)
    contributions = {name: model.push(name, values[name], "great", "poor") for name in model.weights}
    stance = {name: model.push(name, values[name], "poor", "mediocre") for name in model.weights}
    rule: Guard | None
    if found.self_tier is not None:
        # The answer is one of the exemplars: by definition it sits at that exemplar's anchor.
        score, rule = {"poor": 1, "mediocre": 3, "great": 5}[found.self_tier], "exemplar"
    else:
        score, rule = decide(found, probs, reading.weighed_findings, reading.topic_words)
    return Assessment(question, found, probs, contributions, score, rule, findings, reading.weighed_findings, stance)
