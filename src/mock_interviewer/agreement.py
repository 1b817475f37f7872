"""Agreement statistics on an ordered scale: quadratic-weighted kappa, Krippendorff's alpha, bootstrap intervals.

Pure functions over integers (tiers as 1-3, or scores 1-5), in pure Python: the only library that
computes Krippendorff's alpha well (``krippendorff``) needs numpy, 73 MB installed and 60-120 ms of
import here, for a sum over a small coincidence matrix; scikit-learn's ``cohen_kappa_score`` would
add scipy and scikit-learn on top (see the README's design notes). Both statistics are checked in
``tests/test_agreement.py`` against published worked examples and against independent reference
formulas.

- **Quadratic-weighted kappa** (Cohen 1968) between two raters over the same items: 1 is perfect
  agreement, 0 what chance gives, negative worse than chance. Disagreements cost the square of
  their distance on the scale, so great-vs-poor costs four times great-vs-mediocre.
- **Krippendorff's alpha** over any number of raters, with missing ratings (Krippendorff 2011,
  "Computing Krippendorff's Alpha-Reliability"): 1 - observed / expected disagreement, computed from
  the coincidence matrix of the values paired within each item. ``ordinal`` is the metric used for
  tiers and scores; ``nominal`` and ``interval`` exist so the published examples can be checked.
- **Bootstrap intervals**: items resampled with replacement, ``rounds`` times, from a seeded
  generator (the same data and seed give the same interval), and the 2.5th and 97.5th percentiles.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Literal, TypeVar

Metric = Literal["nominal", "ordinal", "interval"]
Coincidences = dict[tuple[int, int], float]
Unit = TypeVar("Unit")

BOOTSTRAP_ROUNDS = 1000
CONFIDENCE = 0.95


def quadratic_weighted_kappa(a: Sequence[int], b: Sequence[int], categories: Sequence[int]) -> float | None:
    """Cohen's kappa with quadratic weights between ratings ``a`` and ``b`` of the same items.

    ``categories``: the scale, in order (unused values do not change the result). None when there
    is nothing to compare; 1.0 when every rating of both raters is one and the same value.
    """
    n = len(a)
    if n == 0 or len(b) != n:
        return None
    index = {value: i for i, value in enumerate(categories)}
    k = len(categories)
    observed = Counter((index[x], index[y]) for x, y in zip(a, b, strict=True))
    rows = Counter(index[x] for x in a)
    cols = Counter(index[y] for y in b)
    num = sum(w * (i - j) ** 2 for (i, j), w in observed.items())
    den = sum(rows[i] * cols[j] * (i - j) ** 2 for i in range(k) for j in range(k)) / n
    if den == 0:
        return 1.0 if num == 0 else 0.0
    return 1.0 - num / den


def coincidences(values: Sequence[int]) -> Coincidences:
    """One unit's part of Krippendorff's coincidence matrix: each ordered pair of its values, weighted 1/(m-1).

    Empty for a unit with fewer than two values (a value no one else rated is not pairable).
    """
    matrix: Coincidences = {}
    m = len(values)
    for i, x in enumerate(values):
        for j, y in enumerate(values):
            if i != j:
                matrix[(x, y)] = matrix.get((x, y), 0.0) + 1 / (m - 1)
    return matrix


def add_coincidences(parts: Iterable[Coincidences]) -> Coincidences:
    total: Coincidences = {}
    for part in parts:
        for pair, weight in part.items():
            total[pair] = total.get(pair, 0.0) + weight
    return total


def _distance(metric: Metric, marginals: dict[int, float]) -> Callable[[int, int], float]:
    values = sorted(marginals)

    def ordinal(c: int, k: int) -> float:
        low, high = min(c, k), max(c, k)
        between = sum(marginals[g] for g in values if low <= g <= high)
        return (between - (marginals[c] + marginals[k]) / 2) ** 2

    if metric == "nominal":
        return lambda c, k: 0.0 if c == k else 1.0
    if metric == "interval":
        return lambda c, k: float((c - k) ** 2)
    return ordinal


def krippendorff_alpha(units: Sequence[Sequence[int]], metric: Metric = "ordinal") -> float | None:
    """Krippendorff's alpha over ``units`` (each the values the raters gave one item; missing ones left out).

    None when fewer than two values are pairable or every pairable value is the same (no expected
    disagreement: alpha is not defined there).
    """
    return alpha_from_coincidences(add_coincidences(coincidences(unit) for unit in units), metric)


def alpha_from_coincidences(matrix: Coincidences, metric: Metric = "ordinal") -> float | None:
    """Alpha from a coincidence matrix (summed over the units, ``add_coincidences``)."""
    marginals: dict[int, float] = {}
    for (c, _k), weight in matrix.items():
        marginals[c] = marginals.get(c, 0.0) + weight
    n = sum(marginals.values())
    if n < 2:
        return None
    delta = _distance(metric, marginals)
    observed = sum(weight * delta(c, k) for (c, k), weight in matrix.items())
    expected = sum(marginals[c] * marginals[k] * delta(c, k) for c in marginals for k in marginals) / (n - 1)
    if expected == 0:
        return None
    return 1.0 - observed / expected


def bootstrap_interval(
    units: Sequence[Unit],
    statistic: Callable[[Sequence[Unit]], float | None],
    *,
    rounds: int = BOOTSTRAP_ROUNDS,
    seed: int = 0,
) -> tuple[float, float] | None:
    """The percentile interval of ``statistic`` over ``rounds`` resamples of ``units`` (None when undefined)."""
    if len(units) < 2 or rounds < 1:
        return None
    generator = random.Random(seed)
    found = []
    for _ in range(rounds):
        sample = generator.choices(units, k=len(units))
        value = statistic(sample)
        if value is not None:
            found.append(value)
    if len(found) < rounds / 2:  # undefined in most resamples: no honest interval
        return None
    found.sort()
    tail = (1 - CONFIDENCE) / 2
    low = found[int(tail * (len(found) - 1))]
    high = found[round((1 - tail) * (len(found) - 1))]
    return low, high
