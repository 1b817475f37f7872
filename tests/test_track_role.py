"""A track names the job it interviews for (``role``), and the interviewer says that, not the track's title."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import respx
import yaml

from mock_interviewer.bank import Track, default_role, load_bank
from openai_fakes import chat_response, sse_response, verdict


def test_every_built_in_track_names_its_role() -> None:
    tracks = load_bank().tracks
    assert tracks["director"].role == "an engineering director role"
    assert all(track.role for track in tracks.values())


def test_a_track_without_a_role_loads_but_does_not_validate(cli: Callable[..., Any], tmp_path: Path) -> None:
    data: dict[str, Any] = {
        "schema_version": 1,
        "track": {"id": "mine", "title": "Mine"},
        "questions": [
            {"id": "mine-01", "track": "mine", "number": 1, "category": "technical", "text": "What is a cache?",
             "exemplars": {"great": "Keeps hot data close.", "mediocre": "Stores things.", "poor": "No idea."}}
        ],
    }
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert cli("bank", "show", "mine-01", "--bank", str(path)).exit_code == 0
    result = cli("bank", "validate", str(path), "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["problems"] == [
        f"{path}: track.role: missing; name the job this track interviews for, e.g. 'role: an engineering director role'"
    ]
    data["track"]["role"] = "a platform engineer role"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert cli("bank", "validate", str(path)).exit_code == 0


def test_import_writes_the_role_given_or_one_named_after_the_track(cli: Callable[..., Any], tmp_path: Path) -> None:
    source = tmp_path / "doc.txt"
    source.write_text(
        'Platform Questions\n1. What is a cache?\nGreat Response: "Keeps hot data close."\n'
        'Mediocre Response: "Stores things."\nPoor Response: "No idea."\n',
        encoding="utf-8",
    )
    out = tmp_path / "platform.yaml"
    result = cli("bank", "import", str(source), "--track", "platform", "--role", "a platform engineer role", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["track"]["role"] == "a platform engineer role"
    assert cli("bank", "validate", str(out)).exit_code == 0
    assert default_role("engineering-manager") == "an engineering manager role"


def test_a_track_is_described_by_its_role_else_its_title() -> None:
    assert Track(id="x", title="X Questions", role="a data engineer role").described == "a data engineer role"
    assert Track(id="x", title="X Questions").described == 'the "X Questions" track'


def test_the_interviewer_is_told_the_role(cli: Callable[..., Any], chat_api: respx.Route, tmp_path: Path) -> None:
    bodies: list[dict[str, Any]] = []

    def model(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        bodies.append(body)
        if body.get("stream"):
            return sse_response(["How do you approach technical debt?"])
        return chat_response(verdict("mediocre", 3))

    chat_api.side_effect = model
    args = ["interview", "--backend", "openai", "--model", "gpt-test", "--transcripts-dir", str(tmp_path / "t")]
    result = cli(*args, "--track", "director", "--questions", "1", "--follow-ups", "0", stdin="We keep a register.\n.\n")
    assert result.exit_code == 0, result.stderr
    asked = next(b for b in bodies if b.get("stream"))["messages"][-1]["content"]
    assert "The candidate is interviewing for an engineering director role." in asked
    assert "Director's Questions" not in asked
