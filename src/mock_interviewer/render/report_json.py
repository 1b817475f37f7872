"""``report.json``: the report's data (``ReportDocument``), with every answer streamed in, one at a time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from mock_interviewer.batch.report_model import AnswerEntry, BatchReport


def write_json(report: BatchReport, answers: Iterator[AnswerEntry], out: IO[str]) -> None:
    """The ``BatchReport`` fields, then ``answers``: the same document ``ReportDocument`` validates."""
    head = report.model_dump_json(indent=1)
    out.write(head[: head.rstrip().rindex("}")].rstrip() + ',\n "answers": [')
    for i, answer in enumerate(answers):
        out.write(("," if i else "") + "\n  " + answer.model_dump_json())
    out.write("\n ]\n}\n")
