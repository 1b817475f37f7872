"""The shape of the package: every module imports on its own, and a missing command is an error."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer

import mock_interviewer
from mock_interviewer import commands

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(mock_interviewer.__path__, prefix="mock_interviewer.")
    if info.name != "mock_interviewer.__main__"  # runs the CLI when imported
)


def test_the_package_has_the_command_modules() -> None:
    for name in commands.COMMAND_MODULES:
        assert f"mock_interviewer.commands.{name}" in MODULES


def test_every_module_imports_on_its_own_in_a_fresh_interpreter() -> None:
    """An import cycle hidden behind import order (cli imports commands, commands imported cli) fails here."""
    script = (
        "import importlib, sys\n"
        "bad = []\n"
        f"for name in {MODULES!r}:\n"
        "    for loaded in [m for m in sys.modules if m.startswith('mock_interviewer')]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as exc:\n"
        "        bad.append(f'{name}: {type(exc).__name__}: {exc}')\n"
        "print('\\n'.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", result.stdout


def test_a_missing_command_module_is_an_error_not_a_silently_smaller_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commands, "COMMAND_MODULES", ("grade", "no_such_command"))
    with pytest.raises(ModuleNotFoundError, match="no_such_command"):
        commands.register_all(typer.Typer())


def test_the_fields_the_grade_prompt_names_are_the_fields_the_verdict_schema_asks_for() -> None:
    """A field renamed in the model and not in prompts/grade.system.md (or the reverse) would make every
    model reply fail validation; the offline grader's claims are not asked of a model (left out of the schema)."""
    import re
    from pathlib import Path

    from mock_interviewer.grade_model import GradeVerdict

    prompt = (Path(__file__).resolve().parent.parent / "prompts" / "grade.system.md").read_text(encoding="utf-8")
    named = re.findall(r'^- "([a-z_]+)":', prompt, flags=re.MULTILINE)
    assert named == list(GradeVerdict.model_json_schema()["properties"])
    assert "claims" not in named


def test_no_function_in_src_is_over_60_lines() -> None:
    """Issue 11's rule, checked on every function of the package (it had slipped once, to 71 lines).

    In a fresh interpreter: CPython 3.11's ast.parse can raise "AST constructor recursion depth mismatch" in a
    worker whose recursion limit other tests have changed."""
    package = Path(__file__).resolve().parent.parent / "src" / "mock_interviewer"
    script = (
        "import ast, pathlib, sys\n"
        "root = pathlib.Path(sys.argv[1])\n"
        "for path in sorted(root.rglob('*.py')):\n"
        "    for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):\n"
        "        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 60:\n"
        "            print(f'{path.relative_to(root)}:{node.lineno} {node.name}')\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(package)], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == []
