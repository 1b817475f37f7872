"""One ``results.jsonl`` line as the report shows it: an ``AnswerEntry`` a manager can check.

The entry carries the answer's text (scrubbed: no key-shaped string or bearer token reaches a
report) beside its grade, says where the answer sits on the exemplars' scale in a sentence, and
retells the grader's feedback about the candidate in the third person (``render/voice.py``): the
grader wrote it to the candidate, the report's reader is someone else. Evidence is the grader's
claims that quote the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mock_interviewer.bank import TIERS
from mock_interviewer.batch.report_model import AnswerEntry, Evidence, Missing
from mock_interviewer.render.voice import about_candidate
from mock_interviewer.scrub import scrub

NO_CANDIDATE = "(no candidate)"

PLACEMENT = {
    5: "The answer is on a par with the great exemplar (5/5).",
    4: "The answer lies between the mediocre and great exemplars, nearer the great one (4/5).",
    3: "The answer sits with the mediocre exemplar (3/5).",
    2: "The answer lies between the poor and mediocre exemplars, nearer the poor one (2/5).",
    1: "The answer sits with the poor exemplar (1/5).",
}


def is_graded(grade: dict[str, Any]) -> bool:
    return grade.get("status") == "graded" and grade.get("tier") in TIERS and isinstance(grade.get("score"), int)


def where(record: dict[str, Any]) -> str:
    line = record.get("line")
    return f"{record.get('source', '')}:{line}" if line else str(record.get("source", ""))


def samples_of(grade: dict[str, Any]) -> list[str] | None:
    """The tier of each sample of a grade made with --samples (None for a grade made once)."""
    found = grade.get("samples")
    return [str(t) for t in found] if isinstance(found, list) and found else None


def borderline_why(grade: dict[str, Any]) -> str | None:
    """What shows a borderline grade is too close to call, in words; None when it is not borderline."""
    mark = grade.get("borderline")
    if not isinstance(mark, dict):
        return None
    samples = samples_of(grade)
    if mark.get("basis") == "samples" and samples:
        from mock_interviewer.sampling import samples_seen

        return samples_seen(samples)
    if mark.get("basis") == "samples":
        return "samples split"
    return f"tier model margin {mark.get('margin')}"


def _text(value: object) -> str:
    return about_candidate(scrub(str(value))) if value else ""


def _evidence(grade: dict[str, Any]) -> list[Evidence]:
    found = []
    for claim in grade.get("claims") or []:
        if isinstance(claim, dict) and claim.get("quotes"):
            quotes = [scrub(str(q)) for q in claim["quotes"] if isinstance(q, str)]
            found.append(Evidence(claim=_text(claim.get("text")), quotes=quotes))
    return found


def _graded_fields(grade: dict[str, Any]) -> dict[str, Any]:
    mark = grade.get("borderline")
    return {
        "tier": grade["tier"],
        "score": grade["score"],
        "placement": PLACEMENT.get(grade["score"], ""),
        "explanation": _text(grade.get("explanation")),
        "missing": [
            Missing(point=_text(g.get("point")), why_it_matters=_text(g.get("why_it_matters")))
            for g in grade.get("gaps") or []
            if isinstance(g, dict)
        ],
        "strengths": [_text(s) for s in grade.get("strengths") or []],
        "evidence": _evidence(grade),
        "borderline": [str(t) for t in mark.get("tiers") or []] if isinstance(mark, dict) else None,
        "borderline_why": borderline_why(grade),
        "samples": samples_of(grade),
    }


def entry(record: dict[str, Any], category_of: Callable[[str], str]) -> AnswerEntry:
    """The report's view of one result line."""
    grade = record["grade"]
    question_id = str(record.get("question_id") or grade.get("question_id") or "?")
    answer = record.get("answer")
    common: dict[str, Any] = {
        "item_id": str(record.get("item_id") or ""),
        "candidate": str(record.get("candidate") or NO_CANDIDATE),
        "question_id": question_id,
        "category": category_of(question_id),
        "source": str(record.get("source") or ""),
        "line": record.get("line") if isinstance(record.get("line"), int) else None,
        "key": str(record.get("key") or ""),
        "suspicious": bool(grade.get("suspicious")),
        "truncated": bool(grade.get("truncated")),
        "backend": str(grade.get("backend") or ""),
        "model": str(grade.get("model") or ""),
        "estimate": bool(grade.get("estimate")),
        "answer": scrub(answer) if isinstance(answer, str) else None,
    }
    if is_graded(grade):
        return AnswerEntry(status="graded", **common, **_graded_fields(grade))
    reason = str(grade.get("reason") or "no reason recorded")
    return AnswerEntry(status="ungraded", placement=f"Not graded: {reason}", reason=reason, **common)
