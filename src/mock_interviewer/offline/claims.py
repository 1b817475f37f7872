"""The offline grader's claims about an answer: each one typed, worded once, and backed by the answer's words.

Every sentence the offline backend says about a candidate's answer is one of these claims. A
claim type is shipped only when readers who did not write the detectors agree with it often
enough (``bench/claims_audit.py``, 95% precision); the others are not made. The wording lives
here and nowhere else, so the audit judges exactly what a candidate reads.

What the audit taught is written into *when* each claim is made. Words alone cannot tell a
right answer from a wrong one that uses the same words, so:

- "Addresses X" is never said. Readers agreed with it on strong answers (96.6%), but an answer
  that uses a practice's words while doing it wrong reads the same to a word matcher, and on the
  audit's mix of answers it was true only 67% of the time (hold-out A, offline-v4).
- "Not in your answer: X" and red flags are said only of answers graded poor. Across the four
  judged sets, "Not in your answer" was true 99.4% of the time on answers graded poor (717/721)
  and 86% on those graded mediocre (272/317), red flags 100% on poor (60/60) and 69% on mediocre
  (11/16): a mediocre answer often makes a point in words no list foresees, and its red-flag words
  are as often argued against. Never of an answer graded great.
"""

from __future__ import annotations

from mock_interviewer.grade_model import Claim, ClaimKind
from mock_interviewer.offline.evidence import Findings, PointFinding
from mock_interviewer.textmatch import PhraseHit, Span

# Claim types that passed the audit. A type left out here is never said.
SHIPPED: frozenset[ClaimKind] = frozenset({"misses_point", "red_flag", "no_first_person"})
# Claim types measured and dropped, so no sentence is built for them (docs/offline.md has the figures):
# - rejects_point ("you turned down X"): 50% precision on hold-out B; not used to grade either.
# - dismisses_practice ("that waves a practice away"): 79% on hold-out B; the detector still caps
#   the grade (it catches wrong answers in the right words), without a sentence claiming why.
# - addresses_point ("Addresses X"): 67% on dev2 (hold-out A).
# Not yet audited, so not said: that an answer reads as one to another question, or to none.
MAX_FLAGS = 2


def point_text(point: str) -> str:
    return point.strip().rstrip(".")


def misses(finding: PointFinding) -> Claim:
    return Claim(kind="misses_point", text=f"Not in your answer: {point_text(finding.point)}.", subject=finding.point)


def point_claims(findings: Findings, order: list[int], tier: str) -> list[Claim]:
    """The key points known to be missing, in ``order`` (most important first)."""
    missing: dict[int, PointFinding] = {p.index: p for p in findings.missing} if tier == "poor" else {}
    return [misses(missing[i]) for i in order if i in missing]


def _quoted(kind: ClaimKind, findings: Findings, where: PhraseHit | Span, text: str, subject: str | None = None) -> Claim:
    """A claim about something the candidate said: ``text`` with ``{said}`` filled by their words there."""
    said = findings.quote(where)
    return Claim(kind=kind, text=text.format(said=said), subject=subject, quotes=[said])


def flag_claims(findings: Findings, tier: str) -> list[Claim]:
    if tier != "poor":
        return []
    return [
        _quoted(
            "red_flag",
            findings,
            finding.hits[0],
            "You said “{said}”: interviewers listen for this as a red flag (" + point_text(finding.flag) + ").",
            finding.flag,
        )
        for finding in findings.shown_flags[:MAX_FLAGS]
    ]


def dimension_claims(findings: Findings) -> list[Claim]:
    """What the whole answer never does: say what the speaker did or decided."""
    from mock_interviewer.offline.evidence import MIN_WORDS

    if findings.word_count < MIN_WORDS or findings.first_person:
        return []
    return [
        Claim(
            kind="no_first_person",
            text="Nothing in it says what you yourself did or decided: it speaks of 'we', 'you' or what is done.",
        )
    ]


def shipped(claims: list[Claim]) -> list[Claim]:
    return [c for c in claims if c.kind in SHIPPED]
