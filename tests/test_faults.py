"""The fault suite: every way the model service can fail, for every command that calls it.

Each fault is played through the REAL openai SDK, its HTTP answered by respx, and
the command is run through the real entry point (``cli`` fixture). A fault ends in
one of three documented ways, whatever the command:

- ``ok``: the SDK retried (429, 5xx, timeout) or the backend coped (reasoning_content,
  one repair re-ask) and the command succeeded;
- ``service``: exit 1 and ONE clear line on stderr naming the problem;
- ``invalid``: the model answered but nothing usable came back (truncated JSON twice,
  ``finish_reason=length``, a refusal, an empty completion): the answer is reported
  ungraded WITH the reason (never a default tier), exit 1 for ``grade`` / ``probe`` / ``batch``.

Never a traceback, never the API key (in stdout, stderr, or any file written).
``MOCK_INTERVIEWER_MAX_RETRIES`` keeps retries to one (none for faults that can only
back off for the SDK's 0.5 s), and error responses carry ``retry-after-ms: 1``, so
the whole matrix runs in a few seconds.

The interview's matrix (the session file stays intact and resumable) is in
``test_faults_interview.py``, which reuses the faults defined here.
"""

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
QUESTION_ID = "technical-02"
ANSWER = "I would add a composite index on the filtered columns and check the plan with EXPLAIN ANALYZE."
MODEL = "gpt-test"
OPENAI = ("--backend", "openai", "--model", MODEL)
TRUNCATED = json.dumps(verdict("great", 5))[:57]  # cut mid-object, as a dropped connection or a token cap leaves it


# ---------------------------------------------------------------- the faults


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


def _same(script: Callable[[], list[Effect]]) -> Callable[[], list[Effect]]:
    return script


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
"""Every fault. The reasoning-model fault's structured form is built per command (its good reply moves field)."""

FAULT_IDS = [fault.name for fault in FAULTS]
SERVICE_FAULTS = [f for f in FAULTS if f.outcome == "service"]


# ---------------------------------------------------------------- a model that answers by request kind


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
DECISION = {"missing": ["measurement"], "target": "measurement", "ask_follow_up": True,
            "follow_up": "How would you know the change helped?"}
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


# ---------------------------------------------------------------- what every outcome must look like


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


