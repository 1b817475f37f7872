"""What the interview accepts: a candidate's answer it can keep, and a follow-up that does not give the answer away."""

from __future__ import annotations

import re

from mock_interviewer.answer_input import (
    MAX_ANSWER_CHARS,  # 200,000: words without spaces count too
    MAX_ANSWER_WORDS,
)
from mock_interviewer.bank import Question
from mock_interviewer.summary import match_key_point

_WORD = re.compile(r"[a-z0-9']+")
_UNPAIRED_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_answer(text: str) -> str:
    """The answer as it is saved: NULs dropped, bytes that were not UTF-8 (a terminal decodes with
    surrogateescape) made U+FFFD, so the answer is kept and the session file can still be written."""
    return _UNPAIRED_SURROGATE.sub("\ufffd", text.replace("\x00", "")).strip()


def answer_problem(text: str) -> str | None:
    """Why an answer cannot be taken as it is (the candidate is asked again), or None."""
    if not text.strip():
        return "An empty answer can't be graded: type or paste your answer, or /skip this question."
    if len(text) > MAX_ANSWER_CHARS:
        return f"That answer is over {MAX_ANSWER_CHARS:,} characters, the most accepted. Please shorten it."
    words = len(text.split())
    if words > MAX_ANSWER_WORDS:
        return f"That answer is {words:,} words; the most accepted is {MAX_ANSWER_WORDS:,}. Please shorten it."
    return None


def leaks_exemplar(text: str, question: Question, span: int = 7) -> bool:
    """True when a follow-up repeats ``span`` consecutive words of the great exemplar: it gives the answer away."""
    words = _WORD.findall(text.lower())
    exemplar = " " + " ".join(_WORD.findall(question.exemplars.great.lower())) + " "
    return any(f" {' '.join(words[i : i + span])} " in exemplar for i in range(len(words) - span + 1))


def bank_probe_for(question: Question, target: str) -> str | None:
    """The bank's own probe for the targeted key point: used when the model's follow-up gave the answer away."""
    if not question.probes:
        return None
    point = match_key_point(target, question.key_points)
    return question.probes[question.key_points.index(point)] if point else question.probes[0]
