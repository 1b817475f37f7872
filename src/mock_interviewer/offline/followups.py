"""Offline follow-ups: ask about the most important key point the candidate has not shown yet.

The question comes from the bank's ``probes`` (one interviewer-voice question per key
point, written so it does not give the point away). For a user bank without probes
it is a generic question aimed at the topic and at the dimension the answer lacks most
(a concrete example, the speaker's own decision, or the trade-off). The key point's
text and the exemplars never appear in what the candidate is asked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mock_interviewer.backends.base import Task, Turn
from mock_interviewer.bank import Question
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.coverage import PointCoverage, coverage, importance
from mock_interviewer.offline.evidence import Findings
from mock_interviewer.offline.guards import OFF_QUESTION
from mock_interviewer.offline.signals import signals
from mock_interviewer.replies import FollowUpDecision

_LEADS = re.compile(
    r"^(?:how|what|why|when|describe|tell me about|walk me through|can you|could you|would you|do you|have you)\b"
    r"(?:\s+(?:do|would|did|have|is|are|was|were|does|you|your|a|an|the|time|when|how|approach|handle|ensure|"
    r"make sure|go about|manage|deal with|balance|measure|decide|keep|design|implement|build|optimize|optimise|"
    r"prioritize|prioritise|improve|handled|managed|approached|describe|tell|me|about|some|way|ways|strategy|"
    r"strategies|process|for|to|of|in|on|you've|you)\b)*",
    re.IGNORECASE,
)


def topic(question: Question) -> str:
    """The subject of a question, for generic follow-ups ("technical debt in your team's codebase")."""
    text = question.text.strip().rstrip("?.! ")
    stripped = _LEADS.sub("", text).strip(" ,")
    return stripped if len(stripped.split()) >= 2 else text


def candidate_text(task: Task) -> str:
    """The candidate's words so far: the task's answer, else the candidate turns of the exchange."""
    if task.answer and task.answer.strip():
        return task.answer
    return "\n\n".join(turn.text for turn in task.exchange if turn.speaker == "candidate")


def already_asked(exchange: Sequence[Turn]) -> set[str]:
    return {" ".join(turn.text.lower().split()) for turn in exchange if turn.speaker == "interviewer"}


def generic_probe(question: Question, answer: str, variant: int = 0) -> str:
    """A topic-aimed follow-up for a question without bank probes.

    It aims first at the dimension the answer lacks most (a concrete case, the speaker's
    own decision, the trade-off); ``variant`` rotates through the others so several
    probes for one question differ.
    """
    sig = signals(answer)
    subject = topic(question)
    templates = [
        f"Can you make that concrete: a specific case of {subject} you handled, what you did, and what changed as a result?",
        f"What was your own part in that? Which decision about {subject} did you make, and why?",
        f"What did that approach to {subject} cost you, and when would you choose differently?",
        f"What went wrong the last time with {subject}, and what did you change afterwards?",
        f"How would you know it is working: what do you measure for {subject}, and what numbers do you look at?",
    ]
    if not answer.strip() or sig.numbers + sig.named == 0:
        first = 0
    elif sig.ownership == 0:
        first = 1
    elif sig.reasoning == 0:
        first = 2
    else:
        first = 3
    return templates[(first + variant) % len(templates)]


def probe_for(question: Question, point: PointCoverage, answer: str, variant: int = 0) -> str:
    """The bank's probe for a key point, else a generic topic-aimed one."""
    if question.probes and point.index < len(question.probes):
        return question.probes[point.index]
    return generic_probe(question, answer, variant)


def ranked_gaps(question: Question, answer: str, context: OfflineContext) -> list[PointCoverage]:
    """Key points the exchange has not shown, the most important (most discriminating) first (``rank_gaps``)."""
    from mock_interviewer.offline.evidence import read_exchange

    context.include(question)
    points = coverage(question, answer, context.corpus)
    return rank_gaps(points, read_exchange(question, answer, points), importance(question, context.corpus))


def rank_gaps(points: list[PointCoverage], findings: Findings, weights: list[float]) -> list[PointCoverage]:
    """The key points not shown, ranked.

    With evidence notes, a point the candidate addressed is never asked about again, the points
    known to be missing come before the unclear ones, and unclear ones the answer says least about
    come first; without notes, word coverage decides.
    """
    if findings.has_notes:
        found = {f.index: f for f in findings.points}
        rank = {"missing": 0, "unclear": 1}
        left = [p for p in points if found[p.index].status in rank]
        # among the unclear ones, the least talked about first: a probe should not ask for what was just said
        return sorted(
            left,
            key=lambda p: (rank[found[p.index].status], found[p.index].vocabulary_used, -weights[p.index], p.index),
        )
    uncovered = [p for p in points if not p.covered]
    return sorted(uncovered, key=lambda p: (-weights[p.index], p.index))


def redirect(question: Question) -> str:
    """What the interviewer says when the grader finds nothing of the question in the answer.

    It asks the question again and claims nothing about the answer: whether an answer is about
    something else is not yet measured on answers by other writers (see offline/claims.py).
    """
    return f"To make sure we cover it, the question again: {question.text.strip()}"


def decide_follow_up(task: Task, context: OfflineContext) -> FollowUpDecision:
    from mock_interviewer.offline.grading import assess

    question = task.subject
    answer = candidate_text(task)
    gaps = ranked_gaps(question, answer, context)
    missing = [p.point for p in gaps]
    if task.follow_ups_left <= 0:
        return FollowUpDecision(missing=missing, target=missing[0] if missing else "", ask_follow_up=False, follow_up="")
    asked = already_asked(task.exchange)
    if answer.strip() and assess(question, answer, context).guard in OFF_QUESTION:
        text = redirect(question)
        if " ".join(text.lower().split()) not in asked:
            return FollowUpDecision(missing=missing, target=missing[0] if missing else "", ask_follow_up=True, follow_up=text)
    if not gaps:
        return FollowUpDecision(missing=missing, target="", ask_follow_up=False, follow_up="")
    for variant, point in enumerate(gaps):
        text = probe_for(question, point, answer, variant)
        if " ".join(text.lower().split()) not in asked:
            return FollowUpDecision(missing=missing, target=point.point, ask_follow_up=True, follow_up=text)
    return FollowUpDecision(missing=missing, target=missing[0], ask_follow_up=False, follow_up="")
