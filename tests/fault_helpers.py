"""The fault catalogue and helpers shared by the fault-injection tests."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest
import respx

from openai_fakes import API_KEY, BASE_URL, FAST_RETRY, chat_response, error_response, sse_response, verdict

Outcome = Literal["ok", "service", "invalid"]
Effect = httpx.Response | Exception
MODEL = "gpt-test"
TRUNCATED = json.dumps(verdict("great", 5))[:57]  # cut mid-object, as a dropped connection or a token cap leaves it


def _rate_limited(headers: dict[str, str] | None = None) -> httpx.Response:
    return error_response(429, "Rate limit reached for requests", code="rate_limit_exceeded", headers=headers)


def _server_error(status: int) -> httpx.Response:
    return error_response(status, "upstream trouble", type="server_error", headers=FAST_RETRY)


@dataclass(frozen=True)
class Fault:
    """A fault, the responses that play it, and how it must end.

    ``structured`` / ``stream`` build the responses (or transport exceptions) for the
    first requests of that kind; once they are used up the fake model answers well.
    ``retries`` is MOCK_INTERVIEWER_MAX_RETRIES for the run. ``says`` must appear in
    the one error line (``service``) or in the reason the answer is ungraded (``invalid``).
    A streamed request (the interviewer's words) ends differently for some faults:
    ``stream_outcome`` says how, and ``stream`` None means the fault has no streamed form.
    """

    name: str
    structured: Callable[[], list[Effect]]
    outcome: Outcome
    says: str = ""
    calls: int | None = None
    """Requests the structured form sends in all (retries and the repair re-ask included)."""
    retries: int = 1
    stream: Callable[[], list[Effect]] | None = None
    stream_outcome: Outcome | None = None
    stream_says: str = ""
    slow: bool = False
    """The SDK backs off its own 0.5 s before the retry (no Retry-After to honour)."""

    def __str__(self) -> str:
        return self.name


FAULTS: list[Fault] = [
    Fault("429 Retry-After then ok", lambda: [_rate_limited(FAST_RETRY)], "ok", calls=2,
          stream=lambda: [_rate_limited(FAST_RETRY)], stream_outcome="ok"),
    Fault("429 without Retry-After then ok", lambda: [_rate_limited()], "ok", calls=2,
          stream=lambda: [_rate_limited()], stream_outcome="ok", slow=True),
    Fault("429 on every retry", lambda: [_rate_limited(FAST_RETRY)] * 2, "service",
          "rate limited by the model service", calls=2,
          stream=lambda: [_rate_limited(FAST_RETRY)] * 2, stream_outcome="service",
          stream_says="rate limited by the model service"),
    *[
        Fault(f"{status} then ok", (lambda s=status: [_server_error(s)]), "ok", calls=2,  # type: ignore[misc, arg-type]
              stream=(lambda s=status: [_server_error(s)]), stream_outcome="ok")  # type: ignore[misc, arg-type]
        for status in (500, 502, 503)
    ],
    Fault("503 on every retry", lambda: [_server_error(503)] * 2, "service", "failed (HTTP 503) after 1 retry",
          calls=2, stream=lambda: [_server_error(503)] * 2, stream_outcome="service",
          stream_says="failed (HTTP 503) after 1 retry"),
    Fault("timeout then ok", lambda: [httpx.ReadTimeout("timed out")], "ok", calls=2,
          stream=lambda: [httpx.ReadTimeout("timed out")], stream_outcome="ok", slow=True),
    Fault("timeout", lambda: [httpx.ReadTimeout("timed out")], "service", "did not answer within 2 s",
          calls=1, retries=0, stream=lambda: [httpx.ReadTimeout("timed out")], stream_outcome="service",
          stream_says="did not answer within 2 s"),
    Fault("connection refused", lambda: [httpx.ConnectError("[Errno 111] Connection refused")], "service",
          f"cannot reach the model service at {BASE_URL}", calls=1, retries=0,
          stream=lambda: [httpx.ConnectError("[Errno 111] Connection refused")], stream_outcome="service",
          stream_says="cannot reach the model service"),
    Fault("wrong API key (401)",
          lambda: [error_response(401, f"Incorrect API key provided: {API_KEY}.", code="invalid_api_key")],
          "service", "rejected the API key (HTTP 401)", calls=1,
          stream=lambda: [error_response(401, f"Incorrect API key provided: {API_KEY}.", code="invalid_api_key")],
          stream_outcome="service", stream_says="rejected the API key (HTTP 401)"),
    Fault("unknown model (404)",
          lambda: [error_response(404, f"The model `{MODEL}` does not exist", code="model_not_found")],
          "service", f"model '{MODEL}' not found", calls=1,
          stream=lambda: [error_response(404, f"The model `{MODEL}` does not exist", code="model_not_found")],
          stream_outcome="service", stream_says=f"model '{MODEL}' not found"),
    Fault("truncated JSON, repaired", lambda: [chat_response(TRUNCATED)], "ok", calls=2),
    Fault("truncated JSON twice", lambda: [chat_response(TRUNCATED)] * 2, "invalid",
          "did not match the expected format, even after one repair request", calls=2),
    Fault("finish_reason=length", lambda: [chat_response(TRUNCATED, finish_reason="length")], "invalid",
          "cut off at its token limit (finish_reason=length)", calls=1,
          stream=lambda: [sse_response(["Tell me how you would"], finish_reason="length")], stream_outcome="ok"),
    Fault("refusal", lambda: [chat_response(None, refusal="I can't help with grading this.")], "invalid",
          "the model refused to answer: I can't help with grading this.", calls=1,
          stream=lambda: [sse_response(["I can't help with that."], field="refusal")], stream_outcome="service",
          stream_says="the model refused to reply: I can't help with that."),
    Fault("empty completion", lambda: [chat_response("")] * 2, "invalid", "the reply was empty", calls=2,
          stream=lambda: [sse_response([])], stream_outcome="ok"),
    Fault("text in reasoning_content", lambda: [], "ok", calls=1,
          stream=lambda: [sse_response(["How would you ", "speed up a slow query?"], field="reasoning_content")],
          stream_outcome="ok"),
]


@dataclass
class FakeModel:
    """Answers chat-completions requests by kind, playing a fault on the kind it targets.

    Kinds: ``stream`` (the interviewer's words) or the name of the structured output
    asked for (``GradeVerdict``, ``ProbeList``, ``FollowUpDecision``). Every request
    body is kept, per kind.
    """

    good: dict[str, Callable[[], httpx.Response]]
    target: str = ""
    script: list[Effect] = field(default_factory=list)
    bodies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    only: str = ""
    """When set, the fault is played only on requests whose user message contains this text."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        kind = "stream" if body.get("stream") else body["response_format"]["json_schema"]["name"]
        self.bodies.setdefault(kind, []).append(body)
        aimed = not self.only or self.only in body["messages"][1]["content"]
        if kind == self.target and self.script and aimed:
            effect = self.script.pop(0)
            if isinstance(effect, Exception):
                raise effect
            return effect
        return self.good[kind]()

    def play(self, fault: Fault, target: str) -> FakeModel:
        self.target = target
        self.script = list((fault.stream or (lambda: []))() if target == "stream" else fault.structured())
        return self

    def calls(self, kind: str) -> int:
        return len(self.bodies.get(kind, []))


GOOD_VERDICT = verdict("mediocre", 3)
PROBES = {
    "probes": [
        {
            "question": "You'd add a composite index: how would you know it is the one the planner uses?",
            "targets": "Measuring before and after",
            "refers_to": "a composite index on the filtered columns",
            "strong_reply": "Reads EXPLAIN ANALYZE before and after and compares timings.",
            "red_flag": "Adds indexes without measuring.",
        }
    ]
}


NO_FOLLOW_UP = {"missing": [], "target": "", "ask_follow_up": False, "follow_up": ""}
PHRASED = ["Let's begin. ", "Tell me about a time ", "you changed your mind."]


def good_replies(reasoning: bool = False) -> dict[str, Callable[[], httpx.Response]]:
    """Good answers for every kind; ``reasoning``: as a reasoning model gives them (text in reasoning_content)."""

    def structured(payload: dict[str, Any]) -> Callable[[], httpx.Response]:
        text = json.dumps(payload)
        if reasoning:
            return lambda: chat_response(None, reasoning_content=text)
        return lambda: chat_response(text)

    return {
        "stream": lambda: sse_response(PHRASED),
        "GradeVerdict": structured(GOOD_VERDICT),
        "ProbeList": structured(PROBES),
        "FollowUpDecision": structured(NO_FOLLOW_UP),
    }


def fake_model(fault: Fault, target: str) -> FakeModel:
    model = FakeModel(good=good_replies(reasoning=fault.name == "text in reasoning_content"))
    return model.play(fault, target)


def files_under(root: Path) -> Iterable[Path]:
    return (p for p in root.rglob("*") if p.is_file())


def assert_clean(result: Any, root: Path) -> None:
    """No traceback, no internal error, and the key nowhere: not in the output, not in any file written."""
    for text in (result.stdout, result.stderr):
        assert "Traceback" not in text and "internal error" not in text, text
        assert API_KEY not in text and "sk-test-" not in text
    for path in files_under(root):
        data = path.read_bytes()
        assert API_KEY.encode() not in data and b"sk-test-" not in data, path


def error_line(result: Any, says: str) -> str:
    """The ONE line on stderr reporting the failure; it contains ``says``."""
    lines = [line for line in result.stderr.splitlines() if line.startswith(("error:", "not graded:"))]
    assert len(lines) == 1, result.stderr
    assert says in lines[0], lines[0]
    return lines[0]


def prepare(chat_api: respx.Route, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> respx.Route:
    """The respx route, short timeouts, and a working directory under tmp_path (nothing lands elsewhere)."""
    monkeypatch.setenv("MOCK_INTERVIEWER_TIMEOUT", "2")
    monkeypatch.chdir(tmp_path)
    return chat_api


def use(route: respx.Route, monkeypatch: pytest.MonkeyPatch, fault: Fault, target: str) -> FakeModel:
    monkeypatch.setenv("MOCK_INTERVIEWER_MAX_RETRIES", str(fault.retries))
    model = fake_model(fault, target)
    route.side_effect = model
    return model
