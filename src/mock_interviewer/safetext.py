"""Text from users and models, made safe to show in a terminal or a Markdown file.

An answer can carry terminal control sequences (OSC 0 sets the window title, OSC 52 writes the
clipboard, CSI moves the cursor). Rich removes only a few single control characters, so every
place that shows such text passes it through ``for_terminal``: escape sequences and other control
characters go, line breaks and tabs stay. What is saved on disk is kept exactly as given.
"""

from __future__ import annotations

import re

_SEQUENCE = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST (or unterminated)
    r"|\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC ... ST
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|\x9d[^\x07\x9c]*[\x07\x9c]?"  # 8-bit OSC
    r"|\x1b[@-Z\\-_]?"  # any other escape
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def for_terminal(text: str) -> str:
    """``text`` without escape sequences or control characters (newlines and tabs are kept)."""
    return _CONTROL.sub("", _SEQUENCE.sub("", text))
