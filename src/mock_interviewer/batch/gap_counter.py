"""The most common gaps of a batch, told apart: gaps about a question, and gaps about any answer.

A gap is *question-specific* when it names one of its question's key points, or, for a model's
free-text gaps, when it is seen under one question only. It is *generic* when the same words
are seen under two or more questions ("concrete mechanisms", "trade-offs", "their own part": they
say nothing about a question), or when the offline grader gave it without naming a key point (its
only such gaps are about the whole answer, such as saying what the speaker did). The report ranks
the specific gaps by how many answers lack them and lists the generic ones apart.

Bounded memory (lossy counting): when the distinct gaps pass a cap, the rarest are forgotten; a
gap seen once among thousands cannot be among the most common.
"""

from __future__ import annotations

import re
from collections import Counter

from mock_interviewer.batch.report_model import CandidateGap, CommonGaps, GapRow

GAP_COUNTER_CAP = 5000
GENERIC_RULE = (
    "generic: the same gap is seen under two or more questions, or the offline grader gave it without naming "
    "a key point of the question"
)


class GapCounter:
    def __init__(self, cap: int = GAP_COUNTER_CAP) -> None:
        self.cap = cap
        self.counts: Counter[str] = Counter()
        self.shown: dict[str, str] = {}
        self.questions: dict[str, set[str]] = {}
        self.names_point: set[str] = set()
        self.unnamed_offline: set[str] = set()
        self.floor = 0

    @staticmethod
    def normal(text: str) -> str:
        return re.sub(r"[\s.;:!]+$", "", " ".join(text.lower().split()))

    def add(self, text: str, question_id: str = "", *, names_point: bool = False, estimate: bool = False) -> None:
        key = self.normal(text)
        if not key:
            return
        self.counts[key] += 1
        self.shown.setdefault(key, text.strip())
        if question_id:
            self.questions.setdefault(key, set()).add(question_id)
        if names_point:
            self.names_point.add(key)
        elif estimate:
            self.unnamed_offline.add(key)
        if len(self.counts) > self.cap:
            self.floor += 1
            for rare in [k for k, n in self.counts.items() if n <= self.floor]:
                del self.counts[rare]
                self.shown.pop(rare, None)
                self.questions.pop(rare, None)
                self.names_point.discard(rare)
                self.unnamed_offline.discard(rare)

    def is_generic(self, key: str) -> bool:
        if key in self.names_point:
            return False
        return key in self.unnamed_offline or len(self.questions.get(key, ())) >= 2

    def most_common(self, n: int) -> list[tuple[str, int]]:
        return [(self.shown[k], c) for k, c in self.counts.most_common(n) if c > 1 or len(self.counts) <= n]

    def ranked(self, n: int, judge: GapCounter | None = None) -> list[CandidateGap]:
        """The ``n`` most common gaps, even those seen once (one candidate's answers: few of each), each said
        to be generic or not by ``judge`` (the whole batch's counter, which has seen every question) when it
        still holds the gap, else by this counter."""
        rows = []
        for key, count in self.counts.most_common(n):
            by = judge if judge is not None and key in judge.counts else self
            rows.append(CandidateGap(gap=self.shown[key], answers=count, questions=sorted(self.questions.get(key, ())),
                                     generic=by.is_generic(key)))
        return rows

    def summary(self, n: int) -> CommonGaps:
        """The ``n`` most common specific gaps, and the ``n`` most common generic ones."""
        specific: list[GapRow] = []
        generic: list[GapRow] = []
        few = len(self.counts) <= n
        for key, count in self.counts.most_common():
            if count < 2 and not few:
                break
            into = generic if self.is_generic(key) else specific
            if len(into) < n:
                into.append(GapRow(gap=self.shown[key], answers=count, questions=sorted(self.questions.get(key, ()))))
            if len(specific) >= n and len(generic) >= n:
                break
        return CommonGaps(specific=specific, generic=generic, rule=GENERIC_RULE)