@pytest.fixture
def model_env(chat_api: respx.Route, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> respx.Route:
    return prepare(chat_api, monkeypatch, tmp_path)


def use(route: respx.Route, monkeypatch: pytest.MonkeyPatch, fault: Fault, target: str) -> FakeModel:
    monkeypatch.setenv("MOCK_INTERVIEWER_MAX_RETRIES", str(fault.retries))
    model = fake_model(fault, target)
    route.side_effect = model
    return model


# ---------------------------------------------------------------- grade


@pytest.mark.parametrize("fault", FAULTS, ids=FAULT_IDS)
def test_grade(fault: Fault, cli, model_env, monkeypatch, tmp_path) -> None:
    model = use(model_env, monkeypatch, fault, "GradeVerdict")
    result = cli("grade", "--question", QUESTION_ID, "--answer", ANSWER, "--json", *OPENAI)
    assert_clean(result, tmp_path)
    assert model.calls("GradeVerdict") == fault.calls
    if fault.outcome == "ok":
        assert result.exit_code == 0, result.stderr
        grade = result.json()
        assert grade["status"] == "graded" and (grade["tier"], grade["score"]) == ("mediocre", 3)
    elif fault.outcome == "service":
        assert result.exit_code == 1
        assert result.stdout == ""
        error_line(result, fault.says)
    else:
        assert result.exit_code == 1
        grade = result.json()
        assert grade["status"] == "ungraded" and grade["tier"] is None and grade["score"] is None
        assert fault.says in grade["reason"]
        assert error_line(result, fault.says).startswith("not graded: ")


@pytest.mark.parametrize("fault", FAULTS, ids=FAULT_IDS)
def test_grade_with_a_placeholder_key_reads_cleanly(fault: Fault, cli, model_env, monkeypatch, tmp_path) -> None:
    """Local servers take keys such as ``x``: not a secret, so no word of a message is mangled around it."""
    monkeypatch.setenv("OPENAI_API_KEY", "x")
    use(model_env, monkeypatch, fault, "GradeVerdict")
    result = cli("grade", "--question", QUESTION_ID, "--answer", ANSWER, "--json", *OPENAI)
    assert result.exit_code == (0 if fault.outcome == "ok" else 1)
    assert "[redacted]" not in result.stdout + result.stderr
    if fault.outcome != "ok":
        says = fault.says if fault.outcome == "service" else json.loads(result.stdout)["reason"]
        assert fault.says in says


# ---------------------------------------------------------------- probe


@pytest.mark.parametrize("fault", FAULTS, ids=FAULT_IDS)
def test_probe(fault: Fault, cli, model_env, monkeypatch, tmp_path) -> None:
    model = use(model_env, monkeypatch, fault, "ProbeList")
    result = cli("probe", "--question", QUESTION_ID, "--answer", ANSWER, "--json", *OPENAI)
    assert_clean(result, tmp_path)
    assert model.calls("ProbeList") == fault.calls
    if fault.outcome == "ok":
        assert result.exit_code == 0, result.stderr
        assert [p["question"] for p in result.json()["probes"]] == [PROBES["probes"][0]["question"]]
    else:
        assert result.exit_code == 1
        assert result.stdout == ""
        line = error_line(result, fault.says)
        if fault.outcome == "invalid":
            assert line.startswith(f"error: no usable probes for {QUESTION_ID}: ")


@pytest.mark.parametrize("fault", [f for f in FAULTS if not f.slow], ids=[f.name for f in FAULTS if not f.slow])
def test_probe_sheet(fault: Fault, cli, model_env, monkeypatch, tmp_path) -> None:
    """A track sheet asks once per question, concurrently: the fault is played on the first question's requests.

    A service failure aborts the sheet (nothing written); an unusable reply marks that question and
    the sheet is still written with the other one.
    """
    model = use(model_env, monkeypatch, fault, "ProbeList")
    model.only = "faults-01"
    sheet = tmp_path / "sheet.md"
    monkeypatch.setenv("MOCK_INTERVIEWER_BANK", str(write_small_bank(tmp_path)))
    result = cli("probe", "--track", "faults", "--out", str(sheet), *OPENAI)
    assert_clean(result, tmp_path)
    if fault.outcome == "ok":
        assert result.exit_code == 0, result.stderr
        assert sheet.read_text().count(PROBES["probes"][0]["question"]) == 2
    elif fault.outcome == "service":
        assert result.exit_code == 1
        error_line(result, fault.says)
        assert not sheet.exists()
    else:
        # One question's probes failed: the sheet is still written, marks it, and the run says so.
        assert result.exit_code == 1
        error_line(result, "1 of 2 questions got no probes")
        text = sheet.read_text()
        assert text.count(PROBES["probes"][0]["question"]) == 1 and fault.says in text
    assert not list(tmp_path.glob(".*.tmp"))


def write_small_bank(tmp_path: Path) -> Path:
    """A two-question bank of its own (a whole built-in track would be 19+ requests per fault)."""
    from mock_interviewer.bank import load_bank

    source = load_bank([]).get(QUESTION_ID)
    questions = []
    for number in (1, 2):
        questions.append(
            {
                "id": f"faults-0{number}",
                "track": "faults",
                "number": number,
                "category": "technical",
                "text": source.text,
                "exemplars": source.exemplars.model_dump(),
                "key_points": list(source.key_points),
                "red_flags": list(source.red_flags),
                "probes": list(source.probes),
            }
        )
    path = tmp_path / "banks" / "faults.yaml"
    path.parent.mkdir(exist_ok=True)
    import yaml

    path.write_text(
        yaml.safe_dump({"schema_version": 1, "track": {"id": "faults", "title": "Faults"}, "questions": questions}),
        encoding="utf-8",
    )
    return path


# ---------------------------------------------------------------- batch


def answers_file(tmp_path: Path) -> Path:
    path = tmp_path / "answers.jsonl"
    path.write_text(json.dumps({"id": "a1", "candidate": "ada", "question_id": QUESTION_ID, "answer": ANSWER}) + "\n")
    return path


def results_of(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines() if line.strip()]


@pytest.mark.parametrize("fault", FAULTS, ids=FAULT_IDS)
def test_batch(fault: Fault, cli, model_env, monkeypatch, tmp_path) -> None:
    model = use(model_env, monkeypatch, fault, "GradeVerdict")
    out = tmp_path / "out"
    args = ("batch", str(answers_file(tmp_path)), "--out", str(out), "--json", *OPENAI)
    result = cli(*args)
    assert_clean(result, tmp_path)
    assert model.calls("GradeVerdict") == fault.calls
    records = results_of(out)
    assert len(records) == 1 and records[0]["item_id"] == "a1"
    grade = records[0]["grade"]
    summary = result.json()
    assert (out / "report.md").is_file()
    if fault.outcome == "ok":
        assert result.exit_code == 0, result.stderr
        assert grade["status"] == "graded" and grade["tier"] == "mediocre"
        assert summary["graded_total"] == 1
        return
    assert result.exit_code == 1, result.stderr
    assert grade["status"] == "ungraded" and grade["tier"] is None and fault.says in grade["reason"]
    assert summary["ungraded_total"] == 1
    assert fault.says in (out / "report.md").read_text()
    assert error_line(result, fault.says).startswith("not graded: 1 of 1 answers are ungraded (")

    # Run again once the service has recovered: only the ungraded answer is sent, and it is graded.
    model.script.clear()
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    assert model.calls("GradeVerdict") == fault.calls + 1
    assert [r["grade"]["status"] for r in results_of(out)][-1] == "graded"
    assert not [p for p in files_under(tmp_path) if p.name.endswith(".tmp")]
