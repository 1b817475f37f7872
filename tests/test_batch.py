"""``batch`` end to end: the real CLI, the real async OpenAI SDK, respx answering its HTTP.

Covers the must-shows of the batch issue: N answers -> N results; a re-run sends
nothing; a run killed part-way resumes without duplicates; the dry run's token
count agrees with tiktoken's count of the requests actually sent; every kind of
bad input is named with file and line while the rest still runs; the report
lists ungraded answers with their reasons.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
import tiktoken

from batch_helpers import QUESTIONS, answer_rows, results, tier_for, write_jsonl
from mock_interviewer.session_store import QuestionRecord, Session, SessionOptions, SessionTurn
from openai_fakes import API_KEY, BASE_URL, chat_response, error_response, sent_json, verdict_json

TESTS = Path(__file__).resolve().parent
FENCED = re.compile(r"<candidate_answer>\n(.*)\n</candidate_answer>", re.DOTALL)


# ---------------------------------------------------------------- helpers


def answer_in(body: dict[str, Any]) -> str:
    found = FENCED.search(body["messages"][1]["content"])
    assert found, "the answer is fenced at the end of the user message"
    return found.group(1)


def grading_reply(request: httpx.Request) -> httpx.Response:
    """A grader that reads the answer it was sent: GREAT -> great, POOR -> poor, else mediocre."""
    answer = answer_in(sent_json(request))
    tier, score = tier_for(answer)
    return chat_response(verdict_json(tier, score, explanation=f"graded: {answer[:40]}"), prompt_tokens=900,
                         completion_tokens=120, cached_tokens=0)


@pytest.fixture
def grader_api(chat_api: respx.Route, monkeypatch: pytest.MonkeyPatch) -> respx.Route:
    monkeypatch.setenv("MOCK_INTERVIEWER_MAX_RETRIES", "0")
    monkeypatch.delenv("MOCK_INTERVIEWER_PRICES", raising=False)
    chat_api.side_effect = grading_reply
    return chat_api


# ---------------------------------------------------------------- N answers, re-run, resume


def test_n_answers_give_n_results_and_a_rerun_sends_nothing(tmp_path, cli, grader_api):
    source = write_jsonl(tmp_path / "answers.jsonl", answer_rows(30))
    out = tmp_path / "out"

    first = cli("batch", str(source), "--out", str(out), "--concurrency", "4", "--json")

    assert first.exit_code == 0, first.stderr
    assert grader_api.call_count == 30
    lines = results(out)
    assert len(lines) == 30
    assert len({line["key"] for line in lines}) == 30
    assert {line["item_id"] for line in lines} == {f"a{i}" for i in range(30)}
    for line in lines:
        expected, _ = tier_for(next(r for r in answer_rows(30) if r["id"] == line["item_id"])["answer"])
        assert line["grade"]["tier"] == expected  # each grade belongs to its own answer
        assert line["source"].endswith("answers.jsonl") and isinstance(line["line"], int)
    summary = first.json()
    assert summary["graded"] == 30 and summary["requests"] == 30 and summary["ungraded_total"] == 0
    assert summary["tokens"] == {"prompt": 30 * 900, "completion": 30 * 120, "cached": 0}
    assert (out / "report.md").is_file()

    second = cli("batch", str(source), "--out", str(out), "--json")

    assert second.exit_code == 0, second.stderr
    assert grader_api.call_count == 30, "a re-run sends no request"
    assert second.json()["already_done"] == 30 and second.json()["requests"] == 0
    assert len(results(out)) == 30


def test_answers_to_the_same_question_go_out_together(tmp_path, cli, grader_api):
    source = write_jsonl(tmp_path / "answers.jsonl", answer_rows(24))  # questions interleaved in the file

    result = cli("batch", str(source), "--out", str(tmp_path / "out"), "--concurrency", "1")

    assert result.exit_code == 0, result.stderr
    order = [json.loads(call.request.content)["messages"][-1]["content"].split("\n", 1)[0] for call in grader_api.calls]
    runs = [question for i, question in enumerate(order) if i == 0 or order[i - 1] != question]
    assert len(runs) == len(QUESTIONS), f"each question's answers in one run of requests, got {runs}"


def test_identical_answers_are_graded_once_but_each_keeps_its_line(tmp_path, cli, grader_api):
    rows = [
        {"candidate": "ann", "question_id": "director-01", "answer": "GREAT: the same words"},
        {"candidate": "bob", "question_id": "director-01", "answer": "GREAT: the same words"},
    ]
    source = write_jsonl(tmp_path / "answers.jsonl", rows)
    out = tmp_path / "out"

    assert cli("batch", str(source), "--out", str(out)).exit_code == 0
    assert grader_api.call_count == 1
    assert sorted(line["candidate"] for line in results(out)) == ["ann", "bob"]

    # a later file repeating the words for a new candidate reuses the grade: no request, its own line
    more = write_jsonl(tmp_path / "more.jsonl", [{**rows[0], "candidate": "cy"}])
    assert cli("batch", str(source), str(more), "--out", str(out)).exit_code == 0
    assert grader_api.call_count == 1
    assert sorted(line["candidate"] for line in results(out)) == ["ann", "bob", "cy"]


KILL_SCRIPT = """
import asyncio, sys
sys.path.insert(0, {tests!r})
import respx
from openai_fakes import BASE_URL, chat_response, verdict_json

