"""One grade against a real llama-server: the whole ``mock-interviewer grade`` process, and its one request.

Starts llama-server (built by ``bash .ci/llama-server``) with the tiny valid-grade model from
tools/make_tiny_gguf.py, then prints, over several runs, the median wall time of:

- ``mock-interviewer grade --json`` in a fresh process (start-up, prompt building, the request, output);
- the same Chat Completions request alone (the body the backend sends, posted with httpx);
- and the server's own timings for it (prompt processing and generation, from its reply).

The tiny model tokenizes character by character (~6,000 prompt tokens) and is nearly free to run, so
these figures are the tool's and the server's overhead, not a real model's speed. Usage:

    python bench/llama_grade.py [--runs 5]

Needs the ``ci-llama`` extra (gguf, numpy).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))

from llama_server import VERSION, LlamaServer, find_binary  # noqa: E402 - tools/ is not a package

QUESTION = "technical-02"
ANSWER = (
    "I'd use a token bucket per API key in Redis with atomic Lua scripts, tiered limits per plan, "
    "and return 429 with Retry-After. I'd monitor rejections to spot abuse."
)


def grade_process(server: LlamaServer) -> float:
    env = {**os.environ, "OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "x"}
    argv = [sys.executable, "-m", "mock_interviewer", "grade", "--question", QUESTION, "--answer", ANSWER, "--json"]
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0 or json.loads(done.stdout)["status"] != "graded":
        raise SystemExit(f"grade failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed


def grade_request(server: LlamaServer, *, cached: bool) -> tuple[float, dict[str, float], int]:
    """The request alone: wall time, the server's own timings, and the prompt's size in tokens.

    ``cached=False`` asks llama-server not to reuse the prompt it processed for the previous request."""
    import httpx

    from mock_interviewer.backends.openai_backend import chat_request_body
    from mock_interviewer.bank import load_bank
    from mock_interviewer.config import Settings
    from mock_interviewer.grader import build_grade_request, prepare_answer

    settings = Settings()
    request = build_grade_request(load_bank().questions[QUESTION], prepare_answer(ANSWER, settings), settings)
    body = {**chat_request_body(request, settings), "cache_prompt": cached}
    start = time.perf_counter()
    reply = httpx.post(f"{server.base_url}/chat/completions", json=body, timeout=300).raise_for_status().json()
    elapsed = time.perf_counter() - start
    return elapsed, reply.get("timings", {}), int(reply["usage"]["prompt_tokens"])


def main() -> int:
    parser = argparse.ArgumentParser(description="One grade against llama-server: whole process and request.")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    binary, missing = find_binary()
    if binary is None:
        print(f"llama_grade: {missing}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        subprocess.run([sys.executable, str(REPO / "tools" / "make_tiny_gguf.py"), str(out), "--variant", "valid"],
                       check=True, capture_output=True)  # fmt: skip
        server = LlamaServer(binary, out / "tiny-valid.gguf", out / "server.log").start()
        try:
            processes = [grade_process(server) for _ in range(args.runs)]
            uncached = [grade_request(server, cached=False) for _ in range(args.runs)]
            cached = [grade_request(server, cached=True) for _ in range(args.runs)]
        finally:
            server.stop()
    print(f"llama-server from llama-cpp-python {VERSION}'s llama.cpp, tiny model; {platform.python_version()}, "
          f"{os.cpu_count()} cores, {args.runs} runs, medians")  # fmt: skip
    print(f"  grade, whole process:        {statistics.median(processes):6.2f} s  (first run {processes[0]:.2f} s; the server caches the prompt)")
    for label, runs in (("prompt not cached", uncached), ("prompt cached", cached)):
        wall = statistics.median(r[0] for r in runs)
        prompt_ms = statistics.median(r[1].get("prompt_ms", 0.0) for r in runs)
        predicted_ms = statistics.median(r[1].get("predicted_ms", 0.0) for r in runs)
        print(
            f"  grade request alone, {label + ':':19s}{wall:6.2f} s  (server: prompt {prompt_ms / 1000:.2f} s "
            f"for {runs[0][2]} tokens, generation {predicted_ms / 1000:.2f} s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
