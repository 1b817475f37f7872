"""SIGKILL during a ``/retry`` loses neither attempt (issue 13), in a real terminal (tmux).

A poor answer is graded; ``/retry`` at the next question answers it again; the process is killed with
SIGKILL while the model grades the retry (an OpenAI-compatible endpoint that stalls on that request,
driven through the real ``openai`` SDK). The session file holds both attempts' answers, the first with
its grade; ``--resume`` grades the ungraded one and shows what changed.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

from openai_fakes import verdict
from stalling_server_helpers import StallingServer
from tmux_helpers import (
    WAIT_SECONDS,
    Pane,
    base_env,
    interview_argv,
    pane,
    resumed_offline,
    saved_session,
    tmux_required,
)

pytestmark = tmux_required

__all__ = ["pane", "pytestmark"]  # the tmux fixture and the skip when tmux is missing

QUESTIONS = ["How do you approach technical debt in your team's codebase?",
             "How do you ensure code quality across your engineering team?"]
POOR = "We fix debt when we have time."
BETTER = ("We keep a living tech-debt register, prioritised by impact on velocity, reliability and security. "
          "Each sprint has dedicated time for the top items, and for a big refactor I build a business case.")


def answers(turns: list[dict[str, Any]]) -> list[str]:
    return [t["text"] for t in turns if t["kind"] == "answer"]


def test_sigkill_while_a_retry_is_graded_loses_neither_attempt_and_resume_grades_it(pane: Pane, tmp_path: Path) -> None:
    questions = list(QUESTIONS)
    poor = verdict("poor", 1, gaps=[{"point": "Keeps a living tech-debt register prioritised by impact",
                                     "why_it_matters": "Without one, debt is paid at random."}])
    grades = iter([json.dumps(poor)])  # the first answer's grade; then it stalls on the retry's
    transcripts = tmp_path / "sessions"
    with StallingServer(lambda: questions.pop(0), lambda body: next(grades, None), model="retry-model") as model:
        env = base_env(tmp_path) | model.env()
        pane.start(interview_argv(transcripts, "--backend", "openai", "-q", "director-01", "-q", "director-02",
                                  "--follow-ups", "0"), env)
        pane.wait_for("Esc Enter: submit")
        pane.type(POOR)
        pane.keys("Escape", "Enter")
        screen = pane.wait_for("Your answer (", after=1)  # the second question's prompt, after the feedback
        assert "Feedback · question 1" in screen and "1/5" in screen and "Question 2 of 2" in screen
        pane.type("/retry")
        pane.keys("Enter")
        screen = pane.wait_for("Your answer (", after=2)
        rule = next(line for line in screen.splitlines() if "attempt 2" in line)
        assert rule.startswith("Question 1 of 2 · director-01 · technical · ") and " left · attempt 2 ─" in rule
        pane.paste(BETTER)
        pane.keys("Escape", "Enter")
        assert model.stalled.wait(WAIT_SECONDS), pane.screen()  # the retry's answer is being graded: kill now
        os.kill(pane.pid(), signal.SIGKILL)
        pane.wait_for("[exited 137]")

    data = saved_session(transcripts)
    record = data["records"][0]
    (first,) = record["earlier_attempts"]
    assert answers(first["turns"]) == [POOR] and first["grade"]["score"] == 1 and first["grade"]["backend"] == "openai"
    assert answers(record["turns"]) == [BETTER] and record["turns"][0]["text"] == QUESTIONS[0]
    assert record["status"] == "answered" and record["grade"] is None  # on disk before its grade
    assert data["records"][1]["status"] == "asked" and data["status"] == "in_progress"

    pane.close()
    with resumed_offline(tmp_path, transcripts, data["id"]) as (resumed, screen):
        assert "Feedback · question 1" in screen
        assert "Against the attempt before: 1/5 → " in screen
        rule = next(line for line in screen.splitlines() if line.startswith("Question 2 of 2 · director-02"))
        assert " left · resumed ─" in rule
        resumed.type("/skip")
        resumed.keys("Enter")
        resumed.wait_for("[exited 0]")
    data = saved_session(transcripts)
    record = data["records"][0]
    assert [answers(a["turns"]) for a in record["earlier_attempts"]] == [[POOR]]
    assert answers(record["turns"]) == [BETTER]
    assert record["status"] == "graded" and record["grade"]["backend"] == "offline" and record["grade"]["score"]
    assert data["status"] == "completed" and data["records"][1]["status"] == "skipped"
    assert "sk-test-not-a-real-key" not in json.dumps(data)


CACHE_POOR = "I would add a cache."
CACHE_BETTER = (
    "I'd put Redis in front of the database for hot reads with a TTL, cache-aside: on a miss load from the DB and set "
    "it with a TTL. Writes go to the DB, then delete the key. For hot keys we use request coalescing to avoid a "
    "thundering herd, we monitor hit rate and latency, and we shard with consistent hashing."
)


def test_the_last_question_is_answered_again_before_the_summary(pane: Pane, tmp_path: Path) -> None:
    """A one-question session: poor, /retry at the prompt before the summary, better; both kept and compared."""
    transcripts = tmp_path / "sessions"
    pane.start(interview_argv(transcripts, "--backend", "offline", "-q", "technical-09", "--follow-ups", "0"),
               base_env(tmp_path))
    pane.wait_for("Esc Enter: submit")
    pane.type(CACHE_POOR)
    pane.keys("Escape", "Enter")
    screen = pane.wait_for("Enter: the summary · /retry: answer question 1 again · /great: its great answer")
    assert "Feedback · question 1" in screen and "Summary" not in screen
    pane.type("/retry")
    pane.keys("Enter")
    screen = pane.wait_for("Your answer (", after=1)
    assert any(line.startswith("Question 1 of 1 · technical-09 · technical · attempt 2") for line in screen.splitlines())
    pane.paste(CACHE_BETTER)
    pane.keys("Escape", "Enter")
    screen = pane.wait_for("Enter: the summary · /retry")
    assert "Against the attempt before: 1/5 → " in screen
    pane.keys("Enter")
    screen = pane.wait_for("[exited 0]")
    assert "Summary" in screen and max(len(line) for line in screen.splitlines()) <= 80

    record = saved_session(transcripts)["records"][0]
    (first,) = record["earlier_attempts"]
    assert answers(first["turns"]) == [CACHE_POOR] and first["grade"]["score"] == 1
    assert answers(record["turns"]) == [CACHE_BETTER] and record["grade"]["score"] > 1
    summary = screen[screen.index("Summary"):]
    assert f"{record['grade']['score']}/5" in summary
