"""Issue 16: every user file and stream read through one bounded reader (``mock_interviewer.reading``).

Each test reproduces what was seen (items 4, 6, 9, 11, 14, 18 of the issue) through the real entry point
where it was seen, and asserts the promised outcome: one line on stderr naming the file (and line),
exit status 2, nothing lost.
"""

from __future__ import annotations

import errno
import io
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mock_interviewer.bank import load_bank
from mock_interviewer.batch.inputs import Item, Problem, iter_inputs
from mock_interviewer.errors import InputError
from mock_interviewer.jsontext import parse_json
from mock_interviewer.reading import MAX_ANSWER_BYTES, read_limited, read_stream_limited
from mock_interviewer.session_store import QuestionRecord, Session, SessionOptions, SessionStore, SessionTurn

BANK = load_bank()
HUGE = "1" * 5000  # over Python's 4,300-digit limit on int(str)
ANSWER = "I would put a cache in front of the database with a TTL and invalidate keys on writes."
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def one_line(stderr: str, prefix: str = "error:") -> str:
    lines = [line for line in stderr.splitlines() if line.startswith(prefix)]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr
    return lines[0]


def entries(*paths: Path) -> list[Item | Problem]:
    return list(iter_inputs(paths, BANK.get))


def save_session(directory: Path, session_id: str) -> Path:
    question = BANK.get("technical-01")
    session = Session(
        id=session_id,
        track="technical",
        backend="offline",
        model="offline-v1",
        options=SessionOptions(questions=1),
        records=[
            QuestionRecord(
                question_id=question.id,
                status="answered",
                turns=[
                    SessionTurn(speaker="interviewer", kind="question", text=question.text),
                    SessionTurn(speaker="candidate", kind="answer", text=ANSWER),
                ],
            )
        ],
    )
    return SessionStore(directory).save(session)


def with_huge_integer(path: Path) -> int:
    """Put a 5,000-digit integer in a saved session file; return the line it is on."""
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if '"elapsed_seconds"' in line)
    lines[number - 1] = f'  "elapsed_seconds": {HUGE},'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return number


# ---------------------------------------------------------------- 4: integers of over 4,300 digits


def test_a_huge_integer_is_bad_json_naming_the_line() -> None:
    with pytest.raises(InputError) as caught:
        parse_json('{\n "a": "1111",\n "b": ' + HUGE + "\n}", "f.json")
    assert str(caught.value) == "f.json:3: not valid JSON (an integer of more than 4,300 digits)"
    with pytest.raises(InputError, match=r"^f.jsonl:2: not valid JSON \(an integer of more than 4,300 digits at column 7\)$"):
        parse_json('{"a": ' + HUGE + "}", "f.jsonl:2", one_line_record=True)
    assert parse_json('{"a": "' + HUGE + '", "b": ' + "9" * 4300 + "}", "f")["b"] == int("9" * 4300)


