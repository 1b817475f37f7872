"""Session files across schema versions: version 1 (before /retry kept earlier attempts) still loads,
is saved as version 2, and a version-1 session with an ungraded answer resumes and is graded."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mock_interviewer.errors import InputError
from mock_interviewer.grade_model import Grade
from mock_interviewer.session_store import (
    SCHEMA_VERSION,
    AnswerAttempt,
    QuestionRecord,
    SessionStore,
    SessionTurn,
    load_session_file,
)

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "transcripts" / "examples").glob("*.json"))


def test_the_examples_are_version_1_files() -> None:
    assert EXAMPLES, "transcripts/examples/ holds example sessions"
    assert all(json.loads(p.read_text())["schema_version"] == 1 for p in EXAMPLES)
    assert SCHEMA_VERSION == 2


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_a_version_1_file_loads_and_is_saved_as_version_2_with_nothing_lost(path: Path, tmp_path: Path) -> None:
    raw = json.loads(path.read_text())
    session = load_session_file(path)
    assert session.schema_version == 2
    for record, old in zip(session.records, raw["records"], strict=True):
        assert record.earlier_attempts == []
        assert [t.text for t in record.turns] == [t["text"] for t in old["turns"]]
        assert len(record.attempts()) == (1 if old["turns"] else 0)
    SessionStore(tmp_path).save(session)
    saved = json.loads((tmp_path / path.name).read_text())
    assert saved["schema_version"] == 2
    for key in raw:
        if key not in ("schema_version", "updated_at", "records"):
            assert saved[key] == raw[key], key
    for new, old in zip(saved["records"], raw["records"], strict=True):
        assert new.pop("earlier_attempts") == []
        assert new["grade"] == old["grade"] and [t["text"] for t in new["turns"]] == [t["text"] for t in old["turns"]]
        assert {k: v for k, v in new.items() if k not in ("turns", "grade")} == {
            k: v for k, v in old.items() if k not in ("turns", "grade")
        }
    assert load_session_file(tmp_path / path.name) == session.model_copy(update={"updated_at": session.updated_at})


def test_a_file_without_a_schema_version_reads_as_version_1(tmp_path: Path) -> None:
    raw = json.loads(EXAMPLES[0].read_text())
    del raw["schema_version"]
    path = tmp_path / EXAMPLES[0].name
    path.write_text(json.dumps(raw))
    assert load_session_file(path).schema_version == 2


@pytest.mark.parametrize("version", [3, 17])
def test_a_newer_version_is_refused_with_the_clear_error(tmp_path: Path, version: int) -> None:
    raw = json.loads(EXAMPLES[0].read_text()) | {"schema_version": version}
    path = tmp_path / EXAMPLES[0].name
    path.write_text(json.dumps(raw))
    with pytest.raises(InputError, match=f"schema_version {version} is newer than this tool supports \\(2\\); upgrade"):
        load_session_file(path)


def test_earlier_attempts_round_trip_and_the_record_is_its_latest_attempt(tmp_path: Path) -> None:
    raw = json.loads(EXAMPLES[0].read_text())
    session = load_session_file(EXAMPLES[0])
    record = session.records[0]
    first_grade, first_answer = record.grade, record.candidate_text()
    record.start_again()
    assert record.status == "asked" and record.grade is None and record.follow_ups_asked == 0
    assert [(t.kind, t.text) for t in record.turns] == [("question", raw["records"][0]["turns"][0]["text"])]
    record.turns.append(SessionTurn(speaker="candidate", kind="answer", text="A second, better answer."))
    assert record.candidate_text() == "A second, better answer."
    assert [a.candidate_text() for a in record.attempts()] == [first_answer, "A second, better answer."]
    assert record.attempts()[0].grade == first_grade and record.attempts()[1].grade is None
    SessionStore(tmp_path).save(session)
    saved = json.loads((tmp_path / EXAMPLES[0].name).read_text())["records"][0]
    assert saved["status"] == "asked" and saved["grade"] is None
    (earlier,) = saved["earlier_attempts"]
    assert earlier["grade"] == raw["records"][0]["grade"] and earlier["turns"] == raw["records"][0]["turns"]
    assert earlier["follow_ups_asked"] == raw["records"][0]["follow_ups_asked"]
    again = load_session_file(tmp_path / EXAMPLES[0].name).records[0]
    assert again.attempts() == record.attempts()


def test_only_an_answer_with_its_feedback_can_be_answered_again() -> None:
    with pytest.raises(ValueError, match="only a question whose answer has its feedback"):
        QuestionRecord(question_id="director-02").start_again()
    asked = QuestionRecord(question_id="director-02", status="asked",
                           turns=[SessionTurn(speaker="interviewer", kind="question", text="Why?")])
    with pytest.raises(ValueError):
        asked.start_again()
    assert asked.attempts() == [AnswerAttempt(turns=asked.turns)]


def test_a_version_1_session_with_an_ungraded_answer_resumes_and_is_graded(cli: Callable[..., Any],
                                                                            tmp_path: Path) -> None:
    directory = tmp_path / "t"
    directory.mkdir()
    path = directory / EXAMPLES[0].name
    shutil.copy(EXAMPLES[0], path)
    raw = json.loads(path.read_text())
    record = raw["records"][1]
    common = {"backend": "openai", "model": "gpt-test", "estimate": False}
    record["grade"] = Grade.ungraded(record["question_id"], "the model's reply was cut off", **common).model_dump(mode="json")
    record["status"] = "ungraded"
    path.write_text(json.dumps(raw, indent=2))
    answer = [t["text"] for t in record["turns"] if t["kind"] == "answer"]

    result = cli("interview", "--resume", raw["id"], "--backend", "offline", "--transcripts-dir", str(directory), stdin="")
    assert result.exit_code == 0, result.stderr
    assert "Trying the 1 ungraded answer(s) again" in " ".join(result.stdout.split())
    saved = json.loads(path.read_text())
    assert saved["schema_version"] == 2
    graded = saved["records"][1]
    assert graded["status"] == "graded" and graded["grade"]["backend"] == "offline" and graded["grade"]["score"]
    assert [t["text"] for t in graded["turns"] if t["kind"] == "answer"] == answer
    assert graded["earlier_attempts"] == [] and saved["records"][0]["grade"] == raw["records"][0]["grade"]


def test_a_retry_asks_the_question_as_first_asked_cut_off_mark_included() -> None:
    record = QuestionRecord(question_id="director-01", status="graded", turns=[
        SessionTurn(speaker="interviewer", kind="question", text="Tell me how your team would", cut_off=True),
        SessionTurn(speaker="candidate", kind="answer", text="We keep a register."),
    ], grade=Grade.ungraded("director-01", "x", backend="offline", model="m", estimate=True))
    record.start_again()
    assert [(t.text, t.cut_off) for t in record.turns] == [("Tell me how your team would", True)]
