"""Structured output that adapts and says so, and usage that counts every request sent.

A llama-cpp-python server (0.3.x) refuses ``response_format: json_schema`` with an HTTP 500 whose body is
FastAPI's validation error about ``response_format.type``; it accepts ``{"type": "json_object", "schema":
{...}}``. The fake below answers with the exact response a real llama-cpp-python 0.3.36 server sent to the
tool's grade request (status, headers and body byte for byte, recorded once: tests/data/llama_cpp_python_500.json),
through the real SDK.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from openai_fakes import API_KEY, chat_response, error_response, sent_json, verdict, verdict_json

RECORDED_500 = json.loads((Path(__file__).parent / "data" / "llama_cpp_python_500.json").read_text(encoding="utf-8"))
NOTICE = "refused response_format json_schema (HTTP 500); using json_object with the schema from now on"
ANSWER = "I would add a composite index on the filtered columns and check the plan with EXPLAIN ANALYZE."


def llama_cpp_python_500() -> httpx.Response:
    """llama-cpp-python 0.3.36's answer to ``json_schema``, exactly as recorded from the real server."""
    return httpx.Response(
        RECORDED_500["status"], headers=RECORDED_500["headers"], content=RECORDED_500["body"].encode()
    )


def format_step(body: dict[str, Any]) -> str:
    fmt = body.get("response_format")
    if fmt is None:
        return "text"
    if fmt["type"] == "json_schema":
        return "json_schema"
    return "json_object_schema" if "schema" in fmt else "json_object"


def llama_cpp_python(request: httpx.Request) -> httpx.Response:
    """Refuses json_schema like llama-cpp-python; grades through any other step."""
    if format_step(sent_json(request)) == "json_schema":
        return llama_cpp_python_500()
    return chat_response(verdict_json("great", 5), prompt_tokens=1334, completion_tokens=90, cached_tokens=0)


def notices(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "refused response_format" in line]


