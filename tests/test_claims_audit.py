"""The judged claims as a regression test: what the offline grader says now was judged true by readers.

Readers who did not write the detectors judged every claim the grader made on five audit sets of
answers by other writers (tests/data/claims_judged_*.jsonl). The grader is run again here: every
claim type it ships must stay at 95% precision on the judged claims it still makes, and it may not
start making many claims nobody judged (a change that does must be audited again, with
bench/claims_audit.py --dump). offline-v7 moved tiers (most of all, wrong-words answers from mediocre
to poor), and claims are gated by tier: the claims it makes on an answer graded in another tier than when
judged are counted apart (at most a quarter of all), and are what the next audit must judge. Claim
types shipped before any reader judged them (``claims.AWAITING_AUDIT``) are counted apart too: the
reader audit on a fresh hold-out decides whether they stay.
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from mock_interviewer.offline.claims import AWAITING_AUDIT, FIRST_JUDGED_ON, SHIPPED

BENCH = Path(__file__).resolve().parent.parent / "bench" / "claims_audit.py"


@pytest.fixture(scope="module")
def audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("claims_audit", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def graded(audit: ModuleType) -> dict[str, list[tuple[dict[str, Any], Any]]]:
    """Each audit set graded once, as the grader grades it now."""
    sets = {}
    for name in SET_ORDER:
        sets[name] = audit.grade_rows([row for file in audit.SETS[name] for row in audit.read_jsonl(audit.DATA / file)])
    return sets


SET_ORDER = ("dev", "dev2", "holdout", "holdout_c", "holdout_d", "holdout_e", "holdout_f", "holdout_g", "holdout_h")  # as judged


@pytest.mark.parametrize("name", SET_ORDER)
def test_every_shipped_claim_type_stays_true_on_the_judged_claims(
    audit: ModuleType, graded: dict[str, list[tuple[dict[str, Any], Any]]], name: str
) -> None:
    answers = [row for row, _ in graded[name]]
    judged = audit.read_jsonl(audit.DATA / f"claims_judged_{name}.jsonl")
    by_id = {audit.answer_id(r["question_id"], r["answer"]): r["answer"] for r in answers}
    verdicts = {audit.claim_key(by_id[j["answer_id"]], j): j["verdict"] for j in judged if j["type"] == "claim"}
    tier_judged = {j["answer_id"]: j["tier"] for j in judged if j["type"] == "feedback"}
    counts: dict[str, Counter[str]] = {}
    retiered = 0  # claims on answers graded in another tier than when judged (offline-v7 moved them)
    for row, found in graded[name]:
        moved = tier_judged.get(audit.answer_id(row["question_id"], row["answer"])) != found.tier
        for claim in found.claims:
            assert claim.kind in SHIPPED
            if claim.kind in AWAITING_AUDIT:
                continue  # no reader has judged this type yet: the coming audit does
            if claim.kind in FIRST_JUDGED_ON and SET_ORDER.index(name) < SET_ORDER.index(FIRST_JUDGED_ON[claim.kind]):
                continue  # the type came after this set was judged
            verdict = verdicts.get(audit.claim_key(row["answer"], claim), "unjudged")
            if verdict == "unjudged" and moved:
                retiered += 1  # claims are gated by tier (gaps of poor answers only): a new tier, new claims
                continue
            counts.setdefault(claim.kind, Counter())[verdict] += 1
    made = sum(sum(c.values()) for c in counts.values())
    unjudged = sum(c["unjudged"] for c in counts.values())
    assert made and unjudged <= 0.05 * made, f"{name}: {unjudged} of {made} claims were never judged"
    assert retiered <= 0.25 * (made + retiered), f"{name}: {retiered} claims on answers whose tier moved"
    for kind, c in counts.items():
        judged_n = c["true"] + c["false"] + c["unsure"]
        assert judged_n == 0 or c["true"] / judged_n >= 0.95, f"{name}: {kind} {c['true']}/{judged_n}"


def test_the_misconception_claim_is_said_only_of_poor_answers_and_quotes_them(
    graded: dict[str, list[tuple[dict[str, Any], Any]]],
) -> None:
    """Held to the rules of the red flags it is modelled on (readers judged it on hold-out G only)."""
    from mock_interviewer.offline.claims import MAX_MISCONCEPTIONS

    said: Counter[str] = Counter()
    for name, rows in graded.items():
        for row, found in rows:
            new = [c for c in found.claims if c.kind == "states_misconception"]
            said[found.tier] += len(new)
            assert len(new) <= MAX_MISCONCEPTIONS, (name, row["answer"][:60])
            for claim in new:
                assert claim.quotes and all(q.strip("…") in " ".join(row["answer"].split()) for q in claim.quotes)
                assert claim.text in found.explanation
    assert said["great"] == 0 and said["mediocre"] == 0 and said["poor"] > 100
