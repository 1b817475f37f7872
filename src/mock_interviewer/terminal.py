"""The interview in a terminal: streamed interviewer words, multi-line answers, in-session commands.

Two ways of reading an answer, chosen by what stdin is:

- a terminal: ``prompt_toolkit`` (imported only here). A real multi-line editor:
  Enter starts a new line, pasted text (bracketed paste) stays one answer
  whatever blank lines it holds, **Esc then Enter** (or Alt+Enter, or Ctrl-D)
  submits, and a bottom bar shows the clock, ticking;
- anything else (piped answers, a dumb terminal, no prompt_toolkit): plain
  lines. An answer ends at a line holding only ``.`` (or at end of input).

Either way a command is a line of its own: ``/edit`` (opens ``$VISUAL`` /
``$EDITOR``, else the first of editor, nano, vi found), ``/repeat``, ``/great``,
``/retry``, ``/skip``, ``/quit``, ``/help``. A typed ``.`` on its own line also submits in the editor
mode, so one convention works everywhere.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal, Protocol, TextIO, cast

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from mock_interviewer.answer_input import MAX_ANSWER_CHARS, cut_notice
from mock_interviewer.bank import Question
from mock_interviewer.compare import AttemptComparison
from mock_interviewer.grade_model import Grade
from mock_interviewer.interview.answers import answer_problem
from mock_interviewer.interview.frontend import Answer, AnswerRequest, Command, Feedback, QuestionInfo, Reply
from mock_interviewer.render import sentence_case
from mock_interviewer.render.session import clock as format_clock
from mock_interviewer.safetext import for_terminal
from mock_interviewer.session_store import SessionTurn
from mock_interviewer.summary import Summary

if TYPE_CHECKING:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.buffer import Buffer
    from prompt_toolkit.input import Input
    from prompt_toolkit.key_binding import KeyBindings

COMMANDS = ("edit", "repeat", "great", "retry", "skip", "quit", "help")
_COMMAND_LINE = re.compile(r"^\s*/([a-z]+)\s*$")
SUBMIT_LINE = "."
EMPTY_ANSWER = "Empty answer: type or paste your answer, or /skip this question."
STOP_PAGING = ("q", "quit", "/quit", "/skip")
FALLBACK_EDITORS = ("editor", "nano", "vim", "vi")

HELP_ROWS = (
    ("Esc Enter", "submit your answer (also Alt+Enter, Ctrl-D, or a line with only '.')"),
    ("Enter", "new line; pasted text stays one answer, blank lines and all"),
    ("/edit", "write the answer in your editor ($VISUAL or $EDITOR)"),
    ("/repeat", "hear the question again"),
    ("/great", "after feedback: the great answer to the last question, with its key points"),
    ("/retry", "after feedback: answer the last question again; both attempts are kept and compared"),
    ("/skip", "skip this question (or this follow-up: your answer so far is graded)"),
    ("/quit", "stop here; the session is saved and can be resumed"),
    ("/help", "this list"),
    ("Ctrl-C", "stop and save, like /quit"),
)
PLAIN_HELP_ROWS = (
    (".", "a line with only '.' submits the answer (end of input does too)"),
    *HELP_ROWS[2:],
)


def parse_command(line: str) -> str | None:
    """The command a line holds (``/skip`` -> ``skip``), ``?`` for an unknown one, None for answer text."""
    match = _COMMAND_LINE.match(line)
    if not match:
        return None
    return match.group(1) if match.group(1) in COMMANDS else "?"


def split_command(text: str) -> tuple[str, str | None]:
    """A buffer whose last line is a command: the draft before it, and the command."""
    lines = text.rstrip("\n").split("\n")
    command = parse_command(lines[-1]) if lines else None
    if command is None:
        return text, None
    return "\n".join(lines[:-1]), command


# ---------------------------------------------------------------- the editor


def find_editor(env: Mapping[str, str]) -> list[str] | None:
    """``$VISUAL``, then ``$EDITOR``, then the first common editor installed; None when there is none."""
    for name in ("VISUAL", "EDITOR"):
        value = env.get(name, "").strip()
        if value:
            return shlex.split(value)
    for name in FALLBACK_EDITORS:
        found = shutil.which(name)
        if found:
            return [found]
    return None


class EditorProblem(Exception):
    """The editor could not be used; the message says why and what to do."""


def edit_text(draft: str, env: Mapping[str, str] | None = None) -> str:
    """Open the draft in the user's editor and return what they saved (comment lines removed)."""
    env = os.environ if env is None else env
    command = find_editor(env)
    if command is None:
        raise EditorProblem("no editor found: set $EDITOR (for example: export EDITOR=nano)")
    header = "# Write your answer below. Lines starting with '#' are ignored. Save and close to continue.\n"
    fd, name = tempfile.mkstemp(prefix="mock-interviewer-answer-", suffix=".md")
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(header + draft)
        try:
            status = subprocess.call([*command, str(path)])
        except OSError as exc:
            raise EditorProblem(f"could not start the editor {command[0]!r}: {exc.strerror or exc}") from None
        if status != 0:
            raise EditorProblem(f"the editor {command[0]!r} exited with status {status}; your draft is unchanged")
        text = path.read_text(encoding="utf-8", errors="replace")
    finally:
        path.unlink(missing_ok=True)
    return "\n".join(line for line in text.splitlines() if not line.startswith("#")).strip("\n")


