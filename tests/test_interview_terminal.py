"""The terminal pieces without a terminal: line reading, commands, the editor, streamed wrapping."""

from __future__ import annotations

import asyncio
import io
import os
import stat
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from mock_interviewer.bank import load_bank
from mock_interviewer.interview.frontend import Answer, AnswerRequest, Command, QuestionInfo
from mock_interviewer.terminal import (
    EditorProblem,
    LineReader,
    StreamPrinter,
    TerminalFrontend,
    edit_text,
    find_editor,
    parse_command,
    split_command,
)

QUESTION = load_bank().get("director-01")


def request() -> AnswerRequest:
    info = QuestionInfo(position=1, total=2, question=QUESTION, time_left=125.0)
    return AnswerRequest(info=info, follow_up=False, interviewer_words="How?", time_left=lambda: 125.0)


def frontend(stdin: str) -> tuple[TerminalFrontend, LineReader, Console]:
    console = Console(width=80, record=True, color_system=None, file=io.StringIO())
    reader = LineReader(io.StringIO(stdin), interactive=False)
    return TerminalFrontend(console, reader), reader, console


def read_all(stdin: str, count: int) -> tuple[list[Answer | Command], str]:
    front, _, console = frontend(stdin)

    async def go() -> list[Answer | Command]:
        return [await front.read(request()) for _ in range(count)]

    replies = asyncio.run(go())
    return replies, console.export_text()


def test_commands_are_lines_of_their_own() -> None:
    assert parse_command("/skip") == "skip"
    assert parse_command("  /quit  ") == "quit"
    assert parse_command("/nonsense") == "?"
    assert parse_command("I'd /skip that") is None
    assert parse_command("/etc/hosts is a file") is None
    assert split_command("line one\n\nline two\n/repeat") == ("line one\n\nline two", "repeat")
    assert split_command("just text") == ("just text", None)


def test_a_dot_line_submits_and_blank_lines_stay_in_the_answer() -> None:
    replies, shown = read_all("Para one.\n\nPara two.\n.\nSecond answer\n.\n", 2)
    assert replies == [Answer("Para one.\n\nPara two."), Answer("Second answer")]
    assert "Your answer (2:05 left · a line with only '.' submits · /help)" in shown
    assert "Para one." in shown  # piped answers are echoed, so the output reads as a transcript


def test_repeat_and_help_keep_the_draft_skip_drops_it() -> None:
    replies, _ = read_all("Start of it\n/repeat\nrest of it\n.\nabandoned\n/skip\n", 3)
    assert replies == [Command("repeat"), Answer("Start of it\nrest of it"), Command("skip")]


def test_end_of_input_submits_the_draft_then_quits() -> None:
    replies, _ = read_all("no final dot", 2)
    assert replies == [Answer("no final dot"), Command("quit")]


def test_unknown_commands_and_edit_without_a_terminal_are_explained() -> None:
    replies, shown = read_all("/bogus\n/edit\nfine\n.\n", 1)
    assert replies == [Answer("fine")]
    assert "Unknown command /bogus" in shown
    assert "/edit needs a terminal" in shown


