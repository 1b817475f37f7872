"""The interview's answer box keeps what fits of a huge paste, at once (issue 16, item 9), and of what is typed.

A 10 MB paste sat in the box (prompt_toolkit gathered it in quadratic time) and was refused only at
submit. Now the terminal parser keeps a bounded start of a paste and counts the rest, the box keeps
what fits an answer's caps and says in its bottom line what was not kept, and the answer is taken.
Text that arrives as key presses (typed, or pasted by a terminal without bracketed paste) went on
past the caps and was refused only at submit; now the box holds every insertion to them as it arrives.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from rich.console import Console

from mock_interviewer.answer_input import MAX_ANSWER_CHARS, MAX_ANSWER_WORDS, cut_notice, fitting, full_notice
from mock_interviewer.bank import load_bank
from mock_interviewer.interview.answers import answer_problem
from mock_interviewer.interview.frontend import Answer, AnswerRequest, QuestionInfo

START, END = "\x1b[200~", "\x1b[201~"
LINE = "word " * 20 + "\n"  # 101 characters, 20 words


# ---------------------------------------------------------------- what fits


def test_fitting_keeps_the_start_that_stays_within_both_caps() -> None:
    assert fitting("", "short answer") == "short answer"
    spaced = "a" * (MAX_ANSWER_CHARS + 10)  # one word: the character cap
    assert fitting("", spaced) == "a" * MAX_ANSWER_CHARS
    assert fitting("x" * 100, spaced) == "a" * (MAX_ANSWER_CHARS - 100)
    words = "w " * (MAX_ANSWER_WORDS + 5)  # the word cap comes first
    kept = fitting("", words)
    assert len(kept.split()) == MAX_ANSWER_WORDS and answer_problem(kept) is None
    assert len(("one two three" + fitting("one two three", words)).split()) == MAX_ANSWER_WORDS  # "threew": one
    assert fitting("w " * MAX_ANSWER_WORDS, "more") == ""


def test_fitting_counts_words_as_they_will_be_on_either_side_of_the_cursor() -> None:
    """What a key press at the word cap may add: the end of the word it is in, a space between words; not a
    new word, nor a space that splits a word in two. Pasted into the middle, never a word too many."""
    full = "w " * (MAX_ANSWER_WORDS - 1) + "last"  # 20,000 words
    assert fitting(full, "ing") == "ing"  # the last word goes on
    assert fitting(full, " ") == " " and fitting(full + " ", "\n") == "\n"  # spaces add no word
    assert fitting(full + " ", "more") == "" and fitting(full, " more") == " "
    middle = full.index("last") + 2  # "la|st"
    assert fitting(full, "x", middle) == "x" and fitting(full, " ", middle) == ""
    assert fitting(full, "\n", middle - 3) == "\n"  # between two words (before "last")
    one_left = "w " * (MAX_ANSWER_WORDS - 2) + "last"
    middle = one_left.index("last") + 2
    assert fitting(one_left, " new words", middle) == " new"  # "la new" + "st" would be two more: one fits ...
    assert len((one_left[:middle] + " new" + one_left[middle:]).split()) == MAX_ANSWER_WORDS
    assert fitting(one_left, " new ", middle) == " new"  # ... and a space after it would split off "st"
    assert fitting("x" * (MAX_ANSWER_CHARS - 1), "yz") == "y"


def test_the_notice_names_the_cap_and_what_was_dropped_in_one_short_line() -> None:
    by_chars = cut_notice("", "a" * MAX_ANSWER_CHARS, 9_800_000)
    by_words = cut_notice("", "w " * MAX_ANSWER_WORDS, 9_960_000)
    assert by_chars == "Paste cut at 200,000 characters, an answer's limit; 9,800,000 more not kept."
    assert by_words == "Paste cut at 20,000 words, an answer's limit; 9,960,000 characters not kept."
    assert max(len(by_chars), len(by_words)) < 80  # the box's bottom line is one row of an 80-column terminal


# ---------------------------------------------------------------- the terminal parser


def test_the_parser_keeps_a_bounded_start_of_a_paste_and_counts_the_rest() -> None:
    from prompt_toolkit.keys import Keys

    from mock_interviewer.bounded_paste import BoundedPasteParser

    pressed: list[Any] = []
    parser = BoundedPasteParser(pressed.append, limit=10)
    data = f"x{START}{'0123456789' * 50}{END}y"
    for start in range(0, len(data), 7):  # small chunks: the end mark straddles two of them
        parser.feed(data[start : start + 7])
    parser.flush()
    assert [(p.key, p.data) for p in pressed] == [("x", "x"), (Keys.BracketedPaste, "0123456789"), ("y", "y")]
    assert parser.dropped == 490
    parser.feed(f"{START}short{END}")
    assert pressed[-1].data == "short" and parser.dropped == 0


def test_a_ten_megabyte_paste_is_read_in_linear_time() -> None:
    """Not a timed assertion: prompt_toolkit's own parser searched all it had so far on every chunk;
    this one keeps at most ``limit`` characters, whatever the paste's size."""
    from mock_interviewer.bounded_paste import BoundedPasteParser

    pressed: list[Any] = []
    parser = BoundedPasteParser(pressed.append, limit=2 * MAX_ANSWER_CHARS)
    paste = LINE * 100_000  # 10.1 MB
    parser.feed(START)
    for start in range(0, len(paste), 1024):
        parser.feed(paste[start : start + 1024])
        assert sum(len(part) for part in parser._kept) <= 2 * MAX_ANSWER_CHARS
    parser.feed(END)
    assert len(pressed) == 1 and len(pressed[0].data) == 2 * MAX_ANSWER_CHARS
    assert parser.dropped == len(paste) - 2 * MAX_ANSWER_CHARS