async def slow(request):
    await asyncio.sleep({delay})
    return chat_response(verdict_json("mediocre", 3))

with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
    router.post("/chat/completions").mock(side_effect=slow)
    sys.argv = ["mock-interviewer", "batch", {source!r}, "--out", {out!r}, "--concurrency", "2"]
    from mock_interviewer.cli import main
    main()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_killed_run_resumes_with_only_the_rest_and_no_duplicates(tmp_path, cli, grader_api):
    total = 60
    source = write_jsonl(tmp_path / "answers.jsonl", answer_rows(total))
    out = tmp_path / "out"
    env = {**os.environ, "OPENAI_API_KEY": API_KEY, "OPENAI_BASE_URL": BASE_URL}
    script = KILL_SCRIPT.format(tests=str(TESTS), source=str(source), out=str(out), delay=0.02)
    child = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and child.poll() is None:
            path = out / "results.jsonl"
            if path.exists() and path.read_bytes().count(b"\n") >= 8:
                break
            time.sleep(0.005)
        assert child.poll() is None, f"the run ended before it could be killed: {child.stderr.read().decode()[-500:]}"
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    done_before = {line["key"] for line in results(out) if line["grade"]["status"] == "graded"}
    assert 8 <= len(done_before) < total

    again = cli("batch", str(source), "--out", str(out), "--json")

    assert again.exit_code == 0, again.stderr
    assert grader_api.call_count == total - len(done_before), "only the rest is graded"
    sent = {answer_in(sent_json(call.request)) for call in grader_api.calls}
    graded_before = {line["item_id"] for line in results(out) if line["key"] in done_before}
    assert not sent & {r["answer"] for r in answer_rows(total) if r["id"] in graded_before}
    keys = [line["key"] for line in results(out)]
    assert len(keys) == total and len(set(keys)) == total, "no duplicate in results.jsonl"


def test_a_torn_last_line_is_dropped_and_its_answer_regraded(tmp_path, cli, grader_api):
    source = write_jsonl(tmp_path / "answers.jsonl", answer_rows(6))
    out = tmp_path / "out"
    assert cli("batch", str(source), "--out", str(out)).exit_code == 0
    path = out / "results.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:-1]) + lines[-1][: len(lines[-1]) // 2])  # killed mid-write

    again = cli("batch", str(source), "--out", str(out), "--json")

    assert again.exit_code == 0, again.stderr
    assert grader_api.call_count == 7
    keys = [line["key"] for line in results(out)]
    assert len(keys) == 6 == len(set(keys))


# ---------------------------------------------------------------- failures: ungraded, retried, never hidden


