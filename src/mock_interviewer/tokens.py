"""Token counting with tiktoken, imported lazily, with an estimate when no encoding loads.

tiktoken downloads its encodings on first use; where that is impossible (no
network, no ``TIKTOKEN_CACHE_DIR``) the tool must not crash, so counts fall back
to an estimate of one token per four characters.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

from mock_interviewer.backends.base import Message

DEFAULT_ENCODING = "o200k_base"


@cache
def encoding_for(model: str) -> Any | None:
    """The tiktoken encoding for a model, or None when none can be loaded."""
    try:
        import tiktoken
    except ImportError:  # pragma: no cover - tiktoken is a dependency
        return None
    try:
        try:
            return tiktoken.encoding_for_model(model)
        except KeyError:
            return tiktoken.get_encoding(DEFAULT_ENCODING)
    except Exception:  # noqa: BLE001 - no network, corrupt cache, anything: estimate instead
        return None


def is_estimate(model: str) -> bool:
    return encoding_for(model) is None


def count_tokens(text: str, model: str) -> int:
    encoding = encoding_for(model)
    if encoding is None:
        return math.ceil(len(text) / 4)
    return len(encoding.encode(text, disallowed_special=()))


def count_messages(messages: tuple[Message, ...] | list[Message], model: str) -> int:
    """Prompt tokens of a chat request: content plus the per-message framing OpenAI adds."""
    return sum(count_tokens(m.content, model) + 3 for m in messages) + 3


def fits_without_counting(text: str, budget: int) -> bool:
    """True when ``text`` cannot be over ``budget`` tokens, whatever the encoding: a token is at least one byte.

    Most answers are far under the grading budget; knowing it this way spares loading an encoding
    (a third of a second) in a command that needs no other count, such as an offline ``grade``.
    """
    return len(text.encode("utf-8", "surrogatepass")) <= budget


def truncate(text: str, budget: int, model: str) -> tuple[str, bool]:
    """Cut text to at most ``budget`` tokens; return it and whether anything was cut."""
    if fits_without_counting(text, budget):
        return text, False
    encoding = encoding_for(model)
    if encoding is None:
        limit = budget * 4
        return (text, False) if len(text) <= limit else (text[:limit], True)
    tokens = encoding.encode(text, disallowed_special=())
    if len(tokens) <= budget:
        return text, False
    return encoding.decode(tokens[:budget]), True
