"""Against a real server: llama.cpp's llama-server, built from source by .ci/llama-server, serving tiny GGUF models.

The models come from tools/make_tiny_gguf.py: a hand-set bigram model whose replies the server's
grammar (made from the strict JSON schema the backend sends) keeps schema-shaped, with weights that
pick which valid value comes out. Three variants: a valid grade (great, 5), a tier/score mismatch
(great, 1) and nonsense (gibberish strings that never end). The commands run as the user runs them,
in their own process, with ``OPENAI_BASE_URL`` pointing at the server and ``OPENAI_API_KEY=x``.

Skipped, with the reason, where llama-server is not built or the ``ci-llama`` extra is not installed;
CI builds and installs both and runs ``pytest -m llama_server`` with ``MOCK_INTERVIEWER_LLAMA_REQUIRED=1``,
which turns the skip into an error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))

from llama_server import LlamaServer, find_binary  # noqa: E402 - tools/ is not a package

BINARY, MISSING = find_binary()
try:
    import gguf  # noqa: F401 - only to know whether the models can be made
except ImportError:
    MISSING = MISSING or "the ci-llama extra (gguf, numpy) is not installed: pip install -e '.[ci-llama]'"

if MISSING and os.environ.get("MOCK_INTERVIEWER_LLAMA_REQUIRED"):
    raise RuntimeError(f"MOCK_INTERVIEWER_LLAMA_REQUIRED is set (CI), but: {MISSING}")

pytestmark = [
    pytest.mark.llama_server,
    pytest.mark.skipif(BINARY is None or bool(MISSING), reason=MISSING or "llama-server missing"),
]

SENTENCE = "Give one concrete example from your own work."  # tools/make_tiny_gguf.py's string content
PHRASE = "Let us begin with the first question."  # and its free text
QUESTION = "technical-02"
ANSWER = (
    "I'd use a token bucket per API key in Redis with atomic Lua scripts, tiered limits per plan, "
    "and return 429 with Retry-After. I'd monitor rejections to spot abuse."
)


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gguf")
    subprocess.run(
        [sys.executable, str(REPO / "tools" / "make_tiny_gguf.py"), str(out)], check=True, capture_output=True
    )
    return out


@pytest.fixture(scope="module")
def server(models: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], LlamaServer]]:
    """``server("valid")``: the running llama-server for that variant, started once per module."""
    running: dict[str, LlamaServer] = {}

    def get(variant: str) -> LlamaServer:
        if variant not in running:
            assert BINARY is not None
            log = tmp_path_factory.mktemp("llama-log") / f"{variant}.log"
            running[variant] = LlamaServer(BINARY, models / f"tiny-{variant}.gguf", log).start()
        return running[variant]

    yield get
    for each in running.values():
        each.stop()


def run(
    srv: LlamaServer, *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {
        **os.environ,
        "OPENAI_BASE_URL": srv.base_url,
        "OPENAI_API_KEY": "x",
        "MOCK_INTERVIEWER_TIMEOUT": "120",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "mock_interviewer", *args],
        capture_output=True,
        text=True,
        env=environ,
        input=stdin,
        timeout=300,
    )


def clean_stderr(stderr: str) -> None:
    """What the user sees on stderr: no traceback, and the placeholder key does not mangle words."""
    assert "Traceback" not in stderr
    assert "[redacted]" not in stderr


# ---------------------------------------------------------------- grade


def test_grade_against_llama_server_is_graded(server: Callable[[str], LlamaServer]) -> None:
    srv = server("valid")
    before = srv.requests_processed()

    result = run(srv, "grade", "--question", QUESTION, "--answer", ANSWER, "--json")

    assert result.returncode == 0, result.stderr
    clean_stderr(result.stderr)
    grade = json.loads(result.stdout)
    assert grade["status"] == "graded"
    assert (grade["tier"], grade["score"]) == ("great", 5)
    assert grade["explanation"] == SENTENCE
    assert grade["strengths"] == [SENTENCE]
    assert grade["gaps"] == [{"point": SENTENCE, "why_it_matters": SENTENCE}]
    assert grade["backend"] == "openai" and grade["question_id"] == QUESTION
    assert grade["usage"]["prompt_tokens"] > 1000  # the real prompt, counted by the real server
    assert srv.requests_processed() - before == 1


def test_grade_that_disagrees_with_itself_is_reasked_once_then_ungraded(server: Callable[[str], LlamaServer]) -> None:
    srv = server("mismatch")
    before = srv.requests_processed()

    result = run(srv, "grade", "--question", QUESTION, "--answer", ANSWER, "--json")

    assert result.returncode == 1, result.stderr
    clean_stderr(result.stderr)
    grade = json.loads(result.stdout)
    assert grade["status"] == "ungraded" and grade["tier"] is None and grade["score"] is None
    assert "even after one repair request" in grade["reason"]
    assert "does not agree with tier 'great'" in grade["reason"]
    assert srv.requests_processed() - before == 2  # the first reply, then exactly one re-ask


def test_nonsense_that_never_ends_is_ungraded_at_the_token_limit(server: Callable[[str], LlamaServer]) -> None:
    srv = server("nonsense")
    before = srv.requests_processed()

    result = run(
        srv,
        "grade",
        "--question",
        QUESTION,
        "--answer",
        ANSWER,
        "--json",
        env={"MOCK_INTERVIEWER_MAX_OUTPUT_TOKENS": "150"},
    )

    assert result.returncode == 1, result.stderr
    clean_stderr(result.stderr)
    grade = json.loads(result.stdout)
    assert grade["status"] == "ungraded" and grade["tier"] is None
    assert "cut off at its token limit" in grade["reason"]
    assert srv.requests_processed() - before == 1  # a cut-off reply is not re-asked into the same limit


# ---------------------------------------------------------------- probe


def test_probe_for_an_answer_and_for_a_question(server: Callable[[str], LlamaServer]) -> None:
    srv = server("valid")

    for_answer = run(srv, "probe", "--question", QUESTION, "--answer", ANSWER, "--json")
    for_question = run(srv, "probe", "--question", QUESTION, "--json")

    for result in (for_answer, for_question):
        assert result.returncode == 0, result.stderr
        clean_stderr(result.stderr)
    probes = json.loads(for_answer.stdout)
    assert probes["mode"] == "answer" and probes["backend"] == "openai"
    assert [p["question"] for p in probes["probes"]] == [SENTENCE]
    assert probes["probes"][0]["refers_to"] == SENTENCE
    assert json.loads(for_question.stdout)["mode"] == "question"
    assert [p["question"] for p in json.loads(for_question.stdout)["probes"]] == [SENTENCE]


def test_probe_with_a_model_that_never_stops_fails_with_the_reason(server: Callable[[str], LlamaServer]) -> None:
    srv = server("nonsense")

    result = run(srv, "probe", "--question", QUESTION, "--json", env={"MOCK_INTERVIEWER_MAX_OUTPUT_TOKENS": "150"})

    assert result.returncode == 1
    clean_stderr(result.stderr)
    assert result.stdout == ""
    assert "token limit" in result.stderr


# ---------------------------------------------------------------- batch


def write_answers(path: Path, count: int) -> Path:
    questions = ["technical-01", "technical-02", "engineer-03", "director-05"]
    rows = [
        {"id": f"a{i}", "question_id": questions[i % len(questions)], "answer": f"{ANSWER} ({i})"} for i in range(count)
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def results(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]


def test_batch_against_llama_server_grades_every_answer(server: Callable[[str], LlamaServer], tmp_path: Path) -> None:
    srv = server("valid")
    source = write_answers(tmp_path / "answers.jsonl", 4)
    out = tmp_path / "out"
    before = srv.requests_processed()

    result = run(srv, "batch", str(source), "--out", str(out), "--concurrency", "2", "--json")

    assert result.returncode == 0, result.stderr
    clean_stderr(result.stderr)
    lines = results(out)
    assert sorted(line["item_id"] for line in lines) == ["a0", "a1", "a2", "a3"]
    assert {(line["grade"]["status"], line["grade"]["tier"], line["grade"]["score"]) for line in lines} == {
        ("graded", "great", 5)
    }
    summary = json.loads(result.stdout)
    assert summary["graded"] == 4 and summary["ungraded_total"] == 0
    assert summary["tokens"]["prompt"] > 4 * 1000
    assert (out / "report.md").is_file()
    assert srv.requests_processed() - before == 4


def test_batch_of_self_contradicting_grades_reports_every_answer_ungraded(
    server: Callable[[str], LlamaServer], tmp_path: Path
) -> None:
    srv = server("mismatch")
    source = write_answers(tmp_path / "answers.jsonl", 3)
    out = tmp_path / "out"
    before = srv.requests_processed()

    result = run(srv, "batch", str(source), "--out", str(out), "--concurrency", "2", "--json")

    assert result.returncode == 1, result.stderr
    clean_stderr(result.stderr)
    lines = results(out)
    assert len(lines) == 3
    for line in lines:
        assert line["grade"]["status"] == "ungraded"
        assert "does not agree with tier 'great'" in line["grade"]["reason"]
    assert json.loads(result.stdout)["ungraded_total"] == 3
    assert srv.requests_processed() - before == 6  # each answer asked, then re-asked once


# ---------------------------------------------------------------- a whole interview in a real terminal


def test_an_interview_against_llama_server_in_a_real_terminal(
    server: Callable[[str], LlamaServer], tmp_path: Path
) -> None:
    from tmux_helpers import TMUX, Pane, base_env, interview_argv, saved_session

    if TMUX is None:
        pytest.skip("tmux is not installed: the real-terminal test needs it (.ci/run installs it)")
    srv = server("valid")
    transcripts = tmp_path / "sessions"
    pane = Pane(tmp_path, "llama")
    env = base_env(tmp_path) | {
        "OPENAI_BASE_URL": srv.base_url,
        "OPENAI_API_KEY": "x",
        "MOCK_INTERVIEWER_TIMEOUT": "120",
    }
    try:
        pane.start(
            interview_argv(transcripts, "--track", "technical", "--questions", "1", "--feedback", "now", "--seed", "3"),
            env,
        )
        screen = pane.wait_for("Esc Enter: submit")
        assert PHRASE in screen  # the interviewer's words, streamed from the server
        pane.type(ANSWER)
        pane.keys("Escape", "Enter")
        pane.wait_for("Enter: the summary · /retry")  # after the last question's feedback
        pane.keys("Enter")
        screen = pane.wait_for("[exited 0]")
    finally:
        pane.close()

    assert "Feedback · question 1" in screen and "GREAT" in screen
    assert SENTENCE in screen
    assert "Summary" in screen
    assert "[redacted]" not in screen and "Traceback" not in screen
    data = saved_session(transcripts)
    assert data["status"] == "completed"
    record = data["records"][0]
    assert [t["kind"] for t in record["turns"]] == ["question", "answer"]  # the model chose no follow-up
    assert record["turns"][0]["text"] == PHRASE
    assert record["turns"][1]["text"] == ANSWER
    assert record["status"] == "graded"
    assert (record["grade"]["tier"], record["grade"]["score"], record["grade"]["backend"]) == ("great", 5, "openai")


def test_an_interview_with_a_nonsense_model_still_saves_the_answer_and_reports_it_ungraded(
    server: Callable[[str], LlamaServer], tmp_path: Path
) -> None:
    from tmux_helpers import TMUX, Pane, base_env, interview_argv, saved_session

    if TMUX is None:
        pytest.skip("tmux is not installed: the real-terminal test needs it (.ci/run installs it)")
    srv = server("nonsense")
    transcripts = tmp_path / "sessions"
    pane = Pane(tmp_path, "nonsense")
    env = base_env(tmp_path) | {
        "OPENAI_BASE_URL": srv.base_url,
        "OPENAI_API_KEY": "x",
        "MOCK_INTERVIEWER_TIMEOUT": "120",
        "MOCK_INTERVIEWER_MAX_OUTPUT_TOKENS": "150",
    }
    try:
        pane.start(
            interview_argv(transcripts, "--track", "technical", "--questions", "1", "--feedback", "now", "--seed", "3"),
            env,
        )
        pane.wait_for("Esc Enter: submit")
        pane.type(ANSWER)
        pane.keys("Escape", "Enter")
        pane.wait_for("Enter: the summary · /retry")  # after the last question's feedback (ungraded)
        pane.keys("Enter")
        screen = pane.wait_for("[exited")
    finally:
        pane.close()

    assert "[exited 0]" in screen
    assert "zq vx" in screen  # the gibberish streamed as the interviewer's words, until the ask's token limit
    assert "(the model's question was cut off at its length limit;" in screen  # and that is said
    assert "(No follow-up: the model's reply was cut off at its token limit" in screen
    assert "Ungraded: the model's reply was cut off" in screen and "Your answer is saved" in screen
    data = saved_session(transcripts)
    record = data["records"][0]
    assert record["turns"][0]["cut_off"] is True
    assert record["turns"][1]["text"] == ANSWER  # the answer is on disk whatever the model did
    assert record["status"] == "ungraded" and record["grade"]["tier"] is None
    assert "token limit" in record["grade"]["reason"]
    assert "Traceback" not in screen and "[redacted]" not in screen
