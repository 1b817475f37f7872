"""JSON from user files: every way ``json.loads`` can fail becomes one InputError line naming where."""

from __future__ import annotations

import json
from typing import Any

from mock_interviewer.errors import InputError


def parse_json(text: str, where: str, *, one_line_record: bool = False, note: str = "") -> Any:
    """Parse ``text`` read from ``where``.

    A whole file reports the failing line (``file:12: not valid JSON (…)``); a one-line record, whose
    ``where`` already names its line, reports the column. ``note`` ends both messages (e.g. "; the
    session file is corrupt"). JSON nested past Python's recursion limit is bad input too.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if one_line_record:
            raise InputError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno}){note}") from None
        raise InputError(f"{where}:{exc.lineno}: not valid JSON ({exc.msg}){note}") from None
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply to read{note}") from None