def test_invalid_replies_are_reported_ungraded_then_retried(tmp_path, cli, grader_api):
    rows = answer_rows(4)
    rows[1]["answer"] = "BROKEN reply please"
    source = write_jsonl(tmp_path / "answers.jsonl", rows)
    out = tmp_path / "out"

    def flaky(request: httpx.Request) -> httpx.Response:
        if "BROKEN" in answer_in(sent_json(request)):
            return chat_response("this is not JSON at all")
        return grading_reply(request)

    grader_api.side_effect = flaky
    first = cli("batch", str(source), "--out", str(out), "--format", "html", "--format", "csv", "--json")

    assert first.exit_code == 1, "an ungraded answer makes the exit status say so"
    assert grader_api.call_count == 5  # 3 good + the broken one asked twice (one repair re-ask)
    ungraded = [line for line in results(out) if line["grade"]["status"] == "ungraded"]
    assert len(ungraded) == 1 and ungraded[0]["failure"] == "model_reply"
    assert "did not match the expected format" in ungraded[0]["grade"]["reason"]
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "## Ungraded answers (1)" in report
    assert "a1" in report.split("## Ungraded answers (1)")[1].split("##")[0]
    assert "did not match the expected format" in report
    assert "did not match the expected format" in (out / "report.html").read_text(encoding="utf-8")
    csv_rows = (out / "report.csv").read_text(encoding="utf-8").strip().splitlines()
    assert len(csv_rows) == 5 and sum(",ungraded," in row for row in csv_rows) == 1

    grader_api.side_effect = grading_reply
    second = cli("batch", str(source), "--out", str(out), "--json")

    assert second.exit_code == 0, second.stderr
    assert grader_api.call_count == 6, "only the ungraded answer is sent again"
    lines = results(out)
    assert len(lines) == 4 and all(line["grade"]["status"] == "graded" for line in lines)
    assert "## Ungraded answers (0)" in (out / "report.md").read_text(encoding="utf-8")


def test_service_failures_are_not_cached(tmp_path, cli, grader_api):
    rows = answer_rows(3)
    rows[2]["answer"] = "DOWN for this one"
    source = write_jsonl(tmp_path / "answers.jsonl", rows)
    out = tmp_path / "out"

    def outage(request: httpx.Request) -> httpx.Response:
        if "DOWN" in answer_in(sent_json(request)):
            return error_response(503, "upstream overloaded", type="server_error")
        return grading_reply(request)

    grader_api.side_effect = outage
    first = cli("batch", str(source), "--out", str(out), "--json")

    assert first.exit_code == 1
    failed = [line for line in results(out) if line["failure"] == "service"]
    assert len(failed) == 1 and "503" in failed[0]["grade"]["reason"]
    assert API_KEY not in (out / "results.jsonl").read_text(encoding="utf-8")

    grader_api.side_effect = grading_reply
    calls = grader_api.call_count
    assert cli("batch", str(source), "--out", str(out)).exit_code == 0
    assert grader_api.call_count == calls + 1
    assert len(results(out)) == 3


def test_a_run_where_everything_fails_stops_early(tmp_path, cli, grader_api):
    source = write_jsonl(tmp_path / "answers.jsonl", answer_rows(80))
    grader_api.side_effect = lambda request: error_response(401, "Incorrect API key provided", code="invalid_api_key")

    result = cli("batch", str(source), "--out", str(tmp_path / "out"), "--concurrency", "2")

    assert result.exit_code == 1
    assert grader_api.call_count < 80
    assert "stopped after" in result.stderr and "rejected the API key" in result.stderr


def test_a_429_is_retried_in_its_worker_while_the_others_go_on(tmp_path, cli, grader_api, monkeypatch):
    monkeypatch.setenv("MOCK_INTERVIEWER_MAX_RETRIES", "2")
    rows = answer_rows(8)
    rows[0]["answer"] = "LIMITED answer"
    source = write_jsonl(tmp_path / "answers.jsonl", rows)
    seen: list[str] = []
    limited = {"done": False}

    def limiter(request: httpx.Request) -> httpx.Response:
        answer = answer_in(sent_json(request))
        seen.append(answer)
        if "LIMITED" in answer and not limited["done"]:
            limited["done"] = True
            return error_response(429, "Rate limit reached", type="requests", code="rate_limit_exceeded",
                                  headers={"retry-after-ms": "300"})
        return grading_reply(request)

    grader_api.side_effect = limiter
    result = cli("batch", str(source), "--out", str(tmp_path / "out"), "--concurrency", "2", "--json")

    assert result.exit_code == 0, result.stderr
    assert len(results(tmp_path / "out")) == 8
    retried_at = [i for i, answer in enumerate(seen) if "LIMITED" in answer]
    assert len(retried_at) == 2
    assert retried_at[1] - retried_at[0] > 3, f"the other worker kept going during the wait: {seen}"


# ---------------------------------------------------------------- sessions as input


