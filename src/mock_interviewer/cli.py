"""The command line: wiring only.

Each command lives in ``mock_interviewer/commands/``; this module builds the app,
creates the one pair of Rich consoles (options and the context are in commands/common.py), and turns
errors into one line on stderr and an exit status (2 bad input, 1 model service). Everything written to
stdout and stderr passes through the one scrubber (``scrub.ScrubbingStream``).
"""

from __future__ import annotations

import sys
from typing import Annotated, Any, TextIO, cast

import typer
from rich.console import Console

from mock_interviewer import __version__
from mock_interviewer.commands import register_all
from mock_interviewer.commands.common import print_error
from mock_interviewer.envvars import ENV_DEBUG
from mock_interviewer.errors import MockInterviewerError
from mock_interviewer.scrub import ScrubbingStream, configured_secrets

app = typer.Typer(
    name="mock-interviewer",
    help="Practise interviews with a language model, graded against great / mediocre / poor exemplar answers.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="rich",
)

_state: dict[str, bool] = {"debug": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mock-interviewer {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    debug: Annotated[
        bool, typer.Option("--debug", help=f"Show tracebacks on errors; also {ENV_DEBUG}=1.")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Practise interviews with a language model, graded against exemplar answers."""
    _state["debug"] = debug


def _hide_flag_types() -> None:
    """Typer's help prints a type for on/off flags (``--json <bool>``), which reads as if they took a value.

    Flags show no type, as in click's own help. Guarded, so another Typer version just keeps its default.
    """
    try:
        from typer.core import TyperOption
    except ImportError:  # pragma: no cover
        return
    original = getattr(TyperOption, "display_type_rich", None)
    if original is None or getattr(original, "_hides_flags", False):
        return

    def display_type_rich(self: Any, ctx: Any) -> Any:
        return None if getattr(self, "is_flag", False) else original(self, ctx)

    display_type_rich._hides_flags = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_hide_flag_types()


register_all(app)


def _click_error(exc: Exception) -> bool:
    """A command-line usage error from Typer's click (vendored in newer Typer, click itself in older)."""
    return any(kind.__name__ == "ClickException" for kind in type(exc).__mro__)


def _usage_line(exc: Any) -> str:
    """``No such option: --minutes; see 'mock-interviewer grade --help'``: the error and where help is."""
    ctx = getattr(exc, "ctx", None)
    hint = f"; see '{ctx.command_path} --help'" if ctx is not None else ""
    return " ".join(str(exc.format_message()).split()).rstrip(".") + hint


def _os_error_line(exc: OSError) -> tuple[str, int]:
    """An OSError no reader turned into its own message: one line naming the path; exit 2 for a bad path."""
    from mock_interviewer.reading import PATH_ERRNOS, path_problem

    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{path_problem(exc)}", 2 if exc.errno in PATH_ERRNOS else 1


def _debugging() -> bool:
    """``--debug``, or ``MOCK_INTERVIEWER_DEBUG`` as the settings loader reads it (asked only when an error is caught)."""
    import os

    from mock_interviewer.config import debug_requested

    return _state["debug"] or debug_requested(os.environ)


def main() -> None:
    """Console-script entry point: run the app, report errors (usage errors too) as one line; nothing leaves unscrubbed."""
    out, err = sys.stdout, sys.stderr
    secrets = configured_secrets()
    sys.stdout = cast(TextIO, ScrubbingStream(out, secrets))
    sys.stderr = cast(TextIO, ScrubbingStream(err, secrets))
    try:
        _run()
    except Exception:  # noqa: BLE001 - only --debug gets here: its traceback goes through the scrubbing stream too
        import traceback

        traceback.print_exc()
        sys.exit(1)
    finally:
        sys.stdout, sys.stderr = out, err


def _run() -> None:
    try:
        code = app(prog_name="mock-interviewer", standalone_mode=False)
    except MockInterviewerError as exc:
        if _debugging():
            raise
        print_error("error", str(exc).partition("\n")[0])
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        Console(stderr=True).print("interrupted", highlight=False)
        sys.exit(130)
    except OSError as exc:
        if _debugging():
            raise
        line, status = _os_error_line(exc)
        print_error("error", line)
        sys.exit(status)
    except Exception as exc:
        if _click_error(exc):
            if type(exc).__name__ != "NoArgsIsHelpError":  # that one has printed the help already
                print_error("error", _usage_line(exc))
            sys.exit(getattr(exc, "exit_code", 2))
        if type(exc).__name__ == "Abort":
            print_error("error", "aborted")
            sys.exit(1)
        if _debugging():
            raise
        print_error("internal error", f"{type(exc).__name__}: {exc} (run with --debug for the traceback)")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
