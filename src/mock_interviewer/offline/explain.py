"""Turning an offline assessment into a ``GradeVerdict`` a candidate can trust.

Everything said about the answer comes from typed claims (``offline/claims.py``), each backed
by the candidate's own words where it says something is there. The explanation places the
answer on the exemplars' scale, gives the claims that decide it, and says what the offline
grader cannot check. Gaps are the key points known not to be there (with the authored reason
each matters), then what the whole answer never does (say what you did). Where no gap can be
named with confidence, the explanation ends with a probe to practise. Which claims are made at
which grade is set in ``offline/claims.py``; no strength is claimed (none passed the audit).
"""

from __future__ import annotations

from mock_interviewer.grades import Claim, Gap, GradeVerdict
from mock_interviewer.injection import looks_like_injection
from mock_interviewer.offline import claims as said
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.coverage import importance
from mock_interviewer.offline.grading import Assessment

MAX_GAPS = 5
MAX_HOLDING = 3  # red flags, points turned down and practices waved away: at most this many, each quote once

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


def all_claims(assessment: Assessment, context: OfflineContext) -> list[Claim]:
    """Every claim the grader makes about the answer, in the order a reader meets them."""
    question, findings = assessment.question, assessment.findings
    out: list[Claim] = []
    if assessment.guard == "off_topic":
        other = context.questions.get(assessment.features.nearest_other or "")
        if other is not None:
            out.append(said.off_topic(other))
    elif assessment.guard == "unrelated":
        out.append(said.unrelated(question))
    tier = assessment.tier
    holding = said.dismissal_claims(findings, tier) if assessment.guard == "dismissive" else []
    holding += said.flag_claims(findings, tier) + said.rejection_claims(findings, tier) + said.dismissal_claims(findings, tier)
    out += _one_per_quote(holding)[:MAX_HOLDING]
    weights = importance(question, context.corpus)
    order = sorted(range(len(question.key_points)), key=lambda i: (-weights[i], i))
    missing = said.point_claims(findings, order, tier)
    dimensions = said.dimension_claims(findings)
    missing = missing[: MAX_GAPS - len(dimensions)]
    return said.shipped(out + missing + dimensions)


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


def next_probe(assessment: Assessment, context: OfflineContext) -> str:
    """The bank's probe for the most important key point the answer has not shown ('' when there is none)."""
    from mock_interviewer.offline.followups import probe_for, ranked_gaps

    question = assessment.question
    if not question.probes or assessment.guard in ("off_topic", "unrelated", "exemplar"):
        return ""
    gaps = ranked_gaps(question, assessment.findings.text, context)
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
    kinds = {c.kind: c for c in claims}
    if assessment.guard == "exemplar":
        parts.append(f"This answer is the bank's own {assessment.features.self_tier} exemplar for the question.")
    for kind in ("off_topic", "unrelated"):
        if kind in kinds:
            parts.append(kinds[kind].text + " So it is graded poor.")
    holding = [c.text for c in claims if c.kind in ("red_flag", "rejects_point", "dismisses_practice")]
    if assessment.guard == "unverified" and holding:
        parts.append("It is graded no higher than mediocre because of what it says here:")
    elif assessment.guard == "unverified" and not assessment.findings.addressed:
        parts.append(
            "It is graded no higher than mediocre because the grader could not find any of the question's key "
            "points in your words, so it cannot tell that the answer is strong."
        )
    parts += holding
    missing = [c.subject for c in claims if c.kind == "misses_point" and c.subject][:2]
    if missing and tier != "great":
        parts.append("The great answer also " + "; and ".join(_as_clause(p) for p in missing) + ".")
    elif next_probe:
        parts.append(f"To go further, answer this: “{next_probe}”")
    parts.append(LIMITS)
    return " ".join(parts)


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


def verdict(assessment: Assessment, answer: str, context: OfflineContext) -> GradeVerdict:
    """The ``GradeVerdict`` of an assessment; ``suspicious`` flags injected instructions (which were ignored)."""
    claims = all_claims(assessment, context)
    return GradeVerdict(
        strengths=[],  # no claim of what an answer does well passed the audit (see offline/claims.py)
        gaps=gaps(assessment, claims),
        explanation=explanation(assessment, claims, next_probe(assessment, context)),
        suspicious=looks_like_injection(answer),
        tier=assessment.tier,  # type: ignore[arg-type]
        score=assessment.score,
        claims=claims,
    )
