"""The practice loop in a real terminal (tmux): a poor answer three days ago, then ``interview --review``
from another directory asks that question first; a better answer; ``progress`` and ``progress --question``
from yet another directory show both attempts, the trend and what changed."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tmux_helpers import TMUX, Pane, base_env

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (.ci/run installs it)")

POOR = "I would add a cache.\n.\n"
BETTER = (
    "I'd put Redis in front of the database for hot reads with a TTL, cache-aside: on a miss load from the DB and set "
    "it with a TTL. Writes go to the DB, then delete the key. For hot keys we use request coalescing to avoid a "
    "thundering herd, we monitor hit rate and latency, and we shard with consistent hashing."
)


@pytest.fixture
def panes(tmp_path: Path) -> Iterator[list[Pane]]:
    made: list[Pane] = []
    yield made
    for pane in made:
        pane.close()


def shift_back(path: Path, days: int) -> None:
    """The clock, injected: move every timestamp of a saved session ``days`` into the past."""
    data = json.loads(path.read_text(encoding="utf-8"))

    def back(value: str) -> str:
        return (datetime.fromisoformat(value.replace("Z", "+00:00")) - timedelta(days=days)).isoformat()

    data["created_at"], data["updated_at"] = back(data["created_at"]), back(data["updated_at"])
    for record in data["records"]:
        for turn in record["turns"]:
            turn["at"] = back(turn["at"])
    path.write_text(json.dumps(data), encoding="utf-8")


def run(panes: list[Pane], tmp_path: Path, env: dict[str, str], *args: str) -> Pane:
    pane = Pane(tmp_path, f"{tmp_path.name[-8:]}{len(panes)}")
    panes.append(pane)
    pane.start([sys.executable, "-m", "mock_interviewer", *args], env)
    return pane


def test_review_retry_and_progress_in_a_real_terminal(cli: Callable[..., Any], panes: list[Pane], tmp_path: Path,
                                                      _data_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = cli("interview", "--backend", "offline", "-q", "technical-09", "--follow-ups", "0", stdin=POOR)
    assert first.exit_code == 0, first.stderr
    sessions = _data_home / "mock-interviewer" / "transcripts"
    (earlier,) = sessions.glob("*.json")
    shift_back(earlier, 3)
    assert json.loads(earlier.read_text())["records"][0]["grade"]["tier"] == "poor"

    env = base_env(tmp_path) | {"XDG_DATA_HOME": str(_data_home)}
    for name in ("review-here", "progress-here"):
        (tmp_path / name).mkdir()
    monkeypatch.chdir(tmp_path / "review-here")
    pane = run(panes, tmp_path, env, "interview", "--backend", "offline", "--review", "-n", "1", "--follow-ups", "0")
    screen = pane.wait_for("Esc Enter: submit")
    assert "1. technical-09 · due: last score 1/5" in screen and "Question 1 of 1 · technical-09" in screen
    pane.paste(BETTER)
    pane.keys("Escape", "Enter")
    pane.wait_for("Enter: the summary · /retry: answer question 1 again · /great: its great answer")
    pane.type("/great")
    pane.keys("Enter")
    pane.wait_for("The key points it covers:")
    pane.wait_for("Enter: the summary · /retry", after=0)
    pane.keys("Enter")
    screen = pane.wait_for("[exited 0]")
    assert "Feedback · question 1" in screen and "The great answer to technical-09 (the bank's exemplar):" in screen

    monkeypatch.chdir(tmp_path / "progress-here")
    screen = run(panes, tmp_path, env, "progress").wait_for("[exited 0]")
    assert "Progress · 2 sessions · 2 graded answers" in screen and "Trend: improving" in screen
    assert "Improved: technical-09" in screen
    screen = run(panes, tmp_path, env, "progress", "--question", "technical-09").wait_for("[exited 0]")
    assert "Attempt 1" in screen and "Attempt 2" in screen and "Against the attempt before: 1/5 →" in screen
    assert "The great answer" in screen and "Practise it again: mock-interviewer interview --question technical-09" in screen
    assert max(len(line) for line in screen.splitlines()) <= 80
    assert not list((tmp_path / "review-here").iterdir()) and not list((tmp_path / "progress-here").iterdir())