def make_session(directory: Path, session_id: str = "20250101-120000-abcd") -> Path:
    session = Session(
        id=session_id,
        track="director",
        backend="offline",
        model="offline-v1",
        options=SessionOptions(questions=3),
        records=[
            QuestionRecord(
                question_id="director-01",
                status="answered",
                turns=[
                    SessionTurn(speaker="interviewer", kind="question", text="How do you optimise queries?"),
                    SessionTurn(speaker="candidate", kind="answer", text="GREAT: I read the plan first."),
                    SessionTurn(speaker="interviewer", kind="follow_up", text="And then what do you measure?"),
                    SessionTurn(speaker="candidate", kind="answer", text="p95 latency before and after."),
                ],
            ),
            QuestionRecord(question_id="director-02", status="skipped"),
            QuestionRecord(
                question_id="director-03",
                status="answered",
                turns=[SessionTurn(speaker="candidate", kind="answer", text="POOR: no idea")],
            ),
        ],
    )
    path = directory / f"{session_id}.json"
    path.write_text(session.model_dump_json(indent=2), encoding="utf-8")
    return path


def test_sessions_are_graded_with_their_exchange(tmp_path, cli, grader_api):
    sessions = tmp_path / "transcripts"
    sessions.mkdir()
    make_session(sessions)
    nested = sessions / "old"
    nested.mkdir()
    make_session(nested, "20240101-120000-beef")

    result = cli("batch", str(sessions), "--out", str(tmp_path / "out"), "--json")

    assert result.exit_code == 0, result.stderr
    lines = results(tmp_path / "out")
    assert len(lines) == 4  # two answered questions in each of two sessions; the skipped one is not graded
    assert {line["item_id"].split("/")[0] for line in lines} == {"20250101-120000-abcd", "20240101-120000-beef"}
    assert {line["candidate"] for line in lines} == {None}, "a session records no name: no candidate, not its id"
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "### 20250101-120000-abcd" not in report and "| 20250101-120000-abcd |" not in report
    bodies = [sent_json(call.request) for call in grader_api.calls]
    first = next(answer_in(b) for b in bodies if "read the plan" in answer_in(b))
    assert "[interviewer] And then what do you measure?" in first
    assert "[candidate] p95 latency before and after." in first


def test_the_output_directory_is_never_read_as_input(tmp_path, cli, grader_api):
    work = tmp_path / "work"
    work.mkdir()
    write_jsonl(work / "answers.jsonl", answer_rows(3))
    out = work / "graded"  # inside the input directory

    assert cli("batch", str(work), "--out", str(out)).exit_code == 0
    again = cli("batch", str(work), "--out", str(out), "--json")

    assert again.exit_code == 0, again.stderr
    assert again.json()["answers"] == 3 and again.json()["skipped_inputs"] == 0


# ---------------------------------------------------------------- bad inputs


