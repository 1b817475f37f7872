"""How fast the offline grader is: answers graded per second, through the real grading path.

    python bench/offline_grading.py            # every dev set's answers, graded 3 times over

Prints answers/second for the first (cold: bank statistics and exemplar anchors built)
and the later (warm) passes. Uses ``grader.grade_answer`` with the offline backend, the
same path ``grade``, ``batch`` and ``calibrate`` take. Then the seconds one answer at the
20,000-word cap takes, written as one run-on without full stops (offline-v13 splits run-ons
into sentences: its first cut took 2.6 s on it, v12 0.6 s).
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import time
from pathlib import Path

from mock_interviewer.backends.offline import OfflineBackend
from mock_interviewer.bank import load_bank
from mock_interviewer.config import Settings
from mock_interviewer.grader import grade_answer

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
DEV = [DATA / name for name in ("labelled_dev.jsonl", "labelled_dev_offline.jsonl", "labelled_dev2.jsonl")]


async def grade_all(backend: OfflineBackend, items: list[tuple[object, str]], settings: Settings) -> float:
    start = time.perf_counter()
    for question, answer in items:
        await grade_answer(backend, question, answer, settings)  # type: ignore[arg-type]
    return time.perf_counter() - start


def main() -> None:
    bank = load_bank()
    rows = [json.loads(line) for path in DEV if path.exists() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = [(bank.get(row["question_id"]), row["answer"]) for row in rows]
    settings = Settings()
    backend = OfflineBackend()
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores; {len(items)} answers")
    for run in range(3):
        seconds = asyncio.run(grade_all(backend, items, settings))
        label = "cold" if run == 0 else "warm"
        print(f"pass {run + 1} ({label}): {len(items) / seconds:7.1f} answers/s  ({seconds * 1000 / len(items):.1f} ms each)")
    said = "we keep daily backups on rds and it worked i was new then we moved the queue to kafka honestly it was fine "
    run_on = " ".join((said * 2000).split()[:20000])
    seconds = asyncio.run(grade_all(backend, [(bank.get("technical-18"), run_on)], settings))
    print(f"one 20,000-word run-on answer: {seconds:.2f} s")


if __name__ == "__main__":
    main()
