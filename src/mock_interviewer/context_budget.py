"""Keeping the conversation sent to the model within a token budget.

An interview grows with every answer, and a long session would eventually send
more tokens than the model accepts (or than the user wants to pay for). Two
kinds of conversation go to the model:

- the *history* of earlier questions (so the interviewer can move on naturally):
  kept whole from the newest backwards while it fits, then each older exchange
  is summarised to a digest, then the oldest are omitted with a note saying how many;
- the *current exchange* (the question, the answers and follow-ups so far): the
  question is never cut and the newest answer is cut last; older answers are
  shortened to digests first, then dropped with a marker.

The fixed part of each prompt (instructions, the current question, its
exemplars and key points) is never trimmed: the budget applies to what is left.
Tokens are counted with ``tokens.py`` (tiktoken, or its estimate).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mock_interviewer.backends.base import Turn
from mock_interviewer.tokens import count_tokens, truncate

#: Tokens kept of an older answer when it is summarised.
DIGEST_TOKENS = 60
#: However small the budget, the newest answer keeps at least this many tokens.
MIN_ANSWER_TOKENS = 200
ELLIPSIS = " […]"
NOTE_TOKENS = 16


def render_turns(turns: Sequence[Turn]) -> str:
    """An exchange as plain text, each turn labelled with its speaker (as the grader renders it)."""
    return "\n\n".join(f"[{turn.speaker}] {turn.text.strip()}" for turn in turns)


def digest(text: str, tokens: int, model: str) -> str:
    """The start of ``text`` up to ``tokens`` tokens, marked when something was cut."""
    head, cut = truncate(" ".join(text.split()), tokens, model)
    return head.rstrip() + ELLIPSIS if cut else head


def head_and_tail(text: str, tokens: int, model: str) -> str:
    """Keep the start and the end of a long text (conclusions often come last)."""
    if count_tokens(text, model) <= tokens:
        return text
    half = max(tokens // 2 - 4, 1)
    head, _ = truncate(text, half, model)
    reversed_tail, _ = truncate(text[::-1], half, model)
    return f"{head.rstrip()} […] {reversed_tail[::-1].lstrip()}"


def exchange_tokens(turns: Sequence[Turn], model: str) -> int:
    return count_tokens(render_turns(turns), model)


def _omitted_marker(count: int) -> Turn:
    plural = "s" if count != 1 else ""
    return Turn("interviewer", f"[{count} earlier turn{plural} of this exchange omitted to fit the context budget]")


def fit_exchange(turns: Sequence[Turn], budget: int, model: str) -> tuple[Turn, ...]:
    """The current exchange within ``budget`` tokens; the opening question is never cut.

    Steps, each taken only while still over budget: shorten every candidate turn
    but the newest to a digest; drop the middle turns oldest first (a marker says
    how many); finally cut the newest turn, keeping its head and tail.
    """
    kept = list(turns)
    if len(kept) <= 1 or exchange_tokens(kept, model) <= budget:
        return tuple(kept)
    for index in range(1, len(kept) - 1):
        turn = kept[index]
        if turn.speaker == "candidate":
            kept[index] = Turn(turn.speaker, digest(turn.text, DIGEST_TOKENS, model))
        if exchange_tokens(kept, model) <= budget:
            return tuple(kept)
    first, middle, last = kept[0], kept[1:-1], kept[-1]
    dropped = 0
    while middle:
        candidate = [first, _omitted_marker(dropped), *middle, last] if dropped else [first, *middle, last]
        if exchange_tokens(candidate, model) <= budget:
            return tuple(candidate)
        middle = middle[1:]
        dropped += 1
    head = [first, _omitted_marker(dropped)] if dropped else [first]
    if exchange_tokens([*head, last], model) <= budget:
        return (*head, last)
    room = max(budget - exchange_tokens(head, model) - 8, MIN_ANSWER_TOKENS)
    return (*head, Turn(last.speaker, head_and_tail(last.text, room, model)))


@dataclass(frozen=True)
class PastExchange:
    """An earlier question of the session and what was said about it."""

    label: str
    turns: tuple[Turn, ...]

    def render(self) -> str:
        return f"{self.label}\n{render_turns(self.turns)}"

    def summary(self, model: str) -> str:
        asked = next((t.text for t in self.turns if t.speaker == "interviewer"), "")
        said = " ".join(t.text for t in self.turns if t.speaker == "candidate")
        reply = f"the candidate answered: {digest(said, DIGEST_TOKENS, model)}" if said.strip() else "no answer"
        return f"{self.label} (summarised)\n[interviewer] {digest(asked, DIGEST_TOKENS // 2, model)}\n{reply}"


@dataclass(frozen=True)
class FittedHistory:
    """The history as sent: its text, and how many exchanges were kept whole, summarised, or omitted."""

    text: str
    tokens: int
    full: int
    summarised: int
    omitted: int


def fit_history(exchanges: Sequence[PastExchange], budget: int, model: str) -> FittedHistory:
    """Earlier exchanges within ``budget`` tokens: newest whole, older summarised, oldest omitted."""
    parts: list[str] = []
    full = summarised = 0
    used = NOTE_TOKENS  # room for the note saying how many were omitted
    mode = "full"
    for exchange in reversed(exchanges):
        if mode == "full":
            text = exchange.render()
            cost = count_tokens(text, model) + 2
            if used + cost <= budget:
                parts.append(text)
                used += cost
                full += 1
                continue
            mode = "summary"
        text = exchange.summary(model)
        cost = count_tokens(text, model) + 2
        if used + cost > budget:
            break
        parts.append(text)
        used += cost
        summarised += 1
    omitted = len(exchanges) - full - summarised
    if omitted:
        plural = "s" if omitted != 1 else ""
        parts.append(f"({omitted} earlier question{plural} omitted to fit the context budget)")
    text = "\n\n".join(reversed(parts))
    return FittedHistory(text=text, tokens=count_tokens(text, model), full=full, summarised=summarised, omitted=omitted)
