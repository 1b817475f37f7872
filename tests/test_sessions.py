"""``sessions`` and ``sessions show``: listing, rendering, Markdown export, and the summary they share."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from mock_interviewer.bank import load_bank
from mock_interviewer.grade_model import Gap, Grade
from mock_interviewer.render.session import session_markdown, session_summary_view, session_view
from mock_interviewer.session_store import QuestionRecord, Session, SessionOptions, SessionStore, SessionTurn
from mock_interviewer.summary import summarise, theme_of

BANK = load_bank()
SESSION_ID = "20250102-093000-cafe"


def graded(question_id: str, tier: str, score: int, gaps: list[tuple[str, str]], strengths: list[str]) -> Grade:
    return Grade(
        question_id=question_id,
        tier=tier,
        score=score,
        explanation="You named the practice but not how you measure it.",
        gaps=[Gap(point=p, why_it_matters=w) for p, w in gaps],
        strengths=strengths,
        backend="offline",
        model="offline-v1",
        estimate=True,
    )


def record(question_id: str, answers: list[str], grade: Grade | None, *, follow_up: str | None = None, status: str = "graded") -> QuestionRecord:
    turns = [SessionTurn(speaker="interviewer", kind="question", text=BANK.get(question_id).text)]
    for index, answer in enumerate(answers):
        if index == 1 and follow_up:
            turns.append(SessionTurn(speaker="interviewer", kind="follow_up", text=follow_up))
        turns.append(SessionTurn(speaker="candidate", kind="answer", text=answer))
    return QuestionRecord(
        question_id=question_id,
        status=status,
        turns=turns,
        follow_ups_asked=1 if follow_up else 0,
        grade=grade,
    )


def sample_session() -> Session:
    metrics_gap = ("Measures the outcome with defect rates and velocity metrics", "Numbers show the practice worked.")
    return Session(
        id=SESSION_ID,
        track="director",
        backend="offline",
        model="offline-v1",
        status="completed",
        elapsed_seconds=754,
        options=SessionOptions(questions=4, minutes=22, follow_ups=1, feedback="now", seed=9),
        records=[
            record(
                "director-02",
                ["We use linters | and CI.\n\nAnd code reviews.", "We track defects."],
                graded("director-02", "mediocre", 3, [metrics_gap], ["Names automated tools in the CI/CD pipeline"]),
                follow_up="How do you know it works?",
            ),
            record(
                "director-11",
                ["I mentor engineers weekly."],
                graded(
                    "director-11",
                    "poor",
                    2,
                    [("Tracks growth with measurable goals and data", "Without data you cannot show progress."), ("Gives a concrete example", "Examples make it believable.")],
                    [],
                ),
            ),
            QuestionRecord(question_id="director-03", status="skipped", turns=[SessionTurn(speaker="interviewer", kind="question", text="Q?"), SessionTurn(speaker="candidate", kind="skip", text="/skip")]),
            QuestionRecord(question_id="director-14"),
        ],
    )


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    store = SessionStore(tmp_path / "t")
    store.save(sample_session())
    return store


def test_the_summary_is_computed_from_the_grades() -> None:
    summary = summarise(sample_session(), BANK)
    assert [r.status for r in summary.results] == ["graded", "graded", "skipped", "not_reached"]
    assert [r.tier for r in summary.results[:2]] == ["mediocre", "poor"]
    assert summary.average_score == 2.5 and summary.graded == 2
    assert summary.tiers == {"great": 0, "mediocre": 1, "poor": 1}
    assert [(a.area, a.average_score) for a in summary.by_category] == [("technical", 3.0), ("behavioral", 2.0)]
    assert summary.strongest[0].startswith("technical questions (average 3")
    assert summary.weakest[0].startswith("behavioral questions (average 2")
    assert any(w.startswith("measurable outcomes (missing in 2 questions)") for w in summary.weakest)
    assert 2 <= len(summary.practice) <= 3
    first = summary.practice[0]
    assert first.what.startswith("Quantify your results") and first.question_ids == ["director-02", "director-11"]
    assert summary.estimate is True
    # a gap is matched to the rubric's own key point when the words overlap
    assert any(n.text in BANK.get("director-02").key_points for n in summary.missed_key_points)


def test_themes_recognise_common_areas() -> None:
    assert theme_of("Quantifies the impact with metrics").name == "measurable outcomes"
    assert theme_of("Weighs the trade-offs of each option").name == "trade-offs and prioritisation"
    assert theme_of("Keeps stakeholders informed").name == "stakeholders and communication"
    assert theme_of("Production incidents") is not theme_of("Product management alignment")


def test_an_all_great_session_suggests_a_harder_setting() -> None:
    session = sample_session()
    session.records = [record("director-01", ["x"], graded("director-01", "great", 5, [], ["Everything"]))]
    summary = summarise(session, BANK)
    assert summary.practice and "harder" in summary.practice[0].what


def test_views_fit_80_columns() -> None:
    session = sample_session()
    summary = summarise(session, BANK)
    console = Console(width=80, record=True, color_system=None)
    console.print(session_summary_view(summary))
    console.print(session_view(session, BANK, summary))
    text = console.export_text()
    assert max(len(line.rstrip()) for line in text.splitlines()) <= 80
    assert "Practise next" in text and "director-14" in text and "not reached" in text


def test_sessions_lists_saved_sessions(cli: Callable[..., Any], store: SessionStore) -> None:
    (store.directory / "20250103-000000-bad0.json").write_text("{not json")
    result = cli("sessions", "--transcripts-dir", str(store.directory))
    assert result.exit_code == 0
    assert SESSION_ID in result.stdout and "completed" in result.stdout and "2/4" in result.stdout
    assert "unreadable" in result.stdout
    assert "20250103-000000-bad0.json:1: not valid JSON" in result.stderr
    listed = cli("sessions", "--json", "--transcripts-dir", str(store.directory)).json()
    good = next(s for s in listed["sessions"] if s.get("id") == SESSION_ID)
    assert good["answered"] == 2 and good["graded"] == 2 and good["average_score"] == 2.5
    bad = next(s for s in listed["sessions"] if "error" in s)
    assert "not valid JSON" in bad["error"]


def test_no_sessions_yet(cli: Callable[..., Any], tmp_path: Path) -> None:
    result = cli("sessions", "--transcripts-dir", str(tmp_path / "none"))
    assert result.exit_code == 0 and result.stdout == ""
    assert "No saved sessions" in result.stderr
    assert cli("sessions", "--json", "--transcripts-dir", str(tmp_path / "none")).json()["sessions"] == []


def test_show_renders_the_whole_session(cli: Callable[..., Any], store: SessionStore) -> None:
    result = cli("sessions", "show", SESSION_ID, "--transcripts-dir", str(store.directory))
    assert result.exit_code == 0
    out = result.stdout
    assert "We use linters | and CI." in out and "How do you know it works?" in out
    assert "Mediocre 3/5" in out and "(skipped)" in out and "Summary" in out


def test_show_json_holds_session_and_summary(cli: Callable[..., Any], store: SessionStore) -> None:
    document = cli("sessions", "show", SESSION_ID, "--json", "--transcripts-dir", str(store.directory)).json()
    assert document["session"]["id"] == SESSION_ID and document["session"]["schema_version"] == 2
    assert document["summary"]["average_score"] == 2.5


def test_markdown_export(cli: Callable[..., Any], store: SessionStore) -> None:
    result = cli("sessions", "show", SESSION_ID, "--markdown", "--transcripts-dir", str(store.directory))
    assert result.exit_code == 0
    md = result.stdout
    assert md.startswith(f"# Mock interview {SESSION_ID}\n")
    assert "## 1. director-02, technical" in md
    assert "> We use linters | and CI.\n>\n> And code reviews." in md  # paragraphs kept inside the quote
    assert "**Interviewer (follow-up):** How do you know it works?" in md
    assert "**Grade: Mediocre, 3/5** (offline estimate)" in md
    assert "| 1 | director-02 | technical | Mediocre 3/5 |" in md
    assert "| 4 | director-14 | behavioral | not reached |" in md
    assert "**Practise next:**" in md
    assert md == session_markdown(sample_session(), BANK, summarise(sample_session(), BANK)).replace(
        sample_session().created_at.strftime("%Y-%m-%d %H:%M"), md.split("Started: ")[1][:16]
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "20990101-000000-none"], "no saved session '20990101-000000-none'"),
        (["show", "../secrets"], "is not a valid id"),
        (["show", SESSION_ID, "--markdown", "--json"], "give either --markdown or --json, not both"),
    ],
)
def test_show_bad_input(cli: Callable[..., Any], store: SessionStore, args: list[str], message: str) -> None:
    result = cli("sessions", *args, "--transcripts-dir", str(store.directory))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr


def test_example_transcripts_load_and_render(cli: Callable[..., Any], repo: Path) -> None:
    examples = sorted((repo / "transcripts" / "examples").glob("*.json"))
    assert examples, "transcripts/examples/ holds example sessions"
    for path in examples:
        data = json.loads(path.read_text())
        result = cli("sessions", "show", data["id"], "--markdown", "--transcripts-dir", str(path.parent))
        assert result.exit_code == 0, result.stderr
        assert all(t["text"] for r in data["records"] for t in r["turns"])


def test_time_boxes_and_counts_read_as_a_person_says_them() -> None:
    """The header said "0.3 min" and the Markdown "up to 1 follow-ups"."""
    from mock_interviewer.render import plural, time_box

    assert [time_box(m) for m in (None, 0, 0.3, 1, 22, 1.5)] == ["untimed", "untimed", "18 s", "1 min", "22 min", "1.5 min"]
    assert [plural(n, "follow-up") for n in (0, 1, 2)] == ["0 follow-ups", "1 follow-up", "2 follow-ups"]


def test_no_follow_ups_reads_as_such() -> None:
    """The header said "up to 0 follow-ups per question"."""
    from mock_interviewer.render import follow_up_limit

    assert [follow_up_limit(n) for n in (0, 1, 2)] == ["no follow-ups", "up to 1 follow-up", "up to 2 follow-ups"]


def test_a_session_file_linked_from_elsewhere_is_read_through_the_link(cli: Callable[..., Any], tmp_path: Path) -> None:
    """`sessions` listed it, then `sessions show ID` said "not a valid id"."""
    elsewhere = SessionStore(tmp_path / "elsewhere")
    session = sample_session()
    target = elsewhere.save(session)
    before = target.read_bytes()
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / f"{session.id}.json").symlink_to(target)

    shown = cli("sessions", "show", session.id, "--transcripts-dir", str(tmp_path / "t"))
    assert shown.exit_code == 0, shown.stderr
    assert f"Session {session.id}" in shown.stdout

    # a save replaces the link with the file, in the transcripts directory; nothing is written where it pointed
    SessionStore(tmp_path / "t").save(SessionStore(tmp_path / "t").load(session.id))
    assert not (tmp_path / "t" / f"{session.id}.json").is_symlink()
    assert target.read_bytes() == before


def test_a_session_file_with_a_huge_integer_is_one_unreadable_file_not_the_end_of_the_listing(
    cli: Callable[..., Any], store: SessionStore
) -> None:
    """An integer of over 4,300 digits was "internal error: ValueError" and hid every other session."""
    good = store.save(sample_session())
    bad = store.directory / "20990101-000000-bad0.json"
    bad.write_text(good.read_text().replace('"seed": ', '"seed": ' + "9" * 5000, 1).replace(good.stem, bad.stem))
    listed = cli("sessions", "--transcripts-dir", str(store.directory))
    assert listed.exit_code == 0, listed.stderr
    assert good.stem in listed.stdout and "unreadable" in listed.stdout
    shown = cli("sessions", "show", bad.stem, "--transcripts-dir", str(store.directory))
    assert shown.exit_code == 2
    assert shown.stderr.strip().startswith(f"error: {bad}:") and len(shown.stderr.strip().splitlines()) == 1
    assert "internal error" not in listed.stderr + shown.stderr


@pytest.mark.parametrize(
    "command",
    [["sessions"], ["sessions", "show", "20250101-120000-abcd"],
     ["interview", "--backend", "offline", "--resume", "20250101-120000-abcd"]],
    ids=["sessions", "show", "resume"],
)
def test_a_transcripts_dir_name_over_name_max_is_one_line(cli: Callable[..., Any], tmp_path: Path, command: list[str]) -> None:
    """It was "internal error: OSError [Errno 36] File name too long" (exit 1)."""
    too_long = tmp_path / ("a" * 300)
    result = cli(*command, "--transcripts-dir", str(too_long), stdin="")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith(f"error: {too_long}") and "too long" in lines[-1].rpartition(str(too_long))[2]
    assert "internal error" not in result.stderr
