"""Command wiring, one module per command group. Heavy imports stay inside the command functions."""

from __future__ import annotations

import importlib

import typer

COMMAND_MODULES = ("interview", "grade", "probe", "batch", "calibrate", "bank", "sessions")  # the order --help lists them


def register_all(app: typer.Typer) -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"mock_interviewer.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"mock_interviewer.commands.{name}":
                continue  # not built yet
            raise
        module.register(app)
