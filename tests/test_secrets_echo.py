"""A service that echoes the API key (in a refusal, or inside an otherwise valid reply) gets it nowhere:
not in session files, probe sheets, stdout or stderr of ``interview``, ``sessions show``, ``grade`` and ``probe``.

The fake server takes the key from the request's own Authorization header, so what it echoes is exactly what
the SDK sent. Two keys: the suite's ``sk-test-…`` one (also shaped like a key) and one that only the
configured-secret rule can recognise (an Azure-style 32-hex key). The session-finish check in conftest.py
scans every file the suite wrote for the first; these tests check their own files and output for both.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import respx

from openai_fakes import API_KEY, EchoingModel

AZURE_STYLE_KEY = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
KEYS = [pytest.param(API_KEY, id="sk-key"), pytest.param(AZURE_STYLE_KEY, id="azure-style-key")]


@pytest.fixture
def echoing_api(monkeypatch: pytest.MonkeyPatch, chat_api: respx.Route) -> Callable[..., str]:
    """``echoing_api(key, refuse=...)``: the chat route answers with the key echoed; returns the key."""

    def arm(key: str, *, refuse: bool) -> str:
        monkeypatch.setenv("OPENAI_API_KEY", key)
        chat_api.side_effect = EchoingModel(refuse=refuse)
        return key

    return arm


def assert_nowhere(key: str, *texts: str, files: Path) -> int:
    """The key is in none of the texts and none of the files under ``files``; how many files were read."""
    for text in texts:
        assert key not in text
    read = 0
    for path in files.rglob("*"):
        if path.is_file():
            read += 1
            assert key.encode() not in path.read_bytes(), f"the key reached {path}"
    return read


@pytest.mark.parametrize("refuse", [True, False], ids=["refusal", "valid-reply"])
@pytest.mark.parametrize("key", KEYS)
def test_an_interview_and_its_session_never_hold_an_echoed_key(
    cli: Callable[..., Any], echoing_api: Callable[..., str], tmp_path: Path, key: str, refuse: bool
) -> None:
    echoing_api(key, refuse=refuse)
    transcripts = tmp_path / "t"
    args = ["--backend", "openai", "--model", "gpt-test", "--transcripts-dir", str(transcripts)]
    interview = cli("interview", *args, "--track", "director", "--questions", "1", "--seed", "4",
                    stdin="We keep a register.\n.\nBy impact.\n.\n")
    assert interview.exit_code == 0, interview.stderr
    (session_file,) = transcripts.glob("*.json")
    data = json.loads(session_file.read_text())
    saved = json.dumps(data)
    assert "[redacted]" in saved and "[redacted]" in interview.stdout
    if refuse:
        assert data["records"][0]["grade"]["reason"].startswith("the model refused")
        assert "[redacted]" in data["records"][0]["grade"]["reason"]
    else:
        assert "[redacted]" in data["records"][0]["grade"]["explanation"]
    shown = [cli("sessions", "show", data["id"], "--transcripts-dir", str(transcripts), *extra)
             for extra in ((), ("--markdown",), ("--json",))]
    listed = cli("sessions", "--transcripts-dir", str(transcripts), "--json")
    outputs = [interview.stdout, interview.stderr, listed.stdout, listed.stderr]
    outputs += [text for result in shown for text in (result.stdout, result.stderr)]
    assert assert_nowhere(key, *outputs, files=tmp_path) >= 1


@pytest.mark.parametrize("key", KEYS)
def test_a_refused_grade_with_the_key_is_reported_without_it(
    cli: Callable[..., Any], echoing_api: Callable[..., str], tmp_path: Path, key: str
) -> None:
    echoing_api(key, refuse=True)
    args = ["grade", "-q", "director-01", "--answer", "We review debt every sprint.", "--backend", "openai"]
    plain = cli(*args)
    as_json = cli(*args, "--json")
    assert plain.exit_code == as_json.exit_code == 1
    assert "not graded:" in plain.stderr and "refused" in plain.stderr and "[redacted]" in plain.stderr
    document = as_json.json()
    assert document["status"] == "ungraded" and "[redacted]" in document["reason"]
    assert_nowhere(key, plain.stdout, plain.stderr, as_json.stdout, as_json.stderr, files=tmp_path)


@pytest.mark.parametrize("key", KEYS)
def test_a_valid_grade_echoing_the_key_is_shown_without_it(
    cli: Callable[..., Any], echoing_api: Callable[..., str], tmp_path: Path, key: str
) -> None:
    echoing_api(key, refuse=False)
    args = ["grade", "-q", "director-01", "--answer", "We review debt every sprint.", "--backend", "openai"]
    plain, as_json = cli(*args), cli(*args, "--json")
    assert plain.exit_code == as_json.exit_code == 0, plain.stderr
    assert "[redacted]" in as_json.json()["explanation"] and "[redacted]" in plain.stdout
    assert_nowhere(key, plain.stdout, plain.stderr, as_json.stdout, as_json.stderr, files=tmp_path)


@pytest.mark.parametrize("key", KEYS)
def test_a_probe_sheet_never_holds_an_echoed_key(
    cli: Callable[..., Any], echoing_api: Callable[..., str], tmp_path: Path, key: str
) -> None:
    echoing_api(key, refuse=False)
    sheet = tmp_path / "sheet.md"
    written = cli("probe", "--track", "technical", "--out", str(sheet), "--backend", "openai")
    printed = cli("probe", "--track", "technical", "--backend", "openai", "--json")
    answer = cli("probe", "-q", "technical-02", "--answer", "An index.", "--backend", "openai")
    assert written.exit_code == printed.exit_code == answer.exit_code == 0, written.stderr
    assert "[redacted]" in sheet.read_text() and "[redacted]" in answer.stdout
    assert_nowhere(key, *(r.stdout + r.stderr for r in (written, printed, answer)), files=tmp_path)