# ---------------------------------------------------------------- the box itself, through prompt_toolkit's pipe input


def _request() -> AnswerRequest:
    question = load_bank([]).get("technical-02")
    info = QuestionInfo(position=1, total=1, question=question, time_left=None)
    return AnswerRequest(info=info, follow_up=False, interviewer_words=question.text, time_left=lambda: None)


def _answer_through_the_box(drive: Callable[[Any, Any], Awaitable[None]]) -> Any:
    """The answer the real box (prompt_toolkit, pipe input) returns while ``drive(pipe, box)`` sends it keys."""
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from mock_interviewer.terminal import PromptToolkitReader, TerminalFrontend

    async def run() -> Any:
        with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
            reader = PromptToolkitReader(source=pipe)
            frontend = TerminalFrontend(Console(file=io.StringIO(), width=80), reader)
            sender = asyncio.ensure_future(drive(pipe, reader.session.default_buffer))
            answer = await reader.read(_request(), frontend)
            await sender
            return answer

    return asyncio.run(run())


async def _until(done: Callable[[], bool]) -> None:
    for _ in range(3000):  # a bound, not a timed assertion
        if done():
            return
        await asyncio.sleep(0.01)


async def _send(pipe: Any, text: str) -> None:
    """From another thread: the pipe holds 64 KB, and the box's loop is the one reading it."""
    await asyncio.get_running_loop().run_in_executor(None, pipe.send_text, text)


@pytest.mark.parametrize("before", ["", "My answer starts here. "])
def test_the_box_keeps_what_fits_of_a_huge_paste_and_the_answer_is_taken(before: str) -> None:
    paste = LINE * 100_000  # 10.1 MB, 2,000,000 words
    notices: list[str] = []

    async def type_and_paste(pipe: Any, box: Any) -> None:
        await _send(pipe, before + START + paste + END)
        await _until(lambda: len(box.text) > len(before))  # the box holds the paste
        error = box.validation_error  # set by the same key press that inserted the paste
        notices.append(error.message if error is not None else "")
        pipe.send_text("\x1b\r")  # Esc Enter: submit

    answer = _answer_through_the_box(type_and_paste)
    assert isinstance(answer, Answer)
    assert answer_problem(answer.text) is None  # taken, not refused at submit
    assert answer.text == (before + fitting(before, paste)).strip()
    assert len(answer.text.split()) == MAX_ANSWER_WORDS
    dropped = len(before) + len(paste) - len(before + fitting(before, paste))
    assert notices == [f"Paste cut at 20,000 words, an answer's limit; {dropped:,} characters not kept."]


