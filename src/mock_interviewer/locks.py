"""One process at a time: the advisory file lock shared by batch output directories and interview sessions.

The lock is an ``flock`` on a small file, so the kernel releases it when the holder ends, however it
ends: a lock file left by a killed process is not a live lock, and the next process simply takes it
over. The holder writes its pid into the file, so whoever is refused can be told which process holds
it. Where ``fcntl`` does not exist (Windows), there is no lock.

A lock whose file is removed on release (``remove=True``) stays safe: a process that locked a file
another process has just removed sees that the path no longer names what it locked, and tries again.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

from mock_interviewer.errors import InputError


class LockHeld(Exception):
    """Another live process holds the lock; ``pid`` is its process id when it could be read."""

    def __init__(self, path: Path, pid: int | None) -> None:
        super().__init__(f"{path}: held by {'process ' + str(pid) if pid else 'another process'}")
        self.path = path
        self.pid = pid

    @property
    def holder(self) -> str:
        """``process 1234`` (or ``another process`` when the holder has not written its pid yet)."""
        return f"process {self.pid}" if self.pid else "another process"


class FileLock:
    """An exclusive advisory lock on ``path``, held from ``acquire`` (or ``with``) until ``release``."""

    def __init__(self, path: Path, *, remove: bool = False) -> None:
        self.path = Path(path)
        self.remove = remove
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock; ``LockHeld`` when a live process has it, ``InputError`` when the file cannot be made."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            return
        while self._fd is None:
            fd = self._open()
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                pid = _read_pid(fd)
                os.close(fd)
                raise LockHeld(self.path, pid) from None
            if _same_file(fd, self.path):
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
                self._fd = fd
            else:  # the previous holder removed the file after we opened it: lock the new one
                os.close(fd)

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            if self.remove:
                self.path.unlink(missing_ok=True)
        except OSError:
            pass
        finally:
            os.close(self._fd)
            self._fd = None

    def _open(self) -> int:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise InputError(f"{self.path.parent}: cannot write here: {exc.strerror or exc}") from None

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except OSError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)
