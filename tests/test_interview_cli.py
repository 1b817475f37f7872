"""``mock-interviewer interview`` through the real entry point, answers piped on stdin, offline backend."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ANSWER_1 = "We keep a living register of tech debt.\n\nWe review it in retros and prioritise by impact."
FOLLOW_UP_1 = "I build a business case with numbers: velocity lost per sprint and incidents caused."


def sessions_in(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.json"))


def only_session(directory: Path) -> dict[str, Any]:
    files = sessions_in(directory)
    assert len(files) == 1, files
    return json.loads(files[0].read_text())


def interview_args(tmp_path: Path, *extra: str) -> list[str]:
    return ["interview", "--backend", "offline", "--transcripts-dir", str(tmp_path / "t"), *extra]


def test_a_piped_offline_interview_saves_every_answer(cli: Callable[..., Any], tmp_path: Path) -> None:
    stdin = f"{ANSWER_1}\n.\n{FOLLOW_UP_1}\n.\n/skip\n"
    result = cli(*interview_args(tmp_path, "--track", "director", "--questions", "2", "--seed", "3"), stdin=stdin)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Question 1 of 2" in out and "22:00 left" in out
    assert "Interviewer:" in out
    assert "Summary" in out and "Practise next" in out
    assert "offline estimate" in out
    data = only_session(tmp_path / "t")
    assert data["schema_version"] == 2 and data["status"] == "completed" and data["backend"] == "offline"
    first, second = data["records"]
    answers = [t["text"] for t in first["turns"] if t["kind"] == "answer"]
    assert answers == [ANSWER_1, FOLLOW_UP_1]
    assert first["follow_ups_asked"] == 1
    assert first["turns"][0]["text"][:30] in out
    assert first["grade"]["backend"] == "offline" and first["grade"]["estimate"] is True
    assert second["status"] == "skipped"
    assert "using the offline backend" in result.stderr


def test_json_puts_one_document_on_stdout(cli: Callable[..., Any], tmp_path: Path) -> None:
    result = cli(*interview_args(tmp_path, "--questions", "1", "--follow-ups", "0", "--seed", "1", "--json"), stdin="An answer about debt.\n.\n")
    assert result.exit_code == 0, result.stderr
    document = result.json()
    assert document["status"] == "completed" and document["resume"] is None
    assert document["schema_version"] == 1
    assert document["summary"]["results"][0]["status"] in ("graded", "ungraded")
    assert Path(document["path"]).exists()
    assert "Interviewer:" in result.stderr  # the conversation goes to stderr


def test_quit_then_resume(cli: Callable[..., Any], tmp_path: Path) -> None:
    result = cli(*interview_args(tmp_path, "--questions", "2", "--follow-ups", "0", "--seed", "5"), stdin="/quit\n")
    assert result.exit_code == 0
    data = only_session(tmp_path / "t")
    assert data["status"] == "quit"
    hint = f"mock-interviewer interview --resume {data['id']} --transcripts-dir {tmp_path / 't'}"
    assert hint in result.stdout.replace("\n", " ").replace("  ", " ") or hint in result.stdout

    result = cli(*interview_args(tmp_path, "--resume", data["id"]), stdin="First answer.\n.\nSecond answer.\n.\n")
    assert result.exit_code == 0, result.stderr
    assert "Resuming session" in result.stdout
    data = only_session(tmp_path / "t")
    assert data["status"] == "completed"
    assert [r["turns"][1]["text"] for r in data["records"]] == ["First answer.", "Second answer."]


def test_end_of_input_saves_and_pauses(cli: Callable[..., Any], tmp_path: Path) -> None:
    result = cli(*interview_args(tmp_path, "--questions", "2", "--follow-ups", "0"), stdin="Only one answer, no dot")
    assert result.exit_code == 0
    data = only_session(tmp_path / "t")
    assert data["records"][0]["turns"][1]["text"] == "Only one answer, no dot"
    assert data["status"] == "quit"
    assert "Resume with" in result.stdout


def test_empty_answers_are_asked_again(cli: Callable[..., Any], tmp_path: Path) -> None:
    result = cli(*interview_args(tmp_path, "--questions", "1", "--follow-ups", "0"), stdin=".\n   \n.\nReal answer.\n.\n")
    assert result.exit_code == 0
    assert result.stdout.count("An empty answer can't be graded") == 2
    answers = [t for t in only_session(tmp_path / "t")["records"][0]["turns"] if t["kind"] == "answer"]
    assert [t["text"] for t in answers] == ["Real answer."]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--track", "nope"], "unknown track 'nope' (tracks: director, engineer, technical)"),
        (["--questions", "0"], "--questions 0: ask for at least 1 question"),
        (["--track", "technical", "--questions", "20"], "--questions 20: track 'technical' has only 19 questions"),
        (["--feedback", "later"], "--feedback 'later': choose now or end"),
        (["--minutes", "-3"], "--minutes -3: give a number of minutes from 0 (no time limit) to 1440"),
        (["--follow-ups", "-1"], "--follow-ups -1: give 0 or more"),
        (["--resume", "no-such-session"], "no saved session 'no-such-session'"),
        (["--resume", "../../etc/passwd"], "is not a valid id"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli: Callable[..., Any], tmp_path: Path, args: list[str], message: str) -> None:
    result = cli(*interview_args(tmp_path, *args), stdin="")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert message in lines[0]
    assert "Traceback" not in result.stderr
    assert not sessions_in(tmp_path / "t") if (tmp_path / "t").exists() else True


def test_an_unwritable_transcripts_dir_fails_before_the_first_question(cli: Callable[..., Any], tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a directory")
    result = cli("interview", "--backend", "offline", "--transcripts-dir", str(blocker / "sessions"), stdin="An answer.\n.\n")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert f"--transcripts-dir {blocker / 'sessions'}: cannot save sessions there" in result.stderr
    assert "Interviewer:" not in result.stdout


def test_a_corrupt_session_on_resume_is_reported_and_left_untouched(cli: Callable[..., Any], tmp_path: Path) -> None:
    directory = tmp_path / "t"
    directory.mkdir()
    corrupt = directory / "20250101-120000-dead.json"
    corrupt.write_text('{"schema_version": 1, "id": "20250101-120000-dead", "records": [')
    before = corrupt.read_bytes()
    result = cli(*interview_args(tmp_path, "--resume", "20250101-120000-dead"), stdin="An answer.\n.\n")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "20250101-120000-dead.json:1: not valid JSON" in result.stderr and "corrupt" in result.stderr
    assert corrupt.read_bytes() == before
    assert sessions_in(directory) == [corrupt]


def test_a_session_file_from_the_future_is_refused(cli: Callable[..., Any], tmp_path: Path) -> None:
    directory = tmp_path / "t"
    directory.mkdir()
    (directory / "20250101-120000-beef.json").write_text(json.dumps({"schema_version": 3, "id": "x"}))
    result = cli(*interview_args(tmp_path, "--resume", "20250101-120000-beef"), stdin="")
    assert result.exit_code == 2 and "schema_version 3 is newer" in result.stderr


def test_env_var_chooses_the_transcripts_dir(cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCK_INTERVIEWER_TRANSCRIPTS", str(tmp_path / "from-env"))
    result = cli("interview", "--backend", "offline", "--questions", "1", "--follow-ups", "0", stdin="/quit\n")
    assert result.exit_code == 0
    assert len(sessions_in(tmp_path / "from-env")) == 1


def test_an_untimed_track_shows_no_clock(cli: Callable[..., Any], tmp_path: Path) -> None:
    result = cli(*interview_args(tmp_path, "--track", "engineer", "--questions", "1"), stdin="/quit\n")
    assert "untimed" in result.stdout and " left" not in result.stdout
    assert only_session(tmp_path / "t")["options"]["minutes"] is None


def test_context_budget_must_be_sensible(cli: Callable[..., Any], tmp_path: Path) -> None:
    result = cli(*interview_args(tmp_path, "--context-budget", "10"), stdin="")
    assert result.exit_code == 2 and "--context-budget 10: give at least 1000 tokens" in result.stderr


def test_resuming_a_finished_session_shows_its_summary(cli: Callable[..., Any], tmp_path: Path, repo: Path) -> None:
    example = sorted((repo / "transcripts" / "examples").glob("*.json"))[0]
    directory = tmp_path / "t"
    directory.mkdir()
    copy = directory / example.name
    copy.write_bytes(example.read_bytes())
    result = cli(*interview_args(tmp_path, "--resume", example.stem), stdin="")
    assert result.exit_code == 0, result.stderr
    assert "already finished" in result.stdout and "Summary" in result.stdout
    assert "Interviewer:" not in result.stdout
    before, after = json.loads(example.read_text()), json.loads(copy.read_text())
    assert all(r.pop("earlier_attempts") == [] for r in after["records"])  # saved as version 2
    assert before["records"] == after["records"] and after["status"] == "completed"


@pytest.mark.parametrize("minutes", ["nan", "inf", "1e308", "-1", "1441"])
def test_an_impossible_time_box_is_one_line_and_leaves_no_session(cli: Callable[..., Any], tmp_path: Path, minutes: str) -> None:
    """--minutes nan|inf|1e308 were internal errors, and inf left an orphan session file."""
    result = cli(*interview_args(tmp_path, "--minutes", minutes, "--questions", "1"), stdin="")
    assert result.exit_code == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"error: --minutes {float(minutes):g}: give a number of minutes from 0 (no time limit) to 1440"
    ]
    assert not (tmp_path / "t").exists() or not list((tmp_path / "t").glob("*.json"))


def test_a_session_file_with_an_impossible_time_box_is_one_line_naming_the_file(
    cli: Callable[..., Any], tmp_path: Path, repo: Path
) -> None:
    example = sorted((repo / "transcripts" / "examples").glob("*.json"))[0]
    data = json.loads(example.read_text(encoding="utf-8"))
    data["options"]["minutes"] = 1e308
    directory = tmp_path / "t"
    directory.mkdir()
    (directory / example.name).write_text(json.dumps(data), encoding="utf-8")
    for args in (
        ["sessions", "show", example.stem, "--transcripts-dir", str(directory)],
        interview_args(tmp_path, "--resume", example.stem),
    ):
        result = cli(*args, stdin="")
        assert result.exit_code == 2, result.stderr
        assert result.stderr.strip().splitlines() == [f"error: {directory / example.name}: options.minutes: Input should be less than or equal to 1440"]


def test_the_resume_command_is_one_line_however_long(cli: Callable[..., Any], tmp_path: Path) -> None:
    """Piped, the printed resume command wrapped at 80 columns, and a copied command broke."""
    transcripts = tmp_path / ("a-rather-long-directory-name-for-saved-interview-sessions-" * 2)
    result = cli("interview", "--backend", "offline", "--transcripts-dir", str(transcripts), "--questions", "1",
                 stdin="/quit\n")
    assert result.exit_code == 0, result.stderr
    session_id = only_session(transcripts)["id"]
    command = f"mock-interviewer interview --resume {session_id} --transcripts-dir {transcripts}"
    assert len(command) > 80
    assert f"  {command}" in result.stdout.splitlines()


@pytest.mark.parametrize("shape", ["words", "no spaces"])
def test_a_huge_piped_answer_is_refused_at_once_without_being_echoed(cli: Callable[..., Any], tmp_path: Path, shape: str) -> None:
    """A 10 MB piped answer was echoed whole and refused after 69 s; one without spaces passed the word cap."""
    huge = ("word " * 200 + "\n") * 10_000 if shape == "words" else "x" * 10_000_000
    result = cli(*interview_args(tmp_path, "--questions", "1", "--follow-ups", "0", "--seed", "1"),
                 stdin=f"{huge}\n.\nThe answer I meant.\n.\n")
    assert result.exit_code == 0, result.stderr
    assert "That answer is over 200,000 characters, the most accepted" in result.stdout
    assert len(result.stdout) < 20_000, "the refused answer is not printed back"
    answers = [t["text"] for t in only_session(tmp_path / "t")["records"][0]["turns"] if t["kind"] == "answer"]
    assert answers == ["The answer I meant."]


def test_great_after_feedback_shows_the_exemplar_and_its_key_points(cli: Callable[..., Any], tmp_path: Path) -> None:
    """Issue 13: '/great after feedback shows the great exemplar, with the points it covers'."""
    from mock_interviewer.bank import load_bank

    stdin = "/great\nI would cache the hot reads.\n.\n/great\n/skip\n"
    result = cli(*interview_args(tmp_path, "--questions", "2", "--follow-ups", "0", "--seed", "1"), stdin=stdin)
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "No feedback yet: /great shows the great answer to a question once it is graded." in text
    first = only_session(tmp_path / "t")["records"][0]["question_id"]
    question = load_bank().get(first)
    assert f"The great answer to {first} (the bank's exemplar):" in text
    assert " ".join(question.exemplars.great.split())[:80] in text
    assert "The key points it covers:" in text and " ".join(question.key_points[0].split()) in text
    assert text.index("Feedback · question 1") < text.index(f"The great answer to {first}")


def test_great_waits_for_the_end_when_feedback_comes_at_the_end(cli: Callable[..., Any], tmp_path: Path) -> None:
    stdin = "An answer.\n.\n/great\n/skip\n"
    result = cli(*interview_args(tmp_path, "--questions", "2", "--follow-ups", "0", "--feedback", "end"), stdin=stdin)
    assert result.exit_code == 0, result.stderr
    assert "with --feedback end, that is at the end" in " ".join(result.stdout.split())
    assert "The great answer to" not in result.stdout
