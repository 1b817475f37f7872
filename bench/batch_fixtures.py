"""What the batch benchmarks share: a mock endpoint, an answer file, and the verdict the mock returns."""

from __future__ import annotations

import json
from pathlib import Path

BASE_URL = "https://mock.invalid/v1"
QUESTIONS = ["director-01", "engineer-03", "technical-02", "director-12", "engineer-15", "technical-10"]
VERDICT = json.dumps(
    {
        "strengths": ["Names a concrete first step"],
        "gaps": [{"point": "Measures before and after", "why_it_matters": "Numbers show the fix worked."}],
        "explanation": "Right idea, but generic: the great answer gives numbers and trade-offs.",
        "suspicious": False,
        "tier": "mediocre",
        "score": 3,
    }
)


def write_answers(path: Path, count: int, *, candidates: int, answer: str) -> None:
    """An answer file of ``count`` answers spread over ``candidates`` candidates and six questions."""
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            row = {
                "id": f"a{i}",
                "candidate": f"cand-{i % candidates}",
                "question_id": QUESTIONS[i % len(QUESTIONS)],
                "answer": f"Answer {i}: {answer}",
            }
            handle.write(json.dumps(row) + "\n")


def completion() -> dict[str, object]:
    """The ``chat.completion`` body the mock answers every request with."""
    return {
        "id": "chatcmpl-bench",
        "object": "chat.completion",
        "created": 0,
        "model": "gpt-4.1-mini",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": VERDICT}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1500, "completion_tokens": 120, "total_tokens": 1620},
    }
