"""Helpers shared by the batch tests: answer files, results and tiers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

QUESTIONS = ["director-01", "engineer-03", "technical-02", "director-12"]


def tier_for(answer: str) -> tuple[str, int]:
    if "GREAT" in answer:
        return "great", 5
    if "POOR" in answer:
        return "poor", 1
    return "mediocre", 3


def answer_rows(n: int, *, prefix: str = "") -> list[dict[str, Any]]:
    rows = []
    for i in range(n):
        flavour = ("GREAT", "POOR", "so-so")[i % 3]
        rows.append(
            {
                "id": f"{prefix}a{i}",
                "candidate": f"cand-{i % 5}",
                "question_id": QUESTIONS[i % len(QUESTIONS)],
                "answer": f"{flavour} answer number {prefix}{i}: I would measure first, then index and cache.",
            }
        )
    return rows


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def results(out: Path) -> list[dict[str, Any]]:
    path = out / "results.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
