"""The delivery audit: is what ``delivery.py`` calls a filler or a hedge one, as a reader judges?

    python bench/delivery_audit.py

tests/data/delivery_audit.jsonl holds every filler and hedge the detectors found in answers written by
other people (the answer sets in tests/data), each judged by a reader: ``reader_agrees`` true or false,
with a note when false. The *development* split is the answers the patterns were shaped on (every
detection there was read while writing them); the *audit* split is answers not read while writing
them, judged once the patterns were set (one change came after that reading: a quoting "like", as in
'Like, "in the last three designs…"', is no longer counted; before it the audit stood at 24 of 27).

The *independent* split is 45 transcribed spoken answers (tests/data/delivery_spoken_holdout.jsonl) by a
writer who saw only the questions and exemplars, written after the patterns were set, each detection judged
by a reader who wrote neither the detectors nor the answers (2026-12-06); nothing was changed after it was read.

The detectors run again on the same answers: a detection no reader judged is *unjudged*, and the run
fails (judge it and add it to the file); a judged detection no longer found is listed as *dropped*.
Exit status 1 when the audit or independent split's precision is under 95% or anything is unjudged.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from mock_interviewer.delivery import find_all

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
AUDIT = DATA / "delivery_audit.jsonl"
BAR = 0.95


def load_judged() -> dict[tuple[str, int, int, int, str], dict[str, object]]:
    judged = {}
    for line in AUDIT.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        judged[(item["source"], item["line"], item["start"], item["end"], item["label"])] = item
    return judged


def detections(sources: set[str]) -> list[tuple[str, int, int, int, str, str]]:
    found = []
    for source in sorted(sources):
        for number, line in enumerate((DATA / source).read_text(encoding="utf-8").splitlines(), 1):
            answer = json.loads(line)["answer"]
            found += [(source, number, f.start, f.end, f.label, f.kind) for f in find_all(answer)]
    return found


def main() -> int:
    judged = load_judged()
    split_of = {key[0]: str(item["split"]) for key, item in judged.items()}
    seen: set[tuple[str, int, int, int, str]] = set()
    counts: Counter[tuple[str, str, str]] = Counter()
    unjudged = []
    for source, number, start, end, label, kind in detections(set(split_of)):
        key = (source, number, start, end, label)
        seen.add(key)
        if key not in judged:
            unjudged.append(key)
            continue
        verdict = "agrees" if judged[key]["reader_agrees"] else "disagrees"
        counts[(split_of[source], kind, verdict)] += 1
    print(f"{'split':<12} {'kind':<7} {'found':>6} {'agreed':>7} {'precision':>10}")
    failed = bool(unjudged)
    for split in ("development", "audit", "independent"):
        for kind in ("filler", "hedge", "all"):
            kinds = ("filler", "hedge") if kind == "all" else (kind,)
            agreed = sum(counts[(split, k, "agrees")] for k in kinds)
            found = agreed + sum(counts[(split, k, "disagrees")] for k in kinds)
            precision = agreed / found if found else float("nan")
            print(f"{split:<12} {kind:<7} {found:>6} {agreed:>7} {precision:>10.1%}")
            if split != "development" and kind == "all" and not precision >= BAR:
                failed = True
    dropped = [key for key in judged if key not in seen]
    print(f"unjudged detections: {len(unjudged)}; judged detections no longer found: {len(dropped)}")
    for key in unjudged[:20]:
        print("  unjudged:", key)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
