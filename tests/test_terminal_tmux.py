"""The interview in a real terminal: tmux runs it in an 80-column pane, sends keys, reads the screen.

This is the candidate's experience end to end: prompt_toolkit's multi-line editor
(typed lines, a bracketed paste with blank lines, Esc Enter to submit, /edit with
$EDITOR, a '.' line to submit), the
streamed interviewer, the follow-up, the grade, /skip, the summary, and the
session file. A second test kills the process with SIGKILL the moment the model
is asked about a just-submitted answer, resumes, and leaves again with Ctrl-C.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import tmux_helpers
from mock_interviewer.answer_input import fitting
from stalling_server_helpers import StallingServer
from tmux_helpers import WAIT_SECONDS, Pane, base_env, interview_argv, resumed_offline, saved_session, tmux_required

pane = tmux_helpers.pane  # the fixture, shared with test_retry_tmux.py

pytestmark = tmux_required



def test_an_offline_interview_in_a_real_terminal(pane: Pane, tmp_path: Path) -> None:
    transcripts = tmp_path / "sessions"
    editor = tmp_path / "editor.sh"  # stands in for $EDITOR: writes the answer into the file it is given
    editor.write_text('#!/bin/sh\nprintf "I make quality part of how we recognise people, not just a rule.\\n" > "$1"\n')
    editor.chmod(0o755)
    pane.start(
        interview_argv(transcripts, "--backend", "offline", "--track", "director", "--questions", "2", "--seed", "3"),
        base_env(tmp_path) | {"EDITOR": str(editor)},
    )
    screen = pane.wait_for("Esc Enter: submit")
    assert "Question 1 of 2" in screen and "22:00 left" in screen
    assert "Interviewer:" in screen

    # a multi-line answer: two typed lines with a blank line between, then a pasted block with its own blank line
    pane.type("We run linters and static analysis in CI.")
    pane.keys("Enter", "Enter")
    pane.type("Every change gets a review by a second engineer.")
    pane.keys("Enter")
    pane.paste("We keep a coding standard in the wiki.\n\nWe track the defect rate every month.")
    pane.keys("Escape", "Enter")

    screen = pane.wait_for("Your answer to the follow-up")
    pane.type("/edit")  # the answer comes back from $EDITOR into the prompt, to review, then submit
    pane.keys("Enter")
    pane.wait_for("› I make quality part of how we recognise people")
    pane.keys("Enter")
    pane.type(".")  # a line with only '.' submits too
    pane.keys("Enter")

    screen = pane.wait_for("Question 2 of 2")
    assert "Feedback · question 1" in screen
    # the gap to the great answer: the points known to be missing, or a probe to practise when none is certain
    assert "What to add" in screen or "To go further, answer this" in screen
    assert "offline estimate" in screen
    assert any(tier in screen for tier in ("GREAT", "MEDIOCRE", "POOR"))

    pane.wait_for("› ", after=2)
    pane.type("/skip")
    pane.keys("Enter")
    screen = pane.wait_for("[exited 0]")
    assert "Summary" in screen and "skipped" in screen and "Practise next" in screen
    assert max(len(line) for line in screen.splitlines()) <= 80

    data = saved_session(transcripts)
    assert data["status"] == "completed"
    first, second = data["records"]
    answers = [t["text"] for t in first["turns"] if t["kind"] == "answer"]
    assert answers == [
        "We run linters and static analysis in CI.\n\n"
        "Every change gets a review by a second engineer.\n"
        "We keep a coding standard in the wiki.\n\nWe track the defect rate every month.",
        "I make quality part of how we recognise people, not just a rule.",
    ]
    assert [t["kind"] for t in first["turns"]] == ["question", "answer", "follow_up", "answer"]
    assert first["status"] == "graded" and first["grade"]["estimate"] is True
    assert first["grade"]["gaps"] or "To go further, answer this" in first["grade"]["explanation"]
    assert second["status"] == "skipped"


def test_sigkill_right_after_an_answer_loses_nothing_and_resume_continues(pane: Pane, tmp_path: Path) -> None:
    transcripts = tmp_path / "sessions"
    # streams the question, then never answers the follow-up decision
    with StallingServer(lambda: "Tell me how you approach technical debt.", lambda body: None, model="stall") as model:
        env = base_env(tmp_path) | model.env()
        pane.start(
            interview_argv(transcripts, "--backend", "openai", "--track", "director", "--questions", "2", "--seed", "8"),
            env,
        )
        pane.wait_for("Esc Enter: submit")
        pane.type("We keep a register of debt items.")
        pane.keys("Enter", "Enter")
        pane.type("We prioritise them by impact.")
        pane.keys("Escape", "Enter")
        assert model.stalled.wait(WAIT_SECONDS), pane.screen()  # the model is now deciding on a follow-up
        os.kill(pane.pid(), signal.SIGKILL)
        pane.wait_for("[exited 137]")

    data = saved_session(transcripts)
    record = data["records"][0]
    assert record["status"] == "asked"
    assert record["turns"][-1] == {**record["turns"][-1], "speaker": "candidate", "kind": "answer"}
    assert record["turns"][-1]["text"] == "We keep a register of debt items.\n\nWe prioritise them by impact."
    assert "sk-test-not-a-real-key" not in json.dumps(data)

    # resume (offline this time): the next step is the follow-up decision about the saved answer
    pane.close()
    with resumed_offline(tmp_path, transcripts, data["id"]) as (resumed, screen):
        assert "resumed" in screen
        assert "Your answer to the follow-up" in screen  # not the first question again
        # what the candidate said before the kill is shown again, above the open follow-up
        assert "So far on this question:" in screen and "We keep a register of debt items." in screen
        resumed.type("half an answer, then Ctrl-C")
        resumed.keys("C-c")
        screen = resumed.wait_for("[exited 130]")
        assert "Paused." in screen and f"--resume {data['id']}" in screen
        assert "Your unsent answer" in screen and "half an answer, then Ctrl-C" in screen  # printed back, not lost
    data = saved_session(transcripts)
    turns = data["records"][0]["turns"]
    assert [t["kind"] for t in turns] == ["question", "answer", "follow_up"]
    assert data["status"] == "quit"


def test_an_empty_submit_says_so_and_feedback_at_the_end_comes_a_page_at_a_time(pane: Pane, tmp_path: Path) -> None:
    """Esc Enter on an empty box did nothing, silently; --feedback end printed every question's feedback at once."""
    transcripts = tmp_path / "sessions"
    pane.start(
        interview_argv(transcripts, "--backend", "offline", "--track", "technical", "--questions", "2",
                       "--follow-ups", "0", "--feedback", "end", "--seed", "3"),
        base_env(tmp_path),
    )
    pane.wait_for("Esc Enter: submit")
    pane.keys("Escape", "Enter")
    pane.wait_for("Empty answer: type or paste your answer, or /skip this question.")
    pane.type("I would add an index on the column we filter by and check the query plan.")
    pane.keys("Escape", "Enter")
    pane.wait_for("Question 2 of 2")
    pane.wait_for("› ", after=1)
    pane.type("We cache hot reads in Redis with a TTL and invalidate on writes.")
    pane.keys("Escape", "Enter")

    screen = pane.wait_for("Enter: feedback on question 1 (1 of 2)")
    assert "Your answers at a glance" in screen
    assert "Feedback · question 1" not in screen and "Summary" not in screen
    pane.keys("Enter")
    screen = pane.wait_for("Enter: feedback on question 2 (2 of 2)")
    assert "Feedback · question 1" in screen and "Summary" not in screen
    pane.type("q")
    pane.keys("Enter")
    screen = pane.wait_for("[exited 0]")
    assert "Summary" in screen and "Practise next" in screen
    assert "Feedback · question 2" not in screen  # q: straight to the summary
    data = saved_session(transcripts)
    assert [r["status"] for r in data["records"]] == ["graded", "graded"]


