"""The claims audit: is what the offline grader says about an answer true, as a reader who did not write it judges?

    python bench/claims_audit.py                      # precision per claim type, helpfulness, tiers by style
    python bench/claims_audit.py --set holdout        # one audit set only (dev or holdout)
    python bench/claims_audit.py --dump OUT.jsonl ANSWERS.jsonl ...   # the claims to judge, for readers

The audit sets are answers written by helpers who saw only the questions and exemplars, in six
styles (the seed documents' run-on lower case, terse, story-told, non-native English, a different
valid route than the great exemplar, the great exemplar's words used wrongly). Readers who did
not write the detectors judged every claim the grader made on them (``claims_judged_*.jsonl``:
true, false or unsure; unsure counts against the claim) and every grade's feedback as a whole
(helpful, misleading or confusing).

Precision is measured on the claims as they were judged. The grader is then run again: a claim it
makes now that no reader judged is counted as unjudged (it is not evidence either way), and a claim
judged false that it still makes is listed, so a change that brings one back is seen. A claim type
shipped while it awaits its first reader audit (``claims.AWAITING_AUDIT``) is marked "awaiting": all
its claims are unjudged until readers judge a dump of them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from mock_interviewer.bank import load_bank
from mock_interviewer.grade_model import Claim
from mock_interviewer.offline.claims import AWAITING_AUDIT, SHIPPED
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.explain import offline_verdict
from mock_interviewer.offline.grading import assess

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
SETS = {
    "dev": ["audit_dev.jsonl"],  # tuned on: the detectors and the rules of when to claim were shaped here
    "dev2": ["audit_dev2.jsonl"],  # read once as offline-v4's first hold-out, then tuned on
    "holdout": ["audit_holdout.jsonl"],  # offline-v4's hold-out: written after v4 was frozen, read once
    "holdout_c": ["audit_holdout_c.jsonl"],  # offline-v5's hold-out: written after v5 was frozen, read once
    "holdout_d": ["audit_holdout_d.jsonl"],  # offline-v6's hold-out: written after v6 was frozen, read once
    "holdout_e": ["audit_holdout_e.jsonl"],  # offline-v7's hold-out: written after v7 was frozen, read once
    "holdout_f": ["audit_holdout_f.jsonl"],  # offline-v8's hold-out: written while v8 was built, never seen by it, read once
    "holdout_g": ["audit_holdout_g.jsonl"],  # offline-v9's hold-out: written while v9 was built, never seen by it, read once
    "holdout_h": ["audit_holdout_h.jsonl"],  # offline-v11's hold-out: written after v11 was frozen, read once (with 184 new misconceptions)
}
PRECISION_BAR = 0.95
HELPFUL_BAR = 0.90


def answer_id(question_id: str, answer: str) -> str:
    return hashlib.sha1(f"{question_id}\n{answer}".encode()).hexdigest()[:12]


def claim_key(answer: str, claim: Claim | dict[str, Any]) -> tuple[str, str, str]:
    data = claim if isinstance(claim, dict) else claim.model_dump()
    return (answer, str(data["kind"]), str(data.get("subject") or ""))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def grade_rows(rows: list[dict[str, Any]]) -> list[tuple[dict[str, Any], Any]]:
    bank = load_bank()
    context = OfflineContext.builtin()
    out = []
    for row in rows:
        question = bank.get(row["question_id"])
        out.append((row, offline_verdict(assess(question, row["answer"], context), row["answer"], context)))
    return out


def wilson(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return 0.0, 1.0
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def dump(out: Path, answer_files: list[Path]) -> None:
    """Write every claim and every grade the grader makes on these answers, for readers to judge."""
    rows = [row for path in answer_files for row in read_jsonl(path)]
    lines = []
    for row, found in grade_rows(rows):
        ident = answer_id(row["question_id"], row["answer"])
        lines.append(
            {
                "type": "grade",
                "answer_id": ident,
                "question_id": row["question_id"],
                "answer": row["answer"],
                "tier": found.tier,
                "score": found.score,
                "explanation": found.explanation,
                "strengths": found.strengths,
                "gaps": [g.model_dump() for g in found.gaps],
            }
        )
        for number, claim in enumerate(found.claims, start=1):
            lines.append({"type": "claim", "answer_id": ident, "claim_id": f"{ident}-{number}", **claim.model_dump()})
    out.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    print(f"wrote {out}: {sum(1 for x in lines if x['type'] == 'grade')} grades, {sum(1 for x in lines if x['type'] == 'claim')} claims")


def report(names: list[str]) -> int:
    failing = 0
    for name in names:
        answers = [row for file in SETS[name] for row in read_jsonl(DATA / file)]
        judged_path = DATA / f"claims_judged_{name}.jsonl"
        judged = read_jsonl(judged_path) if judged_path.exists() else []
        by_id = {answer_id(r["question_id"], r["answer"]): r["answer"] for r in answers}
        verdicts = {}
        helpful: Counter[str] = Counter()
        for item in judged:
            if item["type"] == "claim":
                verdicts[claim_key(by_id.get(item["answer_id"], item["answer_id"]), item)] = item["verdict"]
            else:
                helpful[item["verdict"]] += 1
        graded = grade_rows(answers)
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        still_false = []
        for row, found in graded:
            for claim in found.claims:
                got = verdicts.get(claim_key(row["answer"], claim), "unjudged")
                counts[claim.kind][got] += 1
                if got == "false":
                    still_false.append((row["question_id"], claim.text))
        print(f"\n== {name}: {len(answers)} answers, {len(judged)} judgements ({judged_path.name})")
        print(f"{'claim type':20} {'shipped':>8} {'judged':>6} {'true':>5} {'precision':>9}  {'95% CI':>13} {'unjudged':>8}")
        for kind in sorted(counts, key=lambda k: -sum(counts[k].values())):
            c = counts[kind]
            n = c["true"] + c["false"] + c["unsure"]
            precision = c["true"] / n if n else float("nan")
            low, high = wilson(c["true"], n)
            ok = kind in SHIPPED
            shipped = "awaiting" if kind in AWAITING_AUDIT else "yes" if ok else "no"
            mark = "" if not n or precision >= PRECISION_BAR else "  < bar"
            if ok and n and precision < PRECISION_BAR:
                failing += 1
            print(
                f"{kind:20} {shipped:>8} {n:6d} {c['true']:5d} {precision:9.1%}  [{low:5.1%}, {high:5.1%}] {c['unjudged']:8d}{mark}"
            )
        total = sum(helpful.values())
        if total:
            share = helpful["helpful"] / total
            below = "  < bar" if share < HELPFUL_BAR else ""
            print(
                f"feedback judged helpful, as it read when judged: {helpful['helpful']}/{total} = {share:.1%} "
                f"(misleading {helpful['misleading']}, confusing {helpful['confusing']}){below}"
            )
        for qid, text in still_false[:10]:
            print(f"  still made, judged false: {qid}: {text}")
        tiers(graded)
    return failing


def tiers(graded: list[tuple[dict[str, Any], Any]]) -> None:
    """Tier accuracy per writing style, and the two mistakes that mislead most."""
    by_style: dict[str, list[bool]] = defaultdict(list)
    worst = Counter()
    for row, found in graded:
        by_style[row.get("style", "?")].append(found.tier == row["label"])
        by_style["all"].append(found.tier == row["label"])
        if {row["label"], found.tier} == {"great", "poor"}:
            worst[f"{row['label']} graded {found.tier}"] += 1
    print("tier in the right place, by style:")
    for style, hits in sorted(by_style.items(), key=lambda kv: kv[0] == "all"):
        print(f"  {style:12} {sum(hits):4d}/{len(hits):<4d} {sum(hits) / len(hits):6.1%}")
    print(f"  great graded poor: {worst['great graded poor']}; poor graded great: {worst['poor graded great']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=sorted(SETS), action="append", help="audit set(s) to report (default: all)")
    parser.add_argument("--dump", type=Path, help="write the claims to judge for these answer files")
    parser.add_argument("answers", nargs="*", type=Path)
    args = parser.parse_args()
    if args.dump:
        dump(args.dump, args.answers)
        return
    failing = report(args.set or sorted(SETS))
    print(f"\nshipped claim types under {PRECISION_BAR:.0%} precision: {failing}")
    sys.exit(1 if failing else 0)


if __name__ == "__main__":
    main()
