"""STAR structure of a behavioural answer: situations and the candidate's own actions, with their spans."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mock_interviewer.star import star_parts

STORY = ("At my last company two engineers disagreed about Kafka. When I took over the team it was tense. "
         "I asked each to write a one-pager, then I ran a spike. I felt relieved.")


def test_a_situation_and_the_candidates_actions_are_found_with_spans() -> None:
    parts = star_parts(STORY)
    assert [(p.part, p.text) for p in parts] == [
        ("situation", "At my last company two engineers disagreed about Kafka."),
        ("action", "I asked"),
        ("action", "I ran"),
    ]
    assert all(STORY[p.start:p.end].strip() == p.text for p in parts)


@pytest.mark.parametrize("text", [
    "I felt it was wrong and I wanted to fix it.",  # feelings, not actions
    "If it's stuck, I put the trade-off in writing.",  # a habit, in a verb that reads the same in the present
    "I need that person on my side.", "What I changed in myself was patience.",
    "Last year that loop produced our search feature.",  # an outcome, not a scene
    "We use Kafka because it scales.",
])
def test_what_is_not_a_situation_or_an_action(text: str) -> None:
    assert star_parts(text) == []


def test_the_star_audit_holds_at_95_percent(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("star_audit", repo / "bench" / "star_audit.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main() == 0
    out = capsys.readouterr().out
    total = next(line.split() for line in out.splitlines() if line.startswith("all"))
    assert int(total[1]) >= 50 and int(total[2]) / int(total[1]) >= 0.95 and "unjudged detections: 0" in out


def test_history_shows_star_for_behavioural_questions_only(cli: Callable[..., Any], tmp_path: Path) -> None:
    directory = tmp_path / "t"
    for question in ("director-11", "technical-09"):
        result = cli("interview", "--backend", "offline", "--transcripts-dir", str(directory), "-q", question,
                     "--follow-ups", "0", stdin=STORY + "\n.\n")
        assert result.exit_code == 0, result.stderr
    behavioural = cli("progress", "--transcripts-dir", str(directory), "-q", "director-11", "--json").json()
    assert [p["text"] for p in behavioural["attempts"][0]["star"]] == [
        "At my last company two engineers disagreed about Kafka.", "I asked", "I ran"]
    assert cli("progress", "--transcripts-dir", str(directory), "-q", "technical-09", "--json").json()["attempts"][0]["star"] is None
    text = " ".join(cli("progress", "--transcripts-dir", str(directory), "-q", "director-11").stdout.split())
    # actions only: readers agreed with 46 of 48 on held-out answers, with 5 of 6 situations
    assert "STAR: found 2 of your own actions (“I asked”, “I ran”)" in text and "situation" not in text