def _one_offline_question(pane: Pane, tmp_path: Path, transcripts: Path) -> None:
    """Start an offline interview of one question, no follow-up, and wait for its answer box."""
    pane.start(
        interview_argv(transcripts, "--backend", "offline", "--track", "technical", "--questions", "1",
                       "--follow-ups", "0", "--feedback", "now", "--seed", "3"),
        base_env(tmp_path),
    )
    pane.wait_for("Esc Enter: submit")


def test_a_ten_megabyte_paste_keeps_what_fits_at_once_and_the_answer_is_taken(pane: Pane, tmp_path: Path) -> None:
    """Issue 16, item 9: a 10 MB paste sat in the box for minutes (prompt_toolkit gathered it in quadratic time),
    then was refused at submit. Now the box keeps what fits an answer and says in its bottom line what was not kept;
    the session goes on at once (each wait below is bounded by WAIT_SECONDS) and the answer is saved."""
    transcripts = tmp_path / "sessions"
    big = tmp_path / "paste.txt"
    line = "We measured latency at every hop and fixed the slowest one first. "  # 12 words, 67 characters
    big.write_text((line + "\n") * 150_000)  # 10.2 MB, 1.8 million words
    _one_offline_question(pane, tmp_path, transcripts)
    pane.tmux("load-buffer", "-b", "big", str(big))
    pane.tmux("paste-buffer", "-p", "-b", "big", "-t", "main")  # a real paste: bracketed, as terminals send it
    screen = pane.wait_for("Paste cut at 20,000 words, an answer's limit;")
    dropped = len((line + "\n") * 150_000) - len(fitting("", (line + "\n") * 150_000))
    assert f"{dropped:,} characters not kept." in screen
    pane.keys("Escape", "Enter")
    pane.wait_for("Enter: the summary")  # the last question's feedback offers /retry before the summary
    pane.keys("Enter")
    screen = pane.wait_for("[exited 0]")
    assert "Please shorten it" not in screen and "Summary" in screen
    answer = saved_session(transcripts)["records"][0]["turns"][1]["text"]
    assert len(answer.split()) == 20_000 and answer.startswith(line.strip())


