"""Reports from ``results.jsonl``: Markdown (always), HTML and CSV (on request).

What a hiring team or a course reads first: how the answers spread over the
tiers, where the group is weakest (questions and categories with the lowest mean
score, the gaps that come up most), a table per question and per candidate, then
every answer with its grade and its gap to the great exemplar. An ungraded
answer is listed with its reason, in its own section and in its place; it is
never dropped and never given a tier.

Bounded memory: one streamed pass over ``results.jsonl`` gathers the tables and,
per answer, only its sort key and file offset; the answers are then read back
one at a time, in candidate and question order, while the report is written to a
temporary file that replaces the old report only when complete.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, NamedTuple

from mock_interviewer.bank import TIERS, Question
from mock_interviewer.batch.inputs import Problem
from mock_interviewer.batch.results import ResultStore, parse_line, record_ref
from mock_interviewer.errors import InputError
from mock_interviewer.storage import atomic_open

FORMATS = ("md", "html", "csv")
REPORT_NAMES = {"md": "report.md", "html": "report.html", "csv": "report.csv"}
WEAKEST = 5
COMMON_GAPS = 10
GAP_COUNTER_CAP = 5000
MAX_PROBLEMS_LISTED = 200
NO_CANDIDATE = "(no candidate)"

QuestionLookup = Callable[[str], Question | None]


# ---------------------------------------------------------------- gathering


@dataclass
class Tally:
    """Counts for a group of answers (a question, a candidate, a category, everything)."""

    answers: int = 0
    tiers: Counter[str] = field(default_factory=Counter)
    score_sum: int = 0
    ungraded: int = 0

    def add(self, grade: dict[str, Any]) -> None:
        self.answers += 1
        if grade.get("status") == "graded" and grade.get("tier") in TIERS and isinstance(grade.get("score"), int):
            self.tiers[grade["tier"]] += 1
            self.score_sum += grade["score"]
        else:
            self.ungraded += 1

    @property
    def graded(self) -> int:
        return self.answers - self.ungraded

    @property
    def mean(self) -> float | None:
        return self.score_sum / self.graded if self.graded else None


class GapCounter:
    """The most common gaps, in bounded memory: when the distinct gaps pass a cap, the rarest are forgotten.

    (Lossy counting: a gap seen once among thousands cannot be among the most common.)
    """

    def __init__(self, cap: int = GAP_COUNTER_CAP) -> None:
        self.cap = cap
        self.counts: Counter[str] = Counter()
        self.shown: dict[str, str] = {}
        self.floor = 0

    @staticmethod
    def normal(text: str) -> str:
        return re.sub(r"[\s.;:!]+$", "", " ".join(text.lower().split()))

    def add(self, text: str) -> None:
        key = self.normal(text)
        if not key:
            return
        self.counts[key] += 1
        self.shown.setdefault(key, text.strip())
        if len(self.counts) > self.cap:
            self.floor += 1
            for rare in [k for k, n in self.counts.items() if n <= self.floor]:
                del self.counts[rare]
                self.shown.pop(rare, None)

    def most_common(self, n: int) -> list[tuple[str, int]]:
        return [(self.shown[k], c) for k, c in self.counts.most_common(n) if c > 1 or len(self.counts) <= n]


@dataclass
class ReportData:
    """Everything the report says except the answers themselves (read back by offset)."""

    results_path: Path
    overall: Tally = field(default_factory=Tally)
    by_question: dict[str, Tally] = field(default_factory=dict)
    by_candidate: dict[str, Tally] = field(default_factory=dict)
    by_category: dict[str, Tally] = field(default_factory=dict)
    gaps: GapCounter = field(default_factory=GapCounter)
    models: Counter[str] = field(default_factory=Counter)
    estimates: int = 0
    order: list[tuple[str, str, str, int]] = field(default_factory=list)
    ungraded_offsets: list[int] = field(default_factory=list)
    questions: dict[str, Question] = field(default_factory=dict)
    problems: Sequence[Problem] = ()
    problem_count: int = 0
    not_attempted: int = 0
    """Answers of the inputs the run stopped before (Ctrl-C, or the service kept failing): no line, no grade."""
    generated_at: str = field(default_factory=lambda: datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))

    def rows(self) -> Iterator[dict[str, Any]]:
        """Every answer, by candidate then question, read back one at a time."""
        yield from self._read(offset for *_sort, offset in self.order)

    def ungraded_rows(self) -> Iterator[dict[str, Any]]:
        yield from self._read(iter(self.ungraded_offsets))

    def _read(self, offsets: Iterator[int]) -> Iterator[dict[str, Any]]:
        with self.results_path.open("rb") as handle:
            for offset in offsets:
                handle.seek(offset)
                record = parse_line(handle.readline())
                if record is not None:
                    yield record

    def weakest_questions(self) -> list[tuple[str, Tally]]:
        scored = [(qid, t) for qid, t in self.by_question.items() if t.mean is not None]
        scored.sort(key=lambda pair: (pair[1].mean, pair[0]))
        return scored[:WEAKEST]

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


def _add(data: ReportData, record: dict[str, Any], offset: int, lookup: QuestionLookup) -> None:
    grade = record["grade"]
    question_id = str(record.get("question_id") or grade.get("question_id") or "?")
    candidate = str(record.get("candidate") or NO_CANDIDATE)
    if question_id not in data.questions:
        question = lookup(question_id)
        if question is not None:
            data.questions[question_id] = question
    category = data.category_of(question_id)
    for tally in (
        data.overall,
        data.by_question.setdefault(question_id, Tally()),
        data.by_candidate.setdefault(candidate, Tally()),
        data.by_category.setdefault(category, Tally()),
    ):
        tally.add(grade)
    if grade.get("status") == "graded":
        for gap in grade.get("gaps") or []:
            if isinstance(gap, dict) and isinstance(gap.get("point"), str):
                data.gaps.add(gap["point"])
    else:
        data.ungraded_offsets.append(offset)
    data.models[f"{grade.get('backend', '?')} / {grade.get('model', '?')}"] += 1
    if grade.get("estimate"):
        data.estimates += 1
    data.order.append((candidate, question_id, str(record.get("item_id") or ""), offset))


# ---------------------------------------------------------------- writing files atomically


def write_reports(data: ReportData, directory: Path, formats: Sequence[str]) -> list[Path]:
    """Write ``report.md`` and each other format asked for; return the paths written."""
    written = []
    for fmt in ["md", *(f for f in dict.fromkeys(formats) if f != "md")]:
        if fmt not in FORMATS:
            raise InputError(f"--format: unknown report format {fmt!r} (choose md, html or csv)")
        path = directory / REPORT_NAMES[fmt]
        with atomic_open(path) as handle:
            {"md": write_markdown, "html": write_html, "csv": write_csv}[fmt](data, handle)
        written.append(path)
    return written


# ---------------------------------------------------------------- shared wording


def fmt_mean(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def where(record: dict[str, Any]) -> str:
    line = record.get("line")
    return f"{record.get('source', '')}:{line}" if line else str(record.get("source", ""))


def verdict(grade: dict[str, Any]) -> str:
    if grade.get("status") != "graded":
        return "ungraded"
    return f"{grade.get('tier')} ({grade.get('score')}/5)"


def one_line(text: str) -> str:
    return " ".join(str(text).split())


# ---------------------------------------------------------------- Markdown


def md(text: object) -> str:
    """Text safe inside Markdown, table cells included: no raw HTML, no stray pipes, one line."""
    return one_line(str(text)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def md_table(out: IO[str], header: Sequence[str], rows: Sequence[Sequence[object]], right: Sequence[int] = ()) -> None:
    out.write("| " + " | ".join(header) + " |\n")
    out.write("|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|\n")
    for row in rows:
        out.write("| " + " | ".join(md(cell) for cell in row) + " |\n")
    out.write("\n")


def tally_row(name: str, tally: Tally) -> list[object]:
    return [
        name,
        tally.answers,
        fmt_mean(tally.mean),
        tally.tiers["great"],
        tally.tiers["mediocre"],
        tally.tiers["poor"],
        tally.ungraded,
    ]


TALLY_HEADER = ["answers", "mean score", "great", "mediocre", "poor", "ungraded"]


class TableData(NamedTuple):
    """A report table as data: each format (Markdown, HTML) only lays it out."""

    header: Sequence[str]
    rows: Sequence[Sequence[object]]
    right: Sequence[int] = ()


def summary_table(data: ReportData) -> TableData:
    """Counts over every answer of the inputs; "not attempted" appears when the run stopped before some."""
    total = data.overall
    header = ["answers", "graded", "ungraded", "mean score (1–5)", "skipped inputs"]
    row: list[object] = [total.answers + data.not_attempted, total.graded, total.ungraded, fmt_mean(total.mean),
                         data.problem_count]
    if data.not_attempted:
        header.insert(3, "not attempted")
        row.insert(3, data.not_attempted)
    return TableData(header, [row], range(len(header)))


def weakest_table(data: ReportData) -> TableData | None:
    """The questions with the lowest mean score; None while nothing is graded."""
    weakest = data.weakest_questions()
    if not weakest:
        return None
    return TableData(
        ["question", "category", "mean score", "graded", "question text"],
        [[qid, data.category_of(qid), fmt_mean(t.mean), t.graded, _question_text(data, qid)] for qid, t in weakest],
        (2, 3),
    )


def category_table(data: ReportData) -> TableData:
    categories = sorted(
        ((c, t) for c, t in data.by_category.items() if t.mean is not None), key=lambda p: (p[1].mean, p[0])
    )
    return TableData(["category", *TALLY_HEADER], [tally_row(c, t) for c, t in categories], range(1, 7))


def gaps_table(data: ReportData) -> TableData | None:
    common = data.gaps.most_common(COMMON_GAPS)
    return TableData(["gap", "answers"], [[text, n] for text, n in common], (1,)) if common else None


def question_table(data: ReportData) -> TableData:
    return TableData(
        ["question", "category", *TALLY_HEADER],
        [[qid, data.category_of(qid), *tally_row(qid, t)[1:]] for qid, t in sorted(data.by_question.items())],
        range(2, 8),
    )


def candidate_table(data: ReportData) -> TableData:
    return TableData(
        ["candidate", *TALLY_HEADER], [tally_row(c, t) for c, t in sorted(data.by_candidate.items())], range(1, 7)
    )


def ungraded_table(data: ReportData) -> TableData:
    return TableData(
        ["answer", "candidate", "question", "reason", "source"],
        [
            [r.get("item_id"), r.get("candidate") or NO_CANDIDATE, r.get("question_id"), r["grade"].get("reason"), where(r)]
            for r in data.ungraded_rows()
        ],
    )


def write_markdown(data: ReportData, out: IO[str]) -> None:
    total = data.overall
    out.write("# Batch grading report\n\n")
    models = ", ".join(f"{name} ({n})" for name, n in data.models.most_common())
    out.write(f"Generated {data.generated_at} from `{md(data.results_path.name)}`. Graded by: {md(models) or '–'}.\n\n")
    if data.estimates:
        out.write(
            f"> **Offline estimates.** {data.estimates} of these grades come from the offline backend, which compares "
            "answers with the exemplars and rubric notes without a language model.\n\n"
        )
    out.write("## Summary\n\n")
    md_table(out, *summary_table(data))
    out.write("### Tier distribution\n\n")
    rows = [[tier, total.tiers[tier], pct(total.tiers[tier], total.graded), _bar(total.tiers[tier], total.graded)] for tier in TIERS]
    md_table(out, ["tier", "answers", "share", ""], rows, right=(1, 2))

    out.write("## Weakest areas\n\n")
    weakest = weakest_table(data)
    if weakest:
        out.write("Questions with the lowest mean score:\n\n")
        md_table(out, *weakest)
        out.write("By category:\n\n")
        md_table(out, *category_table(data))
    else:
        out.write("No graded answers yet.\n\n")
    common_gaps = gaps_table(data)
    if common_gaps:
        out.write("Most common gaps (what the great answer had that these answers lacked):\n\n")
        md_table(out, *common_gaps)

    out.write("## Per question\n\n")
    md_table(out, *question_table(data))
    out.write("## Per candidate\n\n")
    md_table(out, *candidate_table(data))

    out.write(f"## Ungraded answers ({total.ungraded})\n\n")
    if total.ungraded:
        out.write("Each is graded again on the next run of the same command.\n\n")
        md_table(out, *ungraded_table(data))
    else:
        out.write("None: every answer was graded.\n\n")
    if data.problem_count:
        out.write(f"## Skipped inputs ({data.problem_count})\n\n")
        for problem in data.problems:
            out.write(f"- {md(str(problem))}\n")
        if data.problem_count > len(data.problems):
            out.write(f"- … and {data.problem_count - len(data.problems)} more (see the command's error output)\n")
        out.write("\n")

    out.write("## Every answer\n")
    current = None
    for record in data.rows():
        candidate = record.get("candidate") or NO_CANDIDATE
        if candidate != current:
            current = candidate
            out.write(f"\n### {md(candidate)}\n")
        _md_answer(out, record)


def _bar(part: int, whole: int, width: int = 20) -> str:
    return "█" * round(width * part / whole) if whole else ""


def _question_text(data: ReportData, question_id: str, limit: int = 120) -> str:
    question = data.questions.get(question_id)
    if question is None:
        return ""
    text = one_line(question.text)
    text = text[:1].upper() + text[1:]
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _md_answer(out: IO[str], record: dict[str, Any]) -> None:
    grade = record["grade"]
    out.write(f"\n**{md(record.get('question_id'))}** · {md(verdict(grade))} · answer `{md(record.get('item_id'))}`")
    out.write(f" · {md(where(record))}\n\n")
    if grade.get("status") != "graded":
        out.write(f"Ungraded: {md(grade.get('reason') or 'no reason recorded')}\n")
        return
    if grade.get("explanation"):
        out.write(f"Gap to the great answer: {md(grade['explanation'])}\n")
    for gap in grade.get("gaps") or []:
        out.write(f"- Missing: {md(gap.get('point', ''))} ({md(gap.get('why_it_matters', ''))})\n")
    flags = [label for label, on in (("suspicious", grade.get("suspicious")), ("truncated", grade.get("truncated"))) if on]
    if flags:
        out.write(f"- Flags: {', '.join(flags)}\n")


# ---------------------------------------------------------------- HTML

_CSS = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1f2328}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}
.great{color:#1a7f37;font-weight:600}.mediocre{color:#9a6700;font-weight:600}.poor{color:#cf222e;font-weight:600}
.ungraded{color:#6e7781;font-weight:600}.bar{background:#0969da;height:.8rem;display:inline-block}
.answer{border-left:3px solid #d0d7de;padding:.2rem .8rem;margin:.8rem 0}.meta{color:#6e7781;font-size:.9em}
.note{background:#fff8c5;padding:.5rem .8rem;border-radius:4px}
"""