def test_every_bad_input_is_named_with_file_and_line_and_the_rest_still_runs(tmp_path, cli, grader_api):
    good = answer_rows(2)
    jsonl = tmp_path / "answers.jsonl"
    jsonl.write_text(
        json.dumps(good[0]) + "\n"
        + "{not json\n"
        + json.dumps({"answer": "no question here"}) + "\n"
        + json.dumps({"question_id": "nowhere-99", "answer": "unknown question"}) + "\n"
        + json.dumps({"question_id": "director-01", "answer": "   "}) + "\n"
        + json.dumps(["a", "list"]) + "\n"
        + json.dumps(good[1]) + "\n",
        encoding="utf-8",
    )
    (tmp_path / "empty.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "bad-header.csv").write_text("question,text\ndirector-01,hello\n", encoding="utf-8")
    (tmp_path / "good.csv").write_text(
        'id,question_id,answer,candidate\nc1,engineer-03,"GREAT, with a comma\nand a second line",dana\n'
        "c2,,missing question,dana\n",
        encoding="utf-8",
    )
    future = make_session(tmp_path)
    data = json.loads(future.read_text())
    data["schema_version"] = 99
    future.write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / "blank-session.json").write_text("", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not an input", encoding="utf-8")

    paths = [jsonl, tmp_path / "empty.jsonl", tmp_path / "bad-header.csv", tmp_path / "good.csv", future,
             tmp_path / "blank-session.json", tmp_path / "notes.txt", tmp_path / "missing.jsonl"]
    result = cli("batch", *map(str, paths), "--out", str(tmp_path / "out"), "--json")

    assert result.exit_code == 2, "something was skipped"
    err = result.stderr
    assert f"{jsonl}:2: not valid JSON" in err
    assert f"{jsonl}:3: missing question_id" in err
    assert f"{jsonl}:4: unknown question id 'nowhere-99'" in err
    assert f"{jsonl}:5: the answer is empty" in err
    assert f"{jsonl}:6: expected a JSON object" in err
    assert f"{tmp_path / 'empty.jsonl'}: empty file" in err
    assert f"{tmp_path / 'bad-header.csv'}:1: bad CSV header: missing column(s) question_id, answer" in err
    assert f"{tmp_path / 'good.csv'}:4: missing question_id" in err  # record 2 starts on line 4 (record 1 spans two)
    assert f"{future}: schema_version 99 is newer" in err
    assert f"{tmp_path / 'blank-session.json'}: empty file" in err
    assert f"{tmp_path / 'notes.txt'}: unsupported file type" in err
    assert f"{tmp_path / 'missing.jsonl'}: no such file or directory" in err
    assert "Traceback" not in err
    summary = result.json()
    assert summary["skipped_inputs"] == 12 == len(summary["problems"])
    graded = results(tmp_path / "out")
    assert sorted(line["item_id"] for line in graded) == ["a0", "a1", "c1"]
    assert next(line for line in graded if line["item_id"] == "c1")["line"] == 2
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "## Skipped inputs (12)" in report and "nowhere-99" in report


def test_bad_options_are_one_line_errors(tmp_path, cli):
    source = write_jsonl(tmp_path / "answers.jsonl", answer_rows(1))
    bad_format = cli("batch", str(source), "--out", str(tmp_path / "o"), "--format", "pdf")
    assert bad_format.exit_code == 2 and "unknown report format 'pdf'" in bad_format.stderr
    offline_batch_api = cli("batch", str(source), "--out", str(tmp_path / "o"), "--batch-api", "--backend", "offline")
    assert offline_batch_api.exit_code == 2 and "--batch-api needs the openai backend" in offline_batch_api.stderr
    prices = tmp_path / "prices.json"
    prices.write_text('{"gpt-4.1-mini": {"input": "cheap"}}', encoding="utf-8")
    bad_prices = cli("batch", str(source), "--dry-run", "--prices", str(prices))
    assert bad_prices.exit_code == 2 and "gpt-4.1-mini.input: expected a number" in bad_prices.stderr


# ---------------------------------------------------------------- dry run


def tiktoken_count(body: dict[str, Any], model: str) -> int:
    """tiktoken's own count of one request as sent: message contents, OpenAI's framing, the response schema."""
    try:
        encoding = tiktoken.encoding_for_model(model)
    except KeyError:
        encoding = tiktoken.get_encoding("o200k_base")
    tokens = sum(len(encoding.encode(m["content"])) + 3 for m in body["messages"]) + 3
    if body.get("response_format"):
        tokens += len(encoding.encode(json.dumps(body["response_format"])))
    return tokens


@pytest.mark.encodings
def test_dry_run_counts_agree_with_tiktoken_on_the_requests_sent(tmp_path, cli, grader_api):
    rows = answer_rows(12)
    rows[4]["answer"] = "GREAT " + "a very long answer about indexes " * 900  # truncated to the token budget
    source = write_jsonl(tmp_path / "answers.jsonl", rows)
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    make_session(sessions)
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"gpt-4.1-mini": {"input": 1.0, "cached_input": 0.25, "output": 2.0}}), encoding="utf-8")
    out = tmp_path / "out"

    dry = cli("batch", str(source), str(sessions), "--out", str(out), "--dry-run", "--json", "--prices", str(prices))

    assert dry.exit_code == 0, dry.stderr
    assert grader_api.call_count == 0, "a dry run sends nothing"
    assert not (out / "results.jsonl").exists()
    estimate = dry.json()
    assert estimate["requests"] == 14

    live = cli("batch", str(source), str(sessions), "--out", str(out), "--json")
    assert live.exit_code == 0, live.stderr
    bodies = [sent_json(call.request) for call in grader_api.calls]
    assert len(bodies) == estimate["requests"]
    actual = sum(tiktoken_count(body, "gpt-4.1-mini") for body in bodies)
    assert abs(estimate["tokens"]["prompt"] - actual) <= 0.02 * actual
    cost = estimate["cost"]
    expected = (estimate["tokens"]["prompt"] * 1.0 + estimate["tokens"]["completion_estimate"] * 2.0) / 1e6
    assert cost["usd"] == pytest.approx(expected, abs=1e-4)
    assert cost["usd_max"] >= cost["usd"] >= cost["usd_with_prompt_cache"]

    after = cli("batch", str(source), str(sessions), "--out", str(out), "--dry-run", "--json")
    assert after.json()["requests"] == 0 and after.json()["already_done"] == 14


