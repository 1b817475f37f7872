"""Command wiring, one module per command group. Heavy imports stay inside the command functions."""

from __future__ import annotations

import importlib

import typer

COMMAND_MODULES = ("interview", "grade", "probe", "batch", "calibrate", "bank", "sessions", "progress")  # the order --help lists them


def register_all(app: typer.Typer) -> None:
    """Add every command group to ``app``. A missing module is an error (a broken install), never skipped."""
    for name in COMMAND_MODULES:
        importlib.import_module(f"mock_interviewer.commands.{name}").register(app)
