"""Test-wide guards: no real network, no real credentials, encodings from the local cache."""

from __future__ import annotations

import io
import json
import os
import socket
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from openai_fakes import chat_api, openai_env  # noqa: F401 - shared fixtures for the OpenAI backend (respx)

REPO = Path(__file__).resolve().parent.parent
SHARED_TIKTOKEN = REPO.parent / "shared" / "tiktoken"

# The property tests' profiles, for every module that has them: a developer's run stays quick (the default
# suite under 2 minutes on these machines), CI runs three times the examples, and ``thorough`` is for a hunt.
settings.register_profile("default", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

if "TIKTOKEN_CACHE_DIR" not in os.environ and SHARED_TIKTOKEN.is_dir():
    os.environ["TIKTOKEN_CACHE_DIR"] = str(SHARED_TIKTOKEN)


def _preload_encodings() -> bool:
    """Load tiktoken's encodings before the network guard is on.

    From the cache when ``TIKTOKEN_CACHE_DIR`` has them (CI); on a developer's machine with an empty
    cache this is the one download the suite allows. If neither works, tests see the tool's estimate.
    """
    try:
        import tiktoken

        for name in ("o200k_base", "cl100k_base"):
            tiktoken.get_encoding(name)
    except Exception:  # noqa: BLE001 - no network and no cache: the estimate fallback is what gets tested
        return False
    return True


ENCODINGS_LOADED = _preload_encodings()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "encodings: compares with tiktoken's own counts, so needs its real encodings")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``encodings`` skip where tiktoken's encodings cannot be loaded (CI has them in shared/)."""
    if ENCODINGS_LOADED:
        return
    skip = pytest.mark.skip(reason="tiktoken's encodings could not be loaded (no cache, no network)")
    for item in items:
        if item.get_closest_marker("encodings"):
            item.add_marker(skip)
_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: object) -> object:
    host = address[0] if isinstance(address, tuple) else None
    if self.family in (socket.AF_INET, socket.AF_INET6) and host not in ("127.0.0.1", "::1", "localhost"):
        raise RuntimeError(f"test tried a real network connection to {address!r}; mock it with respx")
    return _real_connect(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _no_network_no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test: real model calls fail loudly, and no ambient key or backend choice leaks in."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    for name in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "OPENAI_ORG_ID",
        "OPENAI_PROJECT_ID",
        "MOCK_INTERVIEWER_BACKEND",
        "MOCK_INTERVIEWER_MODEL",
        "MOCK_INTERVIEWER_BANK",
        "MOCK_INTERVIEWER_TRANSCRIPTS",
        "MOCK_INTERVIEWER_DEBUG",
        "MOCK_INTERVIEWER_TIMEOUT",
        "MOCK_INTERVIEWER_MAX_RETRIES",
        "MOCK_INTERVIEWER_MAX_OUTPUT_TOKENS",
        "MOCK_INTERVIEWER_CONTEXT_BUDGET",
        "MOCK_INTERVIEWER_RESPONSE_FORMAT",
    ):
        monkeypatch.delenv(name, raising=False)
    # --backend auto looks for a local model server (Ollama, llama-server, LM Studio) on its default port;
    # tests never find one by chance: tests of that search point it at their own server.
    monkeypatch.setenv("MOCK_INTERVIEWER_LOCAL_PORTS", "")


@pytest.fixture(autouse=True)
def _data_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test: the user's data directory (where sessions go by default) is a fresh temporary one."""
    home = tmp_path_factory.mktemp("data-home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture(autouse=True)
def _fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test: the backend's own wait before a retry without Retry-After is 1 ms instead of 0.5 s.

    The retries, their number and their outcome are exercised as before (a fault suite played dozens of
    real 0.4-0.5 s waits); the waits themselves are checked in test_openai_backend's backoff test.
    """
    from mock_interviewer.backends import openai_backend

    monkeypatch.setattr(openai_backend, "BASE_BACKOFF", 0.001)


@pytest.fixture(scope="session")
def bank() -> Any:
    """The built-in bank (parsed once per process by ``load_bank``)."""
    from mock_interviewer.bank import load_bank

    return load_bank()


@pytest.fixture(scope="module")
def context(bank: Any) -> Any:
    """The offline grader's statistics over the built-in bank: one per test module (grading may add questions)."""
    from mock_interviewer.offline.context import OfflineContext

    return OfflineContext(questions=dict(bank.questions))


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    """Run the real entry point (``cli.main``) in-process: ``cli("bank", "list", "--json", stdin=b"...")``."""
    from mock_interviewer.cli import main

    def run(*args: str, stdin: bytes | str | None = None) -> CliResult:
        monkeypatch.setattr(sys, "argv", ["mock-interviewer", *args])
        # 80 columns, as in CI: Rich would otherwise measure the terminal pytest runs in (its standard input)
        monkeypatch.setenv("COLUMNS", "80")
        if stdin is not None:
            data = stdin.encode() if isinstance(stdin, str) else stdin
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        capsys.readouterr()
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


# ---------------------------------------------------------------- no key on disk, checked when the session ends

FULL_RUN = 200  # a run of this many tests writes files: reading none means the check looked in the wrong place


@pytest.fixture(scope="session", autouse=True)
def no_file_written_during_the_suite_holds_the_api_key(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[None]:
    """After every test has run: no file under pytest's temporary directory, the repository's
    transcripts or batch output holds the fake API key. A failure is an error of the session, whatever
    the order the tests ran in; a full run that read no file at all fails too (it cannot pass vacuously)."""
    from openai_fakes import files_containing_secrets

    yield
    read, leaks = files_containing_secrets(tmp_path_factory.getbasetemp())
    for extra in ("transcripts", "batch-out"):
        if (REPO / extra).is_dir():
            more_read, more_leaks = files_containing_secrets(REPO / extra)
            read, leaks = read + more_read, leaks + more_leaks
    leaks = [path for path in leaks if "planted" not in path.name]
    assert not leaks, f"the fake API key reached disk: {leaks}"
    assert read > 0 or request.session.testscollected < FULL_RUN, "the secrets check read no file"
