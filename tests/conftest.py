"""Test-wide guards: no real network, no real credentials, encodings from the local cache."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_TIKTOKEN = REPO.parent / "shared" / "tiktoken"

if "TIKTOKEN_CACHE_DIR" not in os.environ and SHARED_TIKTOKEN.is_dir():
    os.environ["TIKTOKEN_CACHE_DIR"] = str(SHARED_TIKTOKEN)

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
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def repo() -> Path:
    return REPO