@pytest.fixture
def retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries on, as a user has them: a rejection must still be sent only once."""
    monkeypatch.setenv("MOCK_INTERVIEWER_MAX_RETRIES", "3")


# ---------------------------------------------------------------- the ladder


def test_llama_cpp_python_500_steps_down_once_without_retries_and_says_so(cli, chat_api, retries):
    chat_api.side_effect = llama_cpp_python
    result = cli("grade", "-q", "technical-02", "--answer", ANSWER, "--json")

    assert result.exit_code == 0, result.stderr
    steps = [format_step(sent_json(call)) for call in chat_api.calls]
    assert steps == ["json_schema", "json_object_schema"]  # one request per step: the 500 is not retried
    sent_schema = sent_json(chat_api.calls[1])["response_format"]["schema"]
    assert sent_schema["required"] == ["strengths", "gaps", "explanation", "suspicious", "tier", "score"]
    grade = result.json()
    assert (grade["status"], grade["tier"], grade["response_format"]) == ("graded", "great", "json_object_schema")
    assert grade["usage"]["requests"] == len(chat_api.calls) == 2  # the refused request is a request sent too
    [notice] = notices(result.stderr)
    assert notice.startswith("notice: the model service at") and NOTICE in notice


def test_the_step_down_is_told_once_per_run_and_each_batch_result_records_its_step(cli, chat_api, retries, tmp_path):
    rows = [{"id": f"a{i}", "question_id": "technical-02", "answer": f"{ANSWER} ({i})"} for i in range(5)]
    source = tmp_path / "answers.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    chat_api.side_effect = llama_cpp_python

    result = cli("batch", str(source), "--out", str(tmp_path / "out"), "--concurrency", "1")

    assert result.exit_code == 0, result.stderr
    assert len(notices(result.stderr)) == 1
    steps = [format_step(sent_json(call)) for call in chat_api.calls]
    assert steps == ["json_schema"] + ["json_object_schema"] * 5  # the detour is paid once
    lines = [json.loads(line) for line in (tmp_path / "out" / "results.jsonl").read_text().splitlines()]
    assert [line["grade"]["response_format"] for line in lines] == ["json_object_schema"] * 5
    assert sum(line["grade"]["usage"]["requests"] for line in lines) == len(chat_api.calls) == 6  # the refused one too


def test_a_500_that_does_not_name_the_format_is_retried_as_before(cli, chat_api, retries):
    chat_api.side_effect = [
        error_response(500, "upstream trouble", type="server_error", headers={"retry-after-ms": "1"}),
        chat_response(verdict_json()),
    ]
    result = cli("grade", "-q", "technical-02", "--answer", ANSWER, "--json")
    assert result.exit_code == 0, result.stderr
    assert [format_step(sent_json(call)) for call in chat_api.calls] == ["json_schema", "json_schema"]
    assert result.json()["response_format"] == "json_schema" and not notices(result.stderr)
    assert result.json()["usage"]["requests"] == 2  # the retried failure counts


@pytest.mark.parametrize("step", ["json_object_schema", "json_object", "text"])
def test_the_response_format_setting_forces_a_step(cli, chat_api, monkeypatch, step):
    monkeypatch.setenv("MOCK_INTERVIEWER_RESPONSE_FORMAT", step)
    chat_api.side_effect = [chat_response(verdict_json())]
    result = cli("grade", "-q", "technical-02", "--answer", ANSWER, "--json")
    assert result.exit_code == 0, result.stderr
    assert format_step(sent_json(chat_api.calls[0])) == step
    assert result.json()["response_format"] == step


def test_a_forced_step_is_not_stepped_down_from(cli, chat_api, monkeypatch):
    monkeypatch.setenv("MOCK_INTERVIEWER_RESPONSE_FORMAT", "json_schema")
    chat_api.side_effect = llama_cpp_python
    result = cli("grade", "-q", "technical-02", "--answer", ANSWER)
    assert result.exit_code == 1
    assert chat_api.call_count == 1
    # the line the tool printed against the real server (only the URL differs), cut at 300 characters
    assert result.stderr.splitlines()[-1] == (
        "error: the model service at https://api.test/v1 failed (HTTP 500): 1 validation error: {'type': "
        "'literal_error', 'loc': ('body', 'response_format', 'type'), 'msg': \"Input should be 'text' or "
        "'json_object'\", 'input': 'json_schema', 'ctx': {'expected': \"'text' or 'json_object'\"}} File "
        "\"/work/llcpp/venv/lib/python3.11/site-packages/llama_cpp/server/app.py\", line 376,…"
    )


def test_a_bad_response_format_setting_is_one_line_naming_it(cli, chat_api, monkeypatch):
    monkeypatch.setenv("MOCK_INTERVIEWER_RESPONSE_FORMAT", "yaml")
    result = cli("grade", "-q", "technical-02", "--answer", ANSWER)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: MOCK_INTERVIEWER_RESPONSE_FORMAT='yaml': expected json_schema, json_object_schema, json_object, text"
    )
    assert chat_api.call_count == 0


# ---------------------------------------------------------------- timeouts against a local server


LOCAL_URL = "http://127.0.0.1:8080/v1"


def test_a_timeout_against_a_local_server_is_not_retried(cli, monkeypatch, retries):
    monkeypatch.setenv("OPENAI_BASE_URL", LOCAL_URL)
    monkeypatch.setenv("MOCK_INTERVIEWER_TIMEOUT", "2")
    with respx.mock(base_url=LOCAL_URL, assert_all_called=False) as router:
        route = router.post("/chat/completions")
        route.side_effect = httpx.ReadTimeout("timed out")
        result = cli("grade", "-q", "technical-02", "--answer", ANSWER)
    assert result.exit_code == 1
    assert route.call_count == 1  # one abandoned generation on the server, not four
    assert result.stderr.splitlines()[-1] == (
        f"error: the model service at {LOCAL_URL} did not answer within 2 s (not retried: a local server keeps "
        "working on an abandoned request); a slow local model may need a longer MOCK_INTERVIEWER_TIMEOUT"
    )


def test_a_timeout_against_a_remote_service_is_still_retried(cli, chat_api, monkeypatch):
    monkeypatch.setenv("MOCK_INTERVIEWER_MAX_RETRIES", "1")
    chat_api.side_effect = [httpx.ReadTimeout("timed out"), chat_response(verdict_json())]
    assert cli("grade", "-q", "technical-02", "--answer", ANSWER).exit_code == 0
    assert chat_api.call_count == 2


# ---------------------------------------------------------------- honest accounting


def tier_score_mismatch(request: httpx.Request) -> httpx.Response:
    """A small model's reply whose tier and score disagree, every time: re-asked once, then ungraded."""
    return chat_response(verdict_json("great", 1), prompt_tokens=1350, completion_tokens=80, cached_tokens=0)


def test_a_reasked_then_ungraded_answer_reports_both_requests(cli, chat_api):
    chat_api.side_effect = tier_score_mismatch
    result = cli("grade", "-q", "technical-02", "--answer", ANSWER, "--json")
    assert result.exit_code == 1
    grade = result.json()
    assert grade["status"] == "ungraded" and chat_api.call_count == 2
    assert grade["usage"] == {"prompt_tokens": 2700, "completion_tokens": 160, "cached_tokens": 0, "requests": 2}


def test_a_batch_of_reasked_then_ungraded_answers_reports_the_true_requests_and_tokens(cli, chat_api, tmp_path):
    rows = [{"id": f"a{i}", "question_id": "technical-02", "answer": f"{ANSWER} ({i})"} for i in range(10)]
    source = tmp_path / "answers.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    chat_api.side_effect = tier_score_mismatch

    result = cli("batch", str(source), "--out", str(tmp_path / "out"), "--json")

    assert result.exit_code == 1
    assert chat_api.call_count == 20
    summary = result.json()
    run = summary.get("run", summary)
    assert run["ungraded"] == 10 and run["requests"] == 20
    assert run["tokens"]["prompt"] == 20 * 1350 and run["tokens"]["completion"] == 20 * 80