@pytest.mark.encodings
def test_dry_run_prints_requests_tokens_and_cost(tmp_path, cli, grader_api):
    source = write_jsonl(tmp_path / "answers.jsonl", answer_rows(5))

    result = cli("batch", str(source), "--out", str(tmp_path / "out"), "--dry-run", "--batch-api")

    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "Dry run: nothing was sent." in text
    assert "requests 5 Batch API (half price)" in text
    assert re.search(r"prompt tokens [\d,]+ tiktoken, gpt-4.1-mini", text)
    assert re.search(r"cost \$\d+\.\d\d", text)
    assert grader_api.call_count == 0


# ---------------------------------------------------------------- the report


def test_the_report_has_tiers_tables_weakest_areas_and_every_answer(tmp_path, cli, grader_api):
    source = write_jsonl(tmp_path / "answers.jsonl", answer_rows(9))

    result = cli("batch", str(source), "--out", str(tmp_path / "out"), "--format", "html")

    assert result.exit_code == 0, result.stderr
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    for heading in ("## Summary", "### Tier distribution", "## Weakest areas", "## Per question", "## Per candidate",
                    "## Ungraded answers (0)", "## Every answer"):
        assert heading in report
    assert "| great | 3 | 33% |" in report and "| poor | 3 | 33% |" in report
    for i in range(9):
        assert f"answer `a{i}`" in report
    assert "Measures before and after the change" in report  # the gap, and the most common gap
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "cand-4" in html
    assert "results" in result.stdout and "report.md" in result.stdout


def test_the_offline_backend_grades_a_batch_without_any_network(tmp_path, cli):
    source = write_jsonl(tmp_path / "answers.jsonl", answer_rows(6))
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    make_session(sessions)
    out = tmp_path / "out"

    result = cli("batch", str(source), str(sessions), "--out", str(out), "--backend", "offline", "--json")

    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)  # stdout is exactly one JSON document
    assert summary["graded"] == 8 and summary["graded_total"] == 8
    lines = results(out)
    assert len(lines) == 8 and all(line["grade"]["estimate"] and line["grade"]["backend"] == "offline" for line in lines)
    assert "Offline estimates." in (out / "report.md").read_text(encoding="utf-8")
    again = cli("batch", str(source), str(sessions), "--out", str(out), "--backend", "offline", "--json")
    assert again.json()["already_done"] == 8 and again.json()["requests"] == 0


