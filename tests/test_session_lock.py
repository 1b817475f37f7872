"""One interview at a time per session: a second ``--resume`` of a live session is refused, naming the
process that has it; a lock left by a killed process is taken over."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mock_interviewer.errors import InputError
from mock_interviewer.locks import FileLock, LockHeld
from mock_interviewer.session_store import SessionStore

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the lock uses fcntl.flock")


def interview_command(transcripts: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "mock_interviewer", "interview", "--backend", "offline",
            "--transcripts-dir", str(transcripts), *extra]


def quit_session(cli: Callable[..., Any], transcripts: Path) -> str:
    """A saved, paused session of two questions; its id."""
    result = cli("interview", "--backend", "offline", "--transcripts-dir", str(transcripts), "--questions", "2",
                 "--follow-ups", "0", "--seed", "5", stdin="/quit\n")
    assert result.exit_code == 0, result.stderr
    (path,) = transcripts.glob("*.json")
    return path.stem


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def test_a_second_resume_of_a_live_session_is_refused_naming_the_process(cli: Callable[..., Any], tmp_path: Path) -> None:
    transcripts = tmp_path / "t"
    session_id = quit_session(cli, transcripts)
    lock_file = transcripts / f".{session_id}.lock"
    first = subprocess.Popen(interview_command(transcripts, "--resume", session_id), stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: lock_file.exists() and lock_file.read_text().strip() == str(first.pid), "the first to lock")
        second = subprocess.run(interview_command(transcripts, "--resume", session_id), input="Second terminal.\n.\n",
                                capture_output=True, text=True, timeout=120)
        assert second.returncode == 2
        lines = second.stderr.strip().splitlines()
        assert lines[-1] == (f"error: session {session_id} is open in another interview (process {first.pid}); "
                             "carry on there, or /quit it there and resume here")
        assert "Traceback" not in second.stderr and "Second terminal" not in second.stdout
        out, err = first.communicate("First terminal, answer one.\n.\nFirst terminal, answer two.\n.\n", timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 0, err
    assert "Resuming session" in out
    data = json.loads((transcripts / f"{session_id}.json").read_text())
    answers = [t["text"] for r in data["records"] for t in r["turns"] if t["kind"] == "answer"]
    assert answers == ["First terminal, answer one.", "First terminal, answer two."]
    assert data["status"] == "completed"
    assert not lock_file.exists(), "the lock file is removed when the interview ends"


def test_a_lock_left_by_a_killed_process_is_taken_over(cli: Callable[..., Any], tmp_path: Path) -> None:
    transcripts = tmp_path / "t"
    session_id = quit_session(cli, transcripts)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\n"
         "from pathlib import Path\n"
         "from mock_interviewer.session_store import SessionStore\n"
         "SessionStore(Path(sys.argv[1])).lock(sys.argv[2]).__enter__()\n"
         "print('locked', flush=True)\n"
         "time.sleep(120)\n",
         str(transcripts), session_id],
        stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    lock_file = transcripts / f".{session_id}.lock"
    assert lock_file.read_text().strip() == str(holder.pid), "the killed process left its lock file behind"

    result = cli("interview", "--backend", "offline", "--transcripts-dir", str(transcripts), "--resume", session_id,
                 stdin="One.\n.\nTwo.\n.\n")
    assert result.exit_code == 0, result.stderr
    data = json.loads((transcripts / f"{session_id}.json").read_text())
    assert data["status"] == "completed"
    assert not lock_file.exists()


def test_a_stale_lock_file_with_a_dead_pid_is_taken_over(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    store = SessionStore(tmp_path)
    (tmp_path / ".20260101-000000-abcd.lock").write_text(f"{dead.pid}\n")
    with store.lock("20260101-000000-abcd") as lock:
        assert lock.path.read_text() == f"{os.getpid()}\n"
    assert not (tmp_path / ".20260101-000000-abcd.lock").exists()


def test_the_lock_is_refused_while_held_and_free_after(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    with store.lock("20260101-000000-abcd"):
        with pytest.raises(InputError, match=rf"open in another interview \(process {os.getpid()}\)"):
            store.lock("20260101-000000-abcd").__enter__()
        assert store.lock("20260101-000000-abce").__enter__() is not None  # another session is another lock
    with store.lock("20260101-000000-abcd"):
        pass


def test_a_hostile_id_never_names_a_lock_file_outside_the_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a valid id"):
        SessionStore(tmp_path / "t").lock("../../etc/x")


def test_file_lock_names_its_holder(tmp_path: Path) -> None:
    with FileLock(tmp_path / "x.lock"), pytest.raises(LockHeld) as held:
        FileLock(tmp_path / "x.lock").acquire()
    assert held.value.pid == os.getpid() and held.value.holder == f"process {os.getpid()}"
