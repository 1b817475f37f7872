"""Turning an offline assessment into a ``GradeVerdict`` a candidate can trust.

Everything said about the answer comes from typed claims (``offline/claims.py``), each backed
by the candidate's own words where it says something is there. The explanation places the
answer on the exemplars' scale, gives the claims that decide it, and says what the offline
grader cannot check. Gaps are the key points known not to be there (with the authored reason
each matters), then what the whole answer never does (say what you did). Where no gap can be
named with confidence, the explanation ends with a probe to practise. Red flags and the rubric's
misconceptions the answer states come first, each quoting the candidate's words. Which claims are made at
which grade is set in ``offline/claims.py``; no strength is claimed (none passed the audit).
"""

from __future__ import annotations

from collections import Counter

from mock_interviewer.grade_model import Claim, Gap, GradeVerdict
from mock_interviewer.injection import looks_like_injection
from mock_interviewer.offline import claims as said
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.coverage import importance
from mock_interviewer.offline.evidence import Findings
from mock_interviewer.offline.grading import Assessment
from mock_interviewer.offline.guards import OFF_QUESTION

MAX_GAPS = 5

_PLACE = {
    "great": "your answer is on a par with the great exemplar",
    "mediocre": "your answer sits with the mediocre exemplar",
    "poor": "your answer sits with the poor exemplar",
}
LIMITS = "The offline grader cannot check whether what you say is correct; a language model grader can."
_DIMENSION_GAPS = {
    "no_first_person": Gap(
        point="Your own part: what you decided, built or changed, not only what 'we' do.",
        why_it_matters="An interviewer is hiring you: they need to hear your judgement and your actions.",
    ),
}


def all_claims(assessment: Assessment, weights: list[float]) -> list[Claim]:
    """Every claim the grader makes about the answer, in the order a reader meets them.

    ``weights``: how much each key point separates the great exemplar (``coverage.importance``).
    """
    question, findings, tier = assessment.question, assessment.findings, assessment.tier
    flags = _one_per_quote(said.flag_claims(findings, tier) + said.misconception_claims(findings, tier))
    order = sorted(range(len(question.key_points)), key=lambda i: (-weights[i], i))
    dimensions = said.dimension_claims(findings)
    missing = said.point_claims(findings, order, tier)[: MAX_GAPS - len(dimensions)]
    return said.shipped(flags + missing + dimensions)


def _one_per_quote(claims: list[Claim]) -> list[Claim]:
    """Each stretch of the answer is quoted once: the first claim about it stands."""
    seen: set[str] = set()
    out = []
    for claim in claims:
        key = claim.quotes[0] if claim.quotes else claim.text
        if key not in seen:
            seen.add(key)
            out.append(claim)
    return out


def next_probe(assessment: Assessment, weights: list[float]) -> str:
    """The bank's probe for the most important key point the answer has not shown ('' when there is none)."""
    from mock_interviewer.offline.followups import probe_for, rank_gaps

    question = assessment.question
    if not question.probes or assessment.guard in (*OFF_QUESTION, "exemplar"):
        return ""
    gaps = rank_gaps(assessment.points, assessment.findings, weights)
    if assessment.tier == "great":
        # a strong answer is asked only about a point known to be missing: readers found a probe for a point it
        # had made in other words confusing (hold-out C)
        missing = {f.index for f in assessment.findings.missing}
        gaps = [g for g in gaps if g.index in missing]
    return probe_for(question, gaps[0], assessment.findings.text) if gaps else ""


def _as_clause(point: str) -> str:
    """A key point ("Uses a token bucket …") as a clause after "also" ("uses a token bucket …")."""
    point = point.strip().rstrip(".")
    if len(point) > 1 and point[0].isupper() and point[1].islower():
        point = point[0].lower() + point[1:]
    return point


def explanation(assessment: Assessment, claims: list[Claim], next_probe: str = "") -> str:
    """Plain words for the candidate: where the answer sits, the claims that decide it, and the grader's limits.

    Where no missing point can be named with confidence, ``next_probe`` (the bank's probe for the
    most important point not found in the answer) gives the candidate something to practise: a
    question, which claims nothing about the answer.
    """
    tier, score = assessment.tier, assessment.score
    parts = [f"Offline estimate (no language model): {_PLACE[tier]} ({score}/5)."]
    if assessment.guard == "exemplar":
        parts.append(f"This answer is the bank's own {assessment.features.self_tier} exemplar for the question.")
    holding = [c.text for c in claims if c.kind == "red_flag"]
    if assessment.guard == "unverified" and holding:
        parts.append("It is graded no higher than mediocre because of what it says here:")
    elif assessment.guard == "unverified" and not assessment.findings.addressed:
        parts.append(
            "It is graded no higher than mediocre because of a limit of this grader, not a verdict on the answer: "
            "it matched none of the question's key points to the wording it knows for them, and then it does not "
            "award great where its model sees even a small chance that the answer is poor. A strong answer in "
            "other words can miss those lists."
        )
    elif assessment.guard == "argued":
        # the reasons the guard counted, in what the tier weighs: the claims' reading may differ in what it cut (v23)
        parts.append(_argued_sentence(assessment.weighed_findings))
    parts += holding
    parts += [c.text for c in claims if c.kind == "states_misconception"]
    missing = [c.subject for c in claims if c.kind == "misses_point" and c.subject][:2]
    if missing and tier != "great":
        parts.append("The great answer also " + "; and ".join(_as_clause(p) for p in missing) + ".")
    elif next_probe:
        parts.append(f"To go further, answer this: “{next_probe}”")
    parts.append(LIMITS)
    return " ".join(parts)


def _argued_sentence(findings: Findings) -> str:
    """Why an answer dense with reasons is held at mediocre, saying only what was counted.

    The words are counted, not read: whether each "so" gives a reason was not audited by readers, so
    the sentence names the words and how often they stand, with the first in the candidate's words.
    """
    counted = Counter(findings.text[r.start : r.end].strip().lower() for r in findings.reasons)
    words = ", ".join(f"“{word}” {n}×" for word, n in counted.most_common())
    return (
        f"It is graded no higher than mediocre: in {findings.word_count} words it says {words} (the first: "
        f"“{findings.quote(findings.reasons[0])}”), and the offline grader cannot check whether the reasons "
        "an answer gives hold."
    )


def gaps(assessment: Assessment, claims: list[Claim]) -> list[Gap]:
    """The key points not in the answer (most discriminating first), then what it never does."""
    question = assessment.question
    out: list[Gap] = []
    for claim in claims:
        if claim.kind == "misses_point" and claim.subject in question.key_points:
            note = question.point_note(question.key_points.index(claim.subject))
            why = note.why if note else "The great exemplar has it and this answer does not."
            out.append(Gap(point=claim.subject, why_it_matters=why))
    return out + [_DIMENSION_GAPS[c.kind] for c in claims if c.kind in _DIMENSION_GAPS]


def offline_verdict(assessment: Assessment, answer: str, context: OfflineContext) -> GradeVerdict:
    """The ``GradeVerdict`` of an assessment; ``suspicious`` flags injected instructions (which were ignored)."""
    weights = importance(assessment.question, context.corpus)
    claims = all_claims(assessment, weights)
    return GradeVerdict(
        strengths=[],  # no claim of what an answer does well passed the audit (see offline/claims.py)
        gaps=gaps(assessment, claims),
        explanation=explanation(assessment, claims, next_probe(assessment, weights)),
        suspicious=looks_like_injection(answer),
        tier=assessment.tier,  # type: ignore[arg-type]
        score=assessment.score,
        claims=claims,
    )
