"""Which questions separate candidates: item analysis over a batch's grades.

For each question, the *discrimination* is the corrected item-total correlation: over the
candidates who have graded answers to at least ``MIN_QUESTIONS`` questions, including this one,
the Pearson correlation between their score on this question and the mean of their scores on
the *other* questions (the question itself is left out of the total, hence "corrected"; the mean
rather than the sum, because candidates may answer different sets of questions). A question that
good candidates do well on and weak candidates do poorly on correlates well (0.3 and above is
usually called good); one near 0 says nothing about the candidate, and a negative one runs against
everything else they said.

It is ``None`` with fewer than ``MIN_CANDIDATES`` such candidates, or when the scores on either
side do not vary (a correlation is not defined there). A question is flagged when every graded
answer got the same score, or when its discrimination is below ``WEAK_DISCRIMINATION`` (at or below
``-WEAK_DISCRIMINATION`` it runs against the rest, which usually means the question or its grading is off).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field

MIN_QUESTIONS = 3
MIN_CANDIDATES = 5
WEAK_DISCRIMINATION = 0.2


@dataclass
class ScoreTable:
    """Per candidate and question, the sum and count of graded scores (a candidate may answer twice)."""

    cells: dict[str, dict[str, list[int]]] = field(default_factory=dict)

    def add(self, candidate: str, question_id: str, score: int) -> None:
        cell = self.cells.setdefault(candidate, {}).setdefault(question_id, [0, 0])
        cell[0] += score
        cell[1] += 1

    def means(self, candidate: str) -> dict[str, float]:
        return {q: total / count for q, (total, count) in self.cells[candidate].items()}


@dataclass(frozen=True)
class Discrimination:
    value: float | None
    candidates: int


def discrimination(table: ScoreTable, question_id: str) -> Discrimination:
    """The corrected item-total correlation of ``question_id`` (see the module's note)."""
    item: list[float] = []
    rest: list[float] = []
    for candidate in table.cells:
        means = table.means(candidate)
        if question_id not in means or len(means) < MIN_QUESTIONS:
            continue
        others = [score for q, score in means.items() if q != question_id]
        item.append(means[question_id])
        rest.append(sum(others) / len(others))
    if len(item) < MIN_CANDIDATES:
        return Discrimination(None, len(item))
    try:
        value = statistics.correlation(item, rest)
    except statistics.StatisticsError:  # no spread on one side
        return Discrimination(None, len(item))
    return Discrimination(round(value, 3), len(item))


def flag(scores: Iterable[int], found: Discrimination) -> str | None:
    """Why a question may not separate candidates, or None."""
    distinct = set(scores)
    if len(distinct) == 1 and found.candidates >= 2:
        return f"every graded answer scored {distinct.pop()}: it does not separate candidates"
    if found.value is None:
        return None
    if found.value <= -WEAK_DISCRIMINATION:
        return "scores run against the candidates' other answers (negative discrimination): check the question"
    if found.value < WEAK_DISCRIMINATION:
        return f"does not separate candidates (discrimination below {WEAK_DISCRIMINATION})"
    return None
