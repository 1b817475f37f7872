"""Rows of the labelled and audit answer files in ``tests/data``, for tests that grade one of them."""

from __future__ import annotations

import json
from pathlib import Path

from mock_interviewer.bank import Bank
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.grading import assess, read_texts

DATA = Path(__file__).parent / "data"


def row(name: str, index: int) -> tuple[str, str]:
    """The question id and the answer of line ``index`` (0-based) of ``tests/data/name``."""
    found = json.loads((DATA / name).read_text(encoding="utf-8").splitlines()[index])
    return str(found["question_id"]), str(found["answer"])


def graded_alike(
    bank: Bank, context: OfflineContext, name: str, index: int, aside: str, where: str = "prepend"
) -> tuple[str, str]:
    """Assert that the answer of line ``index`` of ``name`` is weighed and graded the same with ``aside`` added before it
    (``where``: "prepend") or after it ("append"); the answer, and what the tier weighs of it with the aside."""
    question_id, answer = row(name, index)
    question = bank.get(question_id)
    added = f"{aside} {answer}" if where == "prepend" else f"{answer} {aside}"
    weighed = read_texts(question, added, context)[2]
    assert weighed == read_texts(question, answer, context)[2]
    alone, with_aside = assess(question, answer, context), assess(question, added, context)
    assert (with_aside.tier, with_aside.score) == (alone.tier, alone.score)
    return answer, weighed
