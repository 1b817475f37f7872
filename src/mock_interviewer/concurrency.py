"""Running async work side by side, a bounded number at a time, all or none.

One piece for probe sheets, calibration and graded ratings: each grades many answers with a limit on
requests in flight, and a failing service must stop the run with no request left running or pending.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def bounded_map(items: Sequence[T], limit: int, work: Callable[[T], Awaitable[R]]) -> list[R]:
    """``work`` over ``items``, at most ``limit`` at a time, results in input order.

    The first exception cancels the rest and is raised (plain ``gather`` would leave
    them running against a service that is already failing). Python 3.10 has no TaskGroup.
    """
    gate = asyncio.Semaphore(max(1, limit))

    async def run(item: T) -> R:
        async with gate:
            return await work(item)

    tasks = [asyncio.ensure_future(run(item)) for item in items]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
