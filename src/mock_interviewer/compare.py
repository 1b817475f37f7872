"""What changed between two graded attempts at the same question: the score, the key points the new
answer now covers, those still missing and any newly missing.

A grade names what an answer lacks in its ``gaps`` (and, offline, its ``misses_point`` claims). Each is
mapped to the question's key point it talks about (``summary.match_key_point``, word overlap), so a model's
paraphrase and the rubric's wording count as the same point; a gap that matches no key point is kept in
the grade's own words.

A point counts as *now covered* only when the new grade says so: it names other points as missing but not
this one, or one of its strengths is about it. A grade that names nothing missing and no strength about
the point (the offline grader near the great exemplar) confirms nothing: such points are reported as *no
longer named*, never as covered.
"""

from __future__ import annotations

from mock_interviewer.bank import Question
from mock_interviewer.grade_model import Grade
from mock_interviewer.strict import StrictModel
from mock_interviewer.summary import match_key_point


class AttemptComparison(StrictModel):
    previous_score: int
    score: int
    change: int
    now_covered: list[str]
    still_missing: list[str]
    newly_missing: list[str]
    no_longer_named: list[str]


def missing_points(grade: Grade, question: Question | None) -> list[str]:
    """The key points (or the grade's own words) a graded answer lacks, most important first, once each."""
    key_points = question.key_points if question else []
    found: list[str] = []
    texts = [gap.point for gap in grade.gaps]
    texts += [claim.subject or claim.text for claim in grade.claims if claim.kind == "misses_point"]
    for text in texts:
        point = match_key_point(text, key_points) or text
        if point not in found:
            found.append(point)
    return found


def compare_attempts(previous: Grade, current: Grade, question: Question | None) -> AttemptComparison:
    """The new attempt against the one before it (both graded)."""
    if previous.score is None or current.score is None:
        raise ValueError("compare_attempts needs two graded attempts")
    before, now = missing_points(previous, question), missing_points(current, question)
    gone = [p for p in before if p not in now]
    key_points = question.key_points if question else []
    strengths = {match_key_point(text, key_points) or text for text in current.strengths}
    covered = gone if now else [p for p in gone if p in strengths]
    return AttemptComparison(
        previous_score=previous.score,
        score=current.score,
        change=current.score - previous.score,
        now_covered=covered,
        still_missing=[p for p in now if p in before],
        newly_missing=[p for p in now if p not in before],
        no_longer_named=[p for p in gone if p not in covered],
    )
