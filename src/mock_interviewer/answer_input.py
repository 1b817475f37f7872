"""Reading one answer from ``--answer``, ``--answer-file`` or standard input."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import BinaryIO

from mock_interviewer.errors import InputError
from mock_interviewer.reading import MAX_ANSWER_BYTES, decode_text, read_limited, read_stream_limited

MAX_ANSWER_WORDS = 20_000
MAX_ANSWER_CHARS = 200_000
"""Answers without spaces (one long token) are bounded by characters too; 20,000 words are about 120,000."""
_SURROGATE = re.compile("[\ud800-\udfff]")
_WORDS = re.compile(r"\S+")


def fitting(text: str, inserted: str) -> str:
    """The longest start of ``inserted`` that keeps ``text`` plus it within an answer's caps (characters, words).

    For the interview's answer box, which keeps what fits of a paste at once and drops the rest. A word
    split across the join counts twice, so the cut is at most one word early. Linear in what is kept.
    """
    kept = inserted[: max(0, MAX_ANSWER_CHARS - len(text))]
    words_left = MAX_ANSWER_WORDS - len(text.split())
    if words_left <= 0:
        return ""
    for count, word in enumerate(_WORDS.finditer(kept), start=1):
        if count > words_left:
            return kept[: word.start()]
    return kept


def cut_notice(text: str, kept: str, dropped: int) -> str:
    """One line (under 80 columns) for a paste that did not fit: which cap stopped it, and how much was dropped."""
    if len(text) + len(kept) >= MAX_ANSWER_CHARS:
        return f"Paste cut at {MAX_ANSWER_CHARS:,} characters, an answer's limit; {dropped:,} more not kept."
    return f"Paste cut at {MAX_ANSWER_WORDS:,} words, an answer's limit; {dropped:,} characters not kept."


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
