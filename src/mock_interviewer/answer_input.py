"""Reading one answer from ``--answer``, ``--answer-file`` or standard input."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from mock_interviewer.errors import InputError
from mock_interviewer.reading import MAX_ANSWER_BYTES, decode_text, read_limited, read_stream_limited

MAX_ANSWER_WORDS = 20_000
MAX_ANSWER_CHARS = 200_000
"""Answers without spaces (one long token) are bounded by characters too; 20,000 words are about 120,000."""
_SURROGATE = re.compile("[\ud800-\udfff]")
_WORDS = re.compile(r"\S+")


def count_words(text: str) -> int:
    return len(text.split())


def fitting(text: str, inserted: str, at: int | None = None, count: Callable[[str], int] = count_words) -> str:
    """The longest start of ``inserted`` that, put into ``text`` at ``at`` (its end by default), keeps the answer
    within its caps (characters, words): what the interview's answer box keeps of what is typed or pasted.

    Words are counted as they will be: a word that runs on across either side of ``at`` is one word (at the
    word cap the last word can still be finished), and a space that would split a word adds one. The cut is
    at the start of the first word that does not fit. ``count`` gives the words of ``text``; it is called only
    when the answer could pass the word cap (over 40,000 characters), so the box can keep it between key
    presses. Linear in what is kept.
    """
    at = len(text) if at is None else at
    kept = inserted[: max(0, MAX_ANSWER_CHARS - len(text))]
    if len(text) + len(kept) <= 2 * MAX_ANSWER_WORDS:  # every word but the last has a space after it
        return kept
    left, right = _in_word(text[at - 1 : at] if at else ""), _in_word(text[at : at + 1])
    # a word just after the join is counted once in text: it is a word more only if what is kept splits it off
    room = MAX_ANSWER_WORDS - count(text) + (1 if right and not left else 0)
    if room < 0:
        return ""
    starts, end = 0, len(kept)
    for word in _WORDS.finditer(kept):
        if word.start() == 0 and left:
            continue  # it goes on with the word before the join
        if starts == room:
            end = word.start()
            break
        starts += 1
    if right and starts == room and (kept[end - 1].isspace() if end else not left):
        end = len(kept[:end].rstrip())  # a space last would make the word after the join one more
    return kept[:end]


def words_added(text: str, at: int, inserted: str) -> int:
    """How many words putting ``inserted`` into ``text`` at ``at`` adds: only the characters either side of
    the join can change, so this is linear in ``inserted``, not in ``text``."""
    left, right = text[at - 1 : at] if at else "", text[at : at + 1]
    return count_words(left + inserted + right) - count_words(left + right)


def _in_word(character: str) -> bool:
    return bool(character) and not character.isspace()


def cut_notice(text: str, kept: str, dropped: int) -> str:
    """One line (under 80 columns) for a paste that did not fit: which cap stopped it, and how much was dropped."""
    if len(text) + len(kept) >= MAX_ANSWER_CHARS:
        return f"Paste cut at {MAX_ANSWER_CHARS:,} characters, an answer's limit; {dropped:,} more not kept."
    return f"Paste cut at {MAX_ANSWER_WORDS:,} words, an answer's limit; {dropped:,} characters not kept."


def full_notice(text: str, kept: str) -> str:
    """One line (under 80 columns) for typed text (or a paste arriving as keys) that did not fit."""
    if len(text) + len(kept) >= MAX_ANSWER_CHARS:
        return f"Answer limit reached: {MAX_ANSWER_CHARS:,} characters; further typing is not kept."
    return f"Answer limit reached: {MAX_ANSWER_WORDS:,} words; further typing is not kept."


def unpaired_surrogate(text: str) -> str | None:
    """Why ``text`` cannot be saved as UTF-8, or None.

    A JSON ``\\ud800`` escape, or bytes that were not UTF-8 read with surrogateescape
    (argv, a terminal in the C locale), leave unpaired surrogates in a str; writing
    one out (a session, results.jsonl) fails, so they are refused where text comes in.
    """
    found = _SURROGATE.search(text)
    if found is None:
        return None
    return f"not valid text: an unpaired surrogate (U+{ord(found.group()):04X}) at character {found.start() + 1}"


def decode_answer(data: bytes, source: str) -> str:
    """UTF-8 text, or UTF-16 with its byte order mark; NUL characters mean it is not text."""
    text = decode_text(data, source)
    if "\x00" in text:
        raise InputError(f"{source}: binary data, expected the answer as text")
    return text


def check_answer(text: str, source: str, *, max_words: int = MAX_ANSWER_WORDS) -> str:
    """An answer must have words, and not absurdly many (longer ones are truncated later, with a notice)."""
    if not text.strip():
        raise InputError(f"{source}: the answer is empty")
    problem = unpaired_surrogate(text)
    if problem:
        raise InputError(f"{source}: {problem} (was it UTF-8?)")
    words = len(text.split())
    if words > max_words:
        raise InputError(
            f"{source}: the answer is {words:,} words; the most accepted is {max_words:,} "
            "(answers over the token budget are truncated, but this is far beyond any interview answer)"
        )
    if len(text) > MAX_ANSWER_CHARS:
        raise InputError(
            f"{source}: the answer is {len(text):,} characters; the most accepted is {MAX_ANSWER_CHARS:,}"
        )
    return text


def read_answer(answer: str | None, answer_file: Path | None, stdin: BinaryIO | None = None) -> tuple[str, str]:
    """The answer text and where it came from (for messages). ``--answer`` and ``--answer-file`` exclude each other."""
    if answer is not None and answer_file is not None:
        raise InputError("give either --answer or --answer-file, not both")
    if answer is not None:
        return check_answer(answer, "--answer"), "--answer"
    if answer_file is not None:
        source = str(answer_file)
        data = read_limited(answer_file, MAX_ANSWER_BYTES, "an answer file")
        return check_answer(decode_answer(data, source), source), source
    stream = stdin if stdin is not None else sys.stdin.buffer
    if stdin is None and sys.stdin.isatty():
        raise InputError("no answer given: use --answer TEXT, --answer-file PATH, or pipe the answer on stdin")
    data = read_stream_limited(stream, MAX_ANSWER_BYTES, "stdin", "an answer")
    return check_answer(decode_answer(data, "stdin"), "stdin"), "stdin"
