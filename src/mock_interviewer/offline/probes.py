"""Offline probes for a team lead: what to ask next, why, and what to listen for.

With an answer: the key points it does not cover, most discriminating first, each
with the stretch of the answer it builds on and a red flag the answer already shows
(or the one most related to the point). A great answer gets fewer, deeper probes.
Without an answer: the key points that separate the great exemplar from the mediocre
and poor ones, first, since those are what a probe should find out.
"""

from __future__ import annotations

from mock_interviewer.backends.base import Task
from mock_interviewer.bank import Question
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.coverage import Corpus, PointCoverage, closest_passage, coverage, importance, opening
from mock_interviewer.offline.followups import candidate_text, probe_for, ranked_gaps, topic
from mock_interviewer.offline.grading import assess
from mock_interviewer.offline.text import stem_set, stems
from mock_interviewer.replies import Probe, ProbeList

DEFAULT_COUNT = 3
SHOWN = 0.4  # share of a red flag's weight an answer must carry to count as showing it


def red_flag_overlap(a: str, b: str, corpus: Corpus) -> float:
    """Rarity-weighted words two rubric sentences share (how related a red flag is to a key point)."""
    first, second = stem_set(a), stem_set(b)
    return sum(corpus.idf(s) for s in first & second)


def related_red_flag(question: Question, point: str, corpus: Corpus) -> str:
    """The red flag closest in words to a key point (its usual opposite), else the first."""
    if not question.red_flags:
        return "Stays general: no example, no decision of their own, no trade-off."
    return max(question.red_flags, key=lambda flag: (red_flag_overlap(flag, point, corpus), -question.red_flags.index(flag)))


def shown_red_flag(question: Question, answer: str, corpus: Corpus) -> str:
    """A red flag the answer itself shows ('' when none does)."""
    words = stem_set(answer)
    best, best_share = "", SHOWN
    for flag in question.red_flags:
        flag_stems = list(dict.fromkeys(stems(flag)))
        if not flag_stems:
            continue
        total = sum(corpus.idf(s) for s in flag_stems)
        share = sum(corpus.idf(s) for s in flag_stems if s in words) / total
        if share >= best_share:
            best, best_share = flag, share
    return best


def _strong(point: str) -> str:
    return f"{point.rstrip('.')}, with a concrete example of what they did and why."


def probes_for_answer(task: Task, context: OfflineContext) -> ProbeList:
    question, answer = task.question, candidate_text(task)
    corpus = context.corpus
    count = task.count or DEFAULT_COUNT
    assessment = assess(question, answer, context)
    if assessment.tier == "great":
        count = min(count, 2)
    shown = shown_red_flag(question, answer, corpus)
    gaps = ranked_gaps(question, answer, context)
    probes = [
        Probe(
            question=probe_for(question, point, answer, variant),
            targets=point.point,
            refers_to=closest_passage(point.point, answer),
            strong_reply=_strong(point.point),
            red_flag=shown or related_red_flag(question, point.point, corpus),
        )
        for variant, point in enumerate(gaps[:count])
    ]
    if len(probes) < count:
        probes += _depth_probes(question, answer, assessment.covered, corpus)[: count - len(probes)]
    if probes and not any(p.refers_to for p in probes):  # a probe always builds on something said
        probes[0] = probes[0].model_copy(update={"refers_to": opening(answer)})
    return ProbeList(probes=probes)


def _depth_probes(question: Question, answer: str, covered: list[PointCoverage], corpus: Corpus) -> list[Probe]:
    """For points the answer already covers: go deeper (evidence, trade-off, what went wrong)."""
    subject = topic(question)
    out = []
    for point in covered:
        out.append(
            Probe(
                question=f"You mentioned {closest_passage(point.point, answer, 0) or subject}: what did it cost, "
                f"and when would you not do it?",
                targets=f"Depth on: {point.point}",
                refers_to=closest_passage(point.point, answer, 0),
                strong_reply="A specific case with numbers, the trade-off they accepted, and when they would choose differently.",
                red_flag=related_red_flag(question, point.point, corpus),
            )
        )
    return out


def probes_for_question(task: Task, context: OfflineContext) -> ProbeList:
    """Without an answer: the probes that best separate a great answer from a mediocre or poor one."""
    question = task.question
    corpus = context.corpus
    count = task.count or DEFAULT_COUNT
    weights = importance(question, corpus)
    points = coverage(question, "", corpus)
    ranked = sorted(points, key=lambda p: (-weights[p.index], p.index))
    probes = [
        Probe(
            question=probe_for(question, point, "", variant),
            targets=point.point,
            refers_to="",
            strong_reply=_strong(point.point),
            red_flag=related_red_flag(question, point.point, corpus),
        )
        for variant, point in enumerate(ranked[:count])
    ]
    return ProbeList(probes=probes)


def make_probes(task: Task, context: OfflineContext) -> ProbeList:
    context.include(task.question)
    if candidate_text(task).strip():
        return probes_for_answer(task, context)
    return probes_for_question(task, context)
