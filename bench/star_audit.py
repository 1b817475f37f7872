"""The STAR audit: is what ``star.py`` calls a situation or an action of the candidate one, as a reader judges?

    python bench/star_audit.py

tests/data/star_audit.jsonl holds every situation and action ``star.py`` finds in the behavioural answers
of two answer sets written by other people (audit_holdout.jsonl and labelled_holdout6_spoken.jsonl), each
judged by a reader (``reader_agrees``, with a note when false). The patterns were shaped on other sets
(audit_dev, audit_dev2, labelled_holdout to labelled_holdout5, labelled_dev, labelled_dev2), read in
three rounds; these two were read once, after the last change. Results (the R of STAR) are not detected:
on the second round the result patterns were right 4 times in 7.

The detectors run again on the same answers: a detection no reader judged is *unjudged* and fails the
run. Exit status 1 when precision is under 95% or anything is unjudged.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from mock_interviewer.bank import load_bank
from mock_interviewer.star import star_parts

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
AUDIT = DATA / "star_audit.jsonl"
BAR = 0.95


def main() -> int:
    judged = {}
    for line in AUDIT.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        judged[(item["source"], item["line"], item["start"], item["end"], item["part"])] = bool(item["reader_agrees"])
    behavioural = {q.id for q in load_bank() if q.category == "behavioral"}
    counts: Counter[tuple[str, bool]] = Counter()
    unjudged = []
    for source in sorted({key[0] for key in judged}):
        for number, line in enumerate((DATA / source).read_text(encoding="utf-8").splitlines(), 1):
            item = json.loads(line)
            if item["question_id"] not in behavioural:
                continue
            for part in star_parts(item["answer"]):
                key = (source, number, part.start, part.end, part.part)
                if key in judged:
                    counts[(part.part, judged[key])] += 1
                else:
                    unjudged.append(key)
    print(f"{'part':<10} {'found':>6} {'agreed':>7} {'precision':>10}")
    total_found = total_agreed = 0
    for part in ("situation", "action"):
        agreed, found = counts[(part, True)], counts[(part, True)] + counts[(part, False)]
        total_found, total_agreed = total_found + found, total_agreed + agreed
        print(f"{part:<10} {found:>6} {agreed:>7} {agreed / found if found else float('nan'):>10.1%}")
    precision = total_agreed / total_found if total_found else 0.0
    print(f"{'all':<10} {total_found:>6} {total_agreed:>7} {precision:>10.1%}")
    print(f"unjudged detections: {len(unjudged)}")
    for key in unjudged[:20]:
        print("  unjudged:", key)
    return 0 if precision >= BAR and not unjudged else 1


if __name__ == "__main__":
    sys.exit(main())
