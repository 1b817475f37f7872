"""Fit the offline grader's weights (the numbers in ``offline/grading.py``) and show how well they generalise.

    python bench/fit_offline_grader.py            # weights to paste, and their fit on the training data
    python bench/fit_offline_grader.py --cv       # plus leave-one-question-out accuracy on every set
    python bench/fit_offline_grader.py --cv -v    # plus each item the cross-validation misgrades

Two models, both pure Python (Newton's method; no numpy or scikit-learn needed):

1. *Substance*: an ordinal (cumulative-logit) logistic regression, one weighted sum of the
   ``MODEL_FEATURES`` and two thresholds (poor|mediocre, mediocre|great).
2. *Stance*: a binary logistic regression, trained on the answers that are not great, of
   "poor rather than mediocre" on the substance margin (substance minus the poor|mediocre
   threshold) and the ``STANCE_FEATURES``.

Both are fitted on every labelled development set (``tests/data/labelled_dev*.jsonl``) plus
the bank's own 177 exemplars at weight 0.2, each exemplar graded as an unseen answer (left out
of its own comparison texts). Features are standardised on the dev answers and penalised with
L2 (scikit-learn's C = 1/30): strong, so that answers unlike the dev sets are not misread.

``--cv`` holds out one question at a time (its dev answers and its three exemplars), fits both
models on the rest and grades the held-out answers through ``grading.decide`` (the guards
included), so the figures are those of a grader that never saw the question. The exemplar
figures are the honest "exemplars as unseen answers" measure (no copy-of-an-exemplar shortcut).

The hold-out sets (``labelled_holdout*.jsonl``) are never read here.
"""

from __future__ import annotations

import json
import math
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from mock_interviewer.bank import TIERS, load_bank
from mock_interviewer.injection import strip_injection
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.features import Features, features
from mock_interviewer.offline.grading import MODEL_FEATURES, STANCE_FEATURES, Weights, decide, stance_odds, weigh

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
DEV_NAMES = ("labelled_dev.jsonl", "labelled_dev_offline.jsonl", "labelled_dev2.jsonl")
RANK = {"poor": 0, "mediocre": 1, "great": 2}
NAMES = ("poor", "mediocre", "great")
EXEMPLAR_WEIGHT = 0.2
L2 = 30.0  # penalty on the standardised weights (scikit-learn's C = 1/30): strong, measured best of 3, 10, 30


@dataclass
class Row:
    source: str  # a dev file's name, or "exemplars"
    where: str  # file:line, or question id and tier
    question_id: str
    label: int
    weight: float
    found: Features
    note: str = ""


