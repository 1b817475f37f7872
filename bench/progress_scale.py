"""How long ``progress`` takes over many saved sessions: reading them, building the report, rendering it.

    python bench/progress_scale.py [--sessions 100 500 2000]

Each session has five graded answers of about 120 words (sessions made with the real session model and
store, as in tests/progress_fixtures.py). Prints the wall time of each step, and of the whole command in a
fresh process (``python -m mock_interviewer progress --json``), once per size.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from rich.console import Console

from mock_interviewer.bank import Bank, load_bank
from mock_interviewer.progress import build_report
from mock_interviewer.render.progress import progress_view
from mock_interviewer.render.progress_html import progress_html
from mock_interviewer.session_store import SessionStore
from progress_fixtures import START, saved_session

QUESTIONS = [f"technical-{n:02d}" for n in range(1, 16)]


def make(directory: Path, count: int) -> None:
    for n in range(count):
        graded = [(QUESTIONS[(n + k) % len(QUESTIONS)], 1 + (n + k) % 5) for k in range(5)]
        saved_session(directory, START + timedelta(hours=7 * n), graded, serial=n)


class Clock:
    """Prints how long each step took since the last one."""

    def __init__(self) -> None:
        self.last = time.perf_counter()

    def step(self, label: str) -> None:
        now = time.perf_counter()
        print(f"  {label:<34} {now - self.last:8.3f} s")
        self.last = now


def measure(count: int, bank: Bank) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        make(directory, count)
        print(f"{count} sessions, {5 * count} graded answers")
        clock = Clock()
        items = list(SessionStore(directory).list())
        clock.step("read and validate every file")
        report = build_report(items, bank, now=START + timedelta(days=900), transcripts_dir=directory)
        clock.step("build the report")
        Console(file=io.StringIO(), width=100).print(progress_view(report, review_command="x"))
        clock.step("render for a terminal")
        progress_html(report, review_command="x")
        clock.step("render the HTML page")
        env = os.environ | {"MOCK_INTERVIEWER_TRANSCRIPTS": str(directory)}
        subprocess.run([sys.executable, "-m", "mock_interviewer", "progress", "--json"], env=env, capture_output=True, check=True)
        clock.step("whole command, fresh process")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, nargs="+", default=[100, 500, 2000])
    args = parser.parse_args()
    bank = load_bank()
    for count in args.sessions:
        measure(count, bank)
    return 0


if __name__ == "__main__":
    sys.exit(main())