def h(text: object) -> str:
    return html.escape(str(text), quote=True)


def html_table(out: IO[str], header: Sequence[str], rows: Sequence[Sequence[object]], right: Sequence[int] = ()) -> None:
    out.write("<table><thead><tr>" + "".join(f"<th>{h(c)}</th>" for c in header) + "</tr></thead><tbody>\n")
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            css = ' class="n"' if i in right else (f' class="{cell}"' if cell in (*TIERS, "ungraded") else "")
            cells.append(f"<td{css}>{h(cell)}</td>")
        out.write("<tr>" + "".join(cells) + "</tr>\n")
    out.write("</tbody></table>\n")


def write_html(data: ReportData, out: IO[str]) -> None:
    total = data.overall
    models = ", ".join(f"{name} ({n})" for name, n in data.models.most_common())
    out.write(f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Batch grading report</title>'
              f"<style>{_CSS}</style></head><body>\n<h1>Batch grading report</h1>\n")
    out.write(f'<p class="meta">Generated {h(data.generated_at)} from {h(data.results_path.name)}. Graded by: {h(models or "–")}.</p>\n')
    if data.estimates:
        out.write(f'<p class="note"><b>Offline estimates.</b> {data.estimates} of these grades come from the offline '
                  "backend, which compares answers with the exemplars and rubric notes without a language model.</p>\n")
    out.write("<h2>Summary</h2>\n")
    html_table(out, *summary_table(data))
    out.write("<h3>Tier distribution</h3>\n<table><tbody>\n")
    for tier in TIERS:
        n = total.tiers[tier]
        width = round(200 * n / total.graded) if total.graded else 0
        out.write(f'<tr><td class="{tier}">{tier}</td><td class="n">{n}</td><td class="n">{pct(n, total.graded)}</td>'
                  f'<td><span class="bar" style="width:{width}px"></span></td></tr>\n')
    out.write("</tbody></table>\n<h2>Weakest areas</h2>\n")
    weakest = weakest_table(data)
    if weakest:
        html_table(out, *weakest)
        html_table(out, *category_table(data))
    else:
        out.write("<p>No graded answers yet.</p>\n")
    common_gaps = gaps_table(data)
    if common_gaps:
        out.write("<h3>Most common gaps</h3>\n")
        html_table(out, *common_gaps)
    out.write("<h2>Per question</h2>\n")
    html_table(out, *question_table(data))
    out.write("<h2>Per candidate</h2>\n")
    html_table(out, *candidate_table(data))
    out.write(f"<h2>Ungraded answers ({total.ungraded})</h2>\n")
    if total.ungraded:
        html_table(out, *ungraded_table(data))
    else:
        out.write("<p>None: every answer was graded.</p>\n")
    if data.problem_count:
        out.write(f"<h2>Skipped inputs ({data.problem_count})</h2>\n<ul>\n")
        for problem in data.problems:
            out.write(f"<li>{h(problem)}</li>\n")
        out.write("</ul>\n")
    out.write("<h2>Every answer</h2>\n")
    current = None
    for record in data.rows():
        candidate = record.get("candidate") or NO_CANDIDATE
        if candidate != current:
            if current is not None:
                out.write("</details>\n")
            current = candidate
            out.write(f"<details open><summary><b>{h(candidate)}</b></summary>\n")
        grade = record["grade"]
        css = grade.get("tier") if grade.get("status") == "graded" else "ungraded"
        out.write(f'<div class="answer"><b>{h(record.get("question_id"))}</b> · <span class="{h(css)}">{h(verdict(grade))}</span>'
                  f' <span class="meta">answer {h(record.get("item_id"))} · {h(where(record))}</span>\n')
        if grade.get("status") != "graded":
            out.write(f"<p>Ungraded: {h(grade.get('reason') or 'no reason recorded')}</p></div>\n")
            continue
        if grade.get("explanation"):
            out.write(f"<p>Gap to the great answer: {h(grade['explanation'])}</p>\n")
        gaps = grade.get("gaps") or []
        if gaps:
            out.write("<ul>" + "".join(f"<li>Missing: {h(g.get('point', ''))} <span class=\"meta\">({h(g.get('why_it_matters', ''))})</span></li>" for g in gaps) + "</ul>")
        out.write("</div>\n")
    if current is not None:
        out.write("</details>\n")
    out.write("</body></html>\n")


