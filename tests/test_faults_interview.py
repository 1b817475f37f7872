"""The fault suite for ``interview``: every fault, on each kind of request the interview sends.

An interview sends three kinds of request for a question: the interviewer's words
(streamed), the follow-up decision and the grade (structured). Each fault of
``test_faults.FAULTS`` is played on each kind, through the real SDK and respx, and
whatever happens:

- the session file is valid JSON and holds every answer given so far,
- no temporary file is left in the transcripts directory, the API key is in no file,
- a service failure is exit 1 with ONE line on stderr that says how to resume,
  and ``--resume`` afterwards (the service back) finishes the session,
- an unusable grade is saved as ungraded with its reason, and ``--resume`` grades it again;
- an unusable follow-up decision only costs the follow-up.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fault_helpers import (
    FAULTS,
    PHRASED,
    FakeModel,
    Fault,
    assert_clean,
    error_line,
    prepare,
    use,
)


@pytest.fixture
def model_env(chat_api, monkeypatch, tmp_path):
    return prepare(chat_api, monkeypatch, tmp_path)


ANSWER = "I would read the query plan, add the missing index, and measure again."
SECOND = "Latency dropped from 800 ms to 40 ms at the 95th percentile."
BASE = ("interview", "--backend", "openai", "--model", "gpt-test")


def transcripts(tmp_path: Path) -> Path:
    return tmp_path / "t"


def start(cli: Any, tmp_path: Path, follow_ups: int, stdin: str) -> Any:
    return cli(*BASE, "--transcripts-dir", str(transcripts(tmp_path)), "--track", "technical", "--questions", "1",
               "--seed", "3", "--follow-ups", str(follow_ups), stdin=stdin)


def resume(cli: Any, tmp_path: Path, session_id: str, stdin: str = "") -> Any:
    return cli(*BASE, "--transcripts-dir", str(transcripts(tmp_path)), "--resume", session_id, stdin=stdin)


def saved(tmp_path: Path) -> dict[str, Any]:
    """The one session file: valid JSON (this raises otherwise), and nothing half-written beside it."""
    directory = transcripts(tmp_path)
    files = sorted(directory.iterdir())
    assert [p.suffix for p in files] == [".json"], files  # no temporary files left behind
    return json.loads(files[0].read_text(encoding="utf-8"))


def answers_in(session: dict[str, Any]) -> list[str]:
    return [t["text"] for r in session["records"] for t in r["turns"] if t["kind"] == "answer"]


def check_service_failure(result: Any, fault: Fault, says: str, tmp_path: Path) -> dict[str, Any]:
    assert result.exit_code == 1, result.stderr
    session = saved(tmp_path)
    line = error_line(result, says)
    assert line.endswith(f"your answers are saved, resume with: mock-interviewer interview --resume {session['id']} "
                         f"--transcripts-dir {transcripts(tmp_path)}")
    assert session["status"] == "in_progress"
    return session


def resume_finished(cli: Any, tmp_path: Path, session: dict[str, Any]) -> None:
    """``--resume`` works on a finished session too: it shows the summary and changes no answer."""
    result = resume(cli, tmp_path, session["id"])
    assert result.exit_code == 0, result.stderr
    assert "already finished" in result.stdout
    assert answers_in(saved(tmp_path)) == answers_in(session)


def finish_by_resuming(cli: Any, model: FakeModel, tmp_path: Path, session: dict[str, Any], stdin: str = "") -> dict[str, Any]:
    model.script.clear()  # the service is back
    result = resume(cli, tmp_path, session["id"], stdin)
    assert result.exit_code == 0, result.stderr
    assert_clean(result, tmp_path)
    after = saved(tmp_path)
    assert after["status"] == "completed"
    assert after["records"][0]["status"] == "graded" and after["records"][0]["grade"]["tier"] == "mediocre"
    return after


# ---------------------------------------------------------------- the grade request


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_fault_on_the_grade(fault: Fault, cli, model_env, monkeypatch, tmp_path) -> None:
    model = use(model_env, monkeypatch, fault, "GradeVerdict")
    result = start(cli, tmp_path, 0, f"{ANSWER}\n.\n")
    assert_clean(result, tmp_path)
    assert model.calls("GradeVerdict") == fault.calls
    session = saved(tmp_path)
    assert answers_in(session) == [ANSWER]
    record = session["records"][0]
    if fault.outcome == "ok":
        assert result.exit_code == 0, result.stderr
        assert session["status"] == "completed" and record["grade"]["tier"] == "mediocre"
        resume_finished(cli, tmp_path, session)
        return
    if fault.outcome == "service":
        check_service_failure(result, fault, fault.says, tmp_path)
        assert record["status"] == "answered" and record["grade"] is None
    else:
        # An unusable grade does not end the interview: it is saved ungraded, with the reason, no tier.
        assert result.exit_code == 0, result.stderr
        assert record["status"] == "ungraded" and record["grade"]["tier"] is None
        assert fault.says in record["grade"]["reason"]
        assert session["status"] == "completed"
    after = finish_by_resuming(cli, model, tmp_path, session)
    assert answers_in(after) == [ANSWER]


# ---------------------------------------------------------------- the interviewer's words (streamed)

def _worth_a_second_target(fault: Fault, outcome: str | None) -> bool:
    """On the other request kinds, the retried-then-fine faults behave exactly as on the grade
    (the same SDK call), so one of them stands for all; every failing fault is played."""
    return outcome != "ok" or fault.name in ("429 Retry-After then ok", "text in reasoning_content",
                                             "empty completion", "finish_reason=length")


STREAM_FAULTS = [f for f in FAULTS if f.stream is not None and _worth_a_second_target(f, f.stream_outcome)]


@pytest.mark.parametrize("fault", STREAM_FAULTS, ids=[f.name for f in STREAM_FAULTS])
def test_fault_on_the_interviewers_words(fault: Fault, cli, model_env, monkeypatch, tmp_path) -> None:
    model = use(model_env, monkeypatch, fault, "stream")
    result = start(cli, tmp_path, 0, f"{ANSWER}\n.\n")
    assert_clean(result, tmp_path)
    session = saved(tmp_path)
    record = session["records"][0]
    if fault.stream_outcome == "ok":
        assert result.exit_code == 0, result.stderr
        asked = record["turns"][0]["text"]
        assert asked.strip()
        if fault.name == "text in reasoning_content":
            assert asked == "How would you speed up a slow query?"
        elif fault.name not in ("empty completion", "finish_reason=length"):  # see the test below for empty
            assert asked == "".join(PHRASED)
        assert answers_in(session) == [ANSWER] and record["status"] == "graded"
        resume_finished(cli, tmp_path, session)
        return
    # The question was never asked: nothing to lose, and the session starts over from it on resume.
    check_service_failure(result, fault, fault.stream_says, tmp_path)
    assert record["status"] == "pending" and record["turns"] == []
    after = finish_by_resuming(cli, model, tmp_path, session, f"{ANSWER}\n.\n")
    assert answers_in(after) == [ANSWER]


def test_a_question_cut_off_at_the_length_limit_is_marked_shown_and_saved(cli, model_env, monkeypatch, tmp_path) -> None:
    from mock_interviewer.bank import load_bank

    fault = next(f for f in FAULTS if f.name == "finish_reason=length")
    model = use(model_env, monkeypatch, fault, "stream")
    result = start(cli, tmp_path, 0, f"{ANSWER}\n.\n")
    assert result.exit_code == 0, result.stderr
    session = saved(tmp_path)
    asked = session["records"][0]["turns"][0]
    assert asked["text"] == "Tell me how you would" and asked["cut_off"] is True
    question = load_bank([]).get(session["records"][0]["question_id"])
    shown = " ".join(result.stdout.split())
    assert "(the model's question was cut off at its length limit; the bank's question is:" in shown
    assert " ".join(question.text.split()[:4]).lower() in shown.lower()
    assert answers_in(session) == [ANSWER]
    # the answer to it is graded as usual, and the saved view marks the question
    assert session["records"][0]["status"] == "graded"
    model.script.clear()
    shown = cli("sessions", "show", session["id"], "--transcripts-dir", str(transcripts(tmp_path)))
    assert shown.exit_code == 0, shown.stderr
    assert "(cut off at the model's length limit)" in " ".join(shown.stdout.split())


def test_a_finished_question_is_not_marked_cut_off(cli, model_env, monkeypatch, tmp_path) -> None:
    fault = next(f for f in FAULTS if f.name == "text in reasoning_content")
    use(model_env, monkeypatch, fault, "stream")
    result = start(cli, tmp_path, 0, f"{ANSWER}\n.\n")
    assert result.exit_code == 0, result.stderr
    asked = saved(tmp_path)["records"][0]["turns"][0]
    assert "cut_off" not in asked  # written only when true: files of finished questions are unchanged
    assert "cut off" not in result.stdout


def test_an_empty_stream_falls_back_to_the_bank_question(cli, model_env, monkeypatch, tmp_path) -> None:
    from mock_interviewer.bank import load_bank

    fault = next(f for f in FAULTS if f.name == "empty completion")
    use(model_env, monkeypatch, fault, "stream")
    assert start(cli, tmp_path, 0, f"{ANSWER}\n.\n").exit_code == 0
    record = saved(tmp_path)["records"][0]
    question = load_bank([]).get(record["question_id"])
    assert record["turns"][0]["text"].lower() == question.text.lower()


# ---------------------------------------------------------------- the follow-up decision


DECISION_FAULTS = [f for f in FAULTS if _worth_a_second_target(f, f.outcome)]


@pytest.mark.parametrize("fault", DECISION_FAULTS, ids=[f.name for f in DECISION_FAULTS])
def test_fault_on_the_follow_up_decision(fault: Fault, cli, model_env, monkeypatch, tmp_path) -> None:
    model = use(model_env, monkeypatch, fault, "FollowUpDecision")
    result = start(cli, tmp_path, 1, f"{ANSWER}\n.\n{SECOND}\n.\n")
    assert_clean(result, tmp_path)
    assert model.calls("FollowUpDecision") == fault.calls
    session = saved(tmp_path)
    record = session["records"][0]
    assert answers_in(session) == [ANSWER]
    if fault.outcome == "service":
        check_service_failure(result, fault, fault.says, tmp_path)
        assert record["status"] == "asked" and record["turns"][-1]["kind"] == "answer"
        finish_by_resuming(cli, model, tmp_path, session)
        return
    # Usable or not, the decision only decides whether to probe: the answer is graded either way.
    assert result.exit_code == 0, result.stderr
    assert record["status"] == "graded" and session["status"] == "completed"
    if fault.outcome == "invalid":
        assert "No follow-up:" in result.stdout
    resume_finished(cli, tmp_path, session)
