"""The batch report's tables and wording, as data: Markdown and HTML only lay them out.

Each function takes the ``BatchReport`` model and returns a ``TableData`` (header, rows, the
columns that hold numbers); the writers in ``report_markdown.py`` and ``report_html.py`` walk the
same sections in the same order (``SECTIONS``-like code in each is only layout).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from mock_interviewer.bank import TIERS
from mock_interviewer.batch.report_model import AnswerEntry, BatchReport, BorderlineRef, GapRow, GroupRow, UngradedRef

TALLY_HEADER = ["answers", "mean score", "great", "mediocre", "poor", "ungraded"]
OFFLINE_NOTE = (
    "{n} of these grades come from the offline backend, which compares answers with the exemplars and rubric "
    "notes without a language model."
)
CANDIDATE_OFFLINE_NOTE = (
    "{n} of their grades come from the offline backend, which compares answers with the exemplars and rubric "
    "notes without a language model."
)
DISCRIMINATION_NOTE = (
    "Discrimination: how well a question's score follows the candidate's scores on the other questions "
    "(corrected item-total correlation over candidates who answered at least 3 questions; 0.3 and above "
    "separates candidates well, below 0.2 hardly at all; – when fewer than 5 such candidates or no spread)."
)
GENERIC_GAPS_NOTE = (
    "Gaps that apply to any question, listed apart because they say little about a question "
    "({rule}):"
)
BORDERLINE_NOTE = "Grades too close to call, for a person to decide ({rule})."


class TableData(NamedTuple):
    """A report table as data: each format (Markdown, HTML) only lays it out."""

    header: Sequence[str]
    rows: Sequence[Sequence[object]]
    right: Sequence[int] = ()


def fmt_mean(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def graded_by(report: BatchReport) -> str:
    return ", ".join(f"{m.name} ({m.answers})" for m in report.graded_by)


def where(answer: AnswerEntry) -> str:
    return f"{answer.source}:{answer.line}" if answer.line else answer.source


def answer_verdict(answer: AnswerEntry) -> str:
    return f"{answer.tier} ({answer.score}/5)" if answer.status == "graded" else "ungraded"


def tally_row(row: GroupRow) -> list[object]:
    t = row.tiers
    return [row.name, row.answers, fmt_mean(row.mean_score), t.great, t.mediocre, t.poor, row.ungraded]


def summary_table(report: BatchReport) -> TableData:
    """Counts over every answer of the inputs; "not attempted" appears when the run stopped before some."""
    s = report.summary
    header = ["answers", "graded", "ungraded", "mean score (1–5)", "skipped inputs"]
    row: list[object] = [s.answers, s.graded, s.ungraded, fmt_mean(s.mean_score), s.skipped_inputs]
    if s.not_attempted:
        header.insert(3, "not attempted")
        row.insert(3, s.not_attempted)
    return TableData(header, [row], range(len(header)))


def tier_rows(report: BatchReport) -> list[tuple[str, int, str]]:
    counts = report.tiers.model_dump()
    return [(tier, counts[tier], pct(counts[tier], report.summary.graded)) for tier in TIERS]


def weakest_table(report: BatchReport) -> TableData | None:
    """The questions with the lowest mean score; None while nothing is graded."""
    if not report.weakest:
        return None
    return TableData(
        ["question", "category", "mean score", "graded", "question text"],
        [[q.question_id, q.category, fmt_mean(q.mean_score), q.graded, q.text] for q in report.weakest],
        (2, 3),
    )


def category_table(report: BatchReport) -> TableData:
    return TableData(["category", *TALLY_HEADER], [tally_row(c) for c in report.categories], range(1, 7))


def _gap_table(rows: list[GapRow]) -> TableData | None:
    body = [[g.gap, g.answers, ", ".join(g.questions)] for g in rows]
    return TableData(["gap", "answers", "questions"], body, (1,)) if rows else None


def gaps_table(report: BatchReport) -> TableData | None:
    return _gap_table(report.gaps.specific)


def generic_gaps_table(report: BatchReport) -> TableData | None:
    return _gap_table(report.gaps.generic)


def question_table(report: BatchReport) -> TableData:
    rows = []
    for q in report.questions:
        t = q.tiers
        found = "–" if q.discrimination is None else f"{q.discrimination:.2f}"
        rows.append([q.question_id, q.category, q.n, fmt_mean(q.mean_score), t.great, t.mediocre, t.poor,
                     q.ungraded, found, q.flag or ""])  # fmt: skip
    return TableData(["question", "category", *TALLY_HEADER, "discrimination", "flag"], rows, range(2, 9))


def candidate_table(candidates: Sequence[GroupRow]) -> TableData:
    """The report's candidates (``report.candidates``), or one candidate's row on their own page."""
    return TableData(["candidate", *TALLY_HEADER], [tally_row(c) for c in candidates], range(1, 7))


def _without_candidate(table: TableData) -> TableData:
    """The same table for one candidate's page: their name is the page's, not a column."""
    drop = table.header.index("candidate")
    return TableData([c for i, c in enumerate(table.header) if i != drop],
                     [[c for i, c in enumerate(row) if i != drop] for row in table.rows], ())  # fmt: skip


def ungraded_table(refs: Sequence[UngradedRef], *, candidate: bool = True) -> TableData:
    """The report's ungraded answers (``report.ungraded``); ``candidate=False`` for one candidate's page."""
    table = TableData(
        ["answer", "candidate", "question", "reason", "source"],
        [[u.item_id, u.candidate, u.question_id, u.reason, u.source] for u in refs],
    )
    return table if candidate else _without_candidate(table)


def borderline_table(refs: Sequence[BorderlineRef], *, candidate: bool = True) -> TableData:
    """The report's borderline grades (``report.borderline``); ``candidate=False`` for one candidate's page."""
    table = TableData(
        ["answer", "candidate", "question", "grade", "between", "why"],
        [[b.item_id, b.candidate, b.question_id, f"{b.tier} ({b.score}/5)", " / ".join(b.tiers), b.why]
         for b in refs],
    )  # fmt: skip
    return table if candidate else _without_candidate(table)


def flags(answer: AnswerEntry) -> list[str]:
    found = [name for name, on in (("suspicious", answer.suspicious), ("truncated", answer.truncated)) if on]
    if answer.borderline:
        why = f" ({answer.borderline_why})" if answer.borderline_why else ""
        found.append("borderline: " + " / ".join(answer.borderline) + why)
    return found


def candidate_line(row: GroupRow | None) -> str:
    """One line heading a candidate's answers: how many, the mean score, the tiers."""
    if row is None:
        return ""
    t = row.tiers
    line = f"{row.answers} answers · mean score {fmt_mean(row.mean_score)} · great {t.great}, mediocre {t.mediocre}, poor {t.poor}"
    return line + (f", ungraded {row.ungraded}" if row.ungraded else "")