# ---------------------------------------------------------------- validation of what the model says


@pytest.mark.parametrize(
    "overrides",
    [{"explanation": ""}, {"explanation": "   "}, {"strengths": [""]}, {"gaps": [{"point": " ", "why_it_matters": "x"}]}],
    ids=["empty-explanation", "blank-explanation", "blank-strength", "blank-gap"],
)
def test_blank_strings_are_not_a_verdict(overrides):
    from pydantic import ValidationError

    from mock_interviewer.grade_model import GradeVerdict

    with pytest.raises(ValidationError, match="must not be blank"):
        GradeVerdict.model_validate(verdict("great", 5, **overrides))


def test_a_blank_reply_is_reasked_with_the_reason_and_the_strings_are_trimmed(cli, chat_api):
    chat_api.side_effect = [
        chat_response(verdict_json("great", 5, explanation="", strengths=[""])),
        chat_response(verdict_json("great", 5, explanation="  Clear and measured.\n", strengths=[" Names the index "])),
    ]
    result = cli("grade", "-q", "technical-02", "--answer", ANSWER, "--json")
    assert result.exit_code == 0, result.stderr
    repair = sent_json(chat_api.calls[1])["messages"][-1]["content"]
    assert "explanation: Value error, must not be blank" in repair
    grade = result.json()
    assert grade["explanation"] == "Clear and measured." and grade["strengths"] == ["Names the index"]
    assert grade["usage"]["requests"] == 2


def test_the_placeholder_key_of_a_local_server_does_not_mangle_messages(cli, chat_api, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "x")
    chat_api.side_effect = [error_response(400, "expected text, got std::exception")]
    result = cli("grade", "-q", "technical-02", "--answer", ANSWER)
    assert result.exit_code == 1
    assert "expected text, got std::exception" in result.stderr and "[redacted]" not in result.stderr
    assert API_KEY not in result.stderr


def test_results_files_never_hold_the_key(cli, chat_api, tmp_path):
    chat_api.side_effect = llama_cpp_python
    source = tmp_path / "answers.jsonl"
    source.write_text(json.dumps({"id": "a", "question_id": "technical-02", "answer": ANSWER}) + "\n", encoding="utf-8")
    assert cli("batch", str(source), "--out", str(tmp_path / "out")).exit_code == 0
    for path in Path(tmp_path).rglob("*"):
        if path.is_file():
            assert API_KEY.encode() not in path.read_bytes()


def test_probe_and_follow_up_strings_are_trimmed_and_a_blank_probe_is_invalid():
    from pydantic import ValidationError

    from mock_interviewer.replies import FollowUpDecision, Probe

    probe = {"question": " How did you measure it? ", "targets": "numbers", "refers_to": "",
             "strong_reply": "A before and after.", "red_flag": "No numbers."}
    assert Probe.model_validate(probe).question == "How did you measure it?"
    with pytest.raises(ValidationError, match="must not be blank"):
        Probe.model_validate({**probe, "question": "  "})
    decision = FollowUpDecision.model_validate(
        {"missing": [" numbers "], "target": "", "ask_follow_up": False, "follow_up": " "}
    )
    assert (decision.missing, decision.follow_up) == (["numbers"], "")


def test_an_interview_against_llama_cpp_python_steps_down_once_and_goes_on(cli, chat_api, retries, tmp_path):
    from openai_fakes import sse_response

    bodies: list[dict[str, Any]] = []

    def server(request: httpx.Request) -> httpx.Response:
        body = sent_json(request)
        bodies.append(body)
        if body.get("stream"):
            return sse_response(["How do you approach technical debt?"])
        if format_step(body) == "json_schema":
            return llama_cpp_python_500()
        schema = body["response_format"]["schema"]
        if "follow_up" in schema["properties"]:
            decision = {"missing": ["prioritisation"], "target": "prioritisation", "ask_follow_up": False, "follow_up": ""}
            return chat_response(decision)
        return chat_response(verdict_json("great", 5))

    chat_api.side_effect = server
    args = ["interview", "--backend", "openai", "--model", "gpt-test", "--transcripts-dir", str(tmp_path / "t")]
    result = cli(*args, "--track", "director", "--questions", "1", "--seed", "4", stdin="We keep a register.\n.\n")

    assert result.exit_code == 0, result.stderr
    assert len(notices(result.stderr)) == 1
    structured = [format_step(b) for b in bodies if not b.get("stream")]
    assert structured[0] == "json_schema" and structured[1:] == ["json_object_schema"] * (len(structured) - 1)
    [session] = list((tmp_path / "t").glob("*.json"))
    grade = json.loads(session.read_text())["records"][0]["grade"]
    assert grade["tier"] == "great" and grade["response_format"] == "json_object_schema"
