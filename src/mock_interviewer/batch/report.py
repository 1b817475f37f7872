"""The batch report from ``results.jsonl``: gathered once, built as data, written in every format.

What a hiring team or a course reads first: how the answers spread over the tiers, where the
group is weakest (questions and categories with the lowest mean score, the gaps that come up
most), which questions separate candidates, which grades are too close to call, a table per
candidate, then every answer with its text and its grade. An ungraded answer is listed with its
reason, in its own section and in its place; it is never dropped and never given a tier.

Bounded memory: one streamed pass over ``results.jsonl`` gathers the tables and, per answer, only
its sort key, its score and its file offset; ``build_report`` turns them into the ``BatchReport``
model (``report_model.py``), and the answers are read back one at a time as ``AnswerEntry`` models,
in candidate and question order, while each format (``render/report_*.py``) is written to a
temporary file that replaces the old report only when complete. ``report.json`` is always
written beside ``report.md``: the data behind every format.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Literal

from mock_interviewer.bank import TIERS, Question
from mock_interviewer.batch.gap_counter import GapCounter
from mock_interviewer.batch.inputs import Problem
from mock_interviewer.batch.question_analysis import ScoreTable, discrimination, flag
from mock_interviewer.batch.report_entries import NO_CANDIDATE, borderline_why, entry, is_graded, samples_of, where
from mock_interviewer.batch.report_model import (
    AnswerEntry,
    BatchReport,
    BorderlineRef,
    GroupRow,
    ModelCount,
    QuestionAnalysis,
    RunSummary,
    TierCounts,
    UngradedRef,
)
from mock_interviewer.batch.results import ResultStore, parse_line, record_ref
from mock_interviewer.borderline import RULE as BORDERLINE_RULE
from mock_interviewer.errors import InputError
from mock_interviewer.render.report_markdown import md, write_markdown
from mock_interviewer.render.voice import about_candidate
from mock_interviewer.scrub import scrub
from mock_interviewer.storage import atomic_open

__all__ = ["FORMATS", "GapCounter", "ReportData", "build_report", "gather", "md", "render_markdown", "write_reports"]

FORMATS = ("md", "html", "csv")
REPORT_NAMES = {"md": "report.md", "html": "report.html", "csv": "report.csv", "json": "report.json"}
WEAKEST = 5
COMMON_GAPS = 10
MAX_PROBLEMS_LISTED = 200

QuestionLookup = Callable[[str], Question | None]
Record = dict[str, Any]
Writer = Callable[[BatchReport, Iterator[AnswerEntry], IO[str]], None]


# ---------------------------------------------------------------- gathering


@dataclass
class Tally:
    """Counts for a group of answers (a question, a candidate, a category, everything)."""

    answers: int = 0
    tiers: Counter[str] = field(default_factory=Counter)
    scores: Counter[int] = field(default_factory=Counter)
    score_sum: int = 0
    ungraded: int = 0

    def add(self, grade: Record) -> None:
        self.answers += 1
        if is_graded(grade):
            self.tiers[grade["tier"]] += 1
            self.scores[grade["score"]] += 1
            self.score_sum += grade["score"]
        else:
            self.ungraded += 1

    @property
    def graded(self) -> int:
        return self.answers - self.ungraded

    @property
    def mean(self) -> float | None:
        return self.score_sum / self.graded if self.graded else None

    def row(self, name: str) -> GroupRow:
        return GroupRow(
            name=name, answers=self.answers, graded=self.graded, ungraded=self.ungraded,
            mean_score=_round(self.mean), tiers=TierCounts(**{t: self.tiers[t] for t in TIERS}),
        )  # fmt: skip


@dataclass
class ReportData:
    """What one pass over ``results.jsonl`` found; the answers themselves are read back by offset."""

    results_path: Path
    overall: Tally = field(default_factory=Tally)
    by_question: dict[str, Tally] = field(default_factory=dict)
    by_candidate: dict[str, Tally] = field(default_factory=dict)
    by_category: dict[str, Tally] = field(default_factory=dict)
    gaps: GapCounter = field(default_factory=GapCounter)
    scores: ScoreTable = field(default_factory=ScoreTable)
    models: Counter[str] = field(default_factory=Counter)
    estimates: int = 0
    order: list[tuple[str, str, str, int]] = field(default_factory=list)
    ungraded_offsets: list[int] = field(default_factory=list)
    borderline_offsets: list[int] = field(default_factory=list)
    questions: dict[str, Question] = field(default_factory=dict)
    problems: Sequence[Problem] = ()
    problem_count: int = 0
    not_attempted: int = 0
    """Answers of the inputs the run stopped before (Ctrl-C, or the service kept failing): no line, no grade."""
    generated_at: str = field(default_factory=lambda: datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))

    def rows(self) -> Iterator[Record]:
        """Every answer, by candidate then question, read back one at a time."""
        yield from self._read(offset for *_sort, offset in self.order)

    def ungraded_rows(self) -> Iterator[Record]:
        yield from self._read(iter(self.ungraded_offsets))

    def borderline_rows(self) -> Iterator[Record]:
        yield from self._read(iter(self.borderline_offsets))

    def entries(self) -> Iterator[AnswerEntry]:
        """Every answer as the report shows it, in report order."""
        for record in self.rows():
            yield entry(record, self.category_of)

    def _read(self, offsets: Iterator[int]) -> Iterator[Record]:
        with self.results_path.open("rb") as handle:
            for offset in offsets:
                handle.seek(offset)
                record = parse_line(handle.readline())
                if record is not None:
                    yield record

    def category_of(self, question_id: str) -> str:
        question = self.questions.get(question_id)
        return question.category if question else "unknown"


def gather(
    store: ResultStore,
    refs: set[bytes] | None,
    lookup: QuestionLookup,
    *,
    problems: Sequence[Problem] = (),
    problem_count: int = 0,
) -> ReportData:
    """One streamed pass over ``results.jsonl`` (only this run's answers when ``refs`` is given)."""
    data = ReportData(results_path=store.path, problems=problems[:MAX_PROBLEMS_LISTED], problem_count=problem_count)
    offset = 0
    try:
        handle = store.path.open("rb")
    except FileNotFoundError:
        return data
    with handle:
        for raw in handle:
            at, offset = offset, offset + len(raw)
            record = parse_line(raw)
            if record is None or (refs is not None and record_ref(record) not in refs):
                continue
            _add(data, record, at, lookup)
    data.order.sort()
    return data


def _add(data: ReportData, record: Record, offset: int, lookup: QuestionLookup) -> None:
    grade = record["grade"]
    question_id = str(record.get("question_id") or grade.get("question_id") or "?")
    candidate = str(record.get("candidate") or NO_CANDIDATE)
    if question_id not in data.questions:
        question = lookup(question_id)
        if question is not None:
            data.questions[question_id] = question
    for tally in (
        data.overall,
        data.by_question.setdefault(question_id, Tally()),
        data.by_candidate.setdefault(candidate, Tally()),
        data.by_category.setdefault(data.category_of(question_id), Tally()),
    ):
        tally.add(grade)
    if is_graded(grade):
        data.scores.add(candidate, question_id, grade["score"])
        question = data.questions.get(question_id)
        for gap in grade.get("gaps") or []:
            if isinstance(gap, dict) and isinstance(gap.get("point"), str):
                names_point = question is not None and gap["point"] in question.key_points
                shown = about_candidate(scrub(gap["point"]))
                data.gaps.add(shown, question_id, names_point=names_point, estimate=bool(grade.get("estimate")))
        if isinstance(grade.get("borderline"), dict):
            data.borderline_offsets.append(offset)
    else:
        data.ungraded_offsets.append(offset)
    data.models[f"{grade.get('backend', '?')} / {grade.get('model', '?')}"] += 1
    if grade.get("estimate"):
        data.estimates += 1
    data.order.append((candidate, question_id, str(record.get("item_id") or ""), offset))


# ---------------------------------------------------------------- building the model


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _question_text(data: ReportData, question_id: str, limit: int = 120) -> str:
    question = data.questions.get(question_id)
    if question is None:
        return ""
    text = " ".join(question.text.split())
    text = text[:1].upper() + text[1:]
    return text if len(text) <= limit else text[: limit - 1] + "…"


def question_analysis(data: ReportData, question_id: str) -> QuestionAnalysis:
    tally = data.by_question[question_id]
    found = discrimination(data.scores, question_id)
    return QuestionAnalysis(
        question_id=question_id, category=data.category_of(question_id), text=_question_text(data, question_id),
        n=tally.answers, graded=tally.graded, ungraded=tally.ungraded, mean_score=_round(tally.mean),
        tiers=TierCounts(**{t: tally.tiers[t] for t in TIERS}), discrimination=found.value,
        candidates=found.candidates, flag=flag(tally.scores, found),
    )  # fmt: skip


def _refs(data: ReportData) -> tuple[list[UngradedRef], list[BorderlineRef]]:
    def common(record: Record) -> dict[str, str]:
        return {
            "item_id": str(record.get("item_id") or ""), "candidate": str(record.get("candidate") or NO_CANDIDATE),
            "question_id": str(record.get("question_id") or ""), "source": where(record),
        }  # fmt: skip

    ungraded = [
        UngradedRef(**common(r), reason=str(r["grade"].get("reason") or "no reason recorded"))
        for r in data.ungraded_rows()
    ]
    borderline = []
    for record in data.borderline_rows():
        grade, mark = record["grade"], record["grade"]["borderline"]
        basis: Literal["tier_model", "samples"] = "samples" if mark.get("basis") == "samples" else "tier_model"
        borderline.append(
            BorderlineRef(**common(record), tier=grade["tier"], score=grade["score"], tiers=list(mark.get("tiers") or []),
                          basis=basis, samples=samples_of(grade), why=borderline_why(grade) or "")
        )
    return ungraded, borderline


def build_report(data: ReportData) -> BatchReport:
    """The report as data (everything but the answers, which ``data.entries()`` streams)."""
    questions = [question_analysis(data, qid) for qid in sorted(data.by_question)]
    weakest = sorted((q for q in questions if q.mean_score is not None), key=lambda q: (q.mean_score, q.question_id))
    categories = sorted(
        ((c, t) for c, t in data.by_category.items() if t.mean is not None), key=lambda p: (p[1].mean, p[0])
    )
    ungraded, borderline = _refs(data)
    total = data.overall
    return BatchReport(
        generated_at=data.generated_at,
        results_file=data.results_path.name,
        graded_by=[ModelCount(name=name, answers=n) for name, n in data.models.most_common()],
        estimates=data.estimates,
        summary=RunSummary(answers=total.answers + data.not_attempted, graded=total.graded, ungraded=total.ungraded,
                           not_attempted=data.not_attempted, mean_score=_round(total.mean),
                           skipped_inputs=data.problem_count),
        tiers=TierCounts(**{t: total.tiers[t] for t in TIERS}),
        weakest=weakest[:WEAKEST],
        categories=[t.row(c) for c, t in categories],
        gaps=data.gaps.summary(COMMON_GAPS),
        questions=questions,
        candidates=[t.row(c) for c, t in sorted(data.by_candidate.items())],
        ungraded=ungraded,
        borderline=borderline,
        borderline_rule=BORDERLINE_RULE,
        problems=[str(p) for p in data.problems],
        problem_count=data.problem_count,
    )


# ---------------------------------------------------------------- writing files atomically


def _writers() -> dict[str, Writer]:
    from mock_interviewer.render.report_csv import write_csv
    from mock_interviewer.render.report_html import write_html
    from mock_interviewer.render.report_json import write_json

    return {"md": write_markdown, "html": write_html, "csv": write_csv, "json": write_json}


def write_reports(data: ReportData, directory: Path, formats: Sequence[str]) -> list[Path]:
    """Write ``report.md``, ``report.json`` and each other format asked for; return the paths written."""
    for fmt in formats:
        if fmt not in FORMATS:
            raise InputError(f"--format: unknown report format {fmt!r} (choose md, html or csv)")
    report = build_report(data)
    writers = _writers()
    written = []
    for fmt in dict.fromkeys(["md", "json", *formats]):
        path = directory / REPORT_NAMES[fmt]
        with atomic_open(path) as handle:
            writers[fmt](report, data.entries(), handle)
        written.append(path)
    return written


def render_markdown(data: ReportData) -> str:
    """The Markdown report as a string (for tests and small batches)."""
    buffer = io.StringIO()
    write_markdown(build_report(data), data.entries(), buffer)
    return buffer.getvalue()
