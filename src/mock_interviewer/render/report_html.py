"""``report.html``: the batch report as one self-contained page; every text from answers and models is escaped.

Each candidate's name links to their own page (``candidates/<slug>.html``, ``report_candidate_html``), which
is laid out from the same model with the same pieces (``CSS``, ``html_table``, ``answer_block``).
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Sequence
from typing import IO

from mock_interviewer.bank import TIERS
from mock_interviewer.batch.report_model import AnswerEntry, BatchReport
from mock_interviewer.render import report_tables as tables

CSS = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1f2328}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}td:first-child{white-space:nowrap}
.great{color:#1a7f37;font-weight:600}.mediocre{color:#9a6700;font-weight:600}.poor{color:#cf222e;font-weight:600}
.ungraded{color:#6e7781;font-weight:600}.bar{background:#0969da;height:.8rem;display:inline-block}
.answer{border-left:3px solid #d0d7de;padding:.2rem .8rem;margin:.8rem 0}.meta{color:#6e7781;font-size:.9em}
.note{background:#fff8c5;padding:.5rem .8rem;border-radius:4px}
.said{white-space:pre-wrap;background:#f6f8fa;padding:.5rem .8rem;margin:.3rem 0;border-radius:4px}
"""


def h(text: object) -> str:
    return html.escape(str(text), quote=True)


def link(href: str, text: object) -> str:
    """A link to one of the report's own pages (``href`` is a relative path the report made, never input)."""
    return f'<a href="{h(href)}">{h(text)}</a>'


def html_table(
    out: IO[str],
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    right: Sequence[int] = (),
    links: Sequence[str] | None = None,
) -> None:
    """A table; with ``links``, each row's first cell links to ``links[row]``."""
    out.write("<table><thead><tr>" + "".join(f"<th>{h(c)}</th>" for c in header) + "</tr></thead><tbody>\n")
    for n, row in enumerate(rows):
        cells = []
        for i, cell in enumerate(row):
            css = ' class="n"' if i in right else (f' class="{cell}"' if cell in (*TIERS, "ungraded") else "")
            text = link(links[n], cell) if links is not None and i == 0 else h(cell)
            cells.append(f"<td{css}>{text}</td>")
        out.write("<tr>" + "".join(cells) + "</tr>\n")
    out.write("</tbody></table>\n")


def _head(report: BatchReport, out: IO[str]) -> None:
    out.write('<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Batch grading report</title>'
              f"<style>{CSS}</style></head><body>\n<h1>Batch grading report</h1>\n")  # fmt: skip
    out.write(
        f'<p class="meta">Generated {h(report.generated_at)} from {h(report.results_file)}. '
        f"Graded by: {h(tables.graded_by(report) or '–')}.</p>\n"
    )
    if report.estimates:
        out.write(f'<p class="note"><b>Offline estimates.</b> {h(tables.OFFLINE_NOTE.format(n=report.estimates))}</p>\n')
    out.write("<h2>Summary</h2>\n")
    html_table(out, *tables.summary_table(report))
    out.write("<h3>Tier distribution</h3>\n<table><tbody>\n")
    graded = report.summary.graded
    for tier, n, share in tables.tier_rows(report):
        width = round(200 * n / graded) if graded else 0
        out.write(f'<tr><td class="{tier}">{tier}</td><td class="n">{n}</td><td class="n">{share}</td>'
                  f'<td><span class="bar" style="width:{width}px"></span></td></tr>\n')  # fmt: skip
    out.write("</tbody></table>\n")


def _weakest(report: BatchReport, out: IO[str]) -> None:
    out.write("<h2>Weakest areas</h2>\n")
    weakest = tables.weakest_table(report)
    if weakest:
        html_table(out, *weakest)
        html_table(out, *tables.category_table(report))
    else:
        out.write("<p>No graded answers yet.</p>\n")
    specific = tables.gaps_table(report)
    if specific:
        out.write("<h3>Most common gaps</h3>\n")
        html_table(out, *specific)
    generic = tables.generic_gaps_table(report)
    if generic:
        out.write(f"<p>{h(tables.GENERIC_GAPS_NOTE.format(rule=report.gaps.rule))}</p>\n")
        html_table(out, *generic)


