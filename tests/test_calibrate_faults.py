"""calibrate's faults (issue 16, item 15): a failing server leaves no stray coroutine, a NUL is named with its line,
what grade refuses calibrate refuses, and a run in which nothing was graded does not exit 0."""

from __future__ import annotations

import gc
import json
import warnings
from pathlib import Path
from typing import Any

import httpx

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
