"""One stop policy for a batch run, whatever the backend: the first Ctrl-C stops new work, the second stops now.

Why a flag and not asyncio's own Ctrl-C handling: ``asyncio.run`` turns SIGINT into
the cancellation of its main task, which only lands when the event loop gets
control back. The offline backend grades without ever giving it back (its work
is CPU-bound and its coroutines never wait), so a cancellation requested by the
first Ctrl-C was delivered after the last answer. A Python signal handler runs
between any two bytecodes of the main thread instead: it sets ``requested``,
which every worker checks before it takes the next job, and wakes the coroutines
waiting in ``wait()`` (so work blocked on the network is cancelled at once).
Everything graded so far is already in ``results.jsonl``; the run then reports
its true counts. A second Ctrl-C raises ``KeyboardInterrupt`` as usual.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress
from types import FrameType
from typing import TypeVar

T = TypeVar("T")


class StopFlag:
    """A request to stop starting new work, set by the first Ctrl-C or by ``request()``."""

    def __init__(self) -> None:
        self.requested = False
        self._wakers: list[tuple[asyncio.AbstractEventLoop, Callable[[], object]]] = []

    def request(self) -> None:
        """Stop starting new work; run every ``when_requested`` callback in its loop. Safe from a signal handler."""
        self.requested = True
        for loop, callback in list(self._wakers):
            with suppress(RuntimeError):  # that loop is already closed
                loop.call_soon_threadsafe(callback)

    @contextmanager
    def when_requested(self, callback: Callable[[], object]) -> Iterator[None]:
        """While inside (in a running event loop): ``callback`` runs in that loop when a stop is requested."""
        waker = (asyncio.get_running_loop(), callback)
        self._wakers.append(waker)
        try:
            if self.requested:
                callback()
            yield
        finally:
            self._wakers.remove(waker)

    async def wait(self) -> None:
        """Return once a stop is requested."""
        event = asyncio.Event()
        with self.when_requested(event.set):
            await event.wait()

    @contextmanager
    def on_sigint(self) -> Iterator[StopFlag]:
        """While inside: the first SIGINT requests a stop, the second raises KeyboardInterrupt.

        Only the main thread can install a signal handler; elsewhere this changes nothing.
        """
        if threading.current_thread() is not threading.main_thread():
            yield self
            return

        def first_then_interrupt(signum: int, frame: FrameType | None) -> None:
            if self.requested:
                raise KeyboardInterrupt
            self.request()

        previous = signal.signal(signal.SIGINT, first_then_interrupt)
        try:
            yield self
        finally:
            signal.signal(signal.SIGINT, previous)


async def until_stopped(work: Awaitable[T], stop: StopFlag) -> T | None:
    """``work``'s result, or None when a stop is requested first (``work`` is then cancelled)."""
    task = asyncio.ensure_future(work)
    watcher = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait([task, watcher], return_when=asyncio.FIRST_COMPLETED)
    finally:
        watcher.cancel()
        if not task.done():
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
    if task.cancelled():
        return None
    return task.result()
