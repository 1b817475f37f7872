"""``progress``: every saved attempt over time, from 20 sessions made with the real session model."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from mock_interviewer.progress import ProgressReport, build_report, questions_to_review
from mock_interviewer.review import due_at, interval_days, review_order
from mock_interviewer.session_store import SessionStore
from progress_fixtures import START, saved_session, twenty_sessions

NOW = START + timedelta(days=60)


@pytest.fixture
def twenty(tmp_path: Path) -> Path:
    directory = tmp_path / "sessions"
    twenty_sessions(directory)
    return directory


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    place = tmp_path / "elsewhere"
    place.mkdir()
    monkeypatch.chdir(place)
    return place


def report_of(directory: Path, bank: Any, track: str | None = None) -> ProgressReport:
    return build_report(SessionStore(directory).list(), bank, now=NOW, transcripts_dir=directory, track=track)


# ---------------------------------------------------------------- the rule


def test_the_review_interval_follows_the_documented_rule() -> None:
    assert [interval_days([s]) for s in (1, 2, 3, 4, 5)] == [1, 1, 3, 7, 14]
    assert interval_days([5, 5]) == 28 and interval_days([4, 5, 5]) == 56 and interval_days([5, 5, 5, 5]) == 60
    assert interval_days([5, 2, 5]) == 14  # a weak attempt breaks the run
    assert interval_days([5, 5, 2]) == 1  # a weak grade comes back soon, whatever came before
    assert due_at([3], START) == START + timedelta(days=3)


def test_review_order_is_due_weakest_first_then_unseen_then_later() -> None:
    attempted = {
        "a": (3, NOW - timedelta(days=1)),
        "b": (1, NOW - timedelta(hours=1)),
        "c": (5, NOW + timedelta(days=5)),
        "d": (3, NOW - timedelta(days=4)),
    }
    order = [q for q, _ in review_order(attempted, ["x", "a", "y"], NOW)]
    assert order == ["b", "d", "a", "x", "y", "c"]


# ---------------------------------------------------------------- the report


def test_twenty_sessions_give_trend_improvements_areas_and_due(twenty: Path, bank: Any) -> None:
    report = report_of(twenty, bank)
    assert report.sessions == 20 and report.attempts == 60 and report.trend == "improving"
    assert report.trend_change is not None and report.trend_change >= 0.5
    assert set(report.improved) == {"technical-01", "technical-02", "director-02", "director-14"}
    assert set(report.not_improved) == {"technical-03", "director-11"}
    assert (report.strongest, report.weakest) == ("technical", "behavioral")
    assert [q.question_id for q in report.due_now] == ["technical-03", "director-11", "director-14"]
    by_id = {q.question_id: q for q in report.questions}
    assert [a.score for a in by_id["technical-01"].attempts] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    last = by_id["technical-01"].attempts[-1].at
    assert by_id["technical-01"].due == last + timedelta(days=60)  # five strong in a row: capped at 60 days
    assert [p.session_id for p in report.timeline] == sorted(p.session_id for p in report.timeline)


def test_a_track_filter_keeps_only_that_tracks_questions(twenty: Path, bank: Any) -> None:
    report = report_of(twenty, bank, track="director")
    assert {q.question_id for q in report.questions} == {"director-02", "director-11", "director-14"}
    assert report.sessions == 10 and [t.name for t in report.tracks] == ["director"]


def test_review_picks_due_weak_questions_then_unseen_ones(twenty: Path, bank: Any) -> None:
    report = report_of(twenty, bank)
    order = questions_to_review(report, bank, "technical", NOW)
    assert [q for q, _ in order[:2]] == ["technical-03", "technical-04"]  # the one due, then the first unseen
    assert "technical-01" not in [q for q, _ in order[: len(bank.in_track("technical")) - 2]]


def test_ungraded_and_skipped_answers_are_not_attempts(tmp_path: Path, bank: Any) -> None:
    session = saved_session(tmp_path, START, [("technical-01", 3)])
    session.records[0].status = "skipped"
    session.records[0].grade = None
    SessionStore(tmp_path).save(session)
    assert report_of(tmp_path, bank).attempts == 0


# ---------------------------------------------------------------- the command


def test_progress_json_from_another_directory(cli: Callable[..., Any], twenty: Path, elsewhere: Path) -> None:
    result = cli("progress", "--json", "--transcripts-dir", str(twenty))
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert data["schema_version"] == 1 and data["sessions"] == 20 and data["attempts"] == 60
    question = next(q for q in data["questions"] if q["question_id"] == "technical-03")
    assert set(question["attempts"][0]) >= {"session_id", "at", "tier", "score"}
    assert [a["tier"] for a in question["attempts"]] == ["poor"] * 10
    assert question["due_now"] is True and datetime.fromisoformat(question["due"].replace("Z", "+00:00")) < datetime.now(timezone.utc)
    assert question["attempts"][0]["words"] == 4 and question["attempts"][0]["fillers"] == 0  # "An answer worth 2."
    assert data["delivery"] == {"earlier_words": 4.0, "later_words": 4.0, "earlier_fillers_per_100_words": 0.0,
                                "later_fillers_per_100_words": 0.0}
    ProgressReport.model_validate(data)  # the document is the model


def test_progress_in_a_terminal_says_what_improved_and_what_is_due(cli: Callable[..., Any], twenty: Path) -> None:
    result = cli("progress", "--transcripts-dir", str(twenty))
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "Progress · 20 sessions · 60 graded answers" in text and "Trend: improving" in text
    assert "Strongest: technical · weakest: behavioral" in text
    assert "Not improved yet: technical-03, director-11" in text
    assert "Due for review now (3), weakest first:" in text
    assert f"Practise them: mock-interviewer interview --review --transcripts-dir {twenty}" in text


def test_progress_html_is_one_self_contained_page(cli: Callable[..., Any], twenty: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    result = cli("progress", "--transcripts-dir", str(twenty), "--html", str(page), "--json")
    assert result.exit_code == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html and "<link" not in html and not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "url(" not in html and "@import" not in html
    timeline = re.search(r'<svg data-chart="timeline".*?</svg>', html, re.S)
    assert timeline is not None and timeline.group(0).count("<circle") == 20  # one dot per session
    assert html.count('data-chart="spark"') == 6 and 'data-chart="category"' in html and 'data-chart="track"' in html
    assert "Due for review: 3, weakest first" in html


def test_no_sessions_yet_says_how_to_start(cli: Callable[..., Any], tmp_path: Path) -> None:
    result = cli("progress", "--transcripts-dir", str(tmp_path / "none"))
    assert result.exit_code == 0
    assert "No graded answers" in result.stderr and "mock-interviewer interview --transcripts-dir" in result.stderr


def test_an_unknown_track_and_an_unreadable_file(cli: Callable[..., Any], twenty: Path) -> None:
    result = cli("progress", "--transcripts-dir", str(twenty), "--track", "nope")
    assert result.exit_code == 2 and "unknown track 'nope'" in result.stderr
    (twenty / "20261001-000000-dead.json").write_text("{not json", encoding="utf-8")
    result = cli("progress", "--transcripts-dir", str(twenty), "--json")
    assert result.exit_code == 0 and result.json()["sessions"] == 20
    assert "unreadable:" in result.stderr and "20261001-000000-dead.json" in result.stderr


def test_the_example_page_in_docs_is_current(repo: Path) -> None:
    """docs/examples/progress.html is what the tool writes for the sample sessions (python docs/gen_progress_example.py)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_progress_example", repo / "docs" / "gen_progress_example.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    actual = (repo / "docs" / "examples" / "progress.html").read_text(encoding="utf-8")
    assert actual == module.render(), "docs/examples/progress.html is stale: run python docs/gen_progress_example.py"


def test_piped_the_review_command_is_one_line_however_long_its_path(cli: Callable[..., Any], twenty: Path, tmp_path: Path) -> None:
    """Piped output is not wrapped at 80 columns: the printed command is copied whole (it broke mid-path)."""
    import shutil

    deep = tmp_path / ("a-rather-long-directory-name-" * 3) / "sessions"
    shutil.copytree(twenty, deep)
    result = cli("progress", "--transcripts-dir", str(deep))
    assert result.exit_code == 0, result.stderr
    assert f"Practise them: mock-interviewer interview --review --transcripts-dir {deep}" in result.stdout.splitlines()
