"""``report.md``: the batch report in Markdown (the model in ``batch/report_model.py``, laid out)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import IO

from mock_interviewer.batch.report_model import AnswerEntry, BatchReport
from mock_interviewer.render import report_tables as tables


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def md(text: object) -> str:
    """Text safe inside Markdown, table cells included: no raw HTML, no stray pipes, one line."""
    return one_line(str(text)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def md_table(out: IO[str], header: Sequence[str], rows: Sequence[Sequence[object]], right: Sequence[int] = ()) -> None:
    out.write("| " + " | ".join(header) + " |\n")
    out.write("|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|\n")
    for row in rows:
        out.write("| " + " | ".join(md(cell) for cell in row) + " |\n")
    out.write("\n")


def _bar(part: int, whole: int, width: int = 20) -> str:
    return "█" * round(width * part / whole) if whole else ""


def _head(report: BatchReport, out: IO[str]) -> None:
    out.write("# Batch grading report\n\n")
    out.write(
        f"Generated {report.generated_at} from `{md(report.results_file)}`. "
        f"Graded by: {md(tables.graded_by(report)) or '–'}.\n\n"
    )
    if report.estimates:
        out.write(f"> **Offline estimates.** {tables.OFFLINE_NOTE.format(n=report.estimates)}\n\n")
    out.write("## Summary\n\n")
    md_table(out, *tables.summary_table(report))
    out.write("### Tier distribution\n\n")
    graded = report.summary.graded
    rows = [[tier, n, share, _bar(n, graded)] for tier, n, share in tables.tier_rows(report)]
    md_table(out, ["tier", "answers", "share", ""], rows, right=(1, 2))


def _weakest(report: BatchReport, out: IO[str]) -> None:
    out.write("## Weakest areas\n\n")
    weakest = tables.weakest_table(report)
    if weakest:
        out.write("Questions with the lowest mean score:\n\n")
        md_table(out, *weakest)
        out.write("By category:\n\n")
        md_table(out, *tables.category_table(report))
    else:
        out.write("No graded answers yet.\n\n")
    specific = tables.gaps_table(report)
    if specific:
        out.write("Most common gaps (what the great answer had that these answers lacked), by question:\n\n")
        md_table(out, *specific)
    generic = tables.generic_gaps_table(report)
    if generic:
        out.write(tables.GENERIC_GAPS_NOTE.format(rule=md(report.gaps.rule)) + "\n\n")
        md_table(out, *generic)


def _lists(report: BatchReport, out: IO[str]) -> None:
    out.write("## Per question\n\n")
    out.write(tables.DISCRIMINATION_NOTE + "\n\n")
    md_table(out, *tables.question_table(report))
    out.write("## Per candidate\n\n")
    md_table(out, *tables.candidate_table(report.candidates))
    out.write(f"## Borderline grades ({len(report.borderline)})\n\n")
    out.write(tables.BORDERLINE_NOTE.format(rule=md(report.borderline_rule)) + "\n\n")
    if report.borderline:
        md_table(out, *tables.borderline_table(report.borderline))
    out.write(f"## Ungraded answers ({report.summary.ungraded})\n\n")
    if report.summary.ungraded:
        out.write("Each is graded again on the next run of the same command.\n\n")
        md_table(out, *tables.ungraded_table(report.ungraded))
    else:
        out.write("None: every answer was graded.\n\n")
    if report.problem_count:
        out.write(f"## Skipped inputs ({report.problem_count})\n\n")
        for problem in report.problems:
            out.write(f"- {md(problem)}\n")
        if report.problem_count > len(report.problems):
            out.write(f"- … and {report.problem_count - len(report.problems)} more (see the command's error output)\n")
        out.write("\n")


def _answer_text(out: IO[str], text: str | None) -> None:
    if text is None:
        out.write("\n*The answer's text is not in results.jsonl (graded by an earlier version).*\n")
        return
    out.write("\nThe answer:\n\n")
    for line in text.strip().splitlines() or [""]:
        out.write(f"> {md(line)}\n" if line.strip() else ">\n")


def _answer(out: IO[str], answer: AnswerEntry) -> None:
    out.write(f"\n**{md(answer.question_id)}** · {md(tables.answer_verdict(answer))} · answer `{md(answer.item_id)}`")
    out.write(f" · {md(tables.where(answer))}\n\n")
    if answer.status != "graded":
        out.write(f"Ungraded: {md(answer.reason or 'no reason recorded')}\n")
        _answer_text(out, answer.answer)
        return
    out.write(f"Gap to the great answer: {md(answer.explanation or answer.placement)}\n")
    for gap in answer.missing:
        out.write(f"- Missing: {md(gap.point)} ({md(gap.why_it_matters)})\n")
    for found in answer.evidence:
        quotes = [q for q in found.quotes if q not in found.claim]
        out.write(f"- Evidence: {md(found.claim)}" + "".join(f" “{md(q)}”" for q in quotes) + "\n")
    flags = tables.flags(answer)
    if flags:
        out.write(f"- Flags: {md(', '.join(flags))}\n")
    _answer_text(out, answer.answer)


def write_markdown(report: BatchReport, answers: Iterator[AnswerEntry], out: IO[str]) -> None:
    _head(report, out)
    _weakest(report, out)
    _lists(report, out)
    out.write("## Every answer\n")
    current = None
    rows = {row.name: row for row in report.candidates}
    for answer in answers:
        if answer.candidate != current:
            current = answer.candidate
            out.write(f"\n### {md(current)}\n\n{md(tables.candidate_line(rows.get(current)))}\n")
        _answer(out, answer)
