"""``candidates/<slug>.html``: one candidate's page of the batch report, self-contained, linked from report.html.

Laid out from the same ``BatchReport`` model and with the same pieces as the main page (``report_html``:
its CSS, tables and answer blocks), so a candidate's answers look, and are escaped and scrubbed, exactly as
there: their counts, the gaps their answers show most, their borderline and ungraded answers, then every
answer with its text and grade.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO

from mock_interviewer.batch.report_model import AnswerEntry, BatchReport, BorderlineRef, CandidateRow, UngradedRef
from mock_interviewer.render import report_tables as tables
from mock_interviewer.render.report_html import CSS, answer_block, h, html_table, link

BACK = "../report.html"


def _gaps(row: CandidateRow, out: IO[str]) -> None:
    if not row.gaps:
        return
    out.write("<h2>Gaps across their answers</h2>\n"
              "<p class=\"meta\">What the great answer had that their answers lacked, most answers first; "
              "generic: a gap seen under two or more questions of the batch.</p>\n")  # fmt: skip
    body = [[g.gap, g.answers, ", ".join(g.questions), "generic" if g.generic else ""] for g in row.gaps]
    html_table(out, ["gap", "answers", "questions", ""], body, right=(1,))


def _lists(report: BatchReport, borderline: Sequence[BorderlineRef], ungraded: Sequence[UngradedRef], out: IO[str]) -> None:
    if borderline:
        out.write(f"<h2>Borderline grades ({len(borderline)})</h2>\n")
        out.write(f'<p class="meta">{h(tables.BORDERLINE_NOTE.format(rule=report.borderline_rule))}</p>\n')
        html_table(out, *tables.borderline_table(borderline, candidate=False))
    if ungraded:
        out.write(f"<h2>Ungraded answers ({len(ungraded)})</h2>\n")
        html_table(out, *tables.ungraded_table(ungraded, candidate=False))


def write_candidate_page(
    report: BatchReport,
    row: CandidateRow,
    answers: Iterable[AnswerEntry],
    out: IO[str],
    *,
    borderline: Sequence[BorderlineRef] | None = None,
    ungraded: Sequence[UngradedRef] | None = None,
) -> None:
    """One candidate's page; ``answers`` are theirs, in report order (read one at a time). Their borderline and
    ungraded answers are picked from the report unless given (a writer of many pages groups them once)."""
    if borderline is None:
        borderline = [b for b in report.borderline if b.candidate == row.name]
    if ungraded is None:
        ungraded = [u for u in report.ungraded if u.candidate == row.name]
    out.write(f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{h(row.name)} · batch grading report'
              f"</title><style>{CSS}</style></head><body>\n")  # fmt: skip
    out.write(f'<p class="meta">{link(BACK, "← the batch report")}</p>\n<h1>{h(row.name)}</h1>\n')
    out.write(
        f'<p class="meta">Generated {h(report.generated_at)} from {h(report.results_file)}. '
        f"The batch was graded by: {h(tables.graded_by(report) or '–')}.</p>\n"
    )
    if row.estimates:
        note = tables.CANDIDATE_OFFLINE_NOTE.format(n=row.estimates)
        out.write(f'<p class="note"><b>Offline estimates.</b> {h(note)}</p>\n')
    out.write("<h2>Summary</h2>\n")
    html_table(out, *tables.candidate_table([row]))
    _gaps(row, out)
    _lists(report, borderline, ungraded, out)
    out.write("<h2>Every answer</h2>\n")
    for answer in answers:
        answer_block(out, answer)
    out.write("</body></html>\n")
