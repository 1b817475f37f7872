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

    ``limit`` workers take the items one by one, so a coroutine is created only when its item is taken.
    The first exception stops the run: no worker takes another item, the others are cancelled and
    awaited (none left in flight when the caller closes its client: issue 16, item 15), and it is raised.
    Plain ``gather`` would leave them running against a service that is already failing, to be cancelled
    mid-connection by ``asyncio.run`` at exit. Python 3.10 has no TaskGroup.
    """
    results: dict[int, R] = {}
    queue = iter(range(len(items)))  # shared: each index is taken by one worker
    stopped = False

    async def worker() -> None:
        nonlocal stopped
        for index in queue:
            if stopped:
                return
            try:
                results[index] = await work(items[index])
            except BaseException:
                stopped = True
                raise

    workers = [asyncio.ensure_future(worker()) for _ in range(min(max(1, limit), len(items)))]
    try:
        await asyncio.gather(*workers)
    except BaseException:
        stopped = True
        for each in workers:
            each.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        raise
    return [results[index] for index in range(len(items))]
