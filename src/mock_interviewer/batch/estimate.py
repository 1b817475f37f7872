"""``--dry-run``: how many requests, how many tokens, what it costs; no request is made.

Prompt tokens are counted with tiktoken on the very requests a live run would
send (the grader's request, the backend's body: messages, their framing and the
response schema), so the count matches what is sent. Completion tokens cannot be
counted before the model writes them: the estimate uses a typical grade's length
(``EXPECTED_COMPLETION_TOKENS``) and the maximum uses each request's output limit.
Repair re-asks (only after an invalid reply) are not included. With ``--samples K`` every answer
is K requests, each counted as sent (the exemplars in its rotated order).

The prompt-cache figure is a best case: OpenAI caches a prompt prefix of at
least 1,024 tokens in 128-token steps, and answers to the same question are sent
one after another sharing everything before the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mock_interviewer.backends.base import ModelRequest
from mock_interviewer.bank import TIERS, Bank
from mock_interviewer.batch.plan import Plan
from mock_interviewer.batch.pricing import Cost, PriceTable, estimate_cost
from mock_interviewer.batch.requests import body_tokens, request_for
from mock_interviewer.config import Settings
from mock_interviewer.prompts import FENCE_OPEN
from mock_interviewer.tokens import is_estimate

EXPECTED_COMPLETION_TOKENS = 350
"""A typical GradeVerdict (strengths, two or three gaps, a paragraph of explanation) is 250-450 tokens."""
CACHE_MIN_TOKENS = 1024
CACHE_STEP = 128

BodyFor = Callable[[ModelRequest], dict[str, Any]]


@dataclass
class DryRun:
    backend: str
    model: str
    batch_api: bool
    answers: int = 0
    already_done: int = 0
    reused: int = 0
    duplicates: int = 0
    skipped_inputs: int = 0
    requests: int = 0
    samples: int = 1
    pending_answers: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    completion_tokens_max: int = 0
    cacheable_tokens: int = 0
    tokens_exact: bool = True
    cost: Cost | None = None
    prices: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": True,
            "backend": self.backend,
            "model": self.model,
            "batch_api": self.batch_api,
            "answers": self.answers,
            "already_done": self.already_done,
            "reused": self.reused,
            "duplicates": self.duplicates,
            "skipped_inputs": self.skipped_inputs,
            "requests": self.requests,
            "samples": self.samples,
            "answers_to_grade": self.pending_answers,
            "tokens": {
                "prompt": self.prompt_tokens,
                "completion_estimate": self.completion_tokens,
                "completion_max": self.completion_tokens_max,
                "prompt_cacheable": self.cacheable_tokens,
                "counted_with": "tiktoken" if self.tokens_exact else "estimate (no tiktoken encoding available)",
            },
            "cost": self.cost.as_dict() if self.cost else None,
            "prices": self.prices,
        }


def _prefix_tokens(body: dict[str, Any], model: str) -> int:
    """Tokens before the candidate's words: the part every answer to this question shares."""
    messages = list(body["messages"])
    last = dict(messages[-1])
    cut = last["content"].find(FENCE_OPEN)
    if cut < 0:
        return 0
    last["content"] = last["content"][: cut + len(FENCE_OPEN)]
    return body_tokens({**body, "messages": [*messages[:-1], last]}, model)


def cacheable(prefix: int) -> int:
    return (prefix // CACHE_STEP) * CACHE_STEP if prefix >= CACHE_MIN_TOKENS else 0


def dry_run(
    plan: Plan,
    bank: Bank,
    settings: Settings,
    *,
    backend: str,
    model: str,
    body_for: BodyFor | None,
    prices: PriceTable,
    batch_api: bool = False,
    priced: bool = True,
    samples: int = 1,
) -> DryRun:
    """Count every pending request of ``plan``; price them unless ``priced`` is False (an offline run is free)."""
    result = DryRun(
        backend=backend,
        model=model,
        batch_api=batch_api,
        answers=plan.answers,
        already_done=plan.already_done,
        reused=len(plan.reuse),
        duplicates=plan.duplicates,
        skipped_inputs=plan.problems,
        requests=plan.requests * samples,
        samples=samples,
        pending_answers=plan.pending_answers,
        tokens_exact=not is_estimate(model),
        prices=prices.source,
    )
    current_question = None
    prefixes: dict[int, int] = {}  # per rotation of the exemplars: each has its own shared prefix
    for job in plan.jobs():
        if job.item.question_id != current_question:
            current_question = job.item.question_id
            prefixes = {}
        for rotation in range(samples):
            request, _prepared = request_for(job, bank, settings, rotation)
            body = body_for(request) if body_for else {"messages": [m.as_dict() for m in request.messages]}
            result.prompt_tokens += body_tokens(body, model)
            result.completion_tokens += EXPECTED_COMPLETION_TOKENS
            result.completion_tokens_max += request.max_tokens or settings.max_output_tokens
            order = rotation % len(TIERS)  # a fourth sample has the first one's order
            if order in prefixes:
                result.cacheable_tokens += cacheable(prefixes[order])
            else:
                prefixes[order] = _prefix_tokens(body, model)
    if priced:
        result.cost = estimate_cost(
            prices,
            model,
            prompt_tokens=result.prompt_tokens,
            completion_tokens=result.completion_tokens,
            completion_tokens_max=result.completion_tokens_max,
            cacheable_tokens=result.cacheable_tokens,
            batch_api=batch_api,
        )
    return result
