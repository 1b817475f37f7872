"""``report.csv``: one row per answer, for a spreadsheet; no cell can run as a formula."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import IO

from mock_interviewer.batch.report_entries import NO_CANDIDATE
from mock_interviewer.batch.report_model import AnswerEntry, BatchReport

CSV_COLUMNS = [
    "item_id", "candidate", "question_id", "category", "status", "tier", "score", "explanation", "gaps",
    "strengths", "reason", "suspicious", "truncated", "backend", "model", "estimate", "source", "line", "key",
    "borderline", "samples", "answer",
]  # fmt: skip


def csv_safe(value: object) -> object:
    """Spreadsheets run cells that start with = + - @ as formulas: a candidate's text must not.

    NUL becomes U+FFFD: Python 3.10's csv module cannot write it at all (3.11+ can), and no
    spreadsheet shows it.
    """
    if not isinstance(value, str):
        return value
    value = value.replace("\x00", "\ufffd")
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_row(answer: AnswerEntry) -> list[object]:
    return [
        answer.item_id, "" if answer.candidate == NO_CANDIDATE else answer.candidate, answer.question_id,
        answer.category, answer.status, answer.tier or "", "" if answer.score is None else answer.score,
        answer.explanation, "; ".join(f"{g.point} ({g.why_it_matters})" for g in answer.missing),
        "; ".join(answer.strengths), answer.reason or "", answer.suspicious, answer.truncated, answer.backend,
        answer.model, answer.estimate, answer.source, answer.line or "", answer.key,
        " / ".join(answer.borderline or []), ", ".join(answer.samples or []), answer.answer or "",
    ]  # fmt: skip


def write_csv(report: BatchReport, answers: Iterator[AnswerEntry], out: IO[str]) -> None:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for answer in answers:
        writer.writerow([csv_safe(v) for v in csv_row(answer)])
