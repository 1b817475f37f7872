"""Prompt caching: grade requests for one question share every token before the candidate's answer.

Measured on the requests the real SDK actually sent (respx records them), tokenised
with tiktoken's o200k_base the way the API tokenises each message: the system
message must be identical, and the user message must share all tokens up to and
including the answer fence. OpenAI caches prompt prefixes of 1,024 tokens or more,
so the shared prefix must also reach that.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest

from mock_interviewer.backends.openai_backend import OpenAIBackend
from mock_interviewer.bank import load_bank
from mock_interviewer.config import Settings, load_settings
from mock_interviewer.grader import grade_answer
from mock_interviewer.prompts import FENCE_OPEN
from openai_fakes import chat_response, sent_json, verdict_json

BANK = load_bank([])
ANSWERS = (
    "I would add an index on the columns in the WHERE clause and check the plan with EXPLAIN.",
    "Honestly I'd just buy a bigger server. Databases are slow sometimes and you can't do much.",
)


@pytest.fixture(scope="module")
def encoding() -> Any:
    """tiktoken's o200k_base (from TIKTOKEN_CACHE_DIR, or downloaded once)."""
    import tiktoken

    try:
        return tiktoken.get_encoding("o200k_base")
    except Exception as exc:  # noqa: BLE001 - no cache and no network
        pytest.skip(f"tiktoken o200k_base unavailable: {exc}")


def sent_messages(question_id: str, chat_api: Any) -> list[list[dict[str, str]]]:
    chat_api.side_effect = [chat_response(verdict_json()) for _ in ANSWERS]
    backend = OpenAIBackend(load_settings(os.environ, backend="openai", max_retries=0))
    question = BANK.get(question_id)

    async def run() -> None:
        try:
            for answer in ANSWERS:
                await grade_answer(backend, question, answer, backend.settings)
        finally:
            await backend.aclose()

    asyncio.run(run())
    return [sent_json(call)["messages"] for call in chat_api.calls]


def shared_prefix(a: list[int], b: list[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


@pytest.mark.parametrize("question_id", ["director-01", "engineer-01", "technical-02", "technical-19"])
def test_every_token_before_the_answer_is_shared(question_id, chat_api, encoding):
    first, second = sent_messages(question_id, chat_api)
    assert [m["role"] for m in first] == [m["role"] for m in second] == ["system", "user"]
    assert first[0] == second[0]  # the static instructions: byte-identical

    user_a, user_b = first[1]["content"], second[1]["content"]
    tokens_a, tokens_b = encoding.encode(user_a), encoding.encode(user_b)
    common = shared_prefix(tokens_a, tokens_b)
    before_answer = user_a[: user_a.index(FENCE_OPEN) + len(FENCE_OPEN)]
    assert encoding.decode(tokens_a[:common]).startswith(before_answer)
    assert ANSWERS[0] not in encoding.decode(tokens_a[:common])

    system_tokens = len(encoding.encode(first[0]["content"]))
    shared = system_tokens + common
    total = system_tokens + len(tokens_a)
    assert shared >= 1024, f"{question_id}: shared prefix {shared} tokens is below OpenAI's 1,024-token caching minimum"
    assert shared / total >= 0.9, f"{question_id}: only {shared}/{total} tokens shared"


def test_the_system_message_is_shared_across_questions(chat_api):
    director = sent_messages("director-01", chat_api)[0][0]
    chat_api.reset()
    technical = sent_messages("technical-02", chat_api)[0][0]
    assert director == technical


def test_every_question_of_the_bank_reaches_the_caching_minimum(encoding):
    """All 59 built-in questions: the shared prefix (system + question + exemplars) is cacheable."""
    from mock_interviewer.grader import build_grade_request, prepare_answer

    settings = Settings()
    short = []
    for question in BANK.in_track(None):
        system, user = build_grade_request(question, prepare_answer(ANSWERS[0], settings), settings).messages
        prefix = user.content[: user.content.index(FENCE_OPEN) + len(FENCE_OPEN)]
        shared = len(encoding.encode(system.content)) + len(encoding.encode(prefix))
        if shared < 1024:
            short.append(f"{question.id}: {shared}")
    assert not short, short
