"""Terminal control sequences in an answer never reach the viewer's terminal (they stay on disk as given)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mock_interviewer.safetext import for_terminal

OSC_TITLE = "\x1b]0;pwned\x07"
OSC_CLIPBOARD = "\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07"
CSI = "\x1b[2J\x1b[31m"
HOSTILE = f"We cache hot reads in Redis{OSC_TITLE} with a TTL{OSC_CLIPBOARD} and{CSI} invalidate on write.\x9b2J\x07"


def test_every_kind_of_sequence_goes_and_line_breaks_stay() -> None:
    assert for_terminal(HOSTILE) == "We cache hot reads in Redis with a TTL and invalidate on write."
    assert for_terminal("one\n\ttwo\r\nthree") == "one\n\ttwo\nthree"
    assert for_terminal("unterminated \x1b]0;title") == "unterminated "


def test_probe_for_a_hostile_answer_prints_no_escape(cli: Callable[..., Any]) -> None:
    result = cli("probe", "-q", "technical-09", "-a", HOSTILE, "--backend", "offline")
    assert result.exit_code == 0, result.stderr
    assert "\x1b]" not in result.stdout and "\x07" not in result.stdout and "\x9b" not in result.stdout


def test_sessions_show_and_markdown_print_no_escape_but_the_file_keeps_the_answer(
    cli: Callable[..., Any], tmp_path: Path, repo: Path
) -> None:
    example = sorted((repo / "transcripts" / "examples").glob("*.json"))[0]
    data = json.loads(example.read_text(encoding="utf-8"))
    answer = next(turn for record in data["records"] for turn in record["turns"] if turn["speaker"] == "candidate")
    answer["text"] = HOSTILE
    directory = tmp_path / "t"
    directory.mkdir()
    (directory / example.name).write_text(json.dumps(data), encoding="utf-8")
    for extra in ((), ("--markdown",)):
        result = cli("sessions", "show", example.stem, "--transcripts-dir", str(directory), *extra)
        assert result.exit_code == 0, result.stderr
        assert "invalidate on write" in result.stdout
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    saved = json.loads((directory / example.name).read_text(encoding="utf-8"))
    assert any(turn["text"] == HOSTILE for record in saved["records"] for turn in record["turns"])  # kept as given
