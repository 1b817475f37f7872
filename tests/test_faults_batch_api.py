"""The fault suite for ``batch --batch-api``: the Files and Batches endpoints, and the replies inside the batch.

A Batch API run talks to four endpoints (upload, create, check, download). Every
service fault of ``test_faults.FAULTS`` is played on each of them through the real
async SDK (respx plays the service, ``test_batch_api.FakeBatchAPI``): it ends in
success after the SDK's retry, or in exit 1 with ONE line on stderr, without the key.
Either way nothing is lost: a batch already created is recorded in ``batch-api.json``
and the next run collects it instead of paying for it twice; the next run with the
service back finishes the job.

The model-reply faults (truncated JSON, ``finish_reason=length``, a refusal, an empty
completion, text in ``reasoning_content``) arrive inside the downloaded results: each
answer is ungraded with its reason (the Batch API has no repair re-ask), or graded.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from batch_api_helpers import FakeBatchAPI
from batch_helpers import answer_rows, results, write_jsonl
from fault_helpers import FAULTS, TRUNCATED, Effect, Fault, assert_clean, error_line
from openai_fakes import BASE_URL, chat_completion, verdict_json


def _http_level(fault: Fault) -> bool:
    """Faults of the service itself (statuses and transport errors), not of a model's reply."""
    script = fault.structured()
    return bool(script) and all(isinstance(e, Exception) or e.status_code >= 400 for e in script)


# 500 and 502 then ok behave exactly as 503 then ok (the same SDK retry); one of them stands for the three.
SERVICE_FAULTS = [f for f in FAULTS if _http_level(f) and not f.slow and f.name not in ("500 then ok", "502 then ok")]
STEPS = {"upload": "uploading batch-input-1.jsonl", "create": "creating the batch", "check": "checking batch batch_1",
         "download": "downloading file-out-batch_1"}


def faulty(handler: Callable[..., httpx.Response], script: list[Effect]) -> Callable[..., httpx.Response]:
    """The fake's handler, answering with ``script`` first (responses, or transport errors raised)."""

    def answer(request: httpx.Request, **params: Any) -> httpx.Response:
        if script:
            effect = script.pop(0)
            if isinstance(effect, Exception):
                raise effect
            return effect
        return handler(request, **params)

    return answer


@pytest.fixture
def service(openai_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeBatchAPI]:
    monkeypatch.setenv("MOCK_INTERVIEWER_TIMEOUT", "2")
    monkeypatch.chdir(tmp_path)
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield FakeBatchAPI(router)


def run(cli: Any, tmp_path: Path) -> Any:
    source = tmp_path / "answers.jsonl"
    if not source.exists():
        write_jsonl(source, answer_rows(3))
    return cli("batch", str(source), "--out", str(tmp_path / "out"), "--batch-api", "--poll-seconds", "0", "--json")


def recorded(tmp_path: Path) -> list[tuple[str, bool]]:
    path = tmp_path / "out" / "batch-api.json"
    if not path.exists():
        return []
    return [(b["id"], b["collected"]) for b in json.loads(path.read_text())["batches"]]


@pytest.mark.parametrize("step", list(STEPS))
@pytest.mark.parametrize("fault", SERVICE_FAULTS, ids=[f.name for f in SERVICE_FAULTS])
def test_service_fault_on_each_endpoint(fault: Fault, step: str, cli, service, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("MOCK_INTERVIEWER_MAX_RETRIES", str(fault.retries))
    route = {"upload": service.upload_route, "create": service.create_route, "check": service.retrieve_route,
             "download": service.content_route}[step]
    original = {"upload": service.upload, "create": service.create, "check": service.retrieve,
                "download": service.content}[step]
    assert fault.stream is not None
    script = list(fault.stream())
    route.side_effect = faulty(original, script)

    result = run(cli, tmp_path)
    assert_clean(result, tmp_path)
    if fault.stream_outcome == "ok":
        assert result.exit_code == 0, result.stderr
        assert [r["grade"]["status"] for r in results(tmp_path / "out")] == ["graded"] * 3
        assert recorded(tmp_path) == [("batch_1", True)]
        return
    assert result.exit_code == 1, result.stderr
    assert error_line(result, f"Batch API: {STEPS[step]} failed").startswith("error: ")
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.endswith(".tmp")]
    created_before_the_fault = step in ("check", "download")
    assert recorded(tmp_path) == ([("batch_1", False)] if created_before_the_fault else [])

    # The service is back: the next run finishes, and a created batch is collected, not submitted again.
    script.clear()
    again = run(cli, tmp_path)
    assert again.exit_code == 0, again.stderr
    assert list(service.batches) == ["batch_1"] and recorded(tmp_path) == [("batch_1", True)]
    assert [r["grade"]["status"] for r in results(tmp_path / "out")] == ["graded"] * 3


@pytest.mark.parametrize("step", list(STEPS)[:3])
def test_a_server_that_does_not_speak_the_api_is_one_line(step: str, cli, service, monkeypatch, tmp_path) -> None:
    """A web page (HTTP 200, not JSON) from the wrong OPENAI_BASE_URL was an internal error (AttributeError)."""
    monkeypatch.setenv("MOCK_INTERVIEWER_MAX_RETRIES", "0")
    route = {"upload": service.upload_route, "create": service.create_route, "check": service.retrieve_route}[step]
    route.side_effect = lambda request, **params: httpx.Response(200, text="<html>Welcome to nginx</html>",
                                                                 headers={"content-type": "text/html"})
    result = run(cli, tmp_path)
    assert result.exit_code == 1, result.stderr
    assert_clean(result, tmp_path)
    error_line(result, f"Batch API: {STEPS[step]} failed: the server at {BASE_URL} did not answer like the OpenAI API")


REPLY_FAULTS = {
    "truncated JSON": ({"content": TRUNCATED}, "did not match the expected format"),
    "finish_reason=length": ({"content": TRUNCATED, "finish_reason": "length"}, "cut off at its token limit"),
    "refusal": ({"content": None, "refusal": "I can't grade this."}, "the model refused to answer: I can't grade this."),
    "empty completion": ({"content": ""}, "the reply was empty"),
    "text in reasoning_content": ({"content": None, "reasoning_content": verdict_json("poor", 1)}, None),
}


@pytest.mark.parametrize(("reply", "reason"), REPLY_FAULTS.values(), ids=list(REPLY_FAULTS))
def test_reply_faults_inside_the_batch(reply: dict[str, Any], reason: str | None, cli, service, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("MOCK_INTERVIEWER_MAX_RETRIES", "0")
    finish = service.finish

    def finish_with_fault(batch_id: str) -> None:
        finish(batch_id)
        name = service.batches[batch_id]["output_file_id"]
        lines = [json.loads(line) for line in service.files[name].splitlines()]
        for line in lines:
            line["response"]["body"] = chat_completion(**reply)
        service.files[name] = b"".join(json.dumps(line).encode() + b"\n" for line in lines)

    service.finish = finish_with_fault
    result = run(cli, tmp_path)
    assert_clean(result, tmp_path)
    grades = [r["grade"] for r in results(tmp_path / "out")]
    assert len(grades) == 3
    if reason is None:
        assert result.exit_code == 0, result.stderr
        assert {g["tier"] for g in grades} == {"poor"}
        return
    assert result.exit_code == 1, result.stderr
    assert all(g["status"] == "ungraded" and g["tier"] is None and reason in g["reason"] for g in grades)
    assert error_line(result, reason).startswith("not graded: 3 of 3 answers are ungraded (")
