"""Agreement statistics against published worked examples and independent reference formulas."""

from __future__ import annotations

import random

import pytest

from mock_interviewer.agreement import bootstrap_interval, krippendorff_alpha, quadratic_weighted_kappa
from reference_stats import reference_ordinal_alpha, reference_qwk

N = None
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers, 12 units, missing data.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
# The computational example on Wikipedia's "Krippendorff's alpha" page: 3 coders, 15 units.
WIKIPEDIA = [
    [N, N, N, N, N, 3, 4, 1, 2, 1, 1, 3, 3, N, 3],
    [1, N, 2, 1, 3, 3, 4, 3, N, N, N, N, N, N, N],
    [N, N, 2, 1, 3, 4, 4, N, 2, 1, 1, 3, 3, N, 4],
]


def units_of(observers: list[list[int | None]]) -> list[list[int]]:
    return [[v for v in column if v is not None] for column in zip(*observers, strict=True)]


def test_alpha_matches_krippendorffs_published_example_for_every_metric():
    units = units_of(KRIPPENDORFF_2011)
    assert round(krippendorff_alpha(units, "nominal") or 0, 3) == 0.743
    assert round(krippendorff_alpha(units, "ordinal") or 0, 3) == 0.815
    assert round(krippendorff_alpha(units, "interval") or 0, 3) == 0.849
    wiki = units_of(WIKIPEDIA)
    assert round(krippendorff_alpha(wiki, "nominal") or 0, 6) == 0.691358
    assert round(krippendorff_alpha(wiki, "interval") or 0, 6) == 0.810845


def test_alpha_equals_the_reference_definition_on_random_ratings_with_missing_values():
    rng = random.Random(7)
    for _ in range(50):
        raters, items = rng.randint(2, 5), rng.randint(3, 25)
        units = [[rng.randint(1, 5) for _ in range(raters) if rng.random() > 0.25] for _ in range(items)]
        values = {v for u in units if len(u) >= 2 for v in u}
        if len(values) < 2:
            continue
        assert krippendorff_alpha(units) == pytest.approx(reference_ordinal_alpha(units), abs=1e-12)


def test_alpha_is_none_without_pairable_values_or_without_any_spread():
    assert krippendorff_alpha([[1], [2], [3]]) is None
    assert krippendorff_alpha([[2, 2], [2, 2, 2]]) is None


def test_quadratic_weighted_kappa_by_hand_and_against_the_reference_formula():
    # By hand: differences 0,1,0,0,1,0 -> 2; all 36 cross pairs' squared differences sum to 36, / 6 = 6; 1 - 2/6.
    assert quadratic_weighted_kappa([3, 3, 2, 1, 1, 2], [3, 2, 2, 1, 2, 2], [1, 2, 3]) == pytest.approx(2 / 3)
    rng = random.Random(11)
    for _ in range(100):
        n = rng.randint(2, 30)
        a = [rng.randint(1, 5) for _ in range(n)]
        b = [min(5, max(1, x + rng.choice([-1, 0, 0, 1]))) for x in a]
        if len(set(a)) == 1 and len(set(b)) == 1:
            continue
        assert quadratic_weighted_kappa(a, b, [1, 2, 3, 4, 5]) == pytest.approx(reference_qwk(a, b))
    assert quadratic_weighted_kappa([], [], [1, 2, 3]) is None
    assert quadratic_weighted_kappa([2, 2], [2, 2], [1, 2, 3]) == 1.0


def test_tiers_on_three_steps_and_anchor_scores_on_five_give_the_same_kappa():
    tiers_a, tiers_b = [1, 2, 3, 3, 1, 2], [1, 3, 3, 2, 1, 1]
    anchors = {1: 1, 2: 3, 3: 5}
    on_five = quadratic_weighted_kappa([anchors[x] for x in tiers_a], [anchors[x] for x in tiers_b], [1, 2, 3, 4, 5])
    assert quadratic_weighted_kappa(tiers_a, tiers_b, [1, 2, 3]) == pytest.approx(on_five)


def test_the_bootstrap_interval_is_reproducible_with_its_seed_and_holds_the_estimate():
    rng = random.Random(3)
    pairs = [(x, min(5, max(1, x + rng.choice([-1, 0, 1])))) for x in (rng.randint(1, 5) for _ in range(40))]

    def kappa(sample):
        return quadratic_weighted_kappa([a for a, _ in sample], [b for _, b in sample], [1, 2, 3, 4, 5])

    first = bootstrap_interval(pairs, kappa, rounds=300, seed=5)
    assert first is not None and first == bootstrap_interval(pairs, kappa, rounds=300, seed=5)
    assert first != bootstrap_interval(pairs, kappa, rounds=300, seed=6)
    low, high = first
    assert low <= (kappa(pairs) or 0) <= high and high - low < 0.5
    assert bootstrap_interval(pairs[:1], kappa) is None