# ---------------------------------------------------------------- CSV

CSV_COLUMNS = [
    "item_id", "candidate", "question_id", "category", "status", "tier", "score", "explanation", "gaps",
    "strengths", "reason", "suspicious", "truncated", "backend", "model", "estimate", "source", "line", "key",
]


def _csv_safe(value: object) -> object:
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


def write_csv(data: ReportData, out: IO[str]) -> None:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for record in data.rows():
        grade = record["grade"]
        gaps = "; ".join(f"{g.get('point', '')} ({g.get('why_it_matters', '')})" for g in grade.get("gaps") or [])
        row = [
            record.get("item_id"), record.get("candidate") or "", record.get("question_id"),
            data.category_of(str(record.get("question_id"))), grade.get("status"), grade.get("tier") or "",
            grade.get("score") if grade.get("score") is not None else "", grade.get("explanation", ""), gaps,
            "; ".join(grade.get("strengths") or []), grade.get("reason") or "", grade.get("suspicious", False),
            grade.get("truncated", False), grade.get("backend"), grade.get("model"), grade.get("estimate", False),
            record.get("source"), record.get("line") or "", record.get("key"),
        ]
        writer.writerow([_csv_safe(v) for v in row])


def render_markdown(data: ReportData) -> str:
    """The Markdown report as a string (for tests and small batches)."""
    buffer = io.StringIO()
    write_markdown(data, buffer)
    return buffer.getvalue()
