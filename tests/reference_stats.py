"""Reference formulas for the agreement tests: the textbook definitions, written independently of ``agreement.py``."""

from __future__ import annotations

from collections import Counter


def reference_ordinal_alpha(units: list[list[int]]) -> float:
    """Krippendorff's definition over pairable values, without a coincidence matrix: 1 - D_o / D_e."""
    pairable = [u for u in units if len(u) >= 2]
    values = [v for u in pairable for v in u]
    n = len(values)
    counts = Counter(values)

    def delta(c: int, k: int) -> float:
        low, high = min(c, k), max(c, k)
        return (sum(counts[g] for g in counts if low <= g <= high) - (counts[c] + counts[k]) / 2) ** 2

    observed = sum(
        sum(delta(x, y) for i, x in enumerate(u) for j, y in enumerate(u) if i != j) / (len(u) - 1) for u in pairable
    ) / n
    expected = sum(delta(x, y) for i, x in enumerate(values) for j, y in enumerate(values) if i != j) / (n * (n - 1))
    return 1 - observed / expected


def reference_qwk(a: list[int], b: list[int]) -> float:
    """Quadratic kappa as 1 - the mean squared difference of paired ratings over that of all cross pairs."""
    observed = sum((x - y) ** 2 for x, y in zip(a, b, strict=True))
    expected = sum((x - y) ** 2 for x in a for y in b) / len(a)
    return 1 - observed / expected