FAULTS = {
    "429 without Retry-After": (error_response(429, "Rate limit reached", type="requests", code="rate_limit_exceeded"),
                                "service", "rate limited"),
    "500": (error_response(500, "boom", type="server_error"), "service", "(HTTP 500)"),
    "502": (error_response(502, "bad gateway", type="server_error"), "service", "(HTTP 502)"),
    "503": (error_response(503, "overloaded", type="server_error"), "service", "(HTTP 503)"),
    "timeout": (httpx.ReadTimeout("timed out"), "service", "did not answer within"),
    "connection refused": (httpx.ConnectError("[Errno 111] Connection refused"), "service", "cannot reach"),
    "wrong key": (error_response(401, f"Incorrect API key provided: {API_KEY}", code="invalid_api_key"), "service",
                  "rejected the API key"),
    "unknown model": (error_response(404, "The model `gpt-4.1-mini` does not exist", code="model_not_found"),
                      "service", "not found"),
    "truncated JSON": (chat_response('{"strengths": ["names a step"'), "model_reply", "did not match the expected format"),
    "finish_reason=length": (chat_response('{"strengths": [', finish_reason="length"), "model_reply", "cut off"),
    "refusal": (chat_response(None, refusal="I can't help with that."), "model_reply", "refused"),
    "empty completion": (chat_response(""), "model_reply", "did not match the expected format"),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_every_model_fault_ends_ungraded_with_one_clear_reason_and_is_retried(tmp_path, cli, grader_api, fault):
    response, failure, fragment = FAULTS[fault]
    source = write_jsonl(tmp_path / "answers.jsonl", answer_rows(2))
    out = tmp_path / "out"

    def faulty(request: httpx.Request) -> httpx.Response:
        if isinstance(response, Exception):
            raise response
        return response

    grader_api.side_effect = faulty

    result = cli("batch", str(source), "--out", str(out), "--json")

    assert result.exit_code == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = results(out)
    assert len(lines) == 2
    for line in lines:
        assert line["grade"]["status"] == "ungraded" and line["failure"] == failure
        assert fragment in line["grade"]["reason"] and "\n" not in line["grade"]["reason"]
    for written in out.iterdir():
        if written.is_file():
            assert API_KEY not in written.read_text(encoding="utf-8", errors="replace")
    calls = grader_api.call_count
    grader_api.side_effect = grading_reply
    assert cli("batch", str(source), "--out", str(out)).exit_code == 0, "a re-run retries ungraded answers"
    assert grader_api.call_count == calls + 2


def test_a_reply_only_in_reasoning_content_is_graded(tmp_path, cli, grader_api):
    source = write_jsonl(tmp_path / "answers.jsonl", answer_rows(1))
    grader_api.side_effect = lambda request: chat_response("", reasoning_content=verdict_json("great", 5))

    result = cli("batch", str(source), "--out", str(tmp_path / "out"), "--json")

    assert result.exit_code == 0, result.stderr
    assert results(tmp_path / "out")[0]["grade"]["tier"] == "great"


# ---------------------------------------------------------------- honest accounting (issue 14), faults (issue 16)


def test_a_run_stopped_by_an_unreachable_service_counts_the_answers_not_attempted(tmp_path, cli, grader_api):
    rows = answer_rows(30)
    source = tmp_path / "answers.jsonl"
    write_jsonl(source, rows)
    with source.open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")  # a skipped input as well: the service failure must still decide the status
    grader_api.side_effect = httpx.ConnectError("[Errno 111] Connection refused")
    out = tmp_path / "out"

    result = cli("batch", str(source), "--out", str(out), "--concurrency", "1", "--json")

    assert result.exit_code == 1, "the service failure (1) wins over the skipped input (2)"
    summary = result.json()
    recorded = results(out)
    assert len(recorded) == 10 and all(line["failure"] == "service" for line in recorded)  # stopped after 10 in a row
    assert (summary["answers"], summary["ungraded_total"], summary["not_attempted"]) == (30, 10, 20)
    assert summary["skipped_inputs"] == 1 and summary["exit_status"] == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "stopped after 10 requests in a row failed" in errors[0]
    assert "0 of 30 answers graded, 10 ungraded, 20 not attempted" in errors[0]
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "| answers | graded | ungraded | not attempted |" in report and "| 30 | 0 | 10 | 20 |" in report


def test_a_missing_input_file_is_one_line_and_writes_nothing(tmp_path, cli):
    out = tmp_path / "out"

    result = cli("batch", str(tmp_path / "nope.jsonl"), "--out", str(out), "--backend", "offline")

    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'nope.jsonl'}: no such file or directory; nothing was graded or written"
    assert not out.exists(), "no output directory, no report"


def test_an_invalid_grade_in_the_results_is_retried_and_its_words_are_graded_again(tmp_path, cli, grader_api):
    rows = answer_rows(2)
    source = write_jsonl(tmp_path / "answers.jsonl", rows[:1])
    out = tmp_path / "out"
    assert cli("batch", str(source), "--out", str(out)).exit_code == 0
    path = out / "results.jsonl"
    line = json.loads(path.read_text(encoding="utf-8"))
    line["grade"]["score"] = 1  # parses, but a great tier with score 1 is not a grade
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    twin = {**rows[1], "question_id": rows[0]["question_id"], "answer": rows[0]["answer"]}  # same words, new answer
    write_jsonl(source, [rows[0], twin])

    again = cli("batch", str(source), "--out", str(out), "--json")

    assert again.exit_code == 0, again.stderr
    assert "internal error" not in again.stderr
    assert grader_api.call_count == 2, "the answer is sent again (once, for both twins)"
    lines = results(out)
    assert sorted(line["item_id"] for line in lines) == ["a0", "a1"]
    assert all(line["grade"]["status"] == "graded" and line["grade"]["score"] == 5 for line in lines)
    assert all(line["schema_version"] == 1 and line["answer"] == rows[0]["answer"] for line in lines)
    assert again.json()["graded_total"] == 2


def test_a_full_disk_is_one_line_naming_the_results_file(tmp_path, cli, monkeypatch):
    import errno

    from mock_interviewer.batch import results as results_module

    source = write_jsonl(tmp_path / "answers.jsonl", answer_rows(8))
    out = tmp_path / "out"
    real_write = results_module.write_all
    writes = []

    def filling_up(fd: int, data: bytes) -> None:
        if len(writes) >= 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        writes.append(data)
        real_write(fd, data)

    monkeypatch.setattr(results_module, "write_all", filling_up)
    result = cli("batch", str(source), "--out", str(out), "--backend", "offline", "--concurrency", "1")

    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith(f"error: {out / 'results.jsonl'}: cannot write: No space left on device")
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert len(results(out)) == 3, "what was written before stays"
    monkeypatch.setattr(results_module, "write_all", real_write)
    again = cli("batch", str(source), "--out", str(out), "--backend", "offline", "--json")
    assert again.exit_code == 0, again.stderr
    assert again.json()["already_done"] == 3 and len(results(out)) == 8


