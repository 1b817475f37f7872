"""The time box: time used and left, carried across resumes (time spent away does not count)."""

from __future__ import annotations

import time
from collections.abc import Callable

Clock = Callable[[], float]


class TimeBox:
    """Time used and left, carried across resumes (time spent away does not count)."""

    def __init__(self, minutes: float | None, used_seconds: float = 0.0, clock: Clock = time.monotonic) -> None:
        self.limit = minutes * 60 if minutes else None
        self._used = used_seconds
        self._clock = clock
        self._start = clock()

    def elapsed(self) -> float:
        return self._used + (self._clock() - self._start)

    def left(self) -> float | None:
        return None if self.limit is None else max(0.0, self.limit - self.elapsed())

    def is_up(self) -> bool:
        left = self.left()
        return left is not None and left <= 0
