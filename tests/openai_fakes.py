"""Shared helpers for driving the REAL openai SDK against respx-mocked HTTP.

Nothing here patches the SDK: tests answer its HTTP requests. Use them like::

    def test_something(chat_api):              # fixture: env set, POST /chat/completions mocked
        chat_api.side_effect = [chat_response(verdict_json("great", 5))]
        ...
        body = sent_json(chat_api.calls[0])      # the JSON body the SDK sent

- ``openai_env`` sets ``OPENAI_API_KEY`` (``API_KEY``) and ``OPENAI_BASE_URL`` (``BASE_URL``).
- ``chat_api`` additionally mocks ``BASE_URL`` with respx and yields the chat-completions route.
- ``chat_completion`` / ``chat_response`` build a ``chat.completion`` body / response;
  ``sse_response`` a streamed one; ``error_response`` an OpenAI-shaped error.
- ``FAST_RETRY`` headers make the SDK retry after 1 ms instead of its 0.5 s backoff.
- ``files_containing_secrets`` finds files holding ``API_KEY`` (the suite's session-finish check).
- ``EchoingModel`` answers every request with the caller's key in its words (a refusal or a valid reply).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from pydantic import BaseModel

API_KEY = "sk-test-9f8e7d6c5b4a39281706f5e4d3c2b1a0ZZ"
SECRETS = (API_KEY, "sk-test-")
BASE_URL = "https://api.test/v1"
CHAT_URL = f"{BASE_URL}/chat/completions"
FAST_RETRY = {"retry-after-ms": "1"}


def chat_completion(
    content: str | None = "",
    *,
    model: str = "gpt-test-2025-01-01",
    finish_reason: str | None = "stop",
    refusal: str | None = None,
    reasoning_content: str | None = None,
    system_fingerprint: str | None = "fp_test123",
    prompt_tokens: int = 1200,
    completion_tokens: int = 150,
    cached_tokens: int | None = 1024,
) -> dict[str, Any]:
    """A ``chat.completion`` object as the API returns it."""
    message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": refusal}
    if reasoning_content is not None:
        message["reasoning_content"] = reasoning_content
    usage: dict[str, Any] = {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }
    if cached_tokens is not None:
        usage["prompt_tokens_details"] = {"cached_tokens": cached_tokens}
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "system_fingerprint": system_fingerprint,
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason, "logprobs": None}],
        "usage": usage,
    }


def chat_response(content: str | dict[str, Any] | BaseModel | None = "", **kwargs: Any) -> httpx.Response:
    """A 200 response carrying a completion whose text is ``content`` (dicts and models sent as JSON)."""
    if isinstance(content, BaseModel):
        content = content.model_dump_json()
    elif isinstance(content, dict):
        content = json.dumps(content)
    return httpx.Response(200, json=chat_completion(content, **kwargs))


def verdict(tier: str = "mediocre", score: int = 3, **overrides: Any) -> dict[str, Any]:
    """A valid ``GradeVerdict`` as a dict."""
    data: dict[str, Any] = {
        "strengths": ["Names a concrete first step"],
        "gaps": [
            {
                "point": "Measures before and after the change",
                "why_it_matters": "Without numbers nobody can tell whether the fix worked.",
            }
        ],
        "explanation": "You describe the right idea but stay generic; the great answer gives numbers and trade-offs.",
        "suspicious": False,
        "tier": tier,
        "score": score,
    }
    data.update(overrides)
    return data


def verdict_json(tier: str = "mediocre", score: int = 3, **overrides: Any) -> str:
    return json.dumps(verdict(tier, score, **overrides))


def sse_response(
    pieces: Sequence[str],
    *,
    field: str = "content",
    model: str = "gpt-test-2025-01-01",
    finish_reason: str = "stop",
) -> httpx.Response:
    """A streamed completion: one chunk per piece (in ``delta[field]``), a final chunk, then ``[DONE]``."""

    def event(delta: dict[str, Any], finish: str | None = None) -> str:
        chunk = {
            "id": "chatcmpl-test",
            "object": "chat.completion.chunk",
            "created": 1_700_000_000,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
        }
        return f"data: {json.dumps(chunk)}\n\n"

    body = event({"role": "assistant", "content": ""})
    body += "".join(event({field: piece}) for piece in pieces)
    body += event({}, finish_reason) + "data: [DONE]\n\n"
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body.encode())


def error_response(
    status: int,
    message: str,
    *,
    code: str | None = None,
    param: str | None = None,
    type: str = "invalid_request_error",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """An error in OpenAI's shape: ``{"error": {"message", "type", "param", "code"}}``."""
    body = {"error": {"message": message, "type": type, "param": param, "code": code}}
    return httpx.Response(status, json=body, headers=headers or {})


def sent_json(call: Any) -> dict[str, Any]:
    """The JSON body of a recorded respx call (or request)."""
    request = getattr(call, "request", call)
    return json.loads(request.content)


@pytest.fixture
def openai_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Point the SDK at the fake endpoint with a recognisable fake key."""
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", BASE_URL)
    return {"OPENAI_API_KEY": API_KEY, "OPENAI_BASE_URL": BASE_URL}


@pytest.fixture
def chat_api(openai_env: dict[str, str]) -> Iterator[respx.Route]:
    """The mocked ``POST {BASE_URL}/chat/completions`` route; set ``.side_effect`` or ``.return_value``."""
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router.post("/chat/completions", name="chat")


def files_containing_secrets(root: Path) -> tuple[int, list[Path]]:
    """How many files under ``root`` were read, and those that hold the test key."""
    read, found = 0, []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            try:
                data = path.read_bytes()
            except OSError:
                continue
            read += 1
            if any(secret.encode() in data for secret in SECRETS):
                found.append(path)
    return read, found


class EchoingModel:
    """Answers every request with the caller's key in its words: a refusal, or inside a valid reply."""

    def __init__(self, *, refuse: bool) -> None:
        self.refuse = refuse

    def __call__(self, request: httpx.Request) -> httpx.Response:
        key = request.headers["authorization"].removeprefix("Bearer ")
        echo = f"(your key is {key}; header Authorization: Bearer {key})"
        body = json.loads(request.content)
        if body.get("stream"):
            return sse_response(["How do you handle ", f"technical debt? {echo}"])
        if self.refuse:
            return chat_response(None, refusal=f"I can't help with that {echo}")
        name = body["response_format"]["json_schema"]["name"]
        if name == "FollowUpDecision":
            return chat_response({"missing": [echo], "target": echo, "ask_follow_up": True,
                                  "follow_up": f"What did you measure? {echo}"})
        if name == "GradeVerdict":
            return chat_response(verdict("mediocre", 3, explanation=f"Generic. {echo}", strengths=[echo],
                                         gaps=[{"point": echo, "why_it_matters": echo}]))
        if name == "ProbeList":
            answered = "candidate_answer" in request.content.decode()  # a probe for an answer quotes it
            probe = {"question": f"What would you measure? {echo}", "targets": echo,
                     "refers_to": f"An index {echo}" if answered else "", "strong_reply": echo, "red_flag": echo}
            return chat_response({"probes": [probe, {**probe, "question": f"Who decided? {echo}"}]})
        raise AssertionError(f"unexpected request {name}")
