"""Probes through the real openai SDK, with respx answering its HTTP requests."""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any

import httpx

from mock_interviewer.backends.openai_backend import OpenAIBackend
from mock_interviewer.bank import load_bank
from mock_interviewer.config import load_settings
from mock_interviewer.probes import NO_ANSWER_FENCED, ProbeSet, ProbeSheet, probe_answer
from mock_interviewer.prompts import FENCE_CLOSE, FENCE_OPEN
from mock_interviewer.replies import ProbeList
from openai_fakes import API_KEY, FAST_RETRY, chat_response, error_response, sent_json

BANK = load_bank()
QUESTION = BANK.get("technical-02")
ANSWER = "I'd create a database table to track each user's requests with timestamps and block them over the limit."
OPENAI = ("--backend", "openai", "--model", "gpt-test")


def probes(*questions: str, refers_to: str = "a database table to track each user's requests") -> dict[str, Any]:
    return {
        "probes": [
            {
                "question": q,
                "targets": f"target of {q}",
                "refers_to": refers_to,
                "strong_reply": "Names an algorithm that allows bursts and keeps an average rate.",
                "red_flag": "Counts rows in the primary database on every request.",
            }
            for q in questions
        ]
    }


RANKED = probes(
    "You'd count rows per user: what happens to that table at ten thousand requests a second?",
    "How would a short burst from a well-behaved client be treated by your design?",
    "With several API servers, how do two of them agree on a user's count?",
)


def run_probe(answer: str = ANSWER, count: int = 3) -> ProbeSet:
    backend = OpenAIBackend(load_settings(os.environ, backend="openai", model="gpt-test", max_retries=2, timeout_seconds=5))

    async def go() -> ProbeSet:
        try:
            return await probe_answer(backend, QUESTION, answer, backend.settings, count)
        finally:
            await backend.aclose()

    return asyncio.run(go())


def test_request_carries_question_exemplars_and_fenced_answer_last_with_probe_schema(chat_api) -> None:
    chat_api.side_effect = [chat_response(RANKED)]
    result = run_probe(count=2)
    body = sent_json(chat_api.calls[0])
    assert body["model"] == "gpt-test"
    system, user = body["messages"]
    assert system["role"] == "system" and "follow-up probes" in system["content"]
    content = user["content"]
    for text in (QUESTION.text, QUESTION.exemplars.great, QUESTION.exemplars.mediocre, QUESTION.exemplars.poor):
        assert text in content
    assert content.endswith(f"{FENCE_OPEN}\n{ANSWER}\n{FENCE_CLOSE}")
    assert content.index(QUESTION.exemplars.poor) < content.index(FENCE_OPEN)
    assert "at most 2 ranked probes" in content
    schema = body["response_format"]
    assert schema["type"] == "json_schema" and schema["json_schema"]["name"] == "ProbeList"
    assert schema["json_schema"]["strict"] is True
    assert body["temperature"] == 0 and body["seed"] == 7
    # Ranked, validated, trimmed to --count, and labelled with what answered.
    assert [p.question for p in result.probes] == [p["question"] for p in RANKED["probes"][:2]]
    assert result.backend == "openai" and result.model == "gpt-test-2025-01-01" and not result.estimate
    assert result.usage is not None and result.usage.cached_tokens == 1024


def test_without_an_answer_the_fence_says_so(chat_api, cli) -> None:
    chat_api.side_effect = [chat_response(probes("How would you handle a burst?", refers_to=""))]
    result = cli("probe", "--question", "technical-02", "--json", *OPENAI, stdin=b"")
    assert result.exit_code == 0, result.stderr
    assert ProbeSet.model_validate_json(result.stdout).mode == "question"
    content = sent_json(chat_api.calls[0])["messages"][1]["content"]
    assert content.endswith(f"{FENCE_OPEN}\n{NO_ANSWER_FENCED}\n{FENCE_CLOSE}")


def test_invalid_json_is_re_asked_with_the_error_then_accepted(chat_api, cli) -> None:
    chat_api.side_effect = [chat_response('{"probes": [{"question": "How'), chat_response(RANKED)]
    result = cli("probe", "--question", "technical-02", "--answer", ANSWER, "--json", *OPENAI)
    assert result.exit_code == 0, result.stderr
    assert len(ProbeSet.model_validate_json(result.stdout).probes) == 3
    repair = sent_json(chat_api.calls[1])["messages"]
    assert [m["role"] for m in repair] == ["system", "user", "assistant", "user"]
    assert repair[2]["content"] == '{"probes": [{"question": "How'
    assert "not valid JSON" in repair[3]["content"]


