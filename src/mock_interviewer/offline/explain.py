"""Turning an offline assessment into a ``GradeVerdict`` a candidate can act on.

The explanation says plainly that this is an offline estimate, where the answer sits
relative to this question's three exemplars, which features lifted it and which held it
back, and what the great answer has that this one lacks. Gaps are the uncovered key
points, most discriminating first, each with why it matters (the red flag an answer
without it drifts toward), plus the missing dimensions (concreteness, ownership, reasoning).
"""

from __future__ import annotations

from mock_interviewer.bank import Question
from mock_interviewer.grades import Gap, GradeVerdict
from mock_interviewer.injection import looks_like_injection
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.coverage import PointCoverage, importance
from mock_interviewer.offline.grading import Assessment
from mock_interviewer.offline.signals import named_terms, stance_phrases
from mock_interviewer.offline.text import shorten

MAX_GAPS = 5

_LIFTS = {
    "coverage": "{coverage_lift}",
    "length": "it goes into enough detail",
    "concrete_rel": "it names concrete techniques or numbers ({terms})",
    "ownership": "it says what you yourself decided or did",
    "reasoning": "it explains reasons and trade-offs",
    "like_great": "its substance resembles the great exemplar's",
    "like_mediocre": "it stays on the substance the exemplars share",
    "like_poor": "it avoids what the poor exemplar says",
    "poor_language": "it avoids the language of a poor answer",
    "buzzwords": "it avoids buzzwords",
    "off_topic": "it stays on this question",
    "wording": "it is worded like a strong answer{strong_words}",
}
# Only features whose presence is a merit are named as lifts ("avoids buzzwords" is not praise).
_SHOWN_LIFTS = ("coverage", "length", "concrete_rel", "ownership", "reasoning", "wording")
# Why an answer reads as poor rather than mediocre: each stance feature's push, in plain words.
_STANCE_HOLDS = {
    "certainty": "it states things as certainties ({certain}) instead of saying when and why",
    "dismissal": "it brushes concerns aside or leans on conviction instead of reasons ({dismissed})",
    "negations": "it says more about what you don't do than about what you do",
    "relevance": "much of it is about things a strong answer to this question does not rely on",
    "red_flags": "it echoes a red flag interviewers listen for: “{flag}”",
    "poor_language": "it uses phrases typical of a poor answer ({kinds})",
    "wording": "it is worded like a poor answer{poor_words}",
}
# What held an answer back (toward poor rather than great): the stance reasons, and these.
_HOLDS = {
    **_STANCE_HOLDS,
    "coverage": "it covers {covered} of the {total} key points",
    "length": "it is brief, with little room for how and why",
    "concrete_rel": "it names fewer concrete techniques, tools or numbers than the exemplars",
    "ownership": "it does not say what you yourself decided or did",
    "reasoning": "it gives no reasons or trade-offs (when, why, at what cost)",
    "like_great": "little of it resembles the great exemplar",
    "like_mediocre": "little of it matches the substance the exemplars share",
    "like_poor": "it reads like the poor exemplar",
    "buzzwords": "it leans on buzzwords instead of mechanisms",
    "off_topic": "it drifts toward a different question",
    "wording": "it is worded like a weaker answer{poor_words}",  # not "poor": the answer may be mediocre
}
# Features that say the same thing in another form are explained under one name.
_SAME_AS = {
    "points_covered": "coverage",
    "coverage_rel": "coverage",
    "length_rel": "length",
    "concrete": "concrete_rel",
    "ownership_rel": "ownership",
    "reasoning_rel": "reasoning",
    "red_flag_max": "red_flags",
    "wording_poor": "wording",
    "wording_mediocre": "wording",
    "wording_great": "wording",
}
_KIND_WORDS = {
    "reactive": "waiting for problems",
    "hand_off": "handing the problem to someone else",
    "dismissive": "waving it away",
    "shortcut": "shortcuts or heroics",
    "blame": "blame or pressure",
    "absolute": "absolutes instead of judgement",
}
_DIMENSION_GAPS = {
    "concrete_rel": Gap(
        point="Concrete mechanisms: named techniques, tools or numbers from a real case.",
        why_it_matters="Specifics show you have done it rather than read about it; generic answers sound rehearsed.",
    ),
    "ownership": Gap(
        point="Your own part: what you decided, built or changed, not only what 'we' do.",
        why_it_matters="An interviewer is hiring you; they need to hear your judgement and actions.",
    ),
    "reasoning": Gap(
        point="Trade-offs: when you would do this, why, and what it costs.",
        why_it_matters="Knowing the cost and the limits of an approach is what separates senior judgement from a recipe.",
    ),
}