SIGINT_SCRIPT = """
import sys
sys.argv = ["mock-interviewer", "batch", {source!r}, "--out", {out!r}, "--backend", "offline", "--concurrency", "4"]
from mock_interviewer.cli import main
main()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
def test_the_first_ctrl_c_stops_an_offline_batch_and_reports_true_counts(tmp_path):
    total = 3000
    source = write_jsonl(tmp_path / "answers.jsonl", answer_rows(total))
    out = tmp_path / "out"
    script = SIGINT_SCRIPT.format(source=str(source), out=str(out))
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and child.poll() is None:
            path = out / "results.jsonl"
            if path.exists() and path.read_bytes().count(b"\n") >= 20:
                break
            time.sleep(0.01)
        assert child.poll() is None, "the run ended before the Ctrl-C"
        child.send_signal(signal.SIGINT)  # once
        _stdout, stderr = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130, stderr
    graded = len(results(out))
    assert 20 <= graded < total, "it stopped long before the end"
    found = re.search(r"interrupted: (\d+) of (\d+) answers graded, 0 ungraded, (\d+) not attempted", stderr)
    assert found, stderr
    assert (int(found.group(1)), int(found.group(2)), int(found.group(3))) == (graded, total, total - graded)
    report = (out / "report.md").read_text(encoding="utf-8")
    assert f"| {total} | {graded} | 0 | {total - graded} |" in report


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_under_the_spool_is_one_line(tmp_path, cli, monkeypatch):
    from mock_interviewer.batch import plan as plan_module

    source = write_jsonl(tmp_path / "answers.jsonl", answer_rows(3))
    monkeypatch.setattr(plan_module.tempfile, "TemporaryFile", lambda **_kw: open("/dev/full", "w+b"))  # noqa: SIM115

    result = cli("batch", str(source), "--out", str(tmp_path / "out"), "--backend", "offline")

    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1].startswith("error: ")
    assert "cannot write the batch's temporary spool file: No space left on device" in result.stderr
    assert "internal error" not in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
def test_the_first_ctrl_c_stops_an_openai_batch_the_same_way(tmp_path):
    total = 400
    source = write_jsonl(tmp_path / "answers.jsonl", answer_rows(total))
    out = tmp_path / "out"
    env = {**os.environ, "OPENAI_API_KEY": API_KEY, "OPENAI_BASE_URL": BASE_URL}
    script = KILL_SCRIPT.format(tests=str(TESTS), source=str(source), out=str(out), delay=0.2)
    child = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and child.poll() is None:
            path = out / "results.jsonl"
            if path.exists() and path.read_bytes().count(b"\n") >= 6:
                break
            time.sleep(0.01)
        assert child.poll() is None, "the run ended before the Ctrl-C"
        child.send_signal(signal.SIGINT)  # once: the requests in flight are dropped, nothing new is sent
        _stdout, stderr = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130, stderr
    graded = len(results(out))
    found = re.search(r"interrupted: (\d+) of (\d+) answers graded, 0 ungraded, (\d+) not attempted", stderr)
    assert found, stderr
    assert (int(found.group(1)), int(found.group(2)), int(found.group(3))) == (graded, total, total - graded)
    assert graded < total


def test_both_json_documents_carry_a_schema_version(tmp_path, cli):
    source = write_jsonl(tmp_path / "answers.jsonl", answer_rows(3))
    out = tmp_path / "out"

    dry = cli("batch", str(source), "--out", str(out), "--backend", "offline", "--dry-run", "--json")
    run = cli("batch", str(source), "--out", str(out), "--backend", "offline", "--json")

    assert dry.exit_code == 0 and run.exit_code == 0, dry.stderr + run.stderr
    assert dry.json()["schema_version"] == 1 and dry.json()["dry_run"] is True and dry.json()["answers_to_grade"] == 3
    document = run.json()
    assert document["schema_version"] == 1 and document["exit_status"] == 0
    assert (document["graded_total"], document["ungraded_total"], document["not_attempted"]) == (3, 0, 0)
