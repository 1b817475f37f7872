"""Where sessions live (the user's data directory by default), printed commands that work from anywhere,
and files written with the user's umask like any other file."""

from __future__ import annotations

import json
import os
import shlex
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mock_interviewer.locations import command_line, default_transcripts_dir, legacy_note, resolve_transcripts_dir
from mock_interviewer.storage import atomic_write_text

QUIT = "/quit\n"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from a directory that is not where the sessions are."""
    place = tmp_path / "somewhere else"
    place.mkdir()
    monkeypatch.chdir(place)
    return place


def flat(text: str) -> str:
    """Output with the terminal's line wrapping undone."""
    return " ".join(text.split())


def test_sessions_go_to_the_user_data_directory_by_default(cli: Callable[..., Any], _data_home: Path, elsewhere: Path,
                                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = cli("interview", "--backend", "offline", "--track", "technical", "-n", "1", stdin=QUIT)
    assert result.exit_code == 0, result.stderr
    saved = list((_data_home / "mock-interviewer" / "transcripts").glob("*.json"))
    assert len(saved) == 1 and not (elsewhere / "transcripts").exists()
    hint = f"mock-interviewer interview --resume {saved[0].stem}"
    assert flat(result.stdout).endswith(f"Resume with: {hint}")  # the default directory needs no option

    other = tmp_path / "another"
    other.mkdir()
    monkeypatch.chdir(other)
    listing = cli("sessions", "--json")
    assert [Path(s["path"]).name for s in listing.json()["sessions"]] == [saved[0].name]
    again = cli(*shlex.split(hint)[1:], "--backend", "offline", stdin="My answer about rate limits.\n.\n")
    assert again.exit_code == 0, again.stderr
    assert "Resuming session" in again.stdout
    assert "My answer about rate limits." in saved[0].read_text()


def test_a_relative_transcripts_dir_is_printed_absolute_and_quoted(cli: Callable[..., Any], elsewhere: Path) -> None:
    result = cli("interview", "--backend", "offline", "--transcripts-dir", "my sessions", "-n", "1", stdin=QUIT)
    assert result.exit_code == 0, result.stderr
    directory = elsewhere / "my sessions"
    (saved,) = directory.glob("*.json")
    assert flat(result.stdout).endswith(
        f"Resume with: mock-interviewer interview --resume {saved.stem} --transcripts-dir {shlex.quote(str(directory))}"
    )


def test_the_see_it_again_hint_keeps_the_transcripts_dir(cli: Callable[..., Any], elsewhere: Path) -> None:
    answers = "I would cache reads in Redis with a TTL.\n.\n"
    result = cli("interview", "--backend", "offline", "--transcripts-dir", "t", "--track", "technical", "-n", "1",
                 "--follow-ups", "0", stdin=answers)
    assert result.exit_code == 0, result.stderr
    (saved,) = (elsewhere / "t").glob("*.json")
    assert f"see it again with: mock-interviewer sessions show {saved.stem} --transcripts-dir {shlex.quote(str(elsewhere / 't'))}" in flat(result.stdout)


def test_sessions_hints_name_the_directory(cli: Callable[..., Any], elsewhere: Path) -> None:
    result = cli("sessions", "--transcripts-dir", "empty")
    assert f"Start one with: mock-interviewer interview --transcripts-dir {shlex.quote(str(elsewhere / 'empty'))}" in flat(result.stderr)


def test_command_line_quotes_and_adds_only_what_is_needed(tmp_path: Path) -> None:
    assert command_line("sessions", transcripts_dir=default_transcripts_dir()) == "mock-interviewer sessions"
    odd = tmp_path / "it's here"
    line = command_line("sessions", "show", "x", transcripts_dir=odd, banks=[Path("b.yaml")])
    assert shlex.split(line) == ["mock-interviewer", "sessions", "show", "x", "--transcripts-dir", str(odd),
                                 "--bank", os.path.abspath("b.yaml")]
    assert resolve_transcripts_dir(None) == default_transcripts_dir()
    assert resolve_transcripts_dir(Path("a/../b")) == Path.cwd() / "b"


def test_files_get_the_users_umask(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "file.txt"
    atomic_write_text(target, "one")
    assert mode(target) == 0o644
    os.umask(0o077)
    other = tmp_path / "private.txt"
    atomic_write_text(other, "two")
    assert mode(other) == 0o600
    os.umask(0o022)
    atomic_write_text(other, "three")  # an existing file keeps the mode it has
    assert mode(other) == 0o600 and other.read_text() == "three"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt", "private.txt"]  # no temporary left


def test_sessions_sheets_banks_and_batch_output_are_0644_under_umask_022(
    cli: Callable[..., Any], tmp_path: Path, umask_022: None
) -> None:
    assert cli("interview", "--backend", "offline", "--transcripts-dir", str(tmp_path / "t"), "-n", "1",
               stdin=QUIT).exit_code == 0
    (session,) = (tmp_path / "t").glob("*.json")
    assert cli("probe", "--backend", "offline", "--track", "technical", "--out", str(tmp_path / "sheet.md")).exit_code == 0
    answers = tmp_path / "answers.jsonl"
    answers.write_text(json.dumps({"question_id": "technical-02", "answer": "A token bucket per key in Redis."}) + "\n")
    assert cli("batch", str(answers), "--backend", "offline", "--out", str(tmp_path / "out")).exit_code == 0
    written = [session, tmp_path / "sheet.md", tmp_path / "out" / "results.jsonl", tmp_path / "out" / "report.md"]
    assert {path.name: oct(mode(path)) for path in written} == {path.name: "0o644" for path in written}


def test_a_returning_user_is_told_where_old_sessions_are(cli: Callable[..., Any], elsewhere: Path, repo: Path) -> None:
    example = sorted((repo / "transcripts" / "examples").glob("*.json"))[0]
    (elsewhere / "transcripts").mkdir()
    (elsewhere / "transcripts" / example.name).write_bytes(example.read_bytes())
    result = cli("sessions")
    old = elsewhere / "transcripts"
    assert f"note: 1 earlier session in {old} (the old default place" in flat(result.stderr)
    assert f"see them with: mock-interviewer sessions --transcripts-dir {shlex.quote(str(old))}" in flat(result.stderr)
    assert "note:" not in cli("sessions", "--transcripts-dir", "t").stderr  # a chosen directory: no note
    assert legacy_note(old, elsewhere) is None  # they are where the tool looks


def test_an_imported_bank_is_0644_under_umask_022(cli: Callable[..., Any], tmp_path: Path, umask_022: None,
                                                  repo: Path) -> None:
    places = [repo.parent / "shared", repo.parent.parent / "shared"]  # a clone, or a worktree under wt/
    seeds = [p / "seeds" / "000_369371729e31a1cd.txt" for p in places if (p / "seeds" / "000_369371729e31a1cd.txt").exists()]
    if not seeds:
        pytest.skip("the shared seed file is not beside this checkout")
    result = cli("bank", "import", str(seeds[0]), "--track", "mine", "--set", "1", "--out", str(tmp_path / "bank.yaml"))
    assert result.exit_code == 0, result.stderr
    assert mode(tmp_path / "bank.yaml") == 0o644


def test_a_resume_that_finds_nothing_mentions_the_old_place(cli: Callable[..., Any], elsewhere: Path, repo: Path) -> None:
    example = sorted((repo / "transcripts" / "examples").glob("*.json"))[0]
    (elsewhere / "transcripts").mkdir()
    (elsewhere / "transcripts" / example.name).write_bytes(example.read_bytes())
    for args in (("interview", "--backend", "offline", "--resume", example.stem), ("sessions", "show", example.stem)):
        result = cli(*args, stdin="")
        assert result.exit_code == 2, result.stderr
        assert f"note: 1 earlier session in {elsewhere / 'transcripts'}" in flat(result.stderr)
        assert f"no saved session {example.stem!r}" in flat(result.stderr)
