"""calibrate's faults (issue 16, item 15): a failing server leaves no stray coroutine, a NUL is named with its line,
what grade refuses calibrate refuses, and a run in which nothing was graded does not exit 0."""

from __future__ import annotations

import asyncio
import gc
import json
import warnings
from pathlib import Path
from typing import Any

import httpx
import pytest

from openai_fakes import chat_response, error_response


def labelled(tmp_path: Path, *answers: str) -> Path:
    path = tmp_path / "labelled.jsonl"
    lines = [json.dumps({"question_id": "technical-02", "answer": a, "label": "mediocre"}) for a in answers]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_failing_server_stops_the_run_with_one_line_and_no_warning(cli: Any, chat_api: Any, tmp_path: Path,
                                                                          monkeypatch: Any) -> None:
    monkeypatch.setenv("MOCK_INTERVIEWER_MAX_RETRIES", "1")
    chat_api.side_effect = lambda request: error_response(500, "the model server fell over")
    path = labelled(tmp_path, *(f"I would cache reads, case {i}." for i in range(12)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = cli("calibrate", "--no-exemplars", "--labelled", str(path), "--concurrency", "4")
        gc.collect()  # a coroutine left behind warns when it is collected
    assert result.exit_code == 1, result.stderr
    assert "never awaited" not in result.stderr and "Traceback" not in result.stderr
    assert [str(w.message) for w in caught if "never awaited" in str(w.message)] == []
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")]


def _ratings(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "ratings.jsonl"
    rows = [{"rater": rater, "question_id": "technical-02", "answer": f"I would cache reads, case {i}.", "tier": "mediocre"}
            for i in range(count) for rater in ("ann", "bob")]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("fault", ["HTTP 500", "connection refused"])
@pytest.mark.parametrize("how", ["labelled", "ratings"])
def test_a_service_failure_leaves_no_grade_in_flight_when_the_client_closes(
    how: str, fault: str, cli: Any, chat_api: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """The cause of "coroutine 'connect_tcp.<locals>.try_connect' was never awaited" (issue 16, item 15).

    A plain gather raised the first failure and left the other grades running: the client was closed under
    them and asyncio.run cancelled them at exit, in the middle of opening a connection. Reproduced against a
    real local server failing one request in two or dropping one connection in three (concurrency 8, with
    ``python -X dev``: the warning on stderr in 3 of 6 ``calibrate --ratings`` runs of the code before the
    fix, in none of 12 runs after). Here, deterministically: the failing request answers only once three
    others are in flight, and they hang until cancelled; when the client is closed none may still be in
    flight, and no grade may start after the failure (all-tasks-up-front let a fifth one start).
    """
    from mock_interviewer.backends.openai_backend import OpenAIBackend

    monkeypatch.setenv("MOCK_INTERVIEWER_MAX_RETRIES", "0")
    state = {"requests": 0, "in_flight": 0}
    others_started = asyncio.Event()
    at_close: list[int] = []

    async def answer(request: httpx.Request) -> httpx.Response:
        state["requests"] += 1
        if state["requests"] == 1:
            await others_started.wait()
            if fault == "HTTP 500":
                return error_response(500, "the model server fell over")
            raise httpx.ConnectError("[Errno 111] Connection refused")
        state["in_flight"] += 1
        if state["in_flight"] == 3:
            others_started.set()
        try:
            await asyncio.Event().wait()  # a slow server: answers only if left running
        finally:
            state["in_flight"] -= 1
        raise AssertionError("unreachable")

    chat_api.side_effect = answer
    close = OpenAIBackend.aclose

    async def closing(self: OpenAIBackend) -> None:
        at_close.append(state["in_flight"])
        await close(self)

    monkeypatch.setattr(OpenAIBackend, "aclose", closing)
    args = (("--no-exemplars", "--labelled", str(labelled(tmp_path, *(f"I would cache, case {i}." for i in range(8)))))
            if how == "labelled" else ("--ratings", str(_ratings(tmp_path, 8))))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = cli("calibrate", *args, "--concurrency", "4")
        gc.collect()
    assert result.exit_code == 1, result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == [
        line for line in result.stderr.splitlines() if "500" in line or "cannot reach" in line
    ]
    assert at_close == [0]  # every other grade was cancelled and awaited before the client closed
    assert state["requests"] == 4  # and no new one was started after the failure
    assert [str(w.message) for w in caught if "never awaited" in str(w.message)] == []


def test_a_nul_in_a_labelled_answer_names_the_file_and_line(cli: Any, tmp_path: Path) -> None:
    path = labelled(tmp_path, "A fine answer.", "An answer with a \x00 inside.")
    result = cli("calibrate", "--backend", "offline", "--no-exemplars", "--labelled", str(path))
    assert result.exit_code == 2
    assert f"{path}:2: answer: a NUL character; expected text" in result.stderr


def test_calibrate_refuses_an_answer_grade_refuses_naming_the_line(cli: Any, tmp_path: Path) -> None:
    path = labelled(tmp_path, "A fine answer.", "x" * 200_001)
    result = cli("calibrate", "--backend", "offline", "--no-exemplars", "--labelled", str(path))
    assert result.exit_code == 2
    assert f"{path}:2: answer: the answer is 200,001 characters; the most accepted is 200,000" in result.stderr
    refused = cli("grade", "--backend", "offline", "--question", "technical-02", "--answer", "x" * 200_001)
    assert refused.exit_code == 2  # the same answer, refused the same way by grade


def test_a_run_in_which_nothing_was_graded_exits_1(cli: Any, chat_api: Any, tmp_path: Path) -> None:
    chat_api.side_effect = lambda request: chat_response("this is not a verdict at all")
    path = labelled(tmp_path, "I would cache reads.", "I would shard writes.")
    result = cli("calibrate", "--no-exemplars", "--labelled", str(path), "--json")
    assert result.exit_code == 1, result.stderr
    assert result.json()["labelled"]["graded"] == 0
    assert "not measured: no answer was graded" in result.stderr


def test_a_run_with_graded_answers_still_exits_0(cli: Any, chat_api: Any, tmp_path: Path) -> None:
    from openai_fakes import verdict_json

    chat_api.side_effect = lambda request: chat_response(verdict_json("mediocre", 3))
    result = cli("calibrate", "--no-exemplars", "--labelled", str(labelled(tmp_path, "I would cache reads.")))
    assert result.exit_code == 0, result.stderr


_ = httpx  # the fakes answer with httpx responses
