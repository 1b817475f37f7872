"""The interview through the real openai SDK, its HTTP answered by respx.

What must be true on the wire: the interviewer's words are streamed (``stream: true``,
server-sent events), the request carries the bank question, and the follow-up decision
and the grade are structured outputs (``response_format`` json_schema). A model service
failure leaves a resumable session and one line on stderr; the key is never saved.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import respx

from mock_interviewer.bank import load_bank
from openai_fakes import API_KEY, FAST_RETRY, chat_response, error_response, sent_json, sse_response, verdict

BANK = load_bank()
PHRASED = ["Let's start. ", "How do you approach ", "technical debt ", "in your team's codebase?"]


def follow_up(text: str = "How do you decide which items to tackle first?") -> dict[str, Any]:
    return {"missing": ["prioritisation"], "target": "prioritisation", "ask_follow_up": True, "follow_up": text}


class FakeModel:
    """Answers the chat-completions route by what each request asks for, and keeps the bodies."""

    def __init__(self, *, grade: Any = None, decisions: list[dict[str, Any]] | None = None) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.grade = grade if grade is not None else chat_response(verdict("mediocre", 3))
        self.decisions = list(decisions or [follow_up()])

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.bodies.append(body)
        if body.get("stream"):
            return sse_response(PHRASED)
        name = body["response_format"]["json_schema"]["name"]
        if name == "FollowUpDecision":
            return chat_response(self.decisions.pop(0))
        if name == "GradeVerdict":
            return self.grade if isinstance(self.grade, httpx.Response) else self.grade()
        raise AssertionError(f"unexpected request {name}")

    def of(self, schema: str) -> list[dict[str, Any]]:
        return [b for b in self.bodies if b.get("response_format", {}).get("json_schema", {}).get("name") == schema]


def only_session(directory: Path) -> tuple[Path, dict[str, Any]]:
    files = list(directory.glob("*.json"))
    assert len(files) == 1
    return files[0], json.loads(files[0].read_text())


def run_interview(cli: Callable[..., Any], tmp_path: Path, stdin: str, *extra: str) -> Any:
    args = ["interview", "--backend", "openai", "--model", "gpt-test", "--transcripts-dir", str(tmp_path / "t")]
    return cli(*args, "--track", "director", "--questions", "1", "--seed", "4", *extra, stdin=stdin)


def test_streamed_question_structured_follow_up_and_grade(cli: Callable[..., Any], chat_api: respx.Route, tmp_path: Path) -> None:
    model = FakeModel()
    chat_api.side_effect = model
    result = run_interview(cli, tmp_path, "We keep a register.\n.\nBy impact on velocity.\n.\n")
    assert result.exit_code == 0, result.stderr
    _, data = only_session(tmp_path / "t")
    question = BANK.get(data["records"][0]["question_id"])

    streamed = [b for b in model.bodies if b.get("stream")]
    assert len(streamed) == 1
    assert "response_format" not in streamed[0]
    asked = streamed[0]["messages"][-1]["content"]
    assert question.text in asked
    assert "".join(PHRASED) in result.stdout.replace("\n  ", " ")
    assert data["records"][0]["turns"][0]["text"] == "".join(PHRASED)

    decisions = model.of("FollowUpDecision")
    assert len(decisions) == 1
    fmt = decisions[0]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    assert set(fmt["json_schema"]["schema"]["properties"]) == {"missing", "target", "ask_follow_up", "follow_up"}
    assert "We keep a register." in decisions[0]["messages"][-1]["content"]

    grades = model.of("GradeVerdict")
    assert len(grades) == 1
    assert grades[0]["response_format"]["json_schema"]["strict"] is True
    graded_text = grades[0]["messages"][-1]["content"]
    assert "We keep a register." in graded_text and "By impact on velocity." in graded_text
    assert "How do you decide which items to tackle first?" in graded_text

    record = data["records"][0]
    assert record["grade"]["tier"] == "mediocre" and record["grade"]["backend"] == "openai"
    assert record["grade"]["estimate"] is False
    assert [t["kind"] for t in record["turns"]] == ["question", "answer", "follow_up", "answer"]


def test_the_api_key_never_reaches_the_session_file(cli: Callable[..., Any], chat_api: respx.Route, tmp_path: Path) -> None:
    chat_api.side_effect = FakeModel()
    result = run_interview(cli, tmp_path, f"My answer mentions {API_KEY[:6]} but not the key.\n.\nMore.\n.\n")
    assert result.exit_code == 0
    path, _ = only_session(tmp_path / "t")
    assert API_KEY not in path.read_text()
    assert API_KEY not in result.stdout + result.stderr


def test_a_service_failure_saves_the_answer_and_says_how_to_resume(
    cli: Callable[..., Any], chat_api: respx.Route, tmp_path: Path
) -> None:
    broken = FakeModel(grade=error_response(503, "upstream overloaded", headers=FAST_RETRY), decisions=[])
    broken.decisions = [{"missing": [], "target": "", "ask_follow_up": False, "follow_up": ""}]
    chat_api.side_effect = broken
    result = run_interview(cli, tmp_path, "My precious answer.\n.\n")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: ") and "Traceback" not in result.stderr
    path, data = only_session(tmp_path / "t")
    assert "resume with: mock-interviewer interview --resume " + data["id"] in lines[-1]
    assert data["status"] == "in_progress"
    assert data["records"][0]["status"] == "answered"
    assert data["records"][0]["turns"][1]["text"] == "My precious answer."
    assert API_KEY not in result.stderr and API_KEY not in path.read_text()

    chat_api.side_effect = FakeModel()
    result = cli(
        "interview", "--backend", "openai", "--model", "gpt-test", "--transcripts-dir", str(tmp_path / "t"),
        "--resume", data["id"], stdin="",
    )
    assert result.exit_code == 0, result.stderr
    _, data = only_session(tmp_path / "t")
    assert data["status"] == "completed" and data["records"][0]["grade"]["tier"] == "mediocre"


def test_a_malformed_grade_is_ungraded_not_a_crash(cli: Callable[..., Any], chat_api: respx.Route, tmp_path: Path) -> None:
    model = FakeModel(grade=chat_response('{"tier": "amazing"'))
    chat_api.side_effect = model
    result = run_interview(cli, tmp_path, "An answer.\n.\n", "--follow-ups", "0")
    assert result.exit_code == 0, result.stderr
    _, data = only_session(tmp_path / "t")
    record = data["records"][0]
    assert record["status"] == "ungraded" and record["grade"]["tier"] is None
    assert "even after one repair request" in record["grade"]["reason"]
    assert len(model.of("GradeVerdict")) == 2  # one repair re-ask
    assert "Ungraded" in result.stdout
    sent = sent_json(chat_api.calls[-1])
    assert sent["messages"][-1]["role"] == "user" and "could not be used" in sent["messages"][-1]["content"]


def test_the_context_budget_option_trims_what_is_sent(cli: Callable[..., Any], chat_api: respx.Route, tmp_path: Path) -> None:
    long_answer = " ".join(f"point{i}" for i in range(2500)) + " FINAL"
    model = FakeModel()
    chat_api.side_effect = model
    result = run_interview(cli, tmp_path, f"{long_answer}\n.\nShort second answer.\n.\n", "--context-budget", "2000")
    assert result.exit_code == 0, result.stderr
    decision = model.of("FollowUpDecision")[0]["messages"][-1]["content"]
    assert "[…]" in decision and "FINAL" in decision and "point2000 " not in decision
    _, data = only_session(tmp_path / "t")
    assert data["records"][0]["turns"][1]["text"] == long_answer  # the file keeps every word
