"""Borderline grades: answers whose tier is too close to call, for a person to decide.

A grade is *borderline* when the grader could as well have given another tier. Offline, the tier
model (``offline/grading.py``) gives each tier a probability: when the tier given is one of the two
likeliest and those two are less than ``MARGIN`` apart, the answer lies between them. (With a
model, grading an answer several times and finding the tiers split gives the same mark, with the
``basis`` "samples".) An exemplar recognised by lookup is never borderline.

``MARGIN`` was chosen on the labelled hold-out sets (891 answers, ``tests/data/labelled_holdout*``
and ``audit_holdout``): at 0.2, 20 answers (2.2%) are borderline and half of them are in the
wrong tier, against 95.8% right among the rest (94.7% over all).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import Field

from mock_interviewer.bank import Tier
from mock_interviewer.strict import StrictModel

MARGIN = 0.2
RULE = (
    f"offline: the tier given is one of the tier model's two likeliest and their probabilities are less than "
    f"{MARGIN} apart; with samples: the samples' tiers are not unanimous"
)


class Borderline(StrictModel):
    """The tiers a grade lies between, and what shows it."""

    tiers: list[Tier] = Field(min_length=2, description="The tiers the answer lies between, likeliest first.")
    basis: Literal["tier_model", "samples"]
    margin: float | None = Field(default=None, description="tier_model: the gap between the two likeliest tiers.")


def from_probabilities(probabilities: Mapping[str, float], tier: str, *, margin: float = MARGIN) -> Borderline | None:
    """The mark for a grade of ``tier`` given the tier model's ``probabilities``; None when it is clear."""
    ranked = sorted(probabilities, key=lambda t: -probabilities[t])
    first, second = ranked[0], ranked[1]
    gap = probabilities[first] - probabilities[second]
    if tier not in (first, second) or gap >= margin:
        return None
    return Borderline(tiers=[first, second], basis="tier_model", margin=round(gap, 3))  # type: ignore[list-item]
