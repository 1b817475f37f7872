"""A full disk during an interview: the answer just given is not lost, one line says where it is and how to resume."""

from __future__ import annotations

import errno
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ANSWER = "We keep a register of tech debt and review it every sprint with the product owner."
SECOND = "I measured the time lost to flaky tests and showed it to the team."


def fill_disk_once_the_answer_is_saved(
    monkeypatch: pytest.MonkeyPatch, transcripts: Path, text: str, error: int = errno.ENOSPC
) -> None:
    """The real atomic writer, with the rename into ``transcripts`` failing ENOSPC once a file holds ``text``."""
    real_replace = os.replace

    def replace(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if Path(dst).parent == transcripts.resolve() and text in Path(src).read_text(encoding="utf-8"):
            raise OSError(error, os.strerror(error))
        real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)


def args(transcripts: Path, *extra: str) -> list[str]:
    return ["interview", "--backend", "offline", "--transcripts-dir", str(transcripts), "--questions", "2",
            "--follow-ups", "0", "--seed", "4", *extra]


def test_a_full_disk_keeps_the_answer_in_a_recovery_copy_and_says_how_to_resume(
    cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    transcripts = tmp_path / "t"
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    fill_disk_once_the_answer_is_saved(monkeypatch, transcripts, ANSWER)

    result = cli(*args(transcripts), stdin=f"{ANSWER}\n.\n{SECOND}\n.\n")

    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    line = result.stderr.strip().splitlines()[-1]
    (session_file,) = transcripts.glob("*.json")
    (copy,) = (tmp_path / "tmp").glob("mock-interviewer-recovery-*/*.json")
    assert line.startswith(f"error: {session_file}: cannot write: No space left on device; ")
    assert f"your last answer included, is kept in {copy}" in line
    resume = line.split("resume with: ", 1)[1]
    assert resume == f"mock-interviewer interview --resume {copy} --transcripts-dir {transcripts}"
    saved = json.loads(copy.read_text())
    assert [t["text"] for t in saved["records"][0]["turns"] if t["kind"] == "answer"] == [ANSWER]
    on_disk = json.loads(session_file.read_text())
    assert not any(t["kind"] == "answer" for r in on_disk["records"] for t in r["turns"]), "the disk really was full"
    assert not list(transcripts.glob(".*.tmp")), "no temporary file left behind"

    monkeypatch.undo()  # space freed: the printed command carries on from the copy
    result = cli(*shlex.split(resume)[1:], "--backend", "offline", stdin=f"{SECOND}\n.\n")
    assert result.exit_code == 0, result.stderr
    data = json.loads(session_file.read_text())
    answers = [t["text"] for r in data["records"] for t in r["turns"] if t["kind"] == "answer"]
    assert answers == [ANSWER, SECOND] and data["status"] == "completed"


def test_when_no_copy_can_be_written_the_answer_is_printed_back(
    cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    transcripts = tmp_path / "t"
    fill_disk_once_the_answer_is_saved(monkeypatch, transcripts, ANSWER)

    def no_space(*args: Any, **kwargs: Any) -> str:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(tempfile, "mkdtemp", no_space)
    result = cli(*args(transcripts), stdin=f"{ANSWER}\n.\n")

    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert "Your last answer (not saved; copy it):" in result.stdout
    assert ANSWER in result.stdout.split("Your last answer (not saved; copy it):", 1)[1].splitlines()
    line = result.stderr.strip().splitlines()[-1]
    session_id = next(transcripts.glob("*.json")).stem
    assert line.endswith(
        "no copy could be written anywhere either, your last answer is printed above: free some space, then resume "
        f"with: mock-interviewer interview --resume {session_id} --transcripts-dir {transcripts}"
    )
    assert line.startswith("error: ") and "No space left on device" in line


def test_another_write_failure_is_not_called_a_full_disk(
    cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    transcripts = tmp_path / "t"
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    fill_disk_once_the_answer_is_saved(monkeypatch, transcripts, ANSWER, errno.EACCES)
    result = cli(*args(transcripts), stdin=f"{ANSWER}\n.\n")
    assert result.exit_code == 1
    line = result.stderr.strip().splitlines()[-1]
    assert "cannot write: Permission denied" in line and "free some space" not in line
    assert "your last answer included, is kept in " in line and ": once it can be written, resume with: " in line


def _can_mount_a_tmpfs() -> bool:
    """A private mount namespace (``unshare -rm``) where an unprivileged user can mount a tiny tmpfs."""
    if shutil.which("unshare") is None or sys.platform != "linux":
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=16k tmpfs /mnt"],
                           capture_output=True, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount_a_tmpfs(), reason="needs unshare and a mount namespace to fill a real disk")
def test_a_really_full_disk_in_a_real_process(tmp_path: Path) -> None:
    """The transcripts directory on a 16 KiB tmpfs with 12 KiB free: the first saves fit, a long answer does not."""
    mount, spare = tmp_path / "disk", tmp_path / "tmp"
    mount.mkdir()
    spare.mkdir()
    transcripts = mount / "t"
    answer = " ".join(["We measured the latency of every endpoint and wrote it down."] * 150)  # 9 KB
    fill = 'mount -t tmpfs -o size=16k tmpfs "$1" && head -c 4096 /dev/zero > "$1/filler" && shift && exec "$@"'
    interview = [sys.executable, "-m", "mock_interviewer", "interview", "--backend", "offline",
                 "--transcripts-dir", str(transcripts), "--questions", "1", "--follow-ups", "0", "--seed", "1"]
    env = {**os.environ, "TMPDIR": str(spare)}
    result = subprocess.run(["unshare", "-rm", "sh", "-c", fill, "sh", str(mount), *interview],
                            input=f"{answer}\n.\n", capture_output=True, text=True, env=env, timeout=120)

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith(f"error: {transcripts}/") and ": cannot write: No space left on device; " in line
    (copy,) = spare.glob("mock-interviewer-recovery-*/*.json")
    assert f"is kept in {copy}: free some space, then resume with: " in line
    saved = json.loads(copy.read_text())
    assert [t["text"] for t in saved["records"][0]["turns"] if t["kind"] == "answer"] == [answer]

    # outside the namespace the tmpfs is gone: the space is free, and the printed command finishes the session
    resume = shlex.split(line.split("resume with: ", 1)[1])
    finished = subprocess.run([sys.executable, "-m", "mock_interviewer", *resume[1:], "--backend", "offline"],
                              input="", capture_output=True, text=True, env=env, timeout=120)
    assert finished.returncode == 0, finished.stderr
    data = json.loads((transcripts / copy.name).read_text())
    assert data["status"] == "completed" and data["records"][0]["turns"][1]["text"] == answer
