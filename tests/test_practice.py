"""``interview --review`` and ``interview --question``: which questions a practice session asks."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from progress_fixtures import twenty_sessions


def newest(directory: Path, before: set[Path]) -> dict[str, Any]:
    (path,) = set(directory.glob("*.json")) - before
    return json.loads(path.read_text(encoding="utf-8"))


def asked(session: dict[str, Any]) -> list[str]:
    return [r["question_id"] for r in session["records"]]


def test_review_asks_the_weak_due_questions_first(cli: Callable[..., Any], tmp_path: Path) -> None:
    directory = tmp_path / "t"
    twenty_sessions(directory)
    before = set(directory.glob("*.json"))
    result = cli("interview", "--backend", "offline", "--transcripts-dir", str(directory), "--review", "-n", "4", stdin="/quit\n")
    assert result.exit_code == 0, result.stderr
    session = newest(directory, before)
    # due: technical-03 (2/5), then the 3/5s; then an unseen question of a practised track
    assert asked(session)[:3] == ["technical-03", "director-11", "director-14"]
    assert asked(session)[3] == "director-01"
    assert session["options"]["questions"] == 4 and session["track"] == "technical"
    text = " ".join(result.stdout.split())
    assert "1. technical-03 · due: last score 2/5" in text
    assert "Question 1 of 4 · technical-03" in text


def test_review_on_one_track_then_unseen_questions(cli: Callable[..., Any], tmp_path: Path) -> None:
    directory = tmp_path / "t"
    twenty_sessions(directory)
    before = set(directory.glob("*.json"))
    result = cli("interview", "--backend", "offline", "--transcripts-dir", str(directory), "--review", "--track", "technical",
                 "-n", "3", stdin="/quit\n")
    assert result.exit_code == 0, result.stderr
    assert asked(newest(directory, before)) == ["technical-03", "technical-04", "technical-05"]


def test_review_with_no_history_starts_with_new_questions(cli: Callable[..., Any], tmp_path: Path) -> None:
    result = cli("interview", "--backend", "offline", "--transcripts-dir", str(tmp_path / "t"), "--review", "-n", "2",
                 stdin="/quit\n")
    assert result.exit_code == 0, result.stderr
    assert asked(newest(tmp_path / "t", set())) == ["director-01", "director-02"]
    assert "not practised yet" in result.stdout


def test_question_asks_the_chosen_ones_in_order(cli: Callable[..., Any], tmp_path: Path) -> None:
    result = cli("interview", "--backend", "offline", "--transcripts-dir", str(tmp_path / "t"), "--question", "technical-05",
                 "-q", "director-12", "--question", "technical-05", stdin="/quit\n")
    assert result.exit_code == 0, result.stderr
    session = newest(tmp_path / "t", set())
    assert asked(session) == ["technical-05", "director-12"] and session["track"] == "technical"


def test_bad_practice_options_are_refused(cli: Callable[..., Any], tmp_path: Path) -> None:
    base = ("interview", "--backend", "offline", "--transcripts-dir", str(tmp_path / "t"))
    result = cli(*base, "--question", "nope-99", stdin="")
    assert result.exit_code == 2 and "--question 'nope-99': no such question" in result.stderr
    result = cli(*base, "--question", "technical-01", "--review", stdin="")
    assert result.exit_code == 2 and "give only one of --review, --question" in result.stderr
    assert not (tmp_path / "t").exists() or not list((tmp_path / "t").glob("*.json"))
