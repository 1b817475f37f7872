"""How `grade --samples 3` does with a real model on labelled answers: right tier, borderline marks, and the
accuracy of the grades not marked borderline.

    export OPENAI_BASE_URL=... OPENAI_API_KEY=...        # any OpenAI-compatible model (or ../shared/tools/relay.py)
    python bench/samples_agreement.py OUTDIR [--model M] [--per-tier 8] [--jobs 6]

Picks --per-tier answers of each tier from tests/data/audit_holdout_d.jsonl (seeded, so the same answers
every run), grades each with `mock-interviewer grade --samples 3 --json` (whole processes, as a user
would), keeps each document in OUTDIR (a re-run reuses them) and prints the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "audit_holdout_d.jsonl"


def pick(per_tier: int) -> list[dict[str, str]]:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(14)
    return [row for tier in ("great", "mediocre", "poor") for row in rng.sample([r for r in rows if r["label"] == tier], per_tier)]


def grade(out: Path, model: str, row: dict[str, str]) -> dict[str, Any] | None:
    if not out.exists() or not out.stat().st_size:
        done = subprocess.run(
            [sys.executable, "-m", "mock_interviewer", "grade", "--backend", "openai", "--model", model, "--samples", "3",
             "-q", row["question_id"], "--answer", row["answer"], "--json"],
            capture_output=True, text=True, check=False,
        )
        out.write_text(done.stdout, encoding="utf-8")
    try:
        return dict(json.loads(out.read_text(encoding="utf-8")))
    except ValueError:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--model", default="relay")
    parser.add_argument("--per-tier", type=int, default=8)
    parser.add_argument("--jobs", type=int, default=6)
    args = parser.parse_args()
    args.outdir.mkdir(parents=True, exist_ok=True)
    rows = pick(args.per_tier)
    with ThreadPoolExecutor(args.jobs) as pool:
        docs = list(pool.map(lambda ir: grade(args.outdir / f"{ir[0]:02d}.json", args.model, ir[1]), enumerate(rows)))
    graded = [(row, doc) for row, doc in zip(rows, docs, strict=True) if doc and doc.get("status") == "graded"]
    split = [(row, doc) for row, doc in graded if len(set(doc.get("samples") or [])) > 1]
    clear = [(row, doc) for row, doc in graded if len(set(doc.get("samples") or [])) <= 1]
    right = lambda pairs: sum(doc["tier"] == row["label"] for row, doc in pairs)  # noqa: E731
    print(f"answers {len(rows)}, graded {len(graded)}, borderline (samples split) {len(split)}")
    print(f"right tier, all graded: {right(graded)}/{len(graded)}")
    print(f"right tier, not borderline: {right(clear)}/{len(clear)}; borderline: {right(split)}/{len(split)}")
    print("label -> graded:", dict(Counter(f"{row['label']}->{doc['tier']}" for row, doc in graded)))


if __name__ == "__main__":
    main()
