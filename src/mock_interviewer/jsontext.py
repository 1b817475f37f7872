"""JSON from user files: every way ``json.loads`` can fail becomes one InputError line naming where.

Besides malformed text, two hostile shapes are bounded: nesting past Python's recursion limit, and
integers of more than ``MAX_INT_DIGITS`` digits (Python refuses to convert them, with a ValueError
that no reader expected; converting them costs quadratic time on versions that do not refuse).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from mock_interviewer.errors import InputError

MAX_INT_DIGITS = 4300
"""Python's own default limit on int(str) (``sys.get_int_max_str_digits``), enforced on every version."""

_STRING_OR_LONG_INT = re.compile(r'"(?:[^"\\]|\\.)*"|-?\d{' + str(MAX_INT_DIGITS + 1) + ",}", re.DOTALL)


class _LongInteger(ValueError):
    pass


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise _LongInteger(digits)
    return int(digits)


def loads(text: str) -> Any:
    """``json.loads`` with the integer bound; raises JSONDecodeError, RecursionError or ValueError."""
    return json.loads(text, parse_int=_bounded_int)


def _long_integer_at(text: str) -> tuple[int, int]:
    """The 1-based line and column of the first over-long integer outside a string."""
    for found in _STRING_OR_LONG_INT.finditer(text):
        if not found.group().startswith('"'):
            start = found.start()
            return text.count("\n", 0, start) + 1, start - (text.rfind("\n", 0, start) + 1) + 1
    return 1, 1


def parse_json(text: str, where: str, *, one_line_record: bool = False, note: str = "") -> Any:
    """Parse ``text`` read from ``where``.

    A whole file reports the failing line (``file:12: not valid JSON (…)``); a one-line record, whose
    ``where`` already names its line, reports the column. ``note`` ends both messages (e.g. "; the
    session file is corrupt"). JSON nested past Python's recursion limit, and an integer of more than
    ``MAX_INT_DIGITS`` digits, are bad input too.
    """
    try:
        return loads(text)
    except json.JSONDecodeError as exc:
        if one_line_record:
            raise InputError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno}){note}") from None
        raise InputError(f"{where}:{exc.lineno}: not valid JSON ({exc.msg}){note}") from None
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply to read{note}") from None
    except ValueError:  # _LongInteger, or Python's own limit on a version that has one
        line, column = _long_integer_at(text)
        problem = f"an integer of more than {MAX_INT_DIGITS:,} digits"
        if one_line_record:
            raise InputError(f"{where}: not valid JSON ({problem} at column {column}){note}") from None
        raise InputError(f"{where}:{line}: not valid JSON ({problem}){note}") from None


def jsonl_objects(text: str, path: str, expected: str) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """Each non-blank line of a JSON Lines text as (``path:line``, the line number, its object); one InputError naming the line
    for a line that is not a JSON object (``expected`` says what it should hold).

    Lines end at "\n" only: ``str.splitlines()`` also splits at U+2028, U+0085…, legal inside JSON strings.
    """
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        data = parse_json(line, where, one_line_record=True)
        if not isinstance(data, dict):
            raise InputError(f"{where}: expected a JSON object with {expected}")
        yield where, number, data