def _grouped(pushes: dict[str, float]) -> list[tuple[str, float]]:
    """Pushes summed under one name per idea, smallest first."""
    total: dict[str, float] = {}
    for name, value in pushes.items():
        key = _SAME_AS.get(name, name)
        total[key] = total.get(key, 0.0) + value
    return sorted(total.items(), key=lambda kv: (kv[1], kv[0]))


def _quoted(words: list[str]) -> str:
    return " (" + ", ".join(f"“{w}”" for w in words) + ")" if words else ""


def _fill(template: str, assessment: Assessment, answer: str) -> str:
    sig = assessment.features.signals
    terms = ", ".join(sorted(named_terms(answer))[:4])
    kinds = ", ".join(_KIND_WORDS[k] for k in sig.poor_labels()) or "none"
    flags = sorted(assessment.features.flags, key=lambda f: (-f.share, f.index))
    flag = flags[0].flag.rstrip(".") if flags else ""
    certain = ", ".join(f"“{w}”" for w in stance_phrases(answer, "certainty"))
    dismissed = ", ".join(f"“{w}”" for w in stance_phrases(answer, "dismissal"))
    covered = len(assessment.covered)
    coverage_lift = (
        f"it covers {covered} of the {len(assessment.points)} key points"
        if covered
        else "it touches on several of the key points, though none fully"
    )
    return template.format(
        coverage_lift=coverage_lift,
        covered=len(assessment.covered),
        total=len(assessment.points),
        terms=terms,
        kinds=kinds,
        flag=flag,
        certain=certain,
        dismissed=dismissed,
        strong_words=_quoted(assessment.wording.get("great", [])),
        poor_words=_quoted(assessment.wording.get("poor", [])),
    )


def _whys(question: Question, points: list[PointCoverage], context: OfflineContext) -> list[str]:
    """Why each missing key point matters: the red flag an answer without it drifts toward.

    Each red flag goes to the one point it is most related to (by shared rare words); points
    left without one get a plain reason.
    """
    from mock_interviewer.offline.probes import red_flag_overlap

    pairs = sorted(
        (
            (red_flag_overlap(flag, point.point, context.corpus), -i, -j, i, flag)
            for i, point in enumerate(points)
            for j, flag in enumerate(question.red_flags)
        ),
        reverse=True,
    )
    chosen: dict[int, str] = {}
    used: set[str] = set()
    for overlap, _, _, i, flag in pairs:
        if overlap > 0 and i not in chosen and flag not in used:
            chosen[i] = flag
            used.add(flag)
    out = []
    for i in range(len(points)):
        if i in chosen:
            flag = chosen[i].rstrip(".")
            out.append(f"Without it, the answer drifts toward a red flag interviewers listen for: “{flag}”.")
        else:
            out.append("It is what separates a great answer to this question from a mediocre one.")
    return out


def gaps(assessment: Assessment, context: OfflineContext) -> list[Gap]:
    """Missing key points (most discriminating first), then missing dimensions, at most ``MAX_GAPS``."""
    question = assessment.question
    weights = importance(question, context.corpus)
    ranked = sorted(assessment.uncovered, key=lambda p: (-weights[p.index], p.index))
    weak = [name for name, value in _grouped(assessment.contributions) if value < 0]
    extra = [_DIMENSION_GAPS[name] for name in weak if name in _DIMENSION_GAPS]
    if assessment.tier == "great":  # fewer, so the few that remain stand out
        shown, extra = ranked[:2], extra[:1]
    else:
        extra = extra[:2]
        shown = ranked[: MAX_GAPS - len(extra)]
    whys = _whys(question, shown, context)
    return [Gap(point=p.point, why_it_matters=why) for p, why in zip(shown, whys, strict=True)] + extra


def strengths(assessment: Assessment, answer: str) -> list[str]:
    out = [f"Covers: {p.point}" for p in assessment.covered]
    sig = assessment.features.signals
    if sig.concrete >= 2:
        out.append(f"Concrete: names {_fill('{terms}', assessment, answer) or 'specific numbers'}.")
    if sig.ownership >= 1:
        out.append("Ownership: says what you decided or did.")
    if sig.reasoning >= 2:
        out.append("Reasoning: explains why, and what it costs.")
    return out


