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
- A misconception the rubric lists for the question (``misconceptions:`` in ``rubric/``, a wrong claim
  or harmful practice in a strong answer's words) is said as red flags are: of answers graded poor
  only, at most two, each quoting a sentence no other claim quotes. Across the seven audit sets its
  phrases stand affirmed in 208 answers graded poor, but also in 31 graded great and 9 mediocre, where
  they are argued against or said in passing. Readers judged it first on hold-out G: 22/22 true.
"""

from __future__ import annotations

from mock_interviewer.grade_model import Claim, ClaimKind
from mock_interviewer.offline.evidence import Findings, PointFinding
from mock_interviewer.textmatch import PhraseHit, Span, sentence_of

# Claim types that passed the audit. A type left out here is never said.
SHIPPED: frozenset[ClaimKind] = frozenset({"misses_point", "red_flag", "no_first_person", "states_misconception"})
# Shipped before readers judged them: said now, to be dropped from SHIPPED if the reader audit on a fresh
# hold-out finds them under 95% precision. ``tests/test_claims_audit.py`` counts them apart until then.
# (states_misconception: 22/22 judged true by readers on hold-out G, its first audit.)
AWAITING_AUDIT: frozenset[ClaimKind] = frozenset()
# The audit set from which readers judged each type that came later: on earlier sets it is not evidence either way.
FIRST_JUDGED_ON: dict[ClaimKind, str] = {"states_misconception": "holdout_g"}
# Claim types measured and dropped, so no sentence is built for them (docs/offline.md has the figures):
# - rejects_point ("you turned down X"): 50% precision on hold-out B; not used to grade either.
# - dismisses_practice ("that waves a practice away"): 79% on hold-out B; the detector still caps
#   the grade (it catches wrong answers in the right words), without a sentence claiming why.
# - addresses_point ("Addresses X"): 67% on dev2 (hold-out A).
# Not yet audited, so not said: that an answer reads as one to another question, or to none.
MAX_FLAGS = 2
MAX_MISCONCEPTIONS = 2


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


def misconception_claims(findings: Findings, tier: str) -> list[Claim]:
    """The rubric's misconceptions the answer affirms, each quoted from a sentence no red flag quotes.

    Said of answers graded poor only, as red flags are. A sentence is quoted once: a misconception
    whose every hit stands in a sentence already quoted (by a red flag shown or an earlier
    misconception) is not said, so the candidate does not read the same words twice.
    """
    if tier != "poor":
        return []
    quoted = [sentence_of(findings.text, finding.hits[0].span) for finding in findings.shown_flags[:MAX_FLAGS]]
    out: list[Claim] = []
    for finding in findings.claims_made:
        hit = next((h for h in finding.hits if sentence_of(findings.text, h.span) not in quoted), None)
        if hit is None:
            continue
        quoted.append(sentence_of(findings.text, hit.span))
        out.append(
            _quoted(
                "states_misconception",
                findings,
                hit,
                "You said “{said}”: that reads as a mistake strong answers avoid (" + point_text(finding.flag) + ").",
                finding.flag,
            )
        )
    return out[:MAX_MISCONCEPTIONS]


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
