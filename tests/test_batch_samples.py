"""batch --samples K (issue 14): every answer of a batch graded K times, exemplars in rotated order, through the
one implementation ``grade --samples`` uses; a split tier is borderline in the results, the report and report.json.

Through the real openai SDK with respx: a position-biased fake model grades "great" whenever the great exemplar
comes first, so an answer it would grade mediocre otherwise splits; answers marked STRONG are great in any order.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from mock_interviewer.batch.operation import BatchOptions
from mock_interviewer.batch.report_model import ReportDocument
from mock_interviewer.errors import InputError
from openai_fakes import chat_response, error_response, sent_json, verdict_json

HEADINGS = re.compile(r"^(GREAT|MEDIOCRE|POOR) exemplar \(score \d\):$", re.M)
FENCED = re.compile(r"<candidate_answer>\n(.*)\n</candidate_answer>", re.DOTALL)
QUESTIONS = ["technical-02", "director-01", "engineer-03"]
ROTATIONS = [["GREAT", "MEDIOCRE", "POOR"], ["MEDIOCRE", "POOR", "GREAT"], ["POOR", "GREAT", "MEDIOCRE"]]
PROMPT_TOKENS, COMPLETION_TOKENS, CACHED_TOKENS = 1000, 100, 512


class PositionBiased:
    """Grades STRONG answers great in any order; the others great when the great exemplar is first, else mediocre.

    Keeps, per answer, the exemplar order of every request it was sent.
    """

    def __init__(self) -> None:
        self.orders: dict[str, list[list[str]]] = defaultdict(list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        user = sent_json(request)["messages"][-1]["content"]
        found = FENCED.search(user)
        assert found, "the answer is fenced at the end of the user message"
        answer, order = found.group(1), HEADINGS.findall(user)
        self.orders[answer].append(order)
        tier, score = ("great", 5) if "STRONG" in answer or order[0] == "GREAT" else ("mediocre", 3)
        return chat_response(verdict_json(tier, score), prompt_tokens=PROMPT_TOKENS,
                             completion_tokens=COMPLETION_TOKENS, cached_tokens=CACHED_TOKENS)


def rows(n: int) -> list[dict[str, Any]]:
    """``n`` answers by two candidates; every third is STRONG (unanimous), the rest split under a biased model."""
    return [
        {
            "id": f"a{i}",
            "candidate": f"cand-{i % 2}",
            "question_id": QUESTIONS[i % len(QUESTIONS)],
            "answer": f"{'STRONG' if i % 3 == 0 else 'plain'} answer {i}: I would measure first, then index the join.",
        }
        for i in range(n)
    ]


def write_jsonl(path: Path, data: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in data), encoding="utf-8")
    return path


def results(out: Path) -> dict[str, dict[str, Any]]:
    lines = (out / "results.jsonl").read_text(encoding="utf-8").splitlines()
    return {line["item_id"]: line for line in map(json.loads, lines)}


@pytest.fixture
def biased(chat_api: respx.Route, monkeypatch: pytest.MonkeyPatch) -> PositionBiased:
    monkeypatch.setenv("MOCK_INTERVIEWER_MAX_RETRIES", "0")
    monkeypatch.delenv("MOCK_INTERVIEWER_PRICES", raising=False)
    model = PositionBiased()
    chat_api.side_effect = model
    return model


def test_three_samples_per_answer_in_rotated_order_and_split_tiers_are_borderline_everywhere(
    tmp_path, cli, chat_api, biased
):
    source = write_jsonl(tmp_path / "answers.jsonl", rows(9))
    out = tmp_path / "out"

    result = cli("batch", str(source), "--out", str(out), "--samples", "3", "--concurrency", "2", "--json")

    assert result.exit_code == 0, result.stderr
    assert chat_api.call_count == 27, "three requests per answer"
    assert len(biased.orders) == 9
    for answer, orders in biased.orders.items():
        assert orders == ROTATIONS, f"{answer}: the exemplars in rotated order, one sample after another"
    lines = results(out)
    for i in range(9):
        grade = lines[f"a{i}"]["grade"]
        assert grade["usage"]["requests"] == 3 and grade["usage"]["prompt_tokens"] == 3 * PROMPT_TOKENS
        if i % 3 == 0:
            assert grade["samples"] == ["great"] * 3 and "borderline" not in grade and grade["tier"] == "great"
        else:
            assert grade["samples"] == ["great", "mediocre", "mediocre"]
            assert (grade["tier"], grade["score"]) == ("mediocre", 3)  # the median score
            assert grade["borderline"] == {"tiers": ["mediocre", "great"], "basis": "samples", "margin": None}
    summary = result.json()
    assert summary["requests"] == 27 and summary["graded_total"] == 9 and summary["samples"] == 3
    assert summary["tokens"] == {"prompt": 27 * PROMPT_TOKENS, "completion": 27 * COMPLETION_TOKENS,
                                 "cached": 27 * CACHED_TOKENS}

    document = ReportDocument.model_validate_json((out / "report.json").read_text(encoding="utf-8"))
    assert sorted(b.item_id for b in document.borderline) == [f"a{i}" for i in range(9) if i % 3]
    for mark in document.borderline:
        assert mark.basis == "samples" and mark.samples == ["great", "mediocre", "mediocre"]
        assert mark.tiers == ["mediocre", "great"] and (mark.tier, mark.score) == ("mediocre", 3)
        assert mark.why == "3 samples, exemplars in rotated order, gave great, mediocre, mediocre"
    by_id = {a.item_id: a for a in document.answers}
    assert by_id["a0"].samples == ["great"] * 3 and by_id["a0"].borderline is None
    assert by_id["a1"].samples == ["great", "mediocre", "mediocre"] and by_id["a1"].borderline == ["mediocre", "great"]
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "## Borderline grades (6)" in markdown
    assert "| a1 | cand-1 | director-01 | mediocre (3/5) | mediocre / great | 3 samples, exemplars in rotated order, " \
           "gave great, mediocre, mediocre |" in markdown
    assert "borderline: mediocre / great (3 samples, exemplars in rotated order, gave great, mediocre, mediocre)" \
        in markdown


def test_a_rerun_with_the_same_samples_sends_nothing_and_one_sample_is_another_grade(tmp_path, cli, chat_api, biased):
    source = write_jsonl(tmp_path / "answers.jsonl", rows(3))
    out = tmp_path / "out"
    assert cli("batch", str(source), "--out", str(out), "--samples", "2").exit_code == 0
    assert chat_api.call_count == 6

    again = cli("batch", str(source), "--out", str(out), "--samples", "2", "--json")

    assert again.exit_code == 0, again.stderr
    assert chat_api.call_count == 6 and again.json()["already_done"] == 3

    once = cli("batch", str(source), "--out", str(out), "--json")

    assert once.exit_code == 0, once.stderr
    assert chat_api.call_count == 9, "a grade made once is not the grade made of two samples: its key differs"
    assert once.json()["samples"] == 1


def test_the_offline_backend_grades_once_and_says_so_once(tmp_path, cli):
    source = write_jsonl(tmp_path / "answers.jsonl", rows(6))
    out = tmp_path / "out"

    result = cli("batch", str(source), "--out", str(out), "--backend", "offline", "--samples", "3", "--json")

    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("--samples: the offline grader gives the same grade every time; graded once") == 1
    assert result.json()["samples"] == 1 and result.json()["graded_total"] == 6
    assert all("samples" not in line["grade"] for line in results(out).values())


def test_bad_samples_are_one_line_errors_and_nothing_is_written(tmp_path, cli):
    source = write_jsonl(tmp_path / "answers.jsonl", rows(1))
    for bad in ("0", "10", "three"):
        result = cli("batch", str(source), "--out", str(tmp_path / "o"), "--samples", bad)
        assert result.exit_code == 2 and "--samples" in result.stderr, (bad, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    with_batch_api = cli("batch", str(source), "--out", str(tmp_path / "o"), "--samples", "3", "--batch-api",
                         "--backend", "offline")
    assert with_batch_api.exit_code == 2 and "--samples and --batch-api do not go together" in with_batch_api.stderr
    assert not (tmp_path / "o").exists()
    for bad_k in (0, 10, True):
        with pytest.raises(InputError, match="--samples must be a whole number from 1 to 9"):
            BatchOptions(paths=(source,), out=tmp_path / "o", samples=bad_k)


def test_the_dry_run_counts_every_sample(tmp_path, cli, chat_api):
    source = write_jsonl(tmp_path / "answers.jsonl", rows(6))

    once = cli("batch", str(source), "--dry-run", "--backend", "openai", "--json").json()
    thrice = cli("batch", str(source), "--dry-run", "--backend", "openai", "--samples", "3", "--json").json()

    assert chat_api.call_count == 0
    assert once["requests"] == 6 and thrice["requests"] == 18
    assert thrice["tokens"]["completion_max"] == 3 * once["tokens"]["completion_max"]
    # the rotated orders hold the same exemplars: the same tokens give or take the order's few
    assert abs(thrice["tokens"]["prompt"] - 3 * once["tokens"]["prompt"]) <= 0.01 * once["tokens"]["prompt"]
    assert thrice["cost"]["usd"] > 2.9 * once["cost"]["usd"]


def test_an_answers_samples_go_one_after_another_within_the_concurrency_bound(tmp_path, cli, chat_api, biased):
    source = write_jsonl(tmp_path / "answers.jsonl", rows(8))
    flight = {"now": 0, "most": 0}

    async def counted(request: httpx.Request) -> httpx.Response:
        flight["now"] += 1
        flight["most"] = max(flight["most"], flight["now"])
        try:
            await asyncio.sleep(0.005)  # hands the loop to the other workers: every worker has a request out
            return biased(request)
        finally:
            flight["now"] -= 1

    chat_api.side_effect = counted
    result = cli("batch", str(source), "--out", str(tmp_path / "out"), "--samples", "3", "--concurrency", "2", "--json")

    assert result.exit_code == 0, result.stderr
    assert chat_api.call_count == 24 and flight["most"] == 2, flight
    assert all(orders == ROTATIONS for orders in biased.orders.values())


def test_a_service_failure_between_samples_leaves_the_answer_ungraded_with_every_request_counted(
    tmp_path, cli, chat_api, biased
):
    source = write_jsonl(tmp_path / "answers.jsonl", rows(2))
    sent: dict[str, int] = defaultdict(int)

    def second_fails(request: httpx.Request) -> httpx.Response:
        answer = FENCED.search(sent_json(request)["messages"][-1]["content"]).group(1)  # type: ignore[union-attr]
        sent[answer] += 1
        if sent[answer] == 2:  # each answer's second sample
            return error_response(503, "overloaded", type="server_error")
        return biased(request)

    chat_api.side_effect = second_fails
    out = tmp_path / "out"
    result = cli("batch", str(source), "--out", str(out), "--samples", "3", "--concurrency", "1", "--json")

    assert result.exit_code == 1, result.stderr
    assert chat_api.call_count == 4 and set(sent.values()) == {2}, "an answer's samples stop at the failure"
    summary = result.json()
    assert summary["ungraded_total"] == 2 and summary["service_failures"] == 2
    assert summary["requests"] == 4 and summary["tokens"]["prompt"] == 2 * PROMPT_TOKENS, \
        "the first sample of each answer came back and is paid for: it is counted"
    for line in results(out).values():
        assert line["failure"] == "service" and line["grade"]["usage"]["requests"] == 2


def test_each_candidate_page_lists_their_borderline_and_ungraded_answers_without_a_candidate_column(
    tmp_path, cli, chat_api, biased
):
    source = write_jsonl(tmp_path / "answers.jsonl", rows(6))
    graded = tmp_path / "graded"
    result = cli("batch", str(source), "--out", str(graded), "--samples", "3", "--format", "html")
    assert result.exit_code == 0, result.stderr
    page = (graded / "candidates" / "cand-1.html").read_text(encoding="utf-8")
    assert "<h2>Borderline grades (2)</h2>" in page  # a1 and a5 split; a3 is unanimous
    assert "<tr><th>answer</th><th>question</th><th>grade</th><th>between</th><th>why</th></tr>" in page
    assert (f"<tr><td>a1</td><td>{QUESTIONS[1]}</td><td>mediocre (3/5)</td><td>mediocre / great</td>"
            "<td>3 samples, exemplars in rotated order, gave great, mediocre, mediocre</td></tr>") in page

    chat_api.side_effect = lambda request: error_response(400, "no", type="invalid_request_error")
    failed = tmp_path / "failed"
    result = cli("batch", str(write_jsonl(tmp_path / "one.jsonl", rows(1))), "--out", str(failed), "--format", "html")
    page = (failed / "candidates" / "cand-0.html").read_text(encoding="utf-8")
    assert "<h2>Ungraded answers (1)</h2>" in page
    assert "<tr><th>answer</th><th>question</th><th>reason</th><th>source</th></tr>" in page
    assert f"<tr><td>a0</td><td>{QUESTIONS[0]}</td><td>the model service at " in page