def _reasons(assessment: Assessment, answer: str) -> tuple[list[str], list[str]]:
    """What lifted the answer and what held it back, largest first.

    For a poor answer the stance comes first: it is what separates it from a mediocre one.
    The same idea is never given twice (poor-answer phrases count in both models).
    """
    ranked = [(name, value) for name, value in _grouped(assessment.contributions) if name in _HOLDS]
    held = [name for name, value in ranked[:2] if value < -0.3]
    holds = [_fill(_HOLDS[name], assessment, answer) for name in held]
    if assessment.tier == "poor":
        pushes = sorted(
            ((name, value) for name, value in _grouped(assessment.stance) if name in _STANCE_HOLDS and value > 0.3),
            key=lambda kv: -kv[1],
        )
        stance = [name for name, _ in pushes[:2]]
        rest = [_fill(_HOLDS[name], assessment, answer) for name in held if name not in stance]
        holds = [_fill(_STANCE_HOLDS[name], assessment, answer) for name in stance] + rest[: 3 - len(stance)]
    positive = [(name, value) for name, value in reversed(ranked) if name in _SHOWN_LIFTS and value > 0.3]
    lifts = [_fill(_LIFTS[name], assessment, answer) for name, _ in positive[:2]]
    return lifts, holds


_PLACE = {
    "great": "your answer is on a par with the great exemplar",
    "mediocre": "your answer sits with the mediocre exemplar",
    "poor": "your answer sits with the poor exemplar",
}


def _as_clause(point: str) -> str:
    """A key point ("Uses a token bucket …") as a clause after "also" ("uses a token bucket …")."""
    point = point.strip().rstrip(".")
    if len(point) > 1 and point[0].isupper() and point[1].islower():
        point = point[0].lower() + point[1:]
    return point


def explanation(assessment: Assessment, answer: str, context: OfflineContext) -> str:
    """Plain words for the candidate: where the answer sits, why, and what the great answer adds.

    The internal substance score and thresholds stay out of it: they mean nothing to a candidate.
    """
    tier, score = assessment.tier, assessment.score
    parts = [f"Offline estimate (no language model): {_PLACE[tier]} ({score}/5)."]
    if assessment.guard == "exemplar":
        parts.append(f"This answer is the bank's own {assessment.features.self_tier} exemplar for the question.")
    elif assessment.guard == "off_topic":
        other = assessment.features.nearest_other
        parts.append(
            "It reads as an answer to a different question"
            + (f" ({other}: {shorten(context.questions[other].text, 80)})" if other in context.questions else "")
            + ", so it is graded poor."
        )
    elif assessment.guard == "buzzword_soup":
        parts.append("It is fluent but made of buzzwords, with no technique, tool or number behind them, so it is graded poor.")
    elif assessment.guard == "buzzwords":
        parts.append("It is fluent but built on buzzwords with no concrete mechanism, so it cannot be graded great.")
    elif assessment.guard == "poor_language":
        parts.append("It uses several phrases typical of a poor answer, so it cannot be graded great.")
    elif assessment.guard == "poor_stance":
        parts.append("It has the substance of a strong answer but takes the stance of a poor one, so it cannot be graded great.")
    elif assessment.guard == "thin":
        parts.append("It says little about this question's key points, so it cannot be graded great.")
    lifts, holds = _reasons(assessment, answer)
    if lifts:
        parts.append("In its favour: " + "; ".join(lifts) + ".")
    if holds:
        parts.append("Held back because " + "; ".join(holds) + ".")
    missing = gaps(assessment, context)
    key_missing = [g.point for g in missing if g.point in assessment.question.key_points][:2]
    if key_missing and tier != "great":
        parts.append("The great answer also " + "; and ".join(_as_clause(p) for p in key_missing) + ".")
    return " ".join(parts)


def verdict(assessment: Assessment, answer: str, context: OfflineContext) -> GradeVerdict:
    """The ``GradeVerdict`` of an assessment; ``suspicious`` flags injected instructions (which were ignored)."""
    return GradeVerdict(
        strengths=strengths(assessment, answer),
        gaps=gaps(assessment, context),
        explanation=explanation(assessment, answer, context),
        suspicious=looks_like_injection(answer),
        tier=assessment.tier,  # type: ignore[arg-type]
        score=assessment.score,
    )
