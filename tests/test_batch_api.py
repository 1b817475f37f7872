"""``batch --batch-api`` through the real async SDK, with respx playing the OpenAI Files and Batches API.

The fake keeps the uploaded JSONL, answers each request line by its
``custom_id`` (in shuffled order, as the real service may), and lets a test
decide, per answer, a good verdict, an invalid reply, or a failed request.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx

from batch_api_helpers import FENCED, FakeBatchAPI
from batch_helpers import answer_rows, results, tier_for, write_jsonl
from mock_interviewer.bank import load_bank
from mock_interviewer.batch.batch_api import write_inputs
from mock_interviewer.batch.inputs import Item
from mock_interviewer.batch.plan import Job
from mock_interviewer.batch.requests import request_for
from mock_interviewer.config import Settings
from openai_fakes import BASE_URL


@pytest.fixture
def batch_api(openai_env, monkeypatch):
    monkeypatch.setenv("MOCK_INTERVIEWER_MAX_RETRIES", "0")
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield FakeBatchAPI(router)


def run_batch(cli, source: Path, out: Path, *extra: str):
    return cli("batch", str(source), "--out", str(out), "--batch-api", "--poll-seconds", "0", *extra)


def test_the_whole_flow_matches_shuffled_results_by_custom_id(tmp_path, cli, batch_api):
    rows = answer_rows(12)
    rows[3]["answer"] = "GARBLED reply for this one"
    rows[7]["answer"] = "FAILS in the batch"
    source = write_jsonl(tmp_path / "answers.jsonl", rows)
    out = tmp_path / "out"

    result = run_batch(cli, source, out, "--json")

    assert result.exit_code == 1, result.stderr  # two answers are ungraded
    assert batch_api.upload_route.call_count == 1 and batch_api.create_route.call_count == 1
    uploaded = batch_api.uploads["file-in-1"]
    assert len(uploaded) == 12
    assert all(line["method"] == "POST" and line["url"] == "/v1/chat/completions" for line in uploaded)
    lines = {line["item_id"]: line for line in results(out)}
    assert len(lines) == 12
    assert {line["key"] for line in lines.values()} == {line["custom_id"] for line in uploaded}
    for row in rows:
        grade = lines[row["id"]]["grade"]
        if "GARBLED" in row["answer"]:
            assert grade["status"] == "ungraded" and "did not match the expected format" in grade["reason"]
        elif "FAILS" in row["answer"]:
            assert grade["status"] == "ungraded" and "not executed before the window expired" in grade["reason"]
            assert lines[row["id"]]["failure"] == "service"
        else:
            assert grade["tier"] == tier_for(row["answer"])[0], "each result went to the answer of its custom_id"
            assert grade["explanation"] == f"for {row['answer'][:30]}".strip()  # model strings are trimmed
            assert grade["model"] == "gpt-4.1-mini-2025-04-14" and grade["usage"]["prompt_tokens"] == 1200
    state = json.loads((out / "batch-api.json").read_text())
    assert [(b["id"], b["collected"], b["status"]) for b in state["batches"]] == [("batch_1", True, "completed")]
    assert (out / "batch-output-batch_1.jsonl").is_file() and (out / "batch-errors-batch_1.jsonl").is_file()
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "## Ungraded answers (2)" in report and "not executed before the window expired" in report
    assert result.json()["tokens"]["prompt"] == 11 * 1200  # 10 graded and the invalid reply: its tokens were spent too

    # the next run submits only the two ungraded answers, in a new batch
    again = run_batch(cli, source, out, "--json")
    assert batch_api.create_route.call_count == 2
    assert len(batch_api.uploads["file-in-2"]) == 2
    assert again.exit_code == 1  # still the same two outcomes from the fake
    assert len(results(out)) == 12 and len({line["key"] for line in results(out)}) == 12


def test_each_line_carries_the_request_a_live_run_would_send(tmp_path, cli, batch_api):
    from mock_interviewer.openai_service import chat_request_body

    rows = answer_rows(3)
    source = write_jsonl(tmp_path / "answers.jsonl", rows)

    assert run_batch(cli, source, tmp_path / "out").exit_code == 0
    settings = Settings(backend="openai")
    bank = load_bank([])
    uploaded = {FENCED.search(line["body"]["messages"][1]["content"]).group(1): line["body"]
                for line in batch_api.uploads["file-in-1"]}
    for row in rows:
        item = Item(item_id=row["id"], candidate=row["candidate"], question_id=row["question_id"], answer=row["answer"],
                    source="x")
        request, _ = request_for(Job(key="k" * 64, items=[item]), bank, settings)
        assert uploaded[row["answer"]] == chat_request_body(request, settings)
    body = next(iter(uploaded.values()))
    assert body["temperature"] == 0 and body["response_format"]["json_schema"]["strict"] is True


def test_a_rerun_resumes_polling_the_recorded_batch_instead_of_submitting_again(tmp_path, cli, batch_api):
    source = write_jsonl(tmp_path / "answers.jsonl", answer_rows(6))
    out = tmp_path / "out"
    batch_api.polls_before_done = 3
    batch_api.interrupt_on_poll = 2  # Ctrl-C while waiting

    first = run_batch(cli, source, out)

    assert first.exit_code == 130
    assert "run the same command again" in first.stderr
    state = json.loads((out / "batch-api.json").read_text())
    assert [(b["id"], b["collected"]) for b in state["batches"]] == [("batch_1", False)]
    assert not (out / "results.jsonl").exists() or results(out) == []

    batch_api.interrupt_on_poll = None
    second = run_batch(cli, source, out, "--json")

    assert second.exit_code == 0, second.stderr
    assert batch_api.upload_route.call_count == 1 and batch_api.create_route.call_count == 1, "nothing submitted twice"
    assert "resuming 1 recorded batch(es): batch_1" in second.stderr
    assert len(results(out)) == 6
    assert json.loads((out / "batch-api.json").read_text())["batches"][0]["collected"] is True

    third = run_batch(cli, source, out, "--json")
    assert third.exit_code == 0 and third.json()["already_done"] == 6
    assert batch_api.create_route.call_count == 1 and batch_api.retrieve_route.call_count == 4


def test_a_rejected_batch_leaves_every_answer_ungraded_with_the_reason(tmp_path, cli, batch_api):
    source = write_jsonl(tmp_path / "answers.jsonl", answer_rows(3))
    out = tmp_path / "out"
    batch_api.fail_batch = "batch_1"

    result = run_batch(cli, source, out)

    assert result.exit_code == 1
    reasons = {line["grade"]["reason"] for line in results(out)}
    assert reasons == {"the Batch API rejected batch batch_1: line 1: model not available for batch"}
    assert "model not available for batch" in (out / "report.md").read_text(encoding="utf-8")


def test_a_live_run_warns_about_a_batch_not_yet_collected(tmp_path, cli, batch_api):
    source = write_jsonl(tmp_path / "answers.jsonl", answer_rows(2))
    out = tmp_path / "out"
    batch_api.interrupt_on_poll = 1
    assert run_batch(cli, source, out).exit_code == 130

    dry = cli("batch", str(source), "--out", str(out), "--dry-run")

    assert dry.exit_code == 0
    assert "not collected yet (batch_1); run with --batch-api to collect them" in " ".join(dry.stderr.split())


def test_large_runs_are_split_into_several_input_files(tmp_path):
    lines = iter([b'{"custom_id":"%d"}\n' % i for i in range(25)])
    files = write_inputs(lines, tmp_path, 3, max_requests=10)
    assert [(p.name, n) for p, n in files] == [
        ("batch-input-3.jsonl", 10), ("batch-input-4.jsonl", 10), ("batch-input-5.jsonl", 5)]
    assert sum(len(p.read_bytes().splitlines()) for p, _ in files) == 25
    by_size = write_inputs(iter([b"x" * 40 + b"\n"] * 5), tmp_path / ".", 10, max_bytes=100)
    assert [n for _, n in by_size] == [2, 2, 1]


def test_a_batch_without_a_status_is_an_error_after_a_few_polls_not_a_wait_forever(tmp_path, cli, batch_api):
    from mock_interviewer.batch.batch_api import MAX_POLLS_WITHOUT_STATUS

    source = write_jsonl(tmp_path / "answers.jsonl", answer_rows(3))
    out = tmp_path / "out"

    def without_status(request: httpx.Request, batch_id: str) -> httpx.Response:
        data = batch_api.batch_json(batch_id)
        del data["status"]
        return httpx.Response(200, json=data)

    batch_api.retrieve_route.side_effect = without_status

    result = run_batch(cli, source, out, "--json")  # --poll-seconds 0: a busy loop before the fix

    assert result.exit_code == 1, result.stderr
    assert batch_api.retrieve_route.call_count == MAX_POLLS_WITHOUT_STATUS == 5
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "answered 5 times without the batch's status" in errors[0]
    assert "3 not attempted" in errors[0]
    assert result.json()["not_attempted"] == 3
    state = json.loads((out / "batch-api.json").read_text())
    assert [(b["id"], b["collected"]) for b in state["batches"]] == [("batch_1", False)], "kept to collect later"

    batch_api.retrieve_route.side_effect = batch_api.retrieve
    again = run_batch(cli, source, out, "--json")
    assert again.exit_code == 0, again.stderr
    assert batch_api.create_route.call_count == 1 and len(results(out)) == 3