def test_batch_grades_the_line_before_a_huge_integer(cli: Callable[..., Any], tmp_path: Path) -> None:
    answers = tmp_path / "answers.jsonl"
    answers.write_text(
        json.dumps({"question_id": "technical-01", "answer": ANSWER}) + "\n"
        + '{"question_id": "technical-01", "answer": "x", "n": ' + HUGE + "}\n"
        + json.dumps({"question_id": "technical-02", "answer": ANSWER}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = cli("batch", str(answers), "--out", str(out), "--backend", "offline")
    assert result.exit_code == 2, result.stderr
    assert f"{answers}:2: not valid JSON (an integer of more than 4,300 digits at column 53)" in one_line(
        result.stderr, "skipped:"
    )
    graded = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(record["grade"]["question_id"] for record in graded) == ["technical-01", "technical-02"]


def test_a_session_with_a_huge_integer_is_one_line_everywhere(cli: Callable[..., Any], tmp_path: Path) -> None:
    transcripts = tmp_path / "t"
    save_session(transcripts, "20250101-000000-aaaa")
    bad = save_session(transcripts, "20250101-000000-bbbb")
    line = with_huge_integer(bad)
    expected = f"{bad}:{line}: not valid JSON (an integer of more than 4,300 digits); the session file is corrupt"
    for args in (
        ("sessions", "show", "20250101-000000-bbbb"),
        ("interview", "--resume", "20250101-000000-bbbb", "--backend", "offline"),
    ):
        result = cli(*args, "--transcripts-dir", str(transcripts), stdin="")
        assert result.exit_code == 2, (args, result.stderr)
        assert one_line(result.stderr) == f"error: {expected}"
    listed = cli("sessions", "--transcripts-dir", str(transcripts))
    assert listed.exit_code == 0, listed.stderr
    assert "20250101-000000-aaaa" in listed.stdout
    assert one_line(listed.stderr, "unreadable:") == f"unreadable: {expected}"
    batch = cli("batch", str(transcripts), "--out", str(tmp_path / "out"), "--backend", "offline")
    assert batch.exit_code == 2, batch.stderr
    assert f"{bad}:{line}: not valid JSON (an integer" in one_line(batch.stderr, "skipped:")
    assert len((tmp_path / "out" / "results.jsonl").read_text(encoding="utf-8").splitlines()) == 1


# ---------------------------------------------------------------- 6: what a directory walk must not open


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_in_an_input_directory_is_skipped_not_opened(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(json.dumps({"question_id": "technical-01", "answer": ANSWER}) + "\n")
    os.mkfifo(tmp_path / "b.jsonl")  # opening it for reading would block until a writer came
    found = entries(tmp_path)
    assert [type(entry) for entry in found] == [Item, Problem]
    assert str(found[1]) == f"{tmp_path / 'b.jsonl'}: is a FIFO (named pipe), not a regular file; skipped, not opened"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_link_to_a_device_in_an_input_directory_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / "zero.jsonl").symlink_to("/dev/zero")
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    (tmp_path / "zero.json").symlink_to("/dev/zero")
    found = entries(tmp_path)
    assert [str(entry) for entry in found] == [
        f"{tmp_path / name}: is a device, not a regular file; skipped, not opened"
        for name in ("zero.csv", "zero.json", "zero.jsonl")
    ]


def test_an_unreadable_subdirectory_is_named_and_fails_the_run(
    cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = tmp_path / "in"
    (answers / "locked").mkdir(parents=True)
    (answers / "locked" / "x.jsonl").write_text(json.dumps({"question_id": "technical-01", "answer": ANSWER}))
    (answers / "ok.jsonl").write_text(json.dumps({"question_id": "technical-02", "answer": ANSWER}) + "\n")
    if ROOT:  # root reads a mode-000 directory, so the refusal is played by os.scandir itself
        real_scandir = os.scandir

        def scandir(path: Any = ".") -> Any:
            if Path(path) == answers / "locked":
                raise PermissionError(13, "Permission denied", str(path))
            return real_scandir(path)

        monkeypatch.setattr(os, "scandir", scandir)
    else:
        (answers / "locked").chmod(0)
    try:
        result = cli("batch", str(answers), "--out", str(tmp_path / "out"), "--backend", "offline")
    finally:
        (answers / "locked").chmod(0o755)
    assert result.exit_code == 2, result.stderr
    assert one_line(result.stderr, "skipped:") == (
        f"skipped: {answers / 'locked'}: cannot read this directory (permission denied); nothing in it was graded"
    )
    assert len((tmp_path / "out" / "results.jsonl").read_text(encoding="utf-8").splitlines()) == 1


# ---------------------------------------------------------------- 9: every input has a bound


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_endless_inputs_are_refused_naming_the_limit(cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result = cli("grade", "-q", "technical-01", "--answer-file", "/dev/zero", "--backend", "offline")
    assert result.exit_code == 2
    assert one_line(result.stderr) == "error: /dev/zero: larger than 1 MB, the limit for an answer file"

    monkeypatch.setenv("MOCK_INTERVIEWER_BANK", "/dev/zero")
    result = cli("bank", "list")
    assert result.exit_code == 2
    assert one_line(result.stderr) == "error: /dev/zero: larger than 8 MB, the limit for a bank file"
    monkeypatch.delenv("MOCK_INTERVIEWER_BANK")

    answers = tmp_path / "a.jsonl"
    answers.write_text(json.dumps({"question_id": "technical-01", "answer": ANSWER}) + "\n")
    monkeypatch.setenv("MOCK_INTERVIEWER_PRICES", "/dev/zero")
    result = cli("batch", str(answers), "--out", str(tmp_path / "out"), "--dry-run", "--backend", "offline")
    assert result.exit_code == 2
    assert one_line(result.stderr) == (
        "error: MOCK_INTERVIEWER_PRICES=/dev/zero: larger than 1 MB, the limit for a price file"
    )


def test_a_huge_piped_answer_is_refused_after_reading_only_the_limit(cli: Callable[..., Any]) -> None:
    for command in ("grade", "probe"):
        result = cli(command, "-q", "technical-01", "--backend", "offline", stdin=b"x" * (MAX_ANSWER_BYTES + 1))
        assert result.exit_code == 2, result.stderr
        assert one_line(result.stderr) == "error: stdin: larger than 1 MB, the limit for an answer"

    class Endless(io.RawIOBase):
        given = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            buffer[:] = b"y" * len(buffer)
            self.given += len(buffer)
            return len(buffer)

    endless = Endless()
    with pytest.raises(InputError, match="larger than 1 MB"):
        read_stream_limited(io.BufferedReader(endless), MAX_ANSWER_BYTES, "stdin", "an answer")
    assert endless.given <= MAX_ANSWER_BYTES + io.DEFAULT_BUFFER_SIZE


def test_an_answer_without_spaces_is_capped_by_characters(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "answer.txt"
    path.write_text("a" * 200_001, encoding="utf-8")  # one "word"
    result = cli("grade", "-q", "technical-01", "--answer-file", str(path), "--backend", "offline")
    assert result.exit_code == 2
    assert one_line(result.stderr) == f"error: {path}: the answer is 200,001 characters; the most accepted is 200,000"


def test_a_file_at_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"z" * 1000)
    assert read_limited(path, 1000, "a file") == b"z" * 1000
    with pytest.raises(InputError, match=r"f: larger than 999 bytes, the limit for a file$"):
        read_limited(path, 999, "a file")


# ---------------------------------------------------------------- 11: path errors are one line, exit 2


LONG = "n" * 300  # over NAME_MAX (255) on every common file system


@pytest.mark.parametrize(
    "args",
    [
        ("batch", "{tmp}/a.jsonl", "--out", "{tmp}/" + LONG + "/out", "--backend", "offline"),
        ("batch", "{tmp}/" + LONG, "--backend", "offline", "--out", "{tmp}/out"),
        ("sessions", "--transcripts-dir", "{tmp}/" + LONG),
        ("interview", "--transcripts-dir", "{tmp}/" + LONG, "--backend", "offline"),
        ("grade", "-q", "technical-01", "-a", ANSWER, "--bank", "{tmp}/" + LONG, "--backend", "offline"),
        ("grade", "-q", "technical-01", "--answer-file", "{tmp}/" + LONG, "--backend", "offline"),
        ("probe", "--track", "technical", "--out", "{tmp}/" + LONG + "/sheet.md", "--backend", "offline"),
        ("bank", "import", "{tmp}/doc.txt", "--track", "x", "--out", "{tmp}/" + LONG + "/x.yaml"),
        ("bank", "validate", "{tmp}/" + LONG),
    ],
    ids=["batch --out", "batch path", "sessions", "interview", "--bank", "--answer-file", "probe --out",
         "bank import --out", "bank validate"],
)
def test_a_name_over_name_max_is_one_line_and_exit_2(cli: Callable[..., Any], tmp_path: Path, args: tuple[str, ...]) -> None:
    (tmp_path / "a.jsonl").write_text(json.dumps({"question_id": "technical-01", "answer": ANSWER}) + "\n")
    (tmp_path / "doc.txt").write_text(
        '1. What is a cache?\nGreat Response: "A fast store."\nMediocre Response: "Memory."\nPoor Response: "No idea."\n'
    )
    result = cli(*(arg.replace("{tmp}", str(tmp_path)) for arg in args), stdin="")
    assert result.exit_code == 2, result.stderr
    prefix = next(p for p in ("error:", "skipped:", "invalid:") if p in result.stderr)
    line = one_line(result.stderr, prefix)
    assert LONG in line and ("too long" in line or "File name too long" in line)


@pytest.mark.skipif(ROOT, reason="root searches a directory without search permission")
def test_a_directory_without_search_permission_is_one_line(cli: Callable[..., Any], tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o600)
    try:
        for args in (("bank", "validate", str(locked / "b.yaml")), ("sessions", "--transcripts-dir", str(locked / "t"))):
            result = cli(*args)
            assert result.exit_code == 2, result.stderr
            assert "permission denied" in one_line(result.stderr).lower()
    finally:
        locked.chmod(0o755)


# ---------------------------------------------------------------- 18: UTF-16 answers, one-line option errors


def test_a_utf16_answer_file_and_pipe_are_read_as_text(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "answer.txt"
    path.write_bytes(ANSWER.encode("utf-16"))  # with its byte order mark, as Notepad and PowerShell write it
    from_file = cli("grade", "-q", "technical-01", "--answer-file", str(path), "--backend", "offline", "--json")
    assert from_file.exit_code == 0, from_file.stderr
    piped = cli("grade", "-q", "technical-01", "--backend", "offline", "--json", stdin=ANSWER.encode("utf-16-be"))
    assert piped.exit_code == 2  # no byte order mark: not text we can know
    piped = cli("grade", "-q", "technical-01", "--backend", "offline", "--json", stdin=b"\xfe\xff" + ANSWER.encode("utf-16-be"))
    assert piped.exit_code == 0, piped.stderr
    plain = cli("grade", "-q", "technical-01", "--backend", "offline", "--json", "--answer", ANSWER)
    assert json.loads(from_file.stdout)["tier"] == json.loads(piped.stdout)["tier"] == json.loads(plain.stdout)["tier"]
    assert json.loads(from_file.stdout)["explanation"] == json.loads(plain.stdout)["explanation"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("grade", "--minutes", "x"), "error: No such option: --minutes; see 'mock-interviewer grade --help'"),
        (("probe", "--count", "x"), "error: Invalid value for '--count'"),
        (("bank", "show"), "error: Missing argument 'ID'; see 'mock-interviewer bank show --help'"),
        (("grade", "-q"), "error: Option '-q' requires an argument"),
    ],
)
def test_option_errors_are_one_line_and_exit_2(cli: Callable[..., Any], args: tuple[str, ...], expected: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(expected)


def test_help_and_version_still_work(cli: Callable[..., Any]) -> None:
    assert cli("--version").exit_code == 0
    helped = cli("grade", "--help")
    assert helped.exit_code == 0 and "--answer-file" in helped.stdout
    bare = cli()
    assert bare.exit_code == 2 and "Commands" in bare.stdout + bare.stderr


# ---------------------------------------------------------------- 14: a bad byte in a CSV file is blamed on its own line


def csv_rows(count: int) -> list[bytes]:
    rows = [b"question_id,answer,id"]
    rows += [f"technical-01,{ANSWER.replace(',', '')} number {n},r{n}".encode() for n in range(2, count + 1)]
    return rows


def test_a_bad_byte_on_line_201_is_blamed_on_line_201_and_the_rest_is_read(tmp_path: Path) -> None:
    rows = csv_rows(250)
    rows[200] = rows[200].replace(b"cache", b"caf\xe9")  # line 201
    path = tmp_path / "answers.csv"
    path.write_bytes(b"\r\n".join(rows) + b"\r\n")
    found = entries(path)
    problems = [entry for entry in found if isinstance(entry, Problem)]
    assert [str(problem) for problem in problems] == [f"{path}:201: not UTF-8 text (bad byte 0xe9 at column 31)"]
    graded = [entry.item_id for entry in found if isinstance(entry, Item)]
    assert graded == [f"r{n}" for n in range(2, 251) if n != 201]


def test_a_bad_byte_on_line_2_is_not_an_unreadable_header(tmp_path: Path) -> None:
    rows = csv_rows(4)
    rows[1] += b"\xff"
    path = tmp_path / "answers.csv"
    path.write_bytes(b"\n".join(rows) + b"\n")
    found = entries(path)
    assert str(found[0]) == f"{path}:2: not UTF-8 text (bad byte 0xff at column {len(rows[1])})"
    assert [entry.item_id for entry in found[1:] if isinstance(entry, Item)] == ["r3", "r4"]


def test_csv_line_numbers_count_bare_carriage_returns_and_quoted_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "answers.csv"
    path.write_bytes(
        b"question_id,answer\r"  # 1 (a bare \r ends a line, as in open(newline=""))
        + b'technical-01,"' + ANSWER.encode() + b'\nsecond line"\n'  # 2-3
        + b"technical-01,caf\xe9 " + ANSWER.encode() + b"\n"  # 4
        + b"technical-02," + ANSWER.encode() + b"\n"  # 5
    )
    found = entries(path)
    assert [(type(entry).__name__, entry.line) for entry in found] == [("Item", 2), ("Problem", 4), ("Item", 5)]


# ---------------------------------------------------------------- 13, 16: bank files


BANK_TEXT = """schema_version: 1
track:
  id: mine
  title: Mine
questions:
- id: mine-01
  track: mine
  number: 1
  category: technical
  text: What is a cache?
  exemplars:
    great: Keeps hot data close.
    mediocre: Stores things.
    poor: No idea.
"""


def laughs(levels: int = 9, fan: int = 10) -> str:
    """A bank whose question text is a billion laughs: ``fan ** levels`` copies of a 100-character scalar."""
    anchors = ['l0: &l0 "' + "ha" * 50 + '"']
    anchors += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * fan)}]" for n in range(1, levels + 1)]
    return BANK_TEXT.replace("schema_version: 1\n", "schema_version: 1\nx-laughs:\n" + "".join(f"  {a}\n" for a in anchors)).replace(
        "text: What is a cache?", f"text: *l{levels}"
    )


def test_a_billion_laughs_bank_is_refused_naming_the_line(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(laughs(), encoding="utf-8")
    assert path.stat().st_size < 1000
    expected = f"{path}:9: aliases expand this YAML to more than 16 MB of text (a bank file needs no aliases at all)"
    for args in (("bank", "validate", str(path)), ("bank", "list", "--json", "--bank", str(path))):
        result = cli(*args)
        assert result.exit_code == 2, result.stderr
        assert expected in result.stderr
        assert result.stdout == "" or "valid" not in result.stdout
    wide = tmp_path / "wide.yaml"  # the shape that validated: one 10 KB answer, 2,000 aliases to it (20 MB)
    wide.write_text(
        BANK_TEXT.replace("    great: Keeps hot data close.", "    great: &big " + "cache " * 1700)
        + "  key_points: [Caches]\n  point_notes:\n  - why: It is faster.\n    strong_reply: Measured.\n"
        + "    evidence: [" + ", ".join(["*big"] * 2000) + "]\n",
        encoding="utf-8",
    )
    assert wide.stat().st_size < 40_000
    result = cli("bank", "list", "--json", "--bank", str(wide))
    assert result.exit_code == 2 and result.stdout == ""
    assert f"{wide}:19: aliases expand this YAML to more than 16 MB" in one_line(result.stderr)
    small = tmp_path / "small.yaml"  # aliases that stay small are still YAML the bank may use
    small.write_text(BANK_TEXT.replace("    poor: No idea.\n", "    poor: &p No idea.\n  x: *p\n"), encoding="utf-8")
    assert "unknown field" in cli("bank", "validate", str(small)).stderr  # reached the schema, not refused as a bomb


def test_a_recursive_alias_is_refused(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text(BANK_TEXT + "x: &x [1, *x]\n", encoding="utf-8")
    result = cli("bank", "validate", str(path))
    assert result.exit_code == 2
    assert f"{path}:15: an alias refers to a collection that contains it" in result.stderr


def test_a_duplicate_key_is_an_error_naming_its_line(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text(BANK_TEXT.replace("    poor: No idea.\n", "    poor: No idea.\n    great: Something else.\n"), encoding="utf-8")
    for args in (("bank", "validate", str(path)), ("bank", "list", "--bank", str(path))):
        result = cli(*args)
        assert result.exit_code == 2, result.stderr
        assert f"{path}:15: duplicate key 'great' (first on line 12); keys must be unique" in result.stderr


def test_validate_reports_a_file_repeating_a_built_in_track(cli: Callable[..., Any], tmp_path: Path, repo: Path) -> None:
    path = tmp_path / "technical.yaml"
    role = "  title: Mine\n  role: a backend engineering role\n"  # bank validate asks every track for its role
    path.write_text(BANK_TEXT.replace("mine", "technical").replace("  title: Mine\n", role), encoding="utf-8")
    listed = cli("bank", "list", "--bank", str(path))
    assert listed.exit_code == 2 and "duplicate track 'technical'" in listed.stderr
    result = cli("bank", "validate", str(path))
    assert result.exit_code == 2
    assert f"{path}: duplicate track 'technical', also in " in one_line(result.stdout + result.stderr, "invalid:")
    assert cli("bank", "validate", str(repo / "rubric")).exit_code == 0  # the built-in files themselves are fine


def test_a_duplicate_question_id_is_reported_on_its_own_line(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "twice.yaml"
    path.write_text(BANK_TEXT + BANK_TEXT.split("questions:\n", 1)[1], encoding="utf-8")
    result = cli("bank", "validate", str(path))
    assert result.exit_code == 2
    assert f"{path}:15: questions[1].id 'mine-01' appears twice in this file" in result.stdout + result.stderr


def test_the_printed_resume_command_is_one_line_when_piped(cli: Callable[..., Any], tmp_path: Path) -> None:
    transcripts = tmp_path / ("a-long-directory-name-" * 4) / "t"
    result = cli("interview", "--backend", "offline", "--questions", "2", "--transcripts-dir", str(transcripts), stdin="/quit\n")
    assert result.exit_code == 0, result.stderr
    session_id = next(transcripts.glob("*.json")).stem
    hint = f"  mock-interviewer interview --resume {session_id} --transcripts-dir {transcripts}"
    assert len(hint) > 80 and hint in result.stdout.splitlines()  # whole, on one line, to copy and paste


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_in_a_bank_directory_is_refused_not_opened(cli: Callable[..., Any], tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(BANK_TEXT, encoding="utf-8")
    os.mkfifo(tmp_path / "b.yaml")
    result = cli("bank", "list", "--bank", str(tmp_path))
    assert result.exit_code == 2
    assert one_line(result.stderr) == f"error: {tmp_path / 'b.yaml'}: is a FIFO (named pipe), not a regular file; not read"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_among_saved_sessions_is_listed_as_unreadable(cli: Callable[..., Any], tmp_path: Path) -> None:
    save_session(tmp_path, "20250101-000000-aaaa")
    os.mkfifo(tmp_path / "20250101-000000-ffff.json")
    result = cli("sessions", "--transcripts-dir", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert "20250101-000000-aaaa" in result.stdout
    assert one_line(result.stderr, "unreadable:") == (
        f"unreadable: {tmp_path / '20250101-000000-ffff.json'}: is a FIFO (named pipe), not a regular file; not read"
    )


@pytest.mark.parametrize("shape", ["one line", "many lines"])
def test_a_huge_piped_interview_answer_is_dropped_and_asked_again(cli: Callable[..., Any], tmp_path: Path, shape: str) -> None:
    huge = "x" * 300_000 if shape == "one line" else "\n".join(["word " * 200] * 300)
    transcripts = tmp_path / "t"
    stdin = f"{huge}\n.\n{ANSWER}\n.\n"
    result = cli("interview", "--backend", "offline", "--questions", "1", "--follow-ups", "0", "--transcripts-dir",
                 str(transcripts), stdin=stdin)
    assert result.exit_code == 0, result.stderr
    assert "That answer is over 200,000 characters" in result.stdout
    assert "x" * 1000 not in result.stdout and "word " * 200 not in result.stdout  # never echoed
    saved = json.loads(next(transcripts.glob("*.json")).read_text(encoding="utf-8"))
    answers = [turn["text"] for turn in saved["records"][0]["turns"] if turn["kind"] == "answer"]
    assert answers == [ANSWER]


@pytest.mark.parametrize(
    ("code", "status", "words"),
    [(errno.ENAMETOOLONG, 2, "a name in the path is too long for the file system"), (errno.ENOSPC, 1, "no space left on device")],
)
def test_an_os_error_no_reader_caught_is_one_line(
    cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, code: int, status: int, words: str
) -> None:
    """The last net in cli.main: a path error is the user's (exit 2), a machine error is not (exit 1)."""
    from mock_interviewer.commands import common

    def fail(self: Any) -> Any:
        raise OSError(code, os.strerror(code), "/somewhere/file")

    monkeypatch.setattr(common.Context, "load_bank", fail)
    result = cli("bank", "list")
    assert result.exit_code == status
    assert one_line(result.stderr) == f"error: /somewhere/file: {words}"
