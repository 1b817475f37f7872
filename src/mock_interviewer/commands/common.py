"""What the commands share: the options several take, the command context, and one-line messages.

It never imports ``mock_interviewer.cli``, so every command module can be imported on its own.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from mock_interviewer.envvars import ENV_BACKEND, ENV_BANK, ENV_MODEL, ENV_TRANSCRIPTS
from mock_interviewer.locations import command_line, legacy_note

if TYPE_CHECKING:
    from rich.text import Text

    from mock_interviewer.backends.base import Backend
    from mock_interviewer.bank import Bank
    from mock_interviewer.config import Settings

# ---------------------------------------------------------------- options shared by commands

JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout; messages go to stderr.")]
BankOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--bank",
        metavar="PATH",
        help=f"Extra bank file or directory (repeatable); also {ENV_BANK} (paths separated by ':').",
        show_default=False,
    ),
]
BackendOpt = Annotated[
    str | None,
    typer.Option(
        "--backend",
        help=(
            "auto (openai when OPENAI_API_KEY or OPENAI_BASE_URL is set or a local server answers, else offline), "
            f"openai, or offline; also {ENV_BACKEND}. Default: auto."
        ),
        show_default=False,
    ),
]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model", help=f"Model name for the openai backend; also {ENV_MODEL}.", show_default=False
    ),
]
AnswerOpt = Annotated[
    str | None,
    typer.Option(
        "--answer",
        "-a",
        metavar="TEXT",
        help="The answer (else --answer-file, else standard input).",
        show_default=False,
    ),
]
AnswerFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--answer-file", "-f", metavar="PATH", help="Read the answer from a UTF-8 text file.", show_default=False
    ),
]
SamplesOpt = Annotated[
    int,
    typer.Option(
        "--samples",
        min=1,
        max=9,  # sampling.MAX_SAMPLES (not imported here: --help stays light)
        metavar="K",
        help="With a model: grade K times, exemplars in rotated order; a split tier is marked borderline.",
    ),
]
TranscriptsOpt = Annotated[
    Path | None,
    typer.Option(
        "--transcripts-dir",
        metavar="DIR",
        help=(
            f"Where sessions are saved; also {ENV_TRANSCRIPTS}. Default: the user's data directory, "
            "e.g. ~/.local/share/mock-interviewer/transcripts."
        ),
        show_default=False,
    ),
]


@dataclass
class Context:
    """What every command needs: settings (loaded once), the consoles, and output mode."""

    json: bool = False
    bank: list[Path] = field(default_factory=list)
    backend: str | None = None
    model: str | None = None
    transcripts: Path | None = None
    out: Console = field(default_factory=Console)
    err: Console = field(default_factory=lambda: Console(stderr=True))
    _settings: Settings | None = None

    def settings(self) -> Settings:
        """The command line over the environment over the defaults, read once (``config.load_settings``)."""
        if self._settings is None:
            from mock_interviewer.config import load_settings

            self._settings = load_settings(
                os.environ, bank=self.bank, backend=self.backend, model=self.model, transcripts_dir=self.transcripts
            )
        return self._settings

    @property
    def bank_paths(self) -> list[Path]:
        return self.settings().bank_paths

    @property
    def transcripts_dir(self) -> Path:
        return self.settings().transcripts_dir

    def load_bank(self) -> Bank:
        from mock_interviewer.bank import load_bank

        return load_bank(self.bank_paths)

    def make_backend(self) -> Backend:
        from mock_interviewer.backends import make_backend

        backend, why = make_backend(self.settings(), on_notice=lambda text: self.say(text, label="notice:"))
        self.say(why, style="dim")
        return backend

    def say(self, text: str, *, label: str = "", label_style: str = "yellow", style: str = "") -> None:
        """One message line on stderr: an optional styled label, then ``text`` as plain text.

        The text is data (paths, ids, a server's words): never parsed as markup, never wrapped.
        """
        self.err.print(message_line(text, label=label, label_style=label_style, style=style), highlight=False, soft_wrap=True)

    @property
    def transcripts_given(self) -> bool:
        """The sessions' directory was chosen (--transcripts-dir or its variable), not the default data directory."""
        return "transcripts_dir" in self.settings().model_fields_set

    def command(self, *words: str, banks: list[Path] | None = None) -> str:
        """A printed ``mock-interviewer …`` command that finds this context's sessions from any directory."""
        return command_line(*words, transcripts_dir=self.transcripts_dir, banks=banks or [])

    def note_legacy_sessions(self) -> None:
        """A returning user's sessions may still be in ./transcripts (the old default): say so, in one line."""
        if not self.transcripts_given:
            note = legacy_note(self.transcripts_dir)
            if note:
                self.say(note, style="dim")

    def print_json(self, data: object) -> None:
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def make_context(
    *,
    json_output: bool = False,
    bank: list[Path] | None = None,
    backend: str | None = None,
    model: str | None = None,
    transcripts_dir: Path | None = None,
) -> Context:
    return Context(json=json_output, bank=list(bank or []), backend=backend, model=model, transcripts=transcripts_dir)


def message_line(text: str, *, label: str = "", label_style: str = "", style: str = "") -> Text:
    """A styled label and a plain-text message on one line (a Rich ``Text``; markup in ``text`` stays literal)."""
    from rich.text import Text

    line = Text(text.replace("\n", " "), style=style)
    return Text.assemble((f"{label} ", label_style), line) if label else line


def print_error(label: str, message: str) -> None:
    """One line on stderr; the message is shown as text, never parsed as markup."""
    Console(stderr=True, soft_wrap=True).print(message_line(message, label=f"{label}:", label_style="bold red"), highlight=False)