# ---------------------------------------------------------------- what arrives as key presses


def test_the_box_holds_typed_keys_and_yanks_to_the_caps_and_says_so() -> None:
    """Key by key, the box took text past the caps; the answer was refused only at submit."""
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.clipboard import ClipboardData
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from mock_interviewer.terminal import PromptToolkitReader

    def typed(box: Any, keys: str) -> None:
        for key in keys:  # one insertion a key, as prompt_toolkit's self-insert makes them
            box.insert_text(key)

    async def run() -> None:  # a key press may start background work (completion): it needs a running loop
        with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
            box = PromptToolkitReader(source=pipe).session.default_buffer
            near = "w " * (MAX_ANSWER_WORDS - 1)
            box.text, box.cursor_position = near, len(near)
            typed(box, "last more words\n")
            assert box.text == near + "last "  # the 20,000th word whole; the rest of what was typed not kept
            assert box.validation_error is not None
            assert box.validation_error.message == full_notice(near, "last ")
            assert box.validation_error.message == "Answer limit reached: 20,000 words; further typing is not kept."
            box.delete_before_cursor(1)  # editing goes on: the notice goes, and the last word can be finished
            assert box.validation_error is None
            typed(box, "ing")
            assert box.text == near + "lasting" and box.validation_error is None
            box.paste_clipboard_data(ClipboardData(" yanked from the kill ring"))  # Ctrl-Y
            assert box.text == near + "lasting "
            assert len(box.text.split()) == MAX_ANSWER_WORDS and answer_problem(box.text) is None

            long_word = "a" * (MAX_ANSWER_CHARS - 3)  # one word: the character cap
            box.text, box.cursor_position = long_word, len(long_word)
            typed(box, "bcdef")
            assert box.text == long_word + "bcd" and answer_problem(box.text) is None
            assert box.validation_error is not None
            assert box.validation_error.message == "Answer limit reached: 200,000 characters; further typing is not kept."
            assert max(len(full_notice("", "")), len(full_notice("", "a" * MAX_ANSWER_CHARS))) < 80

    asyncio.run(run())


@pytest.mark.parametrize("cap", ["words", "characters"])
def test_keys_past_the_cap_are_not_kept_and_the_answer_is_taken(cap: str) -> None:
    """The real box through prompt_toolkit's pipe input: a near-cap paste, then text arriving as key presses (a
    terminal without bracketed paste sends a paste so, new lines as Enter), then Esc Enter."""
    near = "w " * (MAX_ANSWER_WORDS - 5) if cap == "words" else "a" * (MAX_ANSWER_CHARS - 12) + " "
    keys = "We cached the hot reads.\rAnd we added an index on the column we filter by."
    notices: list[str] = []

    async def paste_then_type(pipe: Any, box: Any) -> None:
        await _send(pipe, START + near + END)
        await _until(lambda: bool(box.text))  # the box holds the paste
        pipe.send_text(keys)
        await _until(lambda: box.validation_error is not None)  # a key was refused, so the notice is there
        await asyncio.sleep(0.2)  # and the keys after it
        error = box.validation_error
        notices.append(error.message if error is not None else "")
        pipe.send_text("\x1b\r")  # Esc Enter: submit

    answer = _answer_through_the_box(paste_then_type)
    assert isinstance(answer, Answer)
    assert answer_problem(answer.text) is None  # taken, not refused at submit
    if cap == "words":
        assert answer.text == (near + "We cached the hot reads.").strip()  # five words fit; then nothing
        assert notices == ["Answer limit reached: 20,000 words; further typing is not kept."]
    else:
        assert answer.text == near + "We cached t"  # eleven characters fit
        assert notices == ["Answer limit reached: 200,000 characters; further typing is not kept."]
