"""Find, start and stop llama.cpp's ``llama-server`` for the real-server tests and bench/llama_grade.py.

The binary comes from ``.ci/llama-server`` (built from source, cached under
``~/.cache/mock-interviewer-ci/llama-server-<version>/``); ``MOCK_INTERVIEWER_LLAMA_SERVER`` names
another one. The server listens on 127.0.0.1 on a free port and writes its log to a file, which
says how many chat requests it processed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ENV_BINARY = "MOCK_INTERVIEWER_LLAMA_SERVER"
VERSION = "0.3.36"  # llama-cpp-python's sdist whose vendored llama.cpp .ci/llama-server builds
CONTEXT = 32768  # the tiny model tokenizes a prompt character by character: a grade prompt is ~7,000 tokens
SLOTS = 2
START_SECONDS = 60.0


def cached_binary() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "mock-interviewer-ci" / f"llama-server-{VERSION}" / "llama-server"


def find_binary() -> tuple[Path | None, str]:
    """The llama-server to use, or None with the reason there is none."""
    named = os.environ.get(ENV_BINARY)
    if named:
        path = Path(named)
        if path.is_file() and os.access(path, os.X_OK):
            return path, ""
        return None, f"{ENV_BINARY}={named} is not an executable file"
    if cached_binary().is_file():
        return cached_binary(), ""
    on_path = shutil.which("llama-server")
    if on_path:
        return Path(on_path), ""
    return None, (
        f"llama-server is not built: run `bash .ci/llama-server` (CI does) or set {ENV_BINARY}; "
        f"looked in {cached_binary()} and on PATH"
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LlamaServer:
    """One llama-server process serving one GGUF file."""

    def __init__(self, binary: Path, model: Path, log: Path) -> None:
        self.binary, self.model, self.log = binary, model, log
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> LlamaServer:
        argv = [
            str(self.binary), "--model", str(self.model), "--host", "127.0.0.1", "--port", str(self.port),
            "--ctx-size", str(CONTEXT), "--parallel", str(SLOTS), "--threads", "2",
        ]  # fmt: skip
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + START_SECONDS
        while not self._healthy():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])
                raise RuntimeError(f"llama-server did not become ready on port {self.port}:\n{tail}")
            time.sleep(0.1)
        return self

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=1) as reply:
                return bool(reply.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def requests_processed(self) -> int:
        """Chat requests the server has taken on so far (its log has one line per task)."""
        return self.log.read_text(errors="replace").count("processing task")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
