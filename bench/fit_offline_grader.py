"""Fit the offline grader's weights (the numbers in ``offline/grading.py``) and show how well they generalise.

    python bench/fit_offline_grader.py            # weights + leave-one-question-out accuracy on the dev set

The model is an ordinal logistic regression: one weighted sum of the named features of
``offline/features.py`` (the "substance score") and two thresholds (poor|mediocre,
mediocre|great). It is fitted on the labelled development set plus the bank's own 177
exemplars (at weight 0.2, so the bank's anchors count but the dev set's answers, written
like real candidates, dominate). Pure Python: no numpy or scikit-learn needed.

The hold-out set is never read here.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from mock_interviewer.bank import TIERS, load_bank
from mock_interviewer.injection import strip_injection
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.features import features
from mock_interviewer.offline.grading import MODEL_FEATURES

ROOT = Path(__file__).resolve().parent.parent
DEV_FILES = (ROOT / "tests" / "data" / "labelled_dev.jsonl", ROOT / "tests" / "data" / "labelled_dev_offline.jsonl")
RANK = {"poor": 0, "mediocre": 1, "great": 2}
EXEMPLAR_WEIGHT = 0.2
L2 = 1.0 / 0.1  # penalty on the standardised weights (scikit-learn's C=0.1): strong, for answers unlike the dev set


def load_rows() -> tuple[list[tuple[str, list[float], int, float]], list[str]]:
    """(group, answer features..., label, sample weight) for dev answers and exemplars."""
    bank = load_bank()
    context = OfflineContext(questions=dict(bank.questions))
    rows = []
    lines = [
        (f"{path.name}:{n}", line)
        for path in DEV_FILES
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.strip()
    ]
    where = []
    for place, line in lines:
        where.append(place)
        item = json.loads(line)
        question = bank.get(item["question_id"])
        values = features(question, strip_injection(item["answer"]), context).values
        rows.append((question.id, [values[f] for f in MODEL_FEATURES], RANK[item["label"]], 1.0))
    for question in bank:
        for tier in TIERS:
            values = features(question, question.exemplars.get(tier), context).values
            rows.append((question.id, [values[f] for f in MODEL_FEATURES], RANK[tier], EXEMPLAR_WEIGHT))
    return rows, where


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


def fit(xs: list[list[float]], ys: list[int], ws: list[float], iterations: int = 25) -> tuple[list[float], float, float]:
    """Cumulative-logit ordinal regression, P(y >= k) = sigmoid(w.x - t_k), fitted by Newton's method.

    Each answer gives two binary rows (is it at least mediocre? at least great?) sharing the
    weights w, with L2 penalty L2/2 * |w|^2 (thresholds unpenalised), as scikit-learn's
    LogisticRegression(C=0.1) would fit the stacked rows.
    """
    d = len(xs[0])
    theta = [0.0] * (d + 2)  # w..., then -t1, -t2
    rows = []
    for x, y, sw in zip(xs, ys, ws, strict=True):
        rows.append(([*x, 1.0, 0.0], 1.0 if y >= 1 else 0.0, sw))
        rows.append(([*x, 0.0, 1.0], 1.0 if y >= 2 else 0.0, sw))
    for _ in range(iterations):
        grad = [L2 * theta[j] if j < d else 0.0 for j in range(d + 2)]
        hess = [[(L2 if (i == j and i < d) else 0.0) for j in range(d + 2)] for i in range(d + 2)]
        for x, target, sw in rows:
            z = sum(a * b for a, b in zip(theta, x, strict=True))
            p = 1.0 / (1.0 + math.exp(-z))
            err, curv = (p - target) * sw, p * (1.0 - p) * sw
            for i in range(d + 2):
                if x[i] == 0.0:
                    continue
                grad[i] += err * x[i]
                ci = curv * x[i]
                row = hess[i]
                for j in range(d + 2):
                    row[j] += ci * x[j]
        step = _solve(hess, grad)
        theta = [a - b for a, b in zip(theta, step, strict=True)]
        if max(abs(v) for v in step) < 1e-9:
            break
    return theta[:d], -theta[d], -theta[d + 1]


def standardise(rows: list[list[float]], dev_count: int) -> tuple[list[float], list[float]]:
    """Means and spreads from the dev answers (the population the grader meets)."""
    cols = list(zip(*rows[:dev_count], strict=True))
    means = [sum(c) / len(c) for c in cols]
    sds = [math.sqrt(sum((v - m) ** 2 for v in c) / len(c)) or 1.0 for c, m in zip(cols, means, strict=True)]
    return means, sds


def predict(w: list[float], t1: float, t2: float, x: list[float]) -> int:
    z = sum(a * b for a, b in zip(w, x, strict=True))
    return 2 if z >= t2 else 1 if z >= t1 else 0


def main() -> None:
    rows, lines_of = load_rows()
    dev_count = sum(1 for r in rows if r[3] == 1.0)
    means, sds = standardise([r[1] for r in rows], dev_count)
    z = [[(v - m) / s for v, m, s in zip(r[1], means, sds, strict=True)] for r in rows]
    ys = [r[2] for r in rows]
    ws = [r[3] for r in rows]
    groups = [r[0] for r in rows]
    if "--cv" in sys.argv:
        right = wrong_poor_great = 0
        for question_id in sorted(set(groups[:dev_count])):
            train = [i for i, g in enumerate(groups) if g != question_id]
            w, t1, t2 = fit([z[i] for i in train], [ys[i] for i in train], [ws[i] for i in train])
            for i, g in enumerate(groups):
                if g != question_id:
                    continue
                p = predict(w, t1, t2, z[i])
                if i < dev_count:
                    right += p == ys[i]
                    wrong_poor_great += ys[i] == 0 and p == 2
                    if p != ys[i] and "-v" in sys.argv:
                        names = ("poor", "mediocre", "great")
                        print(f"  {g} line {lines_of[i]}: {names[ys[i]]} graded {names[p]}")
        print(f"leave-one-question-out on the dev set: {right}/{dev_count} = {right / dev_count:.3f}; "
              f"poor graded great: {wrong_poor_great}")
    w, t1, t2 = fit(z, ys, ws)
    # back to raw feature units: score = sum(weight * (value - mean))
    print("MODEL = {")
    for name, wi, m, s in zip(MODEL_FEATURES, w, means, sds, strict=True):
        print(f'    "{name}": ({wi / s:.4f}, {m:.4f}),')
    print("}")
    print(f"THRESHOLDS = ({t1:.4f}, {t2:.4f})")
    train_right = sum(predict(w, t1, t2, z[i]) == ys[i] for i in range(dev_count))
    print(f"dev accuracy with these weights (training fit): {train_right}/{dev_count}")


if __name__ == "__main__":
    main()