def load_rows() -> list[Row]:
    bank = load_bank()
    context = OfflineContext(questions=dict(bank.questions))
    rows = []
    for name in DEV_NAMES:
        path = DATA / name
        if not path.exists():
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            item = json.loads(line)
            question = bank.get(item["question_id"])
            found = features(question, strip_injection(item["answer"]) or item["answer"], context)
            rows.append(Row(name, f"{name}:{n}", question.id, RANK[item["label"]], 1.0, found, item.get("note", "")))
    for question in bank:
        for tier in TIERS:
            found = features(question, question.exemplars.get(tier), context)
            rows.append(Row("exemplars", f"{question.id} {tier}", question.id, RANK[tier], EXEMPLAR_WEIGHT, found))
    return rows


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Solve a x = b by Gaussian elimination with partial pivoting (a is small and positive definite)."""
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            for c in range(col, n + 1):
                m[r][c] -= f * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


def _newton(rows: list[tuple[list[float], float, float]], penalised: int, iterations: int = 30) -> list[float]:
    """Penalised logistic regression on (x, target, weight) rows; the first ``penalised`` weights carry L2."""
    d = len(rows[0][0])
    theta = [0.0] * d
    for _ in range(iterations):
        grad = [L2 * theta[j] if j < penalised else 0.0 for j in range(d)]
        hess = [[(L2 if (i == j and i < penalised) else 0.0) for j in range(d)] for i in range(d)]
        for x, target, sw in rows:
            z = max(min(sum(a * b for a, b in zip(theta, x, strict=True)), 30.0), -30.0)
            p = 1.0 / (1.0 + math.exp(-z))
            err, curv = (p - target) * sw, p * (1.0 - p) * sw
            for i in range(d):
                if x[i] == 0.0:
                    continue
                grad[i] += err * x[i]
                ci = curv * x[i]
                row = hess[i]
                for j in range(d):
                    row[j] += ci * x[j]
        step = _solve(hess, grad)
        theta = [a - b for a, b in zip(theta, step, strict=True)]
        if max(abs(v) for v in step) < 1e-9:
            break
    return theta


def fit_ordinal(xs: list[list[float]], ys: list[int], ws: list[float]) -> tuple[list[float], float, float]:
    """Cumulative-logit ordinal regression, P(y >= k) = sigmoid(w.x - t_k): two stacked binary rows per answer."""
    rows = []
    for x, y, sw in zip(xs, ys, ws, strict=True):
        rows.append(([*x, 1.0, 0.0], 1.0 if y >= 1 else 0.0, sw))
        rows.append(([*x, 0.0, 1.0], 1.0 if y >= 2 else 0.0, sw))
    theta = _newton(rows, penalised=len(xs[0]))
    d = len(xs[0])
    return theta[:d], -theta[d], -theta[d + 1]


def fit_binary(xs: list[list[float]], ys: list[int], ws: list[float]) -> tuple[list[float], float]:
    theta = _newton([([*x, 1.0], float(y), w) for x, y, w in zip(xs, ys, ws, strict=True)], penalised=len(xs[0]))
    return theta[:-1], theta[-1]


def _spread(columns: list[list[float]]) -> tuple[list[float], list[float]]:
    means = [sum(c) / len(c) for c in columns]
    sds = [math.sqrt(sum((v - m) ** 2 for v in c) / len(c)) or 1.0 for c, m in zip(columns, means, strict=True)]
    return means, sds


def fit(rows: list[Row]) -> Weights:
    """Both models on ``rows``, returned in raw feature units (what ``grading.py`` holds)."""
    dev = [r for r in rows if r.source != "exemplars"]
    means, sds = _spread([[r.found[f] for r in dev] for f in MODEL_FEATURES])
    z = [[(r.found[f] - m) / s for f, m, s in zip(MODEL_FEATURES, means, sds, strict=True)] for r in rows]
    w, t1, t2 = fit_ordinal(z, [r.label for r in rows], [r.weight for r in rows])
    model = {f: (wi / s, m) for f, wi, m, s in zip(MODEL_FEATURES, w, means, sds, strict=True)}
    partial = Weights(model, (t1, t2), {}, 0.0, 0.0)
    below = [r for r in rows if r.label < 2]
    margins = [weigh(r.found.values, partial)[0] - t1 for r in below]
    smeans, ssds = _spread([[r.found[f] for r in below if r.source != "exemplars"] for f in STANCE_FEATURES])
    xs = [
        [margin, *((r.found[f] - m) / s for f, m, s in zip(STANCE_FEATURES, smeans, ssds, strict=True))]
        for r, margin in zip(below, margins, strict=True)
    ]
    wb, bias = fit_binary(xs, [1 if r.label == 0 else 0 for r in below], [r.weight for r in below])
    stance = {f: (wi / s, m) for f, wi, m, s in zip(STANCE_FEATURES, wb[1:], smeans, ssds, strict=True)}
    return Weights(model, (t1, t2), stance, wb[0], bias)


def grade(row: Row, weights: Weights) -> int:
    substance = weigh(row.found.values, weights)[0]
    odds = stance_odds(row.found.values, substance, weights)[0]
    score = decide(row.found, substance, odds, weights)[0]
    return 2 if score >= 4 else 1 if score == 3 else 0


def report(rows: list[Row], predicted: list[int], title: str) -> None:
    print(title)
    by: dict[str, list[tuple[Row, int]]] = defaultdict(list)
    for row, p in zip(rows, predicted, strict=True):
        by[row.source].append((row, p))
    for source, items in by.items():
        right = sum(p == r.label for r, p in items)
        matrix = [[sum(1 for r, p in items if r.label == e and p == g) for g in (2, 1, 0)] for e in (2, 1, 0)]
        poor_great = matrix[2][0]
        line = f"  {source:28s} {right:3d}/{len(items):3d} = {right / len(items):.3f}   poor graded great: {poor_great}"
        print(line + f"   confusion (rows expected, cols graded; great/mediocre/poor): {matrix}")
        if source == "exemplars":
            per = ", ".join(f"{NAMES[t]} {matrix[2 - t][2 - t]}/{sum(matrix[2 - t])}" for t in (2, 1, 0))
            print(f"  {'':28s} per tier: {per}")
    dev = [(r, p) for r, p in zip(rows, predicted, strict=True) if r.source != "exemplars"]
    right = sum(p == r.label for r, p in dev)
    print(f"  {'all dev sets':28s} {right:3d}/{len(dev):3d} = {right / len(dev):.3f}")


def cross_validate(rows: list[Row], verbose: bool) -> list[int]:
    predicted = [0] * len(rows)
    for question_id in sorted({r.question_id for r in rows}):
        weights = fit([r for r in rows if r.question_id != question_id])
        for i, row in enumerate(rows):
            if row.question_id == question_id:
                predicted[i] = grade(row, weights)
    if verbose:
        for row, p in zip(rows, predicted, strict=True):
            if p != row.label:
                note = f" ({row.note})" if row.note else ""
                print(f"  miss: {row.where} {row.question_id}: {NAMES[row.label]} graded {NAMES[p]}{note}")
    return predicted


def main() -> None:
    rows = load_rows()
    counts = defaultdict(int)
    for row in rows:
        counts[row.source] += 1
    print("rows: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if "--cv" in sys.argv:
        report(rows, cross_validate(rows, "-v" in sys.argv), "leave-one-question-out (each question never seen by its fit):")
    weights = fit(rows)
    print("MODEL: dict[str, tuple[float, float]] = {")
    for name, (w, m) in weights.model.items():
        print(f'    "{name}": ({w:.4f}, {m:.4f}),')
    print("}")
    print(f"THRESHOLDS = ({weights.thresholds[0]:.4f}, {weights.thresholds[1]:.4f})")
    print("STANCE: dict[str, tuple[float, float]] = {")
    for name, (w, m) in weights.stance.items():
        print(f'    "{name}": ({w:.4f}, {m:.4f}),')
    print("}")
    print(f"STANCE_MARGIN = {weights.stance_margin:.4f}")
    print(f"STANCE_BIAS = {weights.stance_bias:.4f}")
    report(rows, [grade(r, weights) for r in rows], "fit on everything (training accuracy, optimistic):")


if __name__ == "__main__":
    main()
