"""Offline probes for a team lead: what to ask next, why, and what to listen for.

With an answer: the key points it has not shown (those known missing first, then the unclear
ones, most discriminating first), each built on a different stretch of the answer, with the
authored description of a strong reply, and a red flag the answer itself shows (quoted) when it
shows one. A great answer gets fewer, deeper probes. An answer the grader reads as off the
question gets the question again first, without a claim about what the answer is about. Without an answer: the key points that
separate the great exemplar from the mediocre and poor ones, first.
"""

from __future__ import annotations

from mock_interviewer.backends.base import Task
from mock_interviewer.bank import Question
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.coverage import Corpus, PointCoverage, closest_passage, coverage, importance, opening
from mock_interviewer.offline.followups import candidate_text, probe_for, ranked_gaps, topic
from mock_interviewer.offline.grading import assess
from mock_interviewer.offline.guards import OFF_QUESTION
from mock_interviewer.replies import Probe, ProbeList
from mock_interviewer.textmatch import stem_set

DEFAULT_COUNT = 3
GENERIC_FLAG = "Stays general: no example, no decision of their own, no trade-off."


def red_flag_overlap(a: str, b: str, corpus: Corpus) -> float:
    """Rarity-weighted words two rubric sentences share (how related a red flag is to a key point)."""
    first, second = stem_set(a), stem_set(b)
    return sum(corpus.idf(s) for s in first & second)


def related_red_flag(question: Question, point: str, corpus: Corpus) -> str:
    """The red flag closest in words to a key point (its usual opposite), else the first."""
    if not question.red_flags:
        return GENERIC_FLAG
    return max(question.red_flags, key=lambda flag: (red_flag_overlap(flag, point, corpus), -question.red_flags.index(flag)))


def _strong(question: Question, point: PointCoverage) -> str:
    """What a strong reply contains: the authored note, else the point itself with an example."""
    note = question.point_note(point.index)
    if note is not None:
        return note.strong_reply
    return f"{point.point.rstrip('.')}, with a concrete example of what they did and why."


def _listen_for(question: Question, point: PointCoverage, corpus: Corpus) -> str:
    """The red flag to listen for: with notes, the general one (a flag is never paired with a point by shared words)."""
    if question.point_notes:
        return GENERIC_FLAG
    return related_red_flag(question, point.point, corpus)


def _fresh_passage(point: str, answer: str, used: set[str]) -> str:
    """The stretch of the answer closest to a point that no earlier probe built on."""
    from mock_interviewer.offline.coverage import passages
    from mock_interviewer.textmatch import shorten

    best = closest_passage(point, answer, exclude=used)
    if not best:
        best = next((shorten(p, 120) for p in passages(answer) if shorten(p, 120) not in used), "")
    if best:
        used.add(best)
    return best


def probes_for_answer(task: Task, context: OfflineContext) -> ProbeList:
    from mock_interviewer.offline.followups import redirect

    question, answer = task.subject, candidate_text(task)
    corpus = context.corpus
    count = task.count or DEFAULT_COUNT
    assessment = assess(question, answer, context)
    if assessment.tier == "great":
        count = min(count, 2)
    shown = assessment.findings.shown_flags
    flag = shown[0].flag if shown else ""  # a red flag the answer itself shows (its words match the flag's evidence)
    used: set[str] = set()
    probes: list[Probe] = []
    if assessment.guard in OFF_QUESTION:
        probes.append(
            Probe(
                question=redirect(question),
                targets="The question as asked.",
                refers_to=_fresh_passage(question.text, answer, used) or opening(answer),
                strong_reply="Answers the question that was asked, with what they did and why.",
                red_flag=GENERIC_FLAG,
            )
        )
    gaps = ranked_gaps(question, answer, context)
    for variant, point in enumerate(gaps[: count - len(probes)]):
        probes.append(
            Probe(
                question=probe_for(question, point, answer, variant),
                targets=point.point,
                refers_to=_fresh_passage(point.point, answer, used),
                strong_reply=_strong(question, point),
                red_flag=flag or _listen_for(question, point, corpus),
            )
        )
    if len(probes) < count:
        addressed = {p.index for p in assessment.findings.addressed}
        covered = [p for p in assessment.points if p.index in addressed] or assessment.covered
        probes += _depth_probes(question, answer, covered, corpus)[: count - len(probes)]
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
                red_flag=_listen_for(question, point, corpus),
            )
        )
    return out


def probes_for_question(task: Task, context: OfflineContext) -> ProbeList:
    """Without an answer: the probes that best separate a great answer from a mediocre or poor one."""
    question = task.subject
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
            strong_reply=_strong(question, point),
            red_flag=_listen_for(question, point, corpus),
        )
        for variant, point in enumerate(ranked[:count])
    ]
    return ProbeList(probes=probes)


def make_probes(task: Task, context: OfflineContext) -> ProbeList:
    context.include(task.subject)
    if candidate_text(task).strip():
        return probes_for_answer(task, context)
    return probes_for_question(task, context)