def test_invalid_twice_is_one_clear_line_and_exit_1(chat_api, cli) -> None:
    chat_api.side_effect = [chat_response("Sure! Here are some probes."), chat_response('{"probes": "none"}')]
    result = cli("probe", "--question", "technical-02", "--answer", ANSWER, "--json", *OPENAI)
    assert result.exit_code == 1
    assert result.stdout == ""
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("error:")]
    assert "no usable probes for technical-02" in line and "even after one repair request" in line
    assert chat_api.call_count == 2


def test_429_is_retried_then_probes_come_back(chat_api, cli) -> None:
    limited = error_response(429, "Rate limit reached", type="requests", headers=FAST_RETRY)
    chat_api.side_effect = [limited, chat_response(RANKED)]
    result = cli("probe", "--question", "technical-02", "--answer", ANSWER, "--json", *OPENAI)
    assert result.exit_code == 0, result.stderr
    assert chat_api.call_count == 2
    assert [p.question for p in ProbeSet.model_validate_json(result.stdout).probes] == [
        p["question"] for p in RANKED["probes"]
    ]


def test_429_that_never_ends_is_one_line_without_the_key(chat_api, cli) -> None:
    chat_api.side_effect = lambda request: error_response(429, "Rate limit reached", type="requests", headers=FAST_RETRY)
    result = cli("probe", "--question", "technical-02", "--answer", ANSWER, *OPENAI)
    assert result.exit_code == 1
    assert "rate limited" in result.stderr and API_KEY not in result.stderr + result.stdout
    assert len([x for x in result.stderr.splitlines() if x.startswith("error:")]) == 1


def test_track_sheet_asks_once_per_question_and_validates(chat_api, cli, tmp_path) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        content = json.loads(request.content)["messages"][1]["content"]
        qid = content.split("(", 1)[1].split(",", 1)[0]  # "Question (technical-07, technical):"
        return chat_response(probes(f"Probe one for {qid}?", f"Probe two for {qid}?", refers_to=""))

    chat_api.side_effect = answer
    out = tmp_path / "technical.md"
    result = cli("probe", "--track", "technical", "--count", "2", "--out", str(out), "--json", *OPENAI)
    assert result.exit_code == 0, result.stderr
    sheet = ProbeSheet.model_validate_json(result.stdout)
    ids = [q.id for q in BANK.in_track("technical")]
    assert chat_api.call_count == len(ids) == 19
    assert [e.question_id for e in sheet.questions] == ids
    assert all(e.probes[0].question == f"Probe one for {e.question_id}?" for e in sheet.questions)
    assert sheet.backend == "openai" and sheet.model == "gpt-test-2025-01-01" and not sheet.estimate
    markdown = out.read_text(encoding="utf-8")
    assert all(f"## {qid} · " in markdown for qid in ids)
    assert "openai backend, model gpt-test-2025-01-01" in markdown


def test_track_sheet_marks_a_question_the_model_failed_and_exits_1(chat_api, cli, tmp_path) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        content = json.loads(request.content)["messages"][1]["content"]
        if "(technical-05," in content:
            return chat_response("no JSON here")
        return chat_response(probes("Why?", refers_to=""))

    chat_api.side_effect = answer
    out = tmp_path / "sheet.md"
    result = cli("probe", "--track", "technical", "--out", str(out), *OPENAI)
    assert result.exit_code == 1
    assert "1 of 19 questions got no probes" in result.stderr and "technical-05" in result.stderr
    section = out.read_text(encoding="utf-8").split("## technical-05 · ")[1].split("\n## ")[0]
    assert "**No probes:**" in section and "- [ ] " in section  # key points still there to tick


def test_the_schema_sent_is_the_probe_list_schema(chat_api) -> None:
    chat_api.side_effect = [chat_response(RANKED)]
    run_probe()
    schema = sent_json(chat_api.calls[0])["response_format"]["json_schema"]["schema"]
    item = schema["$defs"]["Probe"] if "$defs" in schema else schema["properties"]["probes"]["items"]
    assert set(item["properties"]) == set(ProbeList.model_fields["probes"].annotation.__args__[0].model_fields)
