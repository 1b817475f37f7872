"""A bracketed paste read in bounded memory and linear time, for the interview's answer box.

prompt_toolkit's terminal parser gathers a bracketed paste by appending each chunk read from the
terminal (about 1 KB) to the whole paste so far and searching all of it for the end mark: quadratic.
A 10 MB paste sat there for minutes before the box showed anything, and was then refused at submit.
``BoundedPasteParser`` searches only the new chunk (plus the few characters an end mark may straddle),
keeps the first ``limit`` characters and only counts the rest, so the paste reaches the box as soon as
its end arrives, already cut to what an answer may hold. Imported only with prompt_toolkit.
"""

from __future__ import annotations

from collections.abc import Callable

from prompt_toolkit.input import Input
from prompt_toolkit.input.vt100_parser import Vt100Parser
from prompt_toolkit.key_binding import KeyPress
from prompt_toolkit.keys import Keys

END_MARK = "\x1b[201~"


class BoundedPasteParser(Vt100Parser):
    """prompt_toolkit's parser, but a bracketed paste keeps its first ``limit`` characters and counts the rest."""

    def __init__(self, feed_key_callback: Callable[[KeyPress], None], limit: int) -> None:
        super().__init__(feed_key_callback)
        self.limit = limit
        self.dropped = 0
        """Characters of the last paste that were not kept (read by the paste's key binding)."""
        self._kept: list[str] = []
        self._kept_size = 0
        self._tail = ""
        self._dropping = 0

    def feed(self, data: str) -> None:
        if not self._in_bracketed_paste:
            super().feed(data)  # it calls feed again from where a paste starts
            return
        scan = self._tail + data
        end = scan.find(END_MARK)
        if end == -1:
            hold = max(0, len(scan) - (len(END_MARK) - 1))  # an end mark may straddle two chunks
            self._take(scan[:hold])
            self._tail = scan[hold:]
            return
        self._take(scan[:end])
        content = "".join(self._kept)
        self.dropped, self._dropping = self._dropping, 0
        self._kept, self._kept_size, self._tail = [], 0, ""
        self._in_bracketed_paste = False
        self.feed_key_callback(KeyPress(Keys.BracketedPaste, content))
        self.feed(scan[end + len(END_MARK) :])

    def _take(self, chunk: str) -> None:
        room = max(0, self.limit - self._kept_size)
        if room:
            self._kept.append(chunk[:room])
            self._kept_size += min(room, len(chunk))
        self._dropping += max(0, len(chunk) - room)


def bound_pastes(source: Input, limit: int) -> BoundedPasteParser | None:
    """Give ``source`` (a terminal or pipe input) the bounded parser; None for an input without one (Windows)."""
    parser = getattr(source, "vt100_parser", None)
    if not isinstance(parser, Vt100Parser):
        return None
    bounded = BoundedPasteParser(parser.feed_key_callback, limit)
    source.vt100_parser = bounded  # type: ignore[attr-defined]
    return bounded