def _lists(report: BatchReport, out: IO[str], pages: bool) -> None:
    out.write(f"<h2>Per question</h2>\n<p class=\"meta\">{h(tables.DISCRIMINATION_NOTE)}</p>\n")
    html_table(out, *tables.question_table(report))
    out.write("<h2>Per candidate</h2>\n")
    if pages:
        out.write('<p class="meta">Each name opens the candidate\'s own page: their answers, grades and gaps.</p>\n')
    html_table(out, *tables.candidate_table(report.candidates), links=[c.page for c in report.candidates] if pages else None)
    out.write(f"<h2>Borderline grades ({len(report.borderline)})</h2>\n")
    out.write(f'<p class="meta">{h(tables.BORDERLINE_NOTE.format(rule=report.borderline_rule))}</p>\n')
    if report.borderline:
        html_table(out, *tables.borderline_table(report.borderline))
    out.write(f"<h2>Ungraded answers ({report.summary.ungraded})</h2>\n")
    if report.summary.ungraded:
        html_table(out, *tables.ungraded_table(report.ungraded))
    else:
        out.write("<p>None: every answer was graded.</p>\n")
    if report.problem_count:
        out.write(f"<h2>Skipped inputs ({report.problem_count})</h2>\n<ul>\n")
        for problem in report.problems:
            out.write(f"<li>{h(problem)}</li>\n")
        out.write("</ul>\n")


def _answer_text(out: IO[str], text: str | None) -> None:
    if text is None:
        out.write('<p class="meta">The answer\'s text is not in results.jsonl (graded by an earlier version).</p>\n')
    else:
        out.write(f'<details><summary>The answer</summary><div class="said">{h(text.strip())}</div></details>\n')


def answer_block(out: IO[str], answer: AnswerEntry) -> None:
    css = answer.tier if answer.status == "graded" else "ungraded"
    out.write(f'<div class="answer"><b>{h(answer.question_id)}</b> · <span class="{h(css)}">{h(tables.answer_verdict(answer))}</span>'
              f' <span class="meta">answer {h(answer.item_id)} · {h(tables.where(answer))}</span>\n')  # fmt: skip
    if answer.status != "graded":
        out.write(f"<p>Ungraded: {h(answer.reason or 'no reason recorded')}</p>\n")
    else:
        out.write(f"<p>Gap to the great answer: {h(answer.explanation or answer.placement)}</p>\n")
        items = [f'<li>Missing: {h(g.point)} <span class="meta">({h(g.why_it_matters)})</span></li>' for g in answer.missing]
        for found in answer.evidence:
            quotes = "".join(f" “{h(q)}”" for q in found.quotes if q not in found.claim)
            items.append(f"<li>Evidence: {h(found.claim)}{quotes}</li>")
        flags = tables.flags(answer)
        if flags:
            items.append(f"<li>Flags: {h(', '.join(flags))}</li>")
        if items:
            out.write("<ul>" + "".join(items) + "</ul>")
    _answer_text(out, answer.answer)
    out.write("</div>\n")


def write_html(report: BatchReport, answers: Iterator[AnswerEntry], out: IO[str], *, pages: bool = True) -> None:
    """The whole report; with ``pages``, each candidate's name links to their page (written beside it)."""
    _head(report, out)
    _weakest(report, out)
    _lists(report, out, pages)
    out.write("<h2>Every answer</h2>\n")
    current = None
    rows = {row.name: row for row in report.candidates}
    for answer in answers:
        if answer.candidate != current:
            if current is not None:
                out.write("</details>\n")
            current = answer.candidate
            row = rows.get(current)
            line = tables.candidate_line(row)
            own = f' · {link(row.page, "their page")}' if pages and row is not None else ""
            out.write(f'<details open><summary><b>{h(current)}</b> <span class="meta">{h(line)}{own}</span></summary>\n')
        answer_block(out, answer)
    if current is not None:
        out.write("</details>\n")
    out.write("</body></html>\n")
