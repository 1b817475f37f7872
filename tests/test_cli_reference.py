"""docs/cli.md is the real --help of every command (regenerate with python docs/gen_cli_reference.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def test_cli_reference_matches_the_real_help(repo: Path) -> None:
    spec = importlib.util.spec_from_file_location("gen_cli_reference", repo / "docs" / "gen_cli_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.render()
    actual = (repo / "docs" / "cli.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/cli.md is stale: run python docs/gen_cli_reference.py"