def test_the_editor_returns_what_was_saved(tmp_path: Path) -> None:
    script = tmp_path / "fake-editor"
    script.write_text('#!/bin/sh\ngrep -v "^#" "$1" > "$1.seen"; printf "# comment\\nEdited answer.\\n\\nSecond paragraph.\\n" > "$1"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    assert edit_text("my draft", {"EDITOR": str(script)}) == "Edited answer.\n\nSecond paragraph."
    assert find_editor({"VISUAL": "code --wait", "EDITOR": "nano"}) == ["code", "--wait"]


def test_editor_problems_are_messages_not_crashes(tmp_path: Path) -> None:
    with pytest.raises(EditorProblem, match="exited with status 1"):
        edit_text("draft", {"EDITOR": "false"})
    with pytest.raises(EditorProblem, match="could not start the editor"):
        edit_text("draft", {"EDITOR": str(tmp_path / "missing-editor")})
    empty_path = {"PATH": str(tmp_path)}
    old = os.environ.get("PATH", "")
    try:
        os.environ["PATH"] = str(tmp_path)
        assert find_editor(empty_path) is None
        with pytest.raises(EditorProblem, match=r"set \$EDITOR"):
            edit_text("draft", empty_path)
    finally:
        os.environ["PATH"] = old


async def chunks(text: str, size: int) -> AsyncIterator[str]:
    for start in range(0, len(text), size):
        yield text[start : start + size]


def test_streamed_words_wrap_at_word_boundaries_in_80_columns() -> None:
    console = Console(width=80, record=True, color_system=None, file=io.StringIO())
    front = TerminalFrontend(console, LineReader(io.StringIO(""), interactive=False))
    text = "Let's talk about technical debt. " * 8 + "How do you approach it in your team's codebase?"
    said = asyncio.run(front.speak(chunks(text, 7)))  # chunks split words anywhere
    assert said == text
    lines = console.export_text().strip("\n").splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert lines[0].startswith("Interviewer: Let's talk")
    words = " ".join(line.strip() for line in lines).replace("Interviewer: ", "")
    assert words == text  # no word was split across lines


def test_a_printer_keeps_newlines_the_model_sends() -> None:
    console = Console(width=40, record=True, color_system=None, file=io.StringIO())
    printer = StreamPrinter(console)
    for piece in ("First line.\nSecond", " line."):
        printer.feed(piece)
    printer.close()
    assert console.export_text().splitlines() == ["Interviewer: First line.", "  Second line."]


def test_repeat_says_the_question_once_when_the_interviewer_asked_the_bank_words() -> None:
    """Offline, /repeat printed the question twice: the interviewer's words and "(bank question …)"."""
    from mock_interviewer.bank import load_bank

    question = load_bank().get("technical-02")
    console = Console(record=True, width=100, force_terminal=False)
    front = TerminalFrontend(console, LineReader(io.StringIO(""), interactive=False))
    front.repeat(question.text, question)
    assert console.export_text().count("rate-limiting system") == 1
    front.repeat("So, tell me how you'd keep one client from hogging the API.", question)
    assert "(bank question technical-02:" in console.export_text()


# ---------------------------------------------------------------- feedback at the end, a page at a time; resume recap


def _feedback_items() -> list[Any]:
    from mock_interviewer.grade_model import Gap, Grade
    from mock_interviewer.interview.frontend import Feedback

    bank = load_bank()
    first = Grade(question_id="director-01", status="graded", tier="poor", score=1, backend="b", model="m",
                  explanation="Generic.", gaps=[Gap(point="Measures the outcome", why_it_matters="Proof.")])
    second = Grade.ungraded("director-02", "the model refused to answer", backend="b", model="m")
    third = Grade(question_id="director-03", status="graded", tier="great", score=5, backend="b", model="m",
                  explanation="Strong.")
    return [Feedback(1, bank.get("director-01"), first), Feedback(2, bank.get("director-02"), second),
            Feedback(3, bank.get("director-03"), third)]


def _end_feedback(stdin: str, *, interactive: bool, terminal: bool) -> tuple[str, io.StringIO]:
    console = Console(width=80, record=True, color_system=None, file=io.StringIO(), force_terminal=terminal)
    stream = io.StringIO(stdin)
    front = TerminalFrontend(console, LineReader(stream, interactive=interactive))
    asyncio.run(front.feedback_at_end(_feedback_items()))
    return console.export_text(), stream


def test_feedback_at_the_end_starts_with_a_line_per_answer_then_pages_in_a_terminal() -> None:
    """--feedback end printed about 150 lines at once; now a table, then one answer's feedback per Enter."""
    shown, stream = _end_feedback("\nq\nnot read\n", interactive=True, terminal=True)
    table = shown.split("Enter: feedback on question 1")[0]
    assert "Your answers at a glance" in table
    assert "Feedback · question" not in table  # nothing long before the first Enter
    for expected in ("director-01", "Poor ●○○○○ 1/5", "Measures the outcome", "director-02", "the model refused", "Great"):
        assert expected in table
    assert len(table.strip().splitlines()) <= 6
    assert "Feedback · question 1" in shown
    assert "Enter: feedback on question 2 (2 of 3) · q Enter: the summary" in shown
    assert "Feedback · question 2" not in shown and "Feedback · question 3" not in shown  # q: on to the summary
    assert stream.readline() == "not read\n"


def test_feedback_at_the_end_is_all_at_once_when_piped() -> None:
    shown, stream = _end_feedback("an answer line\n", interactive=False, terminal=False)
    assert "Enter:" not in shown
    assert all(f"Feedback · question {n}" in shown for n in (1, 2, 3))
    assert stream.readline() == "an answer line\n", "piped input is not eaten by the pager"


def test_a_resumed_question_recaps_what_the_candidate_said() -> None:
    from mock_interviewer.session_store import SessionTurn

    front, _, console = frontend("")
    front.recap([
        SessionTurn(speaker="interviewer", kind="question", text="How do you approach technical debt?"),
        SessionTurn(speaker="candidate", kind="answer", text="We track it in a register."),
    ])
    shown = console.export_text()
    assert "So far on this question:" in shown
    assert "Interviewer: How do you approach technical debt?" in shown
    assert "You:" in shown and "We track it in a register." in shown


def test_the_line_reader_keeps_no_more_of_an_answer_than_can_be_accepted() -> None:
    from mock_interviewer.answer_input import MAX_ANSWER_CHARS

    # the reader drops an answer past the limit itself (one bounded line at a time), says so, and reads the next
    replies, shown = read_all("y" * (5 * MAX_ANSWER_CHARS) + "\nmore\n.\nnext\n.\n", 1)
    assert replies == [Answer("next")]
    assert f"over {MAX_ANSWER_CHARS:,} characters" in shown
    assert "yyyy" not in shown  # a refused answer is not echoed
