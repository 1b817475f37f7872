"""File safety: ids from files or the command line never write outside the transcripts / out dirs,
and every write is atomic (no temporary file is left behind, after success or failure).

Every test runs in its own ``tmp_path`` holding a ``home`` directory (the working
directory) with the transcripts / output dirs inside it; ``outside`` is a sibling
where nothing may ever appear. A snapshot of the whole tree before and after says
exactly what was written.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from mock_interviewer.session_store import QuestionRecord, Session, SessionOptions, SessionStore, SessionTurn

# The first three questions of ../shared/seeds/002_d710c2abce48546a.txt, so these tests run in any checkout.
TECHNICAL_SEED = Path(__file__).parent / "data" / "seed_technical_excerpt.txt"
GOOD_ID = "20250102-093000-cafe"
HOSTILE_IDS = [
    "../../outside/x",
    "../outside/escape",
    "/tmp/absolute",
    "..",
    ".",
    "a/../../b",
    "..\\..\\outside\\x",
    "x\x00y",
    "",
    " ",
    "-rf",
    "x" * 300,
]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "outside").mkdir()
    (tmp_path / "home").mkdir()
    monkeypatch.chdir(tmp_path / "home")
    return tmp_path / "home"


def snapshot(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def temporaries(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith(".tmp") or p.name.startswith((".write-check-", "tmp"))]


def assert_one_line_error(result: Any, code: int = 2, says: str = "") -> str:
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert result.exit_code == code, result.stderr
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert says in lines[0], lines[0]
    return lines[0]


def session(session_id: str = GOOD_ID, answered: bool = True) -> Session:
    turns = [SessionTurn(speaker="interviewer", kind="question", text="How do you optimise a slow query?")]
    if answered:
        turns.append(SessionTurn(speaker="candidate", kind="answer", text="I read the plan and add an index."))
    return Session(
        id=session_id,
        track="technical",
        backend="offline",
        model="offline-v1",
        status="quit",
        options=SessionOptions(questions=1, minutes=None, follow_ups=0, feedback="now", seed=1),
        records=[QuestionRecord(question_id="technical-02", status="asked", turns=turns)],
    )


def write_session_file(path: Path, data: Session | dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.model_dump(mode="json") if isinstance(data, Session) else data
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


# ---------------------------------------------------------------- interview --resume and sessions show


@pytest.mark.parametrize("hostile", HOSTILE_IDS, ids=repr)
def test_interview_resume_with_a_hostile_id_writes_nothing(hostile: str, cli, home: Path, tmp_path: Path) -> None:
    before = snapshot(tmp_path)
    result = cli("interview", "--backend", "offline", "--transcripts-dir", "t", "--resume", hostile, stdin="")
    assert result.exit_code == 2, result.stderr
    assert_one_line_error(result)
    assert snapshot(tmp_path) - before <= {"home/t"}  # at most the (empty) transcripts dir
    assert not list((tmp_path / "outside").iterdir())


@pytest.mark.parametrize("hostile", HOSTILE_IDS, ids=repr)
def test_sessions_show_with_a_hostile_id_is_refused(hostile: str, cli, home: Path, tmp_path: Path) -> None:
    # A real session file where the traversal would land: refusing must not depend on it missing.
    write_session_file(tmp_path / "outside" / "x.json", session())
    before = snapshot(tmp_path)
    result = cli("sessions", "show", "--transcripts-dir", "t", "--", hostile)
    assert_one_line_error(result)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("hostile", ["../../outside/evil", "/tmp/evil-session", "..", "a/b", "x\\..\\y"])
def test_a_session_file_with_a_hostile_id_inside_cannot_write_outside(hostile: str, cli, home: Path, tmp_path: Path) -> None:
    """``--resume PATH.json`` reads the file; its id (from the file) must still name a file inside the transcripts dir."""
    data = session().model_dump(mode="json")
    data["id"] = hostile
    path = write_session_file(home / "t" / "planted.json", data)
    original = path.read_bytes()
    before = snapshot(tmp_path)
    result = cli("interview", "--backend", "offline", "--transcripts-dir", "t", "--resume", str(path), stdin="/quit\n")
    assert_one_line_error(result)
    assert snapshot(tmp_path) == before
    assert path.read_bytes() == original
    assert not Path("/tmp/evil-session.json").exists()


def test_a_session_whose_id_differs_from_its_file_name_cannot_overwrite_another(cli, home: Path) -> None:
    """``t/a.json`` claiming to be session ``b``: resuming ``a`` must not clobber the real ``t/b.json``."""
    other = session("20250102-093000-bbbb", answered=True)
    other_path = write_session_file(home / "t" / f"{other.id}.json", other)
    precious = other_path.read_bytes()
    write_session_file(home / "t" / "20250102-093000-aaaa.json", session(other.id, answered=False))
    result = cli("interview", "--backend", "offline", "--transcripts-dir", "t", "--resume", "20250102-093000-aaaa",
                 stdin="/quit\n")
    assert_one_line_error(result, says="20250102-093000-aaaa")
    assert other_path.read_bytes() == precious


def test_resume_by_a_good_id_writes_only_its_own_file_atomically(cli, home: Path) -> None:
    write_session_file(home / "t" / f"{GOOD_ID}.json", session())
    result = cli("interview", "--backend", "offline", "--transcripts-dir", "t", "--resume", GOOD_ID, stdin="")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (home / "t").iterdir()) == [f"{GOOD_ID}.json"]
    saved = json.loads((home / "t" / f"{GOOD_ID}.json").read_text())
    assert saved["status"] == "completed" and saved["records"][0]["grade"]["status"] == "graded"


def test_a_new_interview_writes_one_session_file_and_no_temporaries(cli, home: Path) -> None:
    result = cli("interview", "--backend", "offline", "--transcripts-dir", "t", "--track", "technical",
                 "--questions", "2", "--follow-ups", "0", stdin="I add an index.\n.\n/skip\n")
    assert result.exit_code == 0, result.stderr
    files = list((home / "t").iterdir())
    assert len(files) == 1 and files[0].suffix == ".json"
    assert not temporaries(home)


def test_store_refuses_hostile_ids_directly(tmp_path: Path) -> None:
    from mock_interviewer.errors import InputError

    store = SessionStore(tmp_path / "t")
    for hostile in HOSTILE_IDS:
        with pytest.raises(InputError):
            store.save(session(hostile))
    assert not (tmp_path / "t").exists() or not list((tmp_path / "t").iterdir())


# ---------------------------------------------------------------- batch: ids and candidate names from input files


def test_batch_ids_and_candidate_names_never_name_a_file(cli, home: Path, tmp_path: Path) -> None:
    hostile = ["../../outside/x", "/etc/passwd", "..", "a/b\\c", "<script>alert(1)</script>", "CON", "x\x00y"]
    rows = [
        {"id": name, "candidate": name, "question_id": "technical-02", "answer": f"I add an index and measure. {i}"}
        for i, name in enumerate(hostile)
    ]
    (home / "answers.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    # A session file whose id is hostile too: its items are named after it.
    write_session_file(home / "sessions" / "s.json", session("../../outside/from-a-session"))
    before = snapshot(tmp_path)
    result = cli("batch", "answers.jsonl", "sessions", "--out", "out", "--backend", "offline",
                 "--format", "html", "--format", "csv", "--json")
    assert result.exit_code == 0, result.stderr
    written = snapshot(tmp_path) - before
    pages = {path for path in written if path.startswith("home/out/candidates/")}
    assert written - pages == {"home/out", "home/out/results.jsonl", "home/out/report.md", "home/out/report.json",
                               "home/out/report.html", "home/out/report.csv", "home/out/.batch.lock",
                               "home/out/candidates"}
    # one page per candidate (the session's answers have none), each a safe name inside candidates/
    assert len(pages) == len(hostile) + 1 and all(re.fullmatch(r"home/out/candidates/[a-z0-9-]+\.html", p) for p in pages)
    html = (home / "out" / "report.html").read_text()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    ids = {json.loads(line)["item_id"] for line in (home / "out" / "results.jsonl").read_text().splitlines()}
    assert set(hostile) <= ids


def test_batch_out_that_is_a_file_is_refused_and_left_alone(cli, home: Path) -> None:
    (home / "answers.jsonl").write_text(json.dumps({"question_id": "technical-02", "answer": "An index."}) + "\n")
    (home / "out").write_text("not a directory")
    result = cli("batch", "answers.jsonl", "--out", "out", "--backend", "offline")
    assert_one_line_error(result, says="is not a directory")
    assert (home / "out").read_text() == "not a directory"


def test_a_report_that_cannot_be_written_leaves_no_temporary(cli, home: Path) -> None:
    (home / "answers.jsonl").write_text(json.dumps({"question_id": "technical-02", "answer": "An index."}) + "\n")
    (home / "out" / "report.md").mkdir(parents=True)  # a directory where the report goes: the rename fails
    result = cli("batch", "answers.jsonl", "--out", "out", "--backend", "offline")
    assert result.exit_code in (1, 2), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert not temporaries(home)
    assert (home / "out" / "results.jsonl").is_file()  # what was graded is kept


# ---------------------------------------------------------------- bank import --out


@pytest.mark.parametrize("hostile", ["../outside/evil", "/tmp/evil", "..", "a/b", "Evil", "-x", ""], ids=repr)
def test_bank_import_track_ids_cannot_name_a_file_outside(hostile: str, cli, home: Path, tmp_path: Path) -> None:
    (home / "banks").mkdir()
    before = snapshot(tmp_path)
    result = cli("bank", "import", str(TECHNICAL_SEED), "--track", hostile, "--out", "banks")
    assert_one_line_error(result)
    assert snapshot(tmp_path) == before


def test_bank_import_to_a_directory_writes_one_file_per_track_there(cli, home: Path, tmp_path: Path) -> None:
    (home / "banks").mkdir()
    before = snapshot(tmp_path)
    result = cli("bank", "import", str(TECHNICAL_SEED), "--track", "mine", "--out", "banks")
    assert result.exit_code == 0, result.stderr
    assert snapshot(tmp_path) - before == {"home/banks/mine.yaml"}


def test_bank_import_over_a_directory_in_the_way_fails_cleanly(cli, home: Path) -> None:
    (home / "banks" / "mine.yaml").mkdir(parents=True)  # the target name is taken by a directory
    result = cli("bank", "import", str(TECHNICAL_SEED), "--track", "mine", "--out", "banks")
    assert_one_line_error(result, says="mine.yaml")
    assert not temporaries(home)


# ---------------------------------------------------------------- probe --out and atomic replacement


def test_probe_sheet_replaces_its_file_atomically(cli, home: Path) -> None:
    sheet = home / "sheet.md"
    sheet.write_text("old sheet")
    os.chmod(home, 0o755)
    result = cli("probe", "--track", "technical", "--out", "sheet.md", "--backend", "offline", "--count", "1")
    assert result.exit_code == 0, result.stderr
    assert sheet.read_text().startswith("#") and not temporaries(home)


def test_an_unwritable_out_directory_is_one_line_and_leaves_nothing(cli, home: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    locked = home / "locked"
    locked.mkdir()
    os.chmod(locked, 0o500)
    try:
        result = cli("probe", "--track", "technical", "--out", "locked/sheet.md", "--backend", "offline", "--count", "1")
        assert_one_line_error(result, says="locked")
        assert not list(locked.iterdir())
    finally:
        os.chmod(locked, 0o700)


# ---------------------------------------------------------------- paths are shown as they are (never as Rich markup)

ODD = "odd [/x] [bold]dir"


def test_paths_with_square_brackets_are_shown_verbatim_and_never_crash(cli, home: Path) -> None:
    """A closing tag such as ``[/x]`` in a path used to end a run in "internal error: MarkupError" after its work was done."""
    transcripts = home / ODD
    result = cli("interview", "--backend", "offline", "--transcripts-dir", str(transcripts), "--track", "technical",
                 "--questions", "1", "--follow-ups", "0", stdin="I add an index.\n.\n")
    assert result.exit_code == 0, result.stderr
    assert str(transcripts) in result.stdout.replace("\n", "")

    result = cli("interview", "--backend", "offline", "--transcripts-dir", str(transcripts), "--track", "technical",
                 "--questions", "1", stdin="/quit\n")
    assert result.exit_code == 0, result.stderr
    assert "--transcripts-dir" in result.stdout and ODD in result.stdout.replace("\n", "")

    result = cli("sessions", "--transcripts-dir", str(transcripts))
    assert result.exit_code == 0 and ODD in result.stderr.replace("\n", ""), result.stderr

    sheet = home / f"{ODD}.md"
    result = cli("probe", "--track", "technical", "--out", str(sheet), "--backend", "offline", "--count", "1")
    assert result.exit_code == 0, result.stderr
    assert f"wrote {sheet} " in result.stderr and sheet.is_file()

    bank = home / f"{ODD}.yaml"
    result = cli("bank", "import", str(TECHNICAL_SEED), "--track", "mine", "--out", str(bank))
    assert result.exit_code == 0, result.stderr
    assert f"wrote {bank} " in result.stderr and bank.is_file()
    result = cli("bank", "validate", str(bank))
    assert result.exit_code == 0 and f"valid: {bank}" in result.stderr, result.stderr
    assert not temporaries(home)


@pytest.mark.parametrize(
    ("field", "hostile"),
    [("id", "../../outside/x"), ("id", "batch_1/../../../outside/x"), ("input", "../../outside/input.jsonl"),
     ("input", "/etc/passwd")],
)
def test_ids_in_the_batch_api_state_file_cannot_name_files_outside(field: str, hostile: str, cli, home: Path, tmp_path: Path) -> None:
    """``batch-api.json`` names the files a resumed Batch API run downloads to and reads from."""
    record = {"id": "batch_abc123", "input_file_id": "file-1", "input": "batch-input-1.jsonl", "requests": 1,
              "model": "gpt-test", "prompt_version": "grade-0", "submitted_at": "2025-01-01T00:00:00+00:00"}
    record[field] = hostile
    (home / "out").mkdir()
    (home / "out" / "batch-api.json").write_text(json.dumps({"batches": [record]}))
    (home / "answers.jsonl").write_text(json.dumps({"question_id": "technical-02", "answer": "An index."}) + "\n")
    before = snapshot(tmp_path)
    result = cli("batch", "answers.jsonl", "--out", "out", "--backend", "offline")
    assert_one_line_error(result, says="batch-api.json")
    assert snapshot(tmp_path) == before


def test_messages_show_names_with_brackets_as_typed(cli, tmp_path: Path) -> None:
    """Paths are data, never markup: ``[b]`` must not vanish as a bold tag (every stderr line goes through one printer)."""
    empty = tmp_path / "answers[b]x"
    empty.mkdir()
    result = cli("batch", str(empty), "--out", str(tmp_path / "out"), "--backend", "offline")
    assert f"warning: no answers found in {empty}" in result.stderr
    result = cli("sessions", "--transcripts-dir", str(tmp_path / "t[dim]"))
    assert f"No saved sessions in {tmp_path / 't[dim]'}." in result.stderr
