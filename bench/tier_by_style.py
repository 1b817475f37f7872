"""The offline grader's tiers per writing style, and how far irrelevant sentences move them.

    python bench/tier_by_style.py FILE.jsonl [FILE.jsonl ...]     # right tier per style, per file and overall
    python bench/tier_by_style.py --invariance FILE.jsonl [...]   # also: grades moved by an added irrelevant sentence
    python bench/tier_by_style.py --invariance --asides=tests/data/irrelevant_holdout2.txt FILE.jsonl   # other asides
    python bench/tier_by_style.py -v FILE.jsonl                   # plus each misgraded answer
    python bench/tier_by_style.py --invariance --moves FILE.jsonl  # plus each grade an aside moved

Each answer is graded by the offline backend through ``grader.grade_answer`` (the path of
``grade``, ``batch`` and ``calibrate``), so the overall figure of a file is the one
``calibrate --backend offline --no-exemplars --labelled FILE --json`` prints. A labelled line
may carry a ``style`` (the audit sets': seed, terse, star, non_native, other_route, wrong_words);
lines without one count as ``(none)``. Printed per style: right tier, and the two worst
mistakes, great graded poor and poor graded great.

``--invariance`` grades every answer again with each of ``IRRELEVANT`` (or the asides of
``--asides=FILE``, one per line) appended and prepended, and counts the answers whose tier (and,
separately, score) moved: a sentence that carries no substance should move nothing. Where the texts
the grader reads (injected instructions and sentences without substance taken out: the one claims are
read from and, since offline-v17, the one the tier weighs) are the same with the aside as without it,
the grade is the same (grading is deterministic), so only the others are graded again; ``read`` is how
many were.

The asides: ``IRRELEVANT`` (5, written with offline-v6), ``tests/data/irrelevant_dev.txt`` (30,
written for developing offline-v9), ``irrelevant_holdout.txt`` (30, v9's hold-out, then developed on
for v10), ``irrelevant_holdout2.txt`` (40, v10's hold-out), ``irrelevant_holdout3.txt`` (50, v11's
hold-out, read once for v10 and v11), ``irrelevant_holdout4.txt`` (60, v12's hold-out, read once for v11 and
v12), ``irrelevant_holdout5.txt`` (60, v13's hold-out, read once for v12 and v13), ``irrelevant_dev2.txt`` (150,
offline-v14 was developed on it), ``irrelevant_holdout6.txt`` (60, v14's hold-out, read once for v13 and v14),
``irrelevant_holdout7.txt`` (60, v15's hold-out, read once for v14 and v15), ``irrelevant_holdout8.txt`` (59, v16's
hold-out, read once for v15 and v16), ``irrelevant_holdout9.txt`` (50, v17's hold-out, read once for v16 and v17; ten lines
close to a line of an earlier set taken out unread), ``irrelevant_holdout10.txt`` (65, v18's hold-out, read once for v17 and
v18; five lines close to a line of an earlier set taken out unread), ``irrelevant_holdout11.txt`` (63, v19's hold-out, read once
for v18 and v19; seven lines close to a line of an earlier set taken out unread), ``irrelevant_holdout12.txt`` (65,
v20's hold-out, read once for v19 and v20; five taken out unread), ``irrelevant_holdout13.txt`` (65,
v21's hold-out, read once for v20 and v21; five taken out unread), ``irrelevant_holdout14.txt`` (66, v22's
hold-out, read once for v21 and v22; four taken out unread), ``irrelevant_holdout15.txt`` (65, v23's hold-out, read once for v22 and v23; one taken out unread),
``irrelevant_holdout16.txt`` (64, v24's hold-out, read once for v23 and v24; two taken out unread), ``irrelevant_holdout17.txt`` (63,
v25's hold-out, read once for v24 and v25; three taken out unread), ``irrelevant_holdout18.txt`` (61, v26's hold-out,
read once for v25 and v26; four taken out unread), ``irrelevant_holdout19.txt`` (56, the next version's hold-out, unread;
fourteen taken out unread). Every set but ``irrelevant_dev2.txt`` and
``irrelevant_holdout8.txt`` to ``irrelevant_holdout19.txt`` is training data for the aside model (``bench/fit_aside_model.py``), as is
``irrelevant_fit.txt`` (2,319: 1,086 for offline-v16, 656 for v22 and 577 for v25, written for fitting only, never measured on). Each set was written by a helper who saw only the questions.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections import defaultdict
from pathlib import Path

from mock_interviewer.backends.offline import OfflineBackend
from mock_interviewer.bank import load_bank
from mock_interviewer.config import Settings
from mock_interviewer.grader import grade_answer
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.grading import read_texts

IRRELEVANT = (
    "We also had a team lunch on Fridays.",
    "The office was close to the train station.",
    "My manager at the time liked to start meetings a few minutes late.",
    "I remember it was a rainy season that year.",
    "Our team had six people, and two of them had just joined from another company.",
)


async def _grades(backend: OfflineBackend, items: list[tuple[object, str]], settings: Settings) -> list[tuple[str, int]]:
    out = []
    for question, answer in items:
        graded = await grade_answer(backend, question, answer, settings)  # type: ignore[arg-type]
        out.append((graded.tier, graded.score))
    return out


_BACKEND = OfflineBackend()  # one, so the bank statistics are built once


def grades(items: list[tuple[object, str]]) -> list[tuple[str, int]]:
    return asyncio.run(_grades(_BACKEND, items, Settings()))


def read_text(context: OfflineContext, question: object, answer: str) -> tuple[str, str]:
    """The texts the offline grader reads of ``answer``: the one claims are read from, and the one the tier weighs."""
    _, text, weighed = read_texts(question, answer, context)  # type: ignore[arg-type]
    return text, weighed


def moved_by(
    items: list[tuple[object, str]], graded: list[tuple[str, int]], reads: list[tuple[str, str]], sentence: str, where: str, context: OfflineContext
) -> tuple[int, int, int, list[tuple[int, int, int]]]:
    """Of ``items`` with ``sentence`` added (``where``: append or prepend): tiers moved, scores moved, answers read anew,
    and each grade moved (the item's index, its score before and after). ``graded`` and ``reads`` are each item's grade
    and ``read_text``, taken once for every sentence tried."""
    changed = [(i, q, f"{a} {sentence}" if where == "append" else f"{sentence} {a}") for i, (q, a) in enumerate(items)]
    anew = [(i, q, a) for i, q, a in changed if read_text(context, q, a) != reads[i]]
    again = grades([(q, a) for _, q, a in anew])
    tiers = sum(graded[i][0] != g[0] for (i, _, _), g in zip(anew, again, strict=True))
    moves = [(i, graded[i][1], g[1]) for (i, _, _), g in zip(anew, again, strict=True) if graded[i][1] != g[1]]
    return tiers, len(moves), len(anew), moves


def _line(name: str, rows: list[tuple[str, str]]) -> str:
    right = sum(e == p for e, p in rows)
    g2p = sum(e == "great" and p == "poor" for e, p in rows)
    p2g = sum(e == "poor" and p == "great" for e, p in rows)
    share = f"{100 * right / len(rows):5.1f}%" if rows else "    –"
    return f"  {name:14s} {share} ({right:3d}/{len(rows):3d})   great→poor {g2p}   poor→great {p2g}"


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    invariance = "--invariance" in argv
    paths = [Path(a) for a in argv if not a.startswith("-")]
    asides_file = next((a.split("=", 1)[1] for a in argv if a.startswith("--asides=")), None)
    asides = IRRELEVANT if asides_file is None else tuple(t.strip() for t in Path(asides_file).read_text(encoding="utf-8").splitlines() if t.strip())
    context = OfflineContext.builtin()
    if not paths:
        print(__doc__)
        return 2
    bank = load_bank()
    overall: dict[str, list[tuple[str, str]]] = defaultdict(list)
    moved_tier = moved_score = trials = read_anew = 0
    by_sentence: dict[str, int] = defaultdict(int)
    for path in paths:
        lines = [(n, json.loads(t)) for n, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if t.strip()]
        items = [(bank.get(row["question_id"]), row["answer"]) for _, row in lines]
        graded = grades(items)
        by: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for (n, row), (tier, _) in zip(lines, graded, strict=True):
            style = row.get("style", "(none)")
            by[style].append((row["label"], tier))
            by["all"].append((row["label"], tier))
            overall[style].append((row["label"], tier))
            overall["all"].append((row["label"], tier))
            if verbose and tier != row["label"]:
                print(f"  miss {path.name}:{n} {row['question_id']} {style}: {row['label']} graded {tier}")
        print(f"{path.name}")
        for style in sorted(by, key=lambda s: (s == "all", s)):
            print(_line(style, by[style]))
        if invariance:
            reads = [read_text(context, q, a) for q, a in items]
            for sentence in asides:
                for where in ("append", "prepend"):
                    tiers, scores, anew, moves = moved_by(items, graded, reads, sentence, where, context)
                    for i, before, after in moves if "--moves" in argv else ():
                        print(f"  moved {path.name}:{lines[i][0]} {before}->{after} {where} {sentence[:70]}")
                    moved_tier += tiers
                    by_sentence[f"{where:7s} {sentence}"] += tiers
                    moved_score += scores
                    read_anew += anew
                    trials += len(items)
    if len(paths) > 1:
        print("all files")
        for style in sorted(overall, key=lambda s: (s == "all", s)):
            print(_line(style, overall[style]))
    if invariance:
        print(
            f"invariance: {len(asides)} irrelevant sentences x appended/prepended, {trials} gradings "
            f"({read_anew} read the aside): tier moved {moved_tier}, score moved {moved_score}"
        )
        for key, moved in sorted(by_sentence.items(), key=lambda kv: -kv[1]):
            if moved or asides is IRRELEVANT:
                print(f"  {moved:4d} tiers moved: {key}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
