"""Several grades of one answer, made one: the median score, and the tiers seen when they disagree.

With a model, ``grade --samples K`` grades an answer K times with the exemplars in rotated order
(``grader.exemplar_block``), so a grade that depends on the exemplars' order, or on chance, shows.
The combined grade is the sample with the median score (the lower one of an even count), its
usage the sum of every request sent, and ``samples`` the tier of each graded sample in order. When
the tiers are not unanimous the grade is marked ``borderline`` (basis "samples"), the tiers seen
likeliest first, for a person to decide. ``batch --samples K`` grades every answer the same way
(through ``grader.grade_answer``, one answer's samples one after another inside one worker).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import reduce

from mock_interviewer.borderline import Borderline
from mock_interviewer.errors import InputError
from mock_interviewer.grade_model import Grade, add_usage

MAX_SAMPLES = 9
OFFLINE_NOTE = (
    "--samples: the offline grader gives the same grade every time; graded once (its borderline mark "
    "comes from its tier model)"
)


def check_samples(samples: int) -> int:
    """``samples`` when it is a number of samples the graders accept (1 to ``MAX_SAMPLES``); else one clear error."""
    if isinstance(samples, bool) or not isinstance(samples, int) or not 1 <= samples <= MAX_SAMPLES:
        raise InputError(f"--samples must be a whole number from 1 to {MAX_SAMPLES}, got {samples!r}")
    return samples


def samples_seen(tiers: Sequence[str]) -> str:
    """What the samples gave, in words: '3 samples, exemplars in rotated order, gave great, mediocre, mediocre'."""
    return f"{len(tiers)} samples, exemplars in rotated order, gave {', '.join(tiers)}"


def combine(grades: Sequence[Grade]) -> Grade:
    """One grade from several of the same answer (at least one)."""
    usage = reduce(add_usage, (g.usage for g in grades[1:]), grades[0].usage)
    graded = [g for g in grades if g.status == "graded" and g.tier is not None and g.score is not None]
    if not graded:
        return grades[0].model_copy(update={"usage": usage})
    scores = sorted(g.score for g in graded if g.score is not None)
    median = scores[(len(scores) - 1) // 2]
    chosen = next(g for g in graded if g.score == median)
    seen = Counter(g.tier for g in graded if g.tier is not None)
    borderline = None
    if len(seen) > 1:
        ranked = sorted(seen, key=lambda tier: (-seen[tier], tier != chosen.tier))
        borderline = Borderline(tiers=ranked, basis="samples")
    return chosen.model_copy(
        update={
            "usage": usage,
            "borderline": borderline,
            "samples": [g.tier for g in graded],
            "suspicious": any(g.suspicious for g in grades),
        }
    )
