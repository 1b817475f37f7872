"""Batch throughput against a mock model service that answers after a fixed delay.

Two set-ups, each answering after ``--latency-ms`` without blocking the event
loop, so the ideal throughput at concurrency N is N / latency:

- ``sdk``: the real OpenAI backend and the real async SDK send every request over
  httpx, and respx answers it (what a user's run does, minus the network);
- ``seam``: a backend at the model seam that just waits and replies, so the
  figure is the batch machinery's own (plan, workers, grader, results file).

Prints answers per second and the ratio to the ideal (the issue's target: at
least 0.85), for the grading phase and end to end (planning, grading, report);
each figure is the best of ``--repeat`` runs, since other load on the machine
can only slow a run down. Usage:

    python bench/batch_throughput.py [--answers 400] [--latency-ms 50] [--concurrency 8 16 32] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from batch_fixtures import BASE_URL, VERDICT, completion, write_answers

ANSWER = "I would measure p95 latency, read the query plan, add an index and cache hot reads."


class SeamBackend:
    """Waits ``latency`` then replies with a verdict: the model seam with nothing behind it."""

    name = "openai"
    model = "gpt-4.1-mini"
    estimate = False

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.calls = 0

    async def complete(self, request: object) -> object:
        from mock_interviewer.backends.base import ModelReply

        self.calls += 1
        await asyncio.sleep(self.latency)
        return ModelReply(text=VERDICT, model=self.model)

    async def stream(self, request: object) -> object:  # pragma: no cover - not used by batch
        raise NotImplementedError

    async def aclose(self) -> None:
        return None


def run_once(answers: int, latency: float, concurrency: int, setup: str = "sdk") -> tuple[float, float, int]:
    """(seconds grading, seconds end to end, requests served) for one batch in a fresh directory."""
    import httpx
    import respx

    from mock_interviewer.backends.openai_backend import OpenAIBackend
    from mock_interviewer.bank import load_bank
    from mock_interviewer.batch.keys import KeyMaker
    from mock_interviewer.batch.plan import build_plan
    from mock_interviewer.batch.report import gather, write_reports
    from mock_interviewer.batch.results import ResultStore
    from mock_interviewer.batch.runner import run_live
    from mock_interviewer.config import Settings
    from mock_interviewer.grader import PROMPT_NAME
    from mock_interviewer.prompts import load_prompt

    body = completion()

    async def answer(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(latency)
        return httpx.Response(200, json=body)

    with tempfile.TemporaryDirectory() as tmp, respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        route = router.post("/chat/completions").mock(side_effect=answer)
        source = Path(tmp) / "answers.jsonl"
        write_answers(source, answers, candidates=40, answer=ANSWER)
        settings = Settings(backend="openai", model="gpt-4.1-mini", max_retries=0)
        bank = load_bank([])
        backend: Any = OpenAIBackend(settings) if setup == "sdk" else SeamBackend(latency)
        version = load_prompt(PROMPT_NAME).version
        store = ResultStore(Path(tmp) / "out")
        start = time.perf_counter()
        with build_plan([source], bank, KeyMaker(backend.name, backend.model, version, settings), store.prepare()) as plan:
            with store.writer() as writer:

                async def grade() -> float:
                    try:
                        summary = await run_live(plan, backend, bank, settings, store, writer, prompt_version=version,
                                                 concurrency=concurrency)
                    finally:
                        await backend.aclose()
                    return summary.elapsed_seconds

                grading = asyncio.run(grade())
            write_reports(gather(store, plan.run_refs, bank.questions.get), store.directory, ["md"])
        total = time.perf_counter() - start
        return grading, total, route.call_count if setup == "sdk" else backend.calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=400)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8, 16, 32])
    parser.add_argument("--repeat", type=int, default=3, help="Runs per figure; the best is kept.")
    parser.add_argument("--setup", choices=["sdk", "seam", "both"], default="both")
    args = parser.parse_args()
    os.environ["OPENAI_API_KEY"] = "sk-bench-not-a-real-key"
    os.environ["OPENAI_BASE_URL"] = BASE_URL
    latency = args.latency_ms / 1000

    run_once(24, latency, 8)  # warm up: imports, tiktoken encoding, SDK client
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"batch throughput: {args.answers} answers, mock latency {args.latency_ms:g} ms, best of {args.repeat}")
    print(f"{date.today()} · {platform.node()} · {platform.processor() or platform.machine()} · "
          f"{os.cpu_count()} CPUs · Python {platform.python_version()} · load average {load:.2f}")
    print(f"{'setup':>5} {'concurrency':>11} {'ideal/s':>9} {'grading/s':>10} {'ratio':>6} {'end-to-end/s':>13} {'ratio':>6}")
    setups = ["sdk", "seam"] if args.setup == "both" else [args.setup]
    for setup in setups:
        for concurrency in args.concurrency:
            best_grading = best_total = float("inf")
            for _ in range(args.repeat):
                grading, total, calls = run_once(args.answers, latency, concurrency, setup)
                if calls != args.answers:
                    sys.exit(f"expected {args.answers} requests, the mock saw {calls}")
                best_grading, best_total = min(best_grading, grading), min(best_total, total)
            ideal = concurrency / latency
            print(f"{setup:>5} {concurrency:>11} {ideal:>9.0f} {args.answers / best_grading:>10.1f} "
                  f"{args.answers / best_grading / ideal:>6.2f} {args.answers / best_total:>13.1f} "
                  f"{args.answers / best_total / ideal:>6.2f}")


if __name__ == "__main__":
    main()