# ---------------------------------------------------------------- showing streamed words


class StreamPrinter:
    """Print text as it streams, wrapping at word boundaries (chunks split words anywhere)."""

    def __init__(self, console: Console, *, label: str = "Interviewer", indent: int = 2, style: str = "cyan") -> None:
        self.console = console
        self.indent = indent
        self.style = style
        self.width = max(console.width, 20)
        self.pending = ""
        self.parts: list[str] = []
        self.console.print(Text(f"{label}: ", style=f"bold {style}"), end="")
        self.column = len(label) + 2
        self.line_has_words = False

    def feed(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.pending += chunk
        while True:
            match = re.search(r"\s", self.pending)
            if not match:
                return
            word, space, self.pending = self.pending[: match.start()], match.group(), self.pending[match.end() :]
            self._word(word)
            if space == "\n":
                self._newline()

    def _newline(self) -> None:
        self.console.print()
        self.console.print(" " * self.indent, end="")
        self.column = self.indent
        self.line_has_words = False

    def _word(self, word: str) -> None:
        if not word:
            return
        width = cell_len(word)
        needed = width + (1 if self.line_has_words else 0)
        if self.line_has_words and self.column + needed > self.width:
            self._newline()
            needed = width
        text = (" " if self.line_has_words else "") + word
        self.console.print(Text(for_terminal(text), style=self.style), end="", soft_wrap=True, highlight=False)
        self.column += needed
        self.line_has_words = True

    def close(self) -> str:
        self._word(self.pending)
        self.pending = ""
        self.console.print()
        return "".join(self.parts)


# ---------------------------------------------------------------- reading answers


class Reader(Protocol):
    async def read(self, request: AnswerRequest, frontend: TerminalFrontend) -> Reply: ...

    async def pause(self, prompt: str, frontend: TerminalFrontend) -> bool:
        """Wait for Enter before the next page (True), or the candidate typed q (False)."""
        ...

    async def choose(self, prompt: str, frontend: TerminalFrontend) -> str | None:
        """One line typed at a prompt ('' for Enter); None when nobody can type one (piped input)."""
        ...


def without_submit_line(text: str) -> str:
    """The answer without a final line holding only ``.`` (the submit convention)."""
    lines = text.split("\n")
    return "\n".join(lines[:-1]) if lines and lines[-1].strip() == SUBMIT_LINE else text


class LineReader:
    """Plain line reading: works with pipes, files and any terminal. ``.`` alone submits.

    An answer is read with a bound: past ``MAX_ANSWER_CHARS`` characters the rest of it is read and
    dropped (a line at a time, each line bounded too), and the candidate is told and answers again.
    """

    def __init__(self, stream: TextIO, *, interactive: bool) -> None:
        self.stream = stream
        self.interactive = interactive
        self.draft: list[str] = []
        self.size = 0
        self.overflow = False
        self.mid_line = False

    def hint(self) -> str:
        return "a line with only '.' submits"

    async def read(self, request: AnswerRequest, frontend: TerminalFrontend) -> Reply:
        while True:
            line = self.stream.readline(MAX_ANSWER_CHARS + 2)
            starts_a_line = not self.mid_line
            self.mid_line = bool(line) and not line.endswith("\n")
            if line and (not starts_a_line or len(line) > MAX_ANSWER_CHARS):  # a line longer than any answer
                self.overflow, self.draft = True, []
                continue
            if line == "" or line.strip() == SUBMIT_LINE:
                reply = self._submit(frontend, at_end=line == "")
                if reply is None:
                    continue
                return reply
            line = line.rstrip("\r\n")
            command = parse_command(line)
            if command is None:
                self._add(line)
                continue
            if command == "?":
                frontend.notice(f"Unknown command {line.strip()}: /help lists them.", level="warning")
            elif command == "edit":
                self._edit(frontend)
            elif command in ("skip", "quit"):
                self.draft, self.size, self.overflow = [], 0, False
                return Command(command)  # type: ignore[arg-type]
            else:
                return Command(command)  # type: ignore[arg-type]

    def _add(self, line: str) -> None:
        self.size += len(line) + 1
        if self.size > MAX_ANSWER_CHARS:
            self.overflow, self.draft = True, []
        elif not self.overflow:
            self.draft.append(line)

    def _submit(self, frontend: TerminalFrontend, *, at_end: bool) -> Reply | None:
        """The answer typed so far; None when it was too long (the candidate is told and answers again)."""
        text = "\n".join(self.draft).strip()
        too_long = self.overflow
        self.draft, self.size, self.overflow = [], 0, False
        if too_long:
            frontend.notice(
                f"That answer is over {MAX_ANSWER_CHARS:,} characters, the most accepted; it was not kept. "
                "Please answer again, shorter.",
                level="warning",
            )
            return Command("quit") if at_end else None
        self._echo(frontend, text)
        if at_end and not text:
            return Command("quit")
        return Answer(text)

    async def pause(self, prompt: str, frontend: TerminalFrontend) -> bool:
        """Piped input: no pause (everything is printed at once, and no answer line is eaten)."""
        if not self.interactive:
            return True
        frontend.console.print(Text(prompt, style="dim"))
        line = self.stream.readline()
        if line == "":
            self.interactive = False
            return True
        return line.strip().lower() not in STOP_PAGING

    async def choose(self, prompt: str, frontend: TerminalFrontend) -> str | None:
        """Piped input: nothing is read (the next line belongs to no question); a terminal: one line."""
        if not self.interactive:
            return None
        frontend.console.print()
        frontend.console.print(Text(prompt, style="dim"))
        line = self.stream.readline()
        if line == "":
            self.interactive = False
            return None
        return line.strip()

    def _echo(self, frontend: TerminalFrontend, text: str) -> None:
        """Piped answers are not shown by a terminal: print them, so the output reads as a transcript.

        An answer that will be refused (too long) is not printed: a 10 MB answer took a minute to echo.
        """
        if not self.interactive and text and answer_problem(text) is None:
            frontend.echo(text)

    def _edit(self, frontend: TerminalFrontend) -> None:
        if not (self.interactive and sys.stdout.isatty()):
            frontend.notice("/edit needs a terminal; keep typing here instead.", level="warning")
            return
        try:
            text = edit_text("\n".join(self.draft))
        except EditorProblem as problem:
            frontend.notice(str(problem), level="warning")
            return
        self.draft, self._kept = (text.split("\n") if text else []), len(text)
        frontend.console.print(Text(for_terminal(text) or "(empty)", style="dim"))
        frontend.notice("Your edited answer is above: add lines, or finish with a line containing only '.'.")


def keep_what_fits(buffer: Buffer, inserted: str, dropped: int = 0) -> None:
    """Insert a paste (or what ``/edit`` brought back) in the answer box; when some of it does not fit, say how
    much in the box's bottom line.

    The box (``answer_box.AnswerBox``) keeps what fits an answer's caps as text arrives, so a huge paste neither
    sits in the box nor waits until submit to be refused. ``dropped``: characters the paste had beyond what the
    terminal parser kept (``bounded_paste``).
    """
    from prompt_toolkit.validation import ValidationError

    text = buffer.text
    buffer.insert_text(inserted)
    kept = inserted[: len(buffer.text) - len(text)]
    left_out = dropped + len(inserted) - len(kept)
    if left_out:
        buffer.validation_error = ValidationError(message=cut_notice(text, kept, left_out))


class PromptToolkitReader:
    """A multi-line editor in the terminal (prompt_toolkit): paste-safe, with a ticking clock."""

    def __init__(self, *, output: IO[str] | None = None, source: Input | None = None) -> None:
        from prompt_toolkit.application.current import get_app_session
        from prompt_toolkit.formatted_text import FormattedText
        from prompt_toolkit.output import create_output
        from prompt_toolkit.validation import Validator

        from mock_interviewer.answer_box import AnswerSession
        from mock_interviewer.bounded_paste import bound_pastes

        self._placeholder = FormattedText([("italic fg:ansibrightblack", "type or paste your answer")])
        self.draft = ""
        self._request: AnswerRequest | None = None
        self._output = create_output(stdout=cast(TextIO, output)) if output is not None else None
        self._input = source if source is not None else get_app_session().input  # the pager's input too
        # a paste is cut as it is read: twice the cap in raw characters still holds a cap's worth after \r\n -> \n
        self._pastes = bound_pastes(self._input, 2 * MAX_ANSWER_CHARS)
        self.session: PromptSession[str] = AnswerSession(  # its box keeps only what fits an answer
            multiline=True,
            key_bindings=self._bindings(),
            input=self._input,
            output=self._output,
            # Esc Enter on an empty box says so in the bar under it, instead of doing nothing
            validator=Validator.from_callable(
                lambda text: bool(without_submit_line(text).strip()) or split_command(text)[1] is not None,
                error_message=EMPTY_ANSWER,
            ),
            validate_while_typing=False,
            # the box wraps inside words as you type; once submitted, the answer is reprinted word-wrapped
            erase_when_done=True,
        )

    def hint(self) -> str:
        return "Esc Enter to submit"

    def _bindings(self) -> KeyBindings:
        from prompt_toolkit.application import run_in_terminal
        from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
        from prompt_toolkit.keys import Keys

        bindings = KeyBindings()

        @bindings.add(Keys.BracketedPaste)
        def _paste(event: KeyPressEvent) -> None:
            """A paste keeps what fits in an answer, at once; the bar under the box says what was not kept."""
            dropped = self._pastes.dropped if self._pastes is not None else 0
            keep_what_fits(event.current_buffer, event.data.replace("\r\n", "\n").replace("\r", "\n"), dropped)

        @bindings.add("enter")
        def _enter(event: KeyPressEvent) -> None:
            buffer = event.current_buffer
            lines = buffer.text.split("\n")
            last = lines[-1]
            command = parse_command(last)
            if command == "edit":
                draft = "\n".join(lines[:-1])

                def run_editor() -> None:
                    try:
                        edited = edit_text(draft)
                    except EditorProblem as problem:
                        print(f"  {problem}", file=sys.stderr)
                        edited = draft
                    buffer.text = ""
                    keep_what_fits(buffer, edited)

                async def edit() -> None:
                    await run_in_terminal(run_editor, in_executor=False)

                event.app.create_background_task(edit())
            elif command is not None or (last.strip() == SUBMIT_LINE and buffer.document.is_cursor_at_the_end):
                buffer.validate_and_handle()
            else:
                buffer.newline(copy_margin=False)

        @bindings.add("c-c")
        def _interrupt(event: KeyPressEvent) -> None:
            self.draft = event.current_buffer.text  # kept, so it can be shown after the pause
            event.app.exit(exception=KeyboardInterrupt())

        @bindings.add("escape", "enter")
        @bindings.add("c-d")
        def _submit(event: KeyPressEvent) -> None:
            event.current_buffer.validate_and_handle()  # an empty answer is refused with EMPTY_ANSWER

        return bindings

    def _toolbar(self) -> str:
        request = self._request
        clock = format_clock(request.time_left()) if request else ""
        if clock == "time is up":
            clock = "time is up: finish this answer"
        parts = [clock] if clock else []
        parts.append("Esc Enter: submit · Enter: new line · /help")
        return " " + " │ ".join(parts) + " "

    async def read(self, request: AnswerRequest, frontend: TerminalFrontend) -> Reply:
        self._request = request
        while True:
            text = await self.session.prompt_async(
                "› ",
                default=self.draft,
                bottom_toolbar=self._toolbar,
                refresh_interval=1.0 if request.time_left() is not None else None,
                prompt_continuation="  ",
                placeholder=self._placeholder,
            )
            text = without_submit_line(text)
            draft, command = split_command(text)
            if command is None:
                self.draft = ""
                frontend.echo(text.strip())
                return Answer(text.strip())
            frontend.echo("/" + command if command != "?" else text.strip().split("\n")[-1], style="dim")
            self.draft = draft
            if command == "?":
                frontend.notice("Unknown command: /help lists them.", level="warning")
                continue
            if command in ("skip", "quit"):
                self.draft = ""
            return Command(command)  # type: ignore[arg-type]


    async def _one_line(self, prompt: str) -> str:
        """One line typed at a dim prompt that is erased once answered (the pager's and the chooser's)."""
        from prompt_toolkit import PromptSession
        from prompt_toolkit.formatted_text import FormattedText

        asker: PromptSession[str] = PromptSession(output=self._output, erase_when_done=True)
        return await asker.prompt_async(FormattedText([("fg:ansibrightblack", f"{prompt} ")]))

    async def pause(self, prompt: str, frontend: TerminalFrontend) -> bool:
        return (await self._one_line(prompt)).strip().lower() not in STOP_PAGING

    async def choose(self, prompt: str, frontend: TerminalFrontend) -> str | None:
        frontend.console.print()
        try:
            return (await self._one_line(prompt)).strip()
        except EOFError:  # Ctrl-D: on to the summary
            return ""


# ---------------------------------------------------------------- the frontend


class TerminalFrontend:
    """The ``Frontend`` of the interview for a terminal (or a pipe), printing with Rich."""

    def __init__(self, console: Console, reader: Reader) -> None:
        self.console = console
        self.reader = reader
        self._after_rule = False

    def question_start(self, info: QuestionInfo) -> None:
        from mock_interviewer.render.session import question_rule

        self.console.print()
        self.console.print(question_rule(info))
        self._after_rule = True

    async def speak(self, words: AsyncIterator[str]) -> str:
        if not self._after_rule:
            self.console.print()
        self._after_rule = False
        printer = StreamPrinter(self.console)
        try:
            async for chunk in words:
                printer.feed(chunk)
        finally:
            text = printer.close()
        return text

    async def read(self, request: AnswerRequest) -> Reply:
        clock = format_clock(request.time_left())
        who = "Your answer to the follow-up" if request.follow_up else "Your answer"
        hint = getattr(self.reader, "hint", lambda: "")()
        parts = [p for p in (clock, hint, "/help") if p]
        self.console.print(Text.assemble((who, "bold"), (f" ({' · '.join(parts)})", "dim")))
        return await self.reader.read(request, self)

    def unsent_draft(self) -> str:
        """What the candidate had typed but not submitted (shown when they leave with Ctrl-C)."""
        draft = getattr(self.reader, "draft", "")
        text = "\n".join(draft) if isinstance(draft, list) else str(draft)
        return text.strip()

    def echo(self, text: str, *, style: str = "") -> None:
        """What the candidate submitted, word-wrapped under a ``›`` (paragraphs and all)."""
        from rich.table import Table

        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style="bold")
        grid.add_column(overflow="fold")
        grid.add_row("›", Text(for_terminal(text), style=style))
        self.console.print(grid)

    def repeat(self, words: str, question: Question) -> None:
        printer = StreamPrinter(self.console)
        printer.feed(words)
        printer.close()
        same = " ".join(words.lower().split()).rstrip("?. ") == " ".join(question.text.lower().split()).rstrip("?. ")
        if not same:  # the offline interviewer asks the bank's words: saying them twice helps nobody
            self.console.print(Text(f"(bank question {question.id}: {sentence_case(question.text)})", style="dim"))

    def great(self, question: Question) -> None:
        from rich.padding import Padding

        self.console.print(Text(f"The great answer to {question.id} (the bank's exemplar):", style="bold"))
        self.console.print(Padding(Text(for_terminal(question.exemplars.great)), (0, 0, 0, 2)))
        if question.key_points:
            from rich.table import Table

            self.console.print(Text("The key points it covers:", style="bold"))
            points = Table.grid(padding=(0, 1))  # a wrapped point hangs under its own text, not under the bullet
            points.add_column(no_wrap=True)
            points.add_column(overflow="fold")
            for point in question.key_points:
                points.add_row("•", Text(for_terminal(point)))
            self.console.print(Padding(points, (0, 0, 0, 2)))

    def recap(self, turns: Sequence[SessionTurn]) -> None:
        from mock_interviewer.render.session import turns_grid

        self.console.print(Text("So far on this question:", style="dim"))
        self.console.print(turns_grid(turns))

    def show_help(self) -> None:
        from rich.table import Table

        rows = HELP_ROWS if isinstance(self.reader, PromptToolkitReader) else PLAIN_HELP_ROWS
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for key, what in rows:
            table.add_row(key, what)
        self.console.print(table)

    def notice(self, text: str, *, level: Literal["info", "warning", "dim"] = "info") -> None:
        style = {"info": "", "warning": "yellow", "dim": "dim"}[level]
        self.console.print(Text(for_terminal(text), style=style))

    def busy(self, label: str) -> AbstractContextManager[object]:
        if self.console.is_terminal:
            return self.console.status(label, spinner="dots")
        return nullcontext()

    def feedback(self, position: int, question: Question, grade: Grade) -> None:
        from mock_interviewer.render.session import feedback_view

        self.console.print()
        self.console.print(feedback_view(position, question, grade, width=self.console.width))

    def attempt_change(self, position: int, question: Question, change: AttemptComparison) -> None:
        from rich.console import Group

        from mock_interviewer.render.history import comparison_lines

        self.console.print()
        self.console.print(Group(*comparison_lines(change)))

    async def before_summary(self, position: int, question: Question) -> Literal["summary", "retry", "great"]:
        prompt = f"Enter: the summary · /retry: answer question {position} again · /great: its great answer"
        while True:
            line = await self.reader.choose(prompt, self)
            if not line:
                return "summary"
            command = parse_command(line)
            if command in ("retry", "great"):
                self.echo("/" + command, style="dim")
                return cast(Literal["retry", "great"], command)
            self.notice(f"{line}: press Enter for the summary, or type /retry or /great.", level="warning")

    async def feedback_at_end(self, items: Sequence[Feedback]) -> None:
        """A line per answer first; then, in a terminal, each answer's feedback after Enter (q: to the summary)."""
        from mock_interviewer.render.session import feedback_overview

        if not items:
            return
        self.console.print()
        self.console.print(feedback_overview(items))
        page = self.console.is_terminal and len(items) > 1
        for number, item in enumerate(items, start=1):
            prompt = f"Enter: feedback on question {item.position} ({number} of {len(items)}) · q Enter: the summary"
            if page and not await self.reader.pause(prompt, self):
                break
            self.feedback(item.position, item.question, item.grade)

    def summary(self, summary: Summary) -> None:
        from mock_interviewer.render.session import session_summary_view

        self.console.print()
        self.console.print(session_summary_view(summary))


def make_reader(*, stdin: TextIO, out: IO[str]) -> Reader:
    """prompt_toolkit when both ends are a real terminal, plain lines otherwise."""
    interactive = stdin.isatty()
    if interactive and out.isatty() and os.environ.get("TERM", "") not in ("", "dumb"):
        try:
            return PromptToolkitReader(output=out)
        except ImportError:  # pragma: no cover - prompt_toolkit is a dependency
            pass
    return LineReader(stdin, interactive=interactive)
