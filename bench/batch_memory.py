"""Peak memory of a batch: 10,000 answers against 100, through the whole ``batch`` command.

Each size runs in a fresh process (peak RSS is per process): the real command
(``cli.main``: plan, concurrent grading, ``results.jsonl``, the Markdown report)
with the real OpenAI backend and SDK, respx answering every request at once.
Prints the peak of Python allocations (tracemalloc) and the peak resident set
size (ru_maxrss) for each size, and their ratios. Usage:

    python bench/batch_memory.py [--sizes 100 10000] [--setup sdk|offline] [--concurrency 8]

``--setup offline`` grades with the offline backend instead (no SDK; slower: the
offline grader does real work for every answer).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from batch_fixtures import BASE_URL, completion, write_answers

# Longer answers than the throughput bench: memory per answer is what is measured.
FILLER = "I would measure p95 latency first, read the query plan, add a covering index and cache the hot reads. "


def child(size: int, setup: str, concurrency: int, report: Path, traced: bool) -> None:
    """Run one batch of ``size`` answers in this process and write the measurements to ``report``.

    tracemalloc costs memory of its own (a trace per live block), so the RSS figure
    comes from a separate run without it.
    """
    import resource
    import tracemalloc

    if traced:
        tracemalloc.start()
    import httpx
    import respx

    from mock_interviewer.cli import main

    body = completion()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "answers.jsonl"
        write_answers(source, size, candidates=200, answer=FILLER * 4)
        tracemalloc.reset_peak()
        baseline = tracemalloc.get_traced_memory()[0]
        sys.argv = ["mock-interviewer", "batch", str(source), "--out", str(Path(tmp) / "out"),
                    "--concurrency", str(concurrency), "--json", "--backend", "offline" if setup == "offline" else "openai"]
        served = 0

        def reply(request: httpx.Request) -> httpx.Response:
            # respx keeps every call it sees; forget them, or the mock's memory is measured, not the batch's
            nonlocal served
            served += 1
            router.calls.clear()
            route.calls.clear()
            return httpx.Response(200, json=body)

        with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
            route = router.post("/chat/completions").mock(side_effect=reply)
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - the summary is not the measurement
            try:
                main()
            except SystemExit as exc:
                if exc.code not in (0, None):
                    raise
            finally:
                sys.stdout = sys.__stdout__
        lines = sum(1 for _ in (Path(tmp) / "out" / "results.jsonl").open("rb"))
        peak = tracemalloc.get_traced_memory()[1]
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
        report.write_text(json.dumps({
            "size": size, "results": lines, "requests": served,
            "tracemalloc_peak": peak - baseline if traced else None, "rss_peak": rss * scale,
        }))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 10_000])
    parser.add_argument("--setup", choices=["sdk", "offline"], default="sdk")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--report", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.setup, args.concurrency, args.report, args.traced)
        return

    env = {**os.environ, "OPENAI_API_KEY": "sk-bench-not-a-real-key", "OPENAI_BASE_URL": BASE_URL}
    print(f"batch peak memory ({args.setup}, concurrency {args.concurrency}), each size in a fresh process")
    print(f"{date.today()} · {platform.node()} · {platform.processor() or platform.machine()} · "
          f"{os.cpu_count()} CPUs · Python {platform.python_version()}")
    print(f"{'answers':>8} {'results':>8} {'python peak (tracemalloc)':>26} {'peak RSS':>10}  (RSS from a run without tracemalloc)")
    rows = []
    for size in args.sizes:
        row: dict[str, int] = {}
        for traced in (False, True):
            with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
                report = Path(handle.name)
            try:
                command = [sys.executable, __file__, "--child", str(size), "--setup", args.setup,
                           "--concurrency", str(args.concurrency), "--report", str(report)]
                subprocess.run(command + (["--traced"] if traced else []), env=env, check=True,
                               stderr=subprocess.DEVNULL)
                found = json.loads(report.read_text())
            finally:
                report.unlink(missing_ok=True)
            if found["results"] != size:
                sys.exit(f"expected {size} results, found {found['results']}")
            row.update({"size": size, "results": found["results"]})
            row["tracemalloc_peak" if traced else "rss_peak"] = found["tracemalloc_peak" if traced else "rss_peak"]
        rows.append(row)
        print(f"{row['size']:>8} {row['results']:>8} {row['tracemalloc_peak'] / 2**20:>23.1f} MB "
              f"{row['rss_peak'] / 2**20:>7.1f} MB")
    if len(rows) >= 2:
        small, large = rows[0], rows[-1]
        print(f"{large['size']:,} vs {small['size']:,} answers: python peak x{large['tracemalloc_peak'] / small['tracemalloc_peak']:.2f}, "
              f"RSS x{large['rss_peak'] / small['rss_peak']:.2f}")


if __name__ == "__main__":
    main()
