"""Helpers for the real-terminal tests: a tmux pane, its environment, the interview command and saved sessions."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

TMUX = shutil.which("tmux")
WAIT_SECONDS = 30.0
tmux_required = pytest.mark.skipif(
    TMUX is None, reason="tmux is not installed: the real-terminal test needs it (.ci/run installs it)"
)


class Pane:
    """One tmux server (its own socket) with one 80x50 pane running a command."""

    def __init__(self, tmp_path: Path, name: str) -> None:
        self.socket = f"mock-interviewer-test-{os.getpid()}-{name}"
        self.tmp_path = tmp_path

    def tmux(self, *args: str, check: bool = True) -> str:
        result = subprocess.run([TMUX or "tmux", "-L", self.socket, "-f", "/dev/null", *args], capture_output=True, text=True)
        if check and result.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {result.stderr}")
        return result.stdout

    def start(self, argv: list[str], env: dict[str, str]) -> None:
        command = " ".join(shlex.quote(a) for a in argv)
        script = f"{command}; echo \"[exited $?]\"; sleep 600"
        env_args = [item for key, value in env.items() for item in ("-e", f"{key}={value}")]
        self.tmux("new-session", "-d", "-s", "main", "-x", "80", "-y", "50", *env_args, "sh", "-c", script)
        self.tmux("set-option", "-g", "history-limit", "5000")

    def pid(self) -> int:
        """The pid of the interview (the pane runs ``sh -c``; the interview is its child)."""
        shell = int(self.tmux("display-message", "-p", "-t", "main", "#{pane_pid}").strip())
        children = subprocess.run(["pgrep", "-P", str(shell)], capture_output=True, text=True).stdout.split()
        return int(children[0])

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "main", "-l", text)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "main", *keys)

    def paste(self, text: str) -> None:
        """A real paste: tmux wraps it in bracketed-paste codes because the application asked for them."""
        self.tmux("set-buffer", "-b", "answer", text)
        self.tmux("paste-buffer", "-p", "-b", "answer", "-t", "main")

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "main")

    def wait_for(self, text: str, *, after: int = 0) -> str:
        """Wait until ``text`` appears on screen (after the first ``after`` occurrences); return the screen."""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            screen = self.screen()
            if screen.count(text) > after:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"never saw {text!r} on screen; the screen was:\n{screen}")
            time.sleep(0.05)

    def close(self) -> None:
        self.tmux("kill-server", check=False)


@pytest.fixture
def pane(tmp_path: Path) -> Iterator[Pane]:
    pane = Pane(tmp_path, tmp_path.name[-12:])
    yield pane
    pane.close()


def base_env(tmp_path: Path) -> dict[str, str]:
    env = {
        "TERM": "xterm-256color",
        # the pane's size: tmux's global environment holds the COLUMNS of the terminal pytest was started from (a wide
        # one fails every 80-column assertion), and Rich reads COLUMNS before the terminal's size
        "COLUMNS": "80",
        "LINES": "50",
        "HOME": str(tmp_path),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "EDITOR": "false",
        "TIKTOKEN_CACHE_DIR": os.environ.get("TIKTOKEN_CACHE_DIR", ""),
        "OPENAI_API_KEY": "",
        "OPENAI_BASE_URL": "",
        "MOCK_INTERVIEWER_TRANSCRIPTS": "",
    }
    return env


def interview_argv(transcripts: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "mock_interviewer", "interview", "--transcripts-dir", str(transcripts), *extra]


@contextmanager
def resumed_offline(tmp_path: Path, transcripts: Path, session_id: str) -> Iterator[tuple[Pane, str]]:
    """A new pane resuming ``session_id`` on the offline backend (after its first run was killed), and its first
    screen once the answer box is open; the pane is closed afterwards."""
    resumed = Pane(tmp_path, "resumed")
    try:
        resumed.start(interview_argv(transcripts, "--backend", "offline", "--resume", session_id), base_env(tmp_path))
        screen = resumed.wait_for("Esc Enter: submit")
        assert "Resuming session" in screen
        yield resumed, screen
    finally:
        resumed.close()


def saved_session(directory: Path) -> dict[str, Any]:
    files = list(directory.glob("*.json"))
    assert len(files) == 1, files
    return json.loads(files[0].read_text())