def test_text_arriving_as_keys_stops_at_the_word_cap_and_the_answer_is_taken(pane: Pane, tmp_path: Path) -> None:
    """Typed text, or a paste from a terminal without bracketed paste (it arrives as key presses, new lines as
    Enter), went on past 20,000 words and was refused only at submit. Now what would pass the cap is not
    inserted, the bar says so, and the answer can still be edited and submitted."""
    transcripts = tmp_path / "sessions"
    near = tmp_path / "near.txt"
    line = "We measured latency at every hop and fixed the slowest one first. "  # 12 words
    near.write_text((line + "\n") * 1666)  # 19,992 words: a bracketed paste that fits
    _one_offline_question(pane, tmp_path, transcripts)
    pane.tmux("load-buffer", "-b", "near", str(near))
    pane.tmux("paste-buffer", "-p", "-b", "near", "-t", "main")
    pane.wait_for("fixed the slowest one first.", after=1)
    pane.tmux("set-buffer", "-b", "keys", "Then we cached the hot reads.\nAnd we added an index on the column.")
    pane.tmux("paste-buffer", "-b", "keys", "-t", "main")  # no -p: sent as key presses, the new line as Enter
    pane.type(" and typed on")
    screen = pane.wait_for("Answer limit reached: 20,000 words; further typing is not kept.")
    assert "And we" in screen and "added" not in screen and "typed on" not in screen
    pane.keys("BSpace", "BSpace", "BSpace")  # "And we " -> "And ": the bar clears, a word fits again
    pane.type("so")
    screen = pane.wait_for("And so")
    assert "Answer limit reached" not in screen
    pane.keys("Escape", "Enter")
    pane.wait_for("Enter: the summary")
    pane.keys("Enter")
    screen = pane.wait_for("[exited 0]")
    assert "Please shorten it" not in screen and "Summary" in screen
    answer = saved_session(transcripts)["records"][0]["turns"][1]["text"]
    assert len(answer.split()) == 20_000
    assert answer.endswith(line + "\nThen we cached the hot reads.\nAnd so")
