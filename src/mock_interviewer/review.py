"""When a question is next due for review: a small spaced-repetition rule over its graded attempts.

The rule (also in docs/progress.md):

- The interval after an attempt depends on its score: 1 day after a 1 or 2 (poor), 3 days after a 3
  (mediocre), 7 days after a 4 and 14 days after a 5 (great).
- Each earlier attempt in an unbroken run of 4s and 5s just before the latest one doubles the interval
  (a question answered well three times in a row is left alone longer), up to 60 days.
- A question is due at its latest attempt's time plus the interval. Weak and due questions come first in
  ``interview --review``, then questions never attempted, then the rest by due date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

BASE_DAYS = {1: 1, 2: 1, 3: 3, 4: 7, 5: 14}
MAX_DAYS = 60
STRONG = 4  # a score at or above this extends the run that doubles the interval


def interval_days(scores: Sequence[int]) -> int:
    """Days until the next review, from a question's scores in the order they were given (at least one)."""
    if not scores:
        raise ValueError("interval_days needs at least one score")
    latest = scores[-1]
    days = BASE_DAYS[latest]
    if latest >= STRONG:
        run = 0
        for score in reversed(scores[:-1]):
            if score < STRONG:
                break
            run += 1
        days *= 2**run
    return min(days, MAX_DAYS)


def due_at(scores: Sequence[int], latest_at: datetime) -> datetime:
    """When a question with these scores, last attempted at ``latest_at``, is due again."""
    return latest_at + timedelta(days=interval_days(scores))


def review_order(
    attempted: dict[str, tuple[int, datetime]], unseen: Sequence[str], now: datetime
) -> list[tuple[str, str]]:
    """Question ids in the order to review them, each with why it is there.

    ``attempted`` maps a question id to its latest score and when it is due; ``unseen`` are question ids
    never attempted, in the order to offer them. Due questions come first (weakest first, then the longest
    overdue), then the unseen ones, then those not yet due (soonest first).
    """
    due = sorted((q for q, (_, when) in attempted.items() if when <= now), key=lambda q: attempted[q])
    later = sorted((q for q, (_, when) in attempted.items() if when > now), key=lambda q: attempted[q][1])
    order = [(q, f"due: last score {attempted[q][0]}/5") for q in due]
    order += [(q, "not practised yet") for q in unseen if q not in attempted]
    order += [(q, f"not due until {attempted[q][1]:%Y-%m-%d}; last score {attempted[q][0]}/5") for q in later]
    return order
