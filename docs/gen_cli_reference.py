"""Write docs/cli.md from the real ``--help`` of every command (tests fail when it is stale).

    python docs/gen_cli_reference.py          # rewrite docs/cli.md
    python docs/gen_cli_reference.py --check  # exit 1 if docs/cli.md is out of date
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parent / "cli.md"
COMMANDS = [
    [],
    ["interview"],
    ["grade"],
    ["probe"],
    ["batch"],
    ["calibrate"],
    ["bank"],
    ["bank", "list"],
    ["bank", "show"],
    ["bank", "import"],
    ["bank", "validate"],
    ["sessions"],
    ["sessions", "show"],
    ["progress"],
]
HEADER = """# Command reference

Generated from each command's `--help` by `python docs/gen_cli_reference.py`; a test keeps it current.
"""


def help_text(args: list[str]) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOCK_INTERVIEWER_", "OPENAI_"))}
    env.update({"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb", "_TYPER_FORCE_DISABLE_TERMINAL": "1"})
    done = subprocess.run(
        [sys.executable, "-m", "mock_interviewer", *args, "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return "\n".join(line.rstrip() for line in done.stdout.strip("\n").splitlines())


def render() -> str:
    parts = [HEADER]
    for args in COMMANDS:
        title = " ".join(["mock-interviewer", *args])
        parts.append(f"## `{title}`\n\n```text\n{help_text(args)}\n```\n")
    return "\n".join(parts)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC} is out of date: run python docs/gen_cli_reference.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
