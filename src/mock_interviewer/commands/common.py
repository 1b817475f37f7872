"""What the commands share: the options several take, the command context, and one-line messages.

It never imports ``mock_interviewer.cli``, so every command module can be imported on its own.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from mock_interviewer.envvars import ENV_BACKEND, ENV_BANK, ENV_MODEL, ENV_TRANSCRIPTS
from mock_interviewer.locations import command_line, legacy_note, resolve_transcripts_dir

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
    str,
    typer.Option(
        "--backend",
        envvar=ENV_BACKEND,
        help="auto (openai when OPENAI_API_KEY or OPENAI_BASE_URL is set, else offline), openai, or offline.",
    ),
]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model", envvar=ENV_MODEL, help="Model name for the openai backend.", show_default=False
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
TranscriptsOpt = Annotated[
    Path | None,
    typer.Option(
        "--transcripts-dir",
        envvar=ENV_TRANSCRIPTS,
        metavar="DIR",
        help="Where sessions are saved (default: the user's data directory, e.g. ~/.local/share/mock-interviewer/transcripts).",
        show_default=False,
    ),
]


@dataclass
class Context:
    """What every command needs: settings, the consoles, and output mode."""

    json: bool = False
    bank_paths: list[Path] = field(default_factory=list)
    backend: str = "auto"
    model: str | None = None
    transcripts_dir: Path = field(default_factory=lambda: resolve_transcripts_dir(None))
    transcripts_given: bool = False  # by --transcripts-dir or its variable (else the default data directory)
    out: Console = field(default_factory=Console)
    err: Console = field(default_factory=lambda: Console(stderr=True))

    def settings(self) -> Any:
        from mock_interviewer.config import DEFAULT_MODEL, Settings, service_settings_from_env

        if self.backend not in ("auto", "openai", "offline"):
            from mock_interviewer.errors import InputError

            raise InputError(f"--backend: unknown backend {self.backend!r} (choose auto, openai or offline)")
        return Settings(
            backend=self.backend,  # type: ignore[arg-type]
            model=self.model or DEFAULT_MODEL,
            bank_paths=self.bank_paths,
            transcripts_dir=self.transcripts_dir,
            **service_settings_from_env(os.environ),
        )

    def load_bank(self) -> Any:
        from mock_interviewer.bank import load_bank

        return load_bank(self.bank_paths)

    def make_backend(self) -> Any:
        from mock_interviewer.backends import make_backend

        backend, why = make_backend(self.settings(), os.environ)
        self.say(why, style="dim")
        return backend

    def say(self, text: str, *, label: str = "", label_style: str = "yellow", style: str = "") -> None:
        """One message line on stderr: an optional styled label, then ``text`` as plain text.

        The text is data (paths, ids, a server's words): never parsed as markup, never wrapped.
        """
        self.err.print(message_line(text, label=label, label_style=label_style, style=style), highlight=False, soft_wrap=True)

    def command(self, *words: str, banks: list[Path] | None = None) -> str:
        """A printed ``mock-interviewer …`` command that finds this context's sessions from any directory."""
        return command_line(*words, transcripts_dir=self.transcripts_dir, banks=banks or [])

    def note_legacy_sessions(self) -> None:
        """A returning user's sessions may still be in ./transcripts (the old default): say so, in one line."""
        if not self.transcripts_given:
            note = legacy_note(self.transcripts_dir)
            if note:
                self.say(note, style="dim")

    def print_json(self, data: Any) -> None:
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def make_context(
    *,
    json_output: bool = False,
    bank: list[Path] | None = None,
    backend: str = "auto",
    model: str | None = None,
    transcripts_dir: Path | None = None,
) -> Context:
    from mock_interviewer.config import bank_paths_from_env

    return Context(
        json=json_output,
        bank_paths=bank_paths_from_env(os.environ) + list(bank or []),
        backend=backend,
        model=model,
        transcripts_dir=resolve_transcripts_dir(transcripts_dir),
        transcripts_given=transcripts_dir is not None and str(transcripts_dir).strip() != "",
    )


def message_line(text: str, *, label: str = "", label_style: str = "", style: str = "") -> Any:
    """A styled label and a plain-text message on one line (a Rich ``Text``; markup in ``text`` stays literal)."""
    from rich.text import Text

    line = Text(text.replace("\n", " "), style=style)
    return Text.assemble((f"{label} ", label_style), line) if label else line


def print_error(label: str, message: str) -> None:
    """One line on stderr; the message is shown as text, never parsed as markup."""
    Console(stderr=True, soft_wrap=True).print(message_line(message, label=f"{label}:", label_style="bold red"), highlight=False)
