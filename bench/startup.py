"""Start-up time: ``mock-interviewer --help`` against importing the openai SDK, and an offline ``grade``.

Prints the median wall time of several runs of each, in fresh processes. Usage:

    python bench/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time

ANSWER = (
    "I'd use a token bucket per API key in Redis with atomic Lua scripts, tiered limits per plan and per endpoint "
    "cost, and return 429 with Retry-After. I'd monitor rejections to spot abuse."
)

CASES = {
    "python -c pass (interpreter floor)": [sys.executable, "-c", "pass"],
    "python -c 'import openai'": [sys.executable, "-c", "import openai"],
    "mock-interviewer --help": [sys.executable, "-m", "mock_interviewer", "--help"],
    "mock-interviewer bank list": [sys.executable, "-m", "mock_interviewer", "bank", "list", "--json"],
    "mock-interviewer grade (offline)": [
        sys.executable, "-m", "mock_interviewer", "grade", "--backend", "offline",
        "--question", "technical-02", "--answer", ANSWER, "--json",
    ],
}  # fmt: skip


def median_seconds(command: list[str], runs: int) -> float | None:
    env = {**os.environ, "MOCK_INTERVIEWER_BACKEND": "offline"}
    env.pop("OPENAI_API_KEY", None)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, env=env, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            return None
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    print(f"# start-up, median of {args.runs} runs; {platform.python_version()} on {platform.machine()}, "
          f"{os.cpu_count()} cores")  # fmt: skip
    results = {name: median_seconds(cmd, args.runs) for name, cmd in CASES.items()}
    for name, seconds in results.items():
        shown = "failed" if seconds is None else f"{seconds * 1000:7.0f} ms"
        print(f"{name:40s} {shown}")
    help_s, openai_s = results["mock-interviewer --help"], results["python -c 'import openai'"]
    if help_s and openai_s:
        print(f"--help / import openai = {help_s / openai_s:.2f} (target: well under 0.5)")


if __name__ == "__main__":
    main()
