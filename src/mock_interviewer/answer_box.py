"""The interview's answer box: prompt_toolkit's buffer, held to an answer's caps as text arrives.

Every way text enters the box goes through ``insert_text`` (typed keys, a paste the terminal sends as keys,
Enter's new line, a bracketed paste, what ``/edit`` brings back, quoted inserts, the yank-arg commands) or
``paste_clipboard_data`` (Ctrl-Y and Esc Y, from the kill ring). Both keep only what fits
(``answer_input.fitting``: 200,000 characters, 20,000 words); what does not is not inserted, and the bar
under the box says so. Nothing already in the box is touched. Imported only with prompt_toolkit.
"""

from __future__ import annotations

from prompt_toolkit import PromptSession
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.clipboard import ClipboardData
from prompt_toolkit.selection import PasteMode, SelectionType
from prompt_toolkit.validation import ValidationError

from mock_interviewer.answer_input import count_words, fitting, full_notice, words_added


class AnswerBox(Buffer):
    """A ``Buffer`` whose insertions keep what fits an answer.

    A key press costs O(1) beyond prompt_toolkit's own work, also in a long answer: the word count is kept
    from one insertion to the next (counted again only after the text changed some other way: a deletion,
    an undo), and not needed at all under 40,000 characters. Once an insertion was cut, the next ones at
    the same place are refused whole until the text or the cursor moves: the rest of a paste that arrives
    as keys would otherwise leave its spaces and new lines behind (they add no word).
    """

    _counted: tuple[str, int] | None = None
    """The text last counted (the very string object: compared with ``is``) and its words."""
    _full_at: tuple[str, int] | None = None
    """The text and cursor position after the last insertion that was cut."""

    def insert_text(
        self, data: str, overwrite: bool = False, move_cursor: bool = True, fire_event: bool = True
    ) -> None:
        # overwrite (Esc U, L, C change a word's case in place) is fitted as an insertion: never past the caps
        text, at = self.text, self.cursor_position
        kept = self._fit(text, at, data)
        if kept:
            super().insert_text(kept, overwrite, move_cursor, fire_event)
        self._after_insert(text, at, data, kept, counted=not overwrite)

    def paste_clipboard_data(
        self, data: ClipboardData, paste_mode: PasteMode = PasteMode.EMACS, count: int = 1
    ) -> None:
        text, at = self.text, self.cursor_position
        inserted = data.text * count
        emacs = data.type == SelectionType.CHARACTERS and paste_mode == PasteMode.EMACS
        if emacs:  # Ctrl-Y, Esc Y: at the cursor
            kept = self._fit(text, at, inserted)
            if kept != inserted:
                data, count = ClipboardData(kept), 1
        else:  # Vi's pastes (not bound: the box is in Emacs mode) are whole, if the answer stays within its caps
            after = self.document.paste_clipboard_data(data, paste_mode, count).text
            kept = inserted if not self._is_full(text, at) and fitting("", after) == after else ""
        if kept:
            super().paste_clipboard_data(data, paste_mode, count)
        self._after_insert(text, at, inserted, kept, counted=emacs)

    def _fit(self, text: str, at: int, inserted: str) -> str:
        return "" if self._is_full(text, at) else fitting(text, inserted, at, self._words)

    def _is_full(self, text: str, at: int) -> bool:
        """Whether an insertion was cut here (the same text, the same place): the rest of it is not kept."""
        return self._full_at is not None and self._full_at[0] is text and self._full_at[1] == at

    def _words(self, text: str) -> int:
        if self._counted is None or self._counted[0] is not text:
            self._counted = (text, count_words(text))
        return self._counted[1]

    def _after_insert(self, text: str, at: int, data: str, kept: str, *, counted: bool) -> None:
        """Keep the word count (``counted``: ``kept`` went in at ``at``, replacing nothing); if not all of ``data``
        went in, say so in the bar under the box and refuse the rest here."""
        if kept and counted and self._counted is not None and self._counted[0] is text:
            self._counted = (self.text, self._counted[1] + words_added(text, at, kept))
        if kept != data:
            self._full_at = (self.text, self.cursor_position)
            self.validation_error = ValidationError(message=full_notice(text, kept))


class AnswerSession(PromptSession[str]):
    """prompt_toolkit's prompt with an ``AnswerBox`` for its buffer."""

    def _create_default_buffer(self) -> Buffer:
        box = super()._create_default_buffer()
        box.__class__ = AnswerBox  # prompt_toolkit's own buffer and settings; only its insertions change
        return box
