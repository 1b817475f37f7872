"""Property-based tests for the user-file parsers not covered elsewhere, and the hostile corners of all of them.

``test_parsers_property.py`` covers bank files, the importer and session files;
``test_batch_inputs_property.py`` checks that every JSONL / CSV line becomes an answer
or a problem with its line number. This file adds:

- labelled files (``calibrate --labelled``): only ``InputError``, one line naming the file
  (and line), and a file of good records loads every record, numbered by physical line;
- answer files and ``--answer`` text (``grade`` / ``probe``), price files (``batch --prices``),
  the Batch API state file (``batch-api.json``, which users may edit or damage);
- the corners random text rarely reaches, drawn on purpose: JSON nested thousands deep
  (``json`` raises RecursionError, libyaml crashed the process), ``\\ud800`` escapes that
  decode to unpaired surrogates (nothing can write them back as UTF-8), and line separators
  that are legal inside JSON strings (U+2028, U+0085, \\x1c);
- whatever a parser accepts can be written out again (session saves, results.jsonl).

The default profile runs 50 examples per test, CI's (``HYPOTHESIS_PROFILE=ci``) 150, ``thorough`` 3,000.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_interviewer.answer_input import read_answer
from mock_interviewer.bank import load_bank, parse_bank_text
from mock_interviewer.batch.batch_api import BatchState
from mock_interviewer.batch.inputs import Item, Problem, iter_inputs
from mock_interviewer.batch.pricing import read_price_file
from mock_interviewer.calibration import load_labelled
from mock_interviewer.errors import InputError
from mock_interviewer.session_store import QuestionRecord, Session, SessionOptions, SessionTurn, load_session_file

BANK = load_bank([])
KNOWN = ["director-01", "engineer-20", "technical-19"]
DEEP = 100_000
SURROGATE = "\\ud800"  # a JSON escape that decodes to an unpaired surrogate
LINE_BREAKS_INSIDE_JSON = ["\u2028", "\u2029", "\x85", "\x1c", "\x1d", "\x1e", "\x0b", "\x0c"]

# Text with the characters parsers trip on, as raw characters; SURROGATE is spliced in after json.dumps.
odd_text = st.lists(
    st.one_of(
        st.text(st.characters(blacklist_categories=["Cs"]), max_size=8),
        st.sampled_from([*LINE_BREAKS_INSIDE_JSON, "\ufeff", "\x00", "\r", "\n", "\t", '"', "\\", "SURR", " "]),
    ),
    max_size=10,
).map("".join)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 10**12), st.floats(allow_nan=True), odd_text),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(odd_text, inner, max_size=3)),
    max_leaves=8,
)


def dumps(value: Any, ascii_only: bool) -> str:
    """JSON text, with every "SURR" in a string turned into an unpaired-surrogate escape."""
    return json.dumps(value, ensure_ascii=ascii_only).replace("SURR", SURROGATE)


def deep_json(kind: str, depth: int = DEEP) -> str:
    return {"array": "[" * depth + "]" * depth, "object": '{"a":' * depth + "1" + "}" * depth, "open": "[" * depth}[kind]


# Deep enough for json's RecursionError (about 1,000 levels), small enough to draw quickly.
deep_line = st.sampled_from(["array", "object", "open"]).map(lambda kind: deep_json(kind, 5000))


def only_input_errors(func: Any, *args: Any) -> Any:
    """Call ``func``: it returns, or raises InputError with one non-empty line. Anything else fails the test."""
    try:
        return func(*args)
    except InputError as exc:
        message = str(exc)
        assert message.strip() and "\n" not in message and "Traceback" not in message, message
        return None


def writable(*texts: Any) -> None:
    """What a parser accepted can be written as UTF-8 (results.jsonl, session files, reports)."""
    for text in texts:
        if isinstance(text, str):
            text.encode("utf-8")


def in_temp_file(name: str, data: bytes, func: Any) -> Any:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        return func(path)


# ---------------------------------------------------------------- labelled files (calibrate --labelled)

labelled_record = st.fixed_dictionaries(
    {
        "question_id": st.one_of(st.sampled_from(KNOWN), st.sampled_from(["nowhere-01", "", "DIRECTOR-01"]), json_values),
        "answer": st.one_of(odd_text, json_values),
        "label": st.one_of(st.sampled_from(["great", "Mediocre ", "POOR", "excellent", ""]), json_values),
    },
    optional={"note": st.one_of(odd_text, json_values), "id": json_values},
)
labelled_line = st.one_of(
    st.builds(dumps, labelled_record, st.booleans()),
    st.builds(dumps, json_values, st.booleans()),
    deep_line,
    st.sampled_from(["{not json", "", "   ", '{"question_id": "director-01"', "null", "[]"]),
)


@given(st.lists(labelled_line, max_size=8), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_labelled_files_raise_only_input_errors_naming_the_file(lines, newline, bom) -> None:
    data = ("\ufeff" if bom else "") + newline.join(lines) + newline

    def load(path: Path) -> None:
        try:
            items = load_labelled(path, BANK)
        except InputError as exc:
            message = str(exc)
            assert message.startswith(str(path)) and "\n" not in message, message
            return
        for item in items:
            writable(item.question_id, item.answer, item.label, item.note, item.id)

    in_temp_file("labelled.jsonl", data.encode("utf-8", "surrogatepass"), load)


good_labelled = st.fixed_dictionaries(
    {
        "question_id": st.sampled_from(KNOWN),
        "answer": odd_text.map(lambda t: t.replace("SURR", "")).filter(lambda t: t.strip() and "\x00" not in t),
        "label": st.sampled_from(["great", "mediocre", "poor"]),
    },
    optional={"note": st.text(max_size=5), "id": st.integers(0, 99)},
)


@given(st.lists(good_labelled, min_size=1, max_size=6), st.lists(st.booleans(), min_size=6, max_size=6))
def test_good_labelled_records_all_load_numbered_by_physical_line(records, blanks) -> None:
    """Raw U+2028, U+0085 and friends are legal inside JSON strings: they must not split a record."""
    lines: list[str] = []
    expected: list[int] = []
    for record, blank in zip(records, blanks[: len(records)], strict=True):
        if blank:
            lines.append("")
        lines.append(json.dumps(record, ensure_ascii=False))
        expected.append(len(lines))
    items = in_temp_file("good.jsonl", ("\n".join(lines) + "\n").encode("utf-8"), lambda p: load_labelled(p, BANK))
    assert [item.line for item in items] == expected
    assert [item.answer for item in items] == [r["answer"] for r in records]


# ---------------------------------------------------------------- answer files (batch): accepted text can be written

answer_record = st.fixed_dictionaries(
    {"question_id": st.one_of(st.sampled_from(KNOWN), json_values), "answer": st.one_of(odd_text, json_values)},
    optional={"candidate": st.one_of(odd_text, json_values), "id": st.one_of(odd_text, json_values)},
)
answer_line = st.one_of(st.builds(dumps, answer_record, st.booleans()), deep_line, st.builds(dumps, json_values, st.booleans()))


@given(st.lists(answer_line, max_size=6))
def test_batch_answer_files_give_items_that_can_be_written_or_problems(lines) -> None:
    data = ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")

    def read(path: Path) -> None:
        for entry in iter_inputs([path], BANK.get):
            assert isinstance(entry, (Item, Problem))
            if isinstance(entry, Item):
                writable(entry.item_id, entry.candidate, entry.question_id, entry.answer)
            else:
                assert entry.message and "\n" not in str(entry)

    in_temp_file("answers.jsonl", data, read)


# ---------------------------------------------------------------- session files: what loads can be saved again


def session_json(answer: str, ascii_only: bool) -> str:
    session = Session(
        id="20250102-093000-cafe",
        track="technical",
        backend="offline",
        model="offline-v1",
        options=SessionOptions(questions=1),
        records=[
            QuestionRecord(
                question_id="technical-19",
                status="asked",
                turns=[SessionTurn(speaker="interviewer", kind="question", text="Why?")],
            )
        ],
    )
    data = session.model_dump(mode="json")
    data["records"][0]["turns"].append({"speaker": "candidate", "kind": "answer", "text": answer, "at": data["created_at"]})
    return dumps(data, ascii_only)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.builds(session_json, odd_text, st.booleans()), deep_line))
def test_session_files_load_only_if_they_can_be_saved_again(tmp_path, text) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    session = only_input_errors(load_session_file, path)
    if session is not None:
        session.model_dump_json()  # the interview saves it after every step; batch writes its answers out
        for entry in iter_inputs([path], BANK.get):
            if isinstance(entry, Item):
                writable(entry.item_id, entry.candidate, entry.answer)


# ---------------------------------------------------------------- price files and the Batch API state file

price_entry = st.one_of(
    st.fixed_dictionaries(
        {"input": json_values, "output": json_values}, optional={"cached_input": json_values, "extra": json_values}
    ),
    json_values,
)


@given(st.one_of(st.builds(dumps, st.dictionaries(odd_text, price_entry, max_size=3), st.booleans()),
                 st.builds(dumps, json_values, st.booleans()), deep_line, st.binary(max_size=40).map(repr)))
def test_price_files_raise_only_input_errors(text) -> None:
    def read(path: Path) -> None:
        prices = only_input_errors(read_price_file, path)
        for price in (prices or {}).values():  # a model name is only ever compared, never written
            assert price.input >= 0 and price.output >= 0

    in_temp_file("prices.json", text.encode("utf-8", "surrogatepass"), read)


batch_record = st.fixed_dictionaries(
    {key: st.one_of(odd_text, json_values) for key in ("id", "input_file_id", "input", "requests", "model",
                                                         "prompt_version", "submitted_at")},
    optional={"status": json_values, "collected": json_values, "completed": json_values},
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.builds(lambda b, a: dumps({"batches": b}, a), st.lists(batch_record, max_size=2), st.booleans()),
                 st.builds(dumps, json_values, st.booleans()), deep_line))
def test_the_batch_api_state_file_raises_only_input_errors(tmp_path, text) -> None:
    (tmp_path / "batch-api.json").write_bytes(text.encode("utf-8", "surrogatepass"))
    state = only_input_errors(BatchState.load, tmp_path)
    if state is not None:
        state.save()  # what loaded can be written back (it is rewritten at every poll)


# ---------------------------------------------------------------- one answer: --answer-file and --answer


@given(st.binary(max_size=200))
def test_answer_files_are_text_or_one_clear_error(data) -> None:
    found = in_temp_file("answer.txt", data, lambda p: only_input_errors(read_answer, None, p))
    if found is not None:
        text, _source = found
        assert text.strip() and "\x00" not in text
        writable(text)


@given(odd_text.map(lambda t: t.replace("SURR", "\ud800")), st.sampled_from(["", "\udcff", "\udc80 x"]))
def test_answer_text_from_the_command_line_is_text_or_one_clear_error(text, undecodable) -> None:
    """``--answer`` arrives through argv, where undecodable bytes become lone surrogates (surrogateescape)."""
    found = only_input_errors(read_answer, text + undecodable, None)
    if found is not None:
        writable(found[0])


# ---------------------------------------------------------------- the corners, through the real commands

HOSTILE_JSON = {
    "nested 100,000 deep": deep_json("array"),
    "unclosed 100,000 deep": deep_json("open"),
    "unpaired surrogate": json.dumps({"question_id": "technical-02", "answer": "An index SURR then measure.",
                                      "label": "great", "candidate": "SURR", "id": "x"}).replace("SURR", SURROGATE),
}


@pytest.mark.parametrize("content", HOSTILE_JSON.values(), ids=list(HOSTILE_JSON))
def test_hostile_json_is_one_clear_problem_in_every_command(content: str, cli, tmp_path: Path) -> None:
    path = tmp_path / "hostile.jsonl"
    path.write_text(content + "\n", encoding="utf-8")
    runs = {
        "batch": cli("batch", str(path), "--out", str(tmp_path / "out"), "--backend", "offline"),
        "calibrate": cli("calibrate", "--labelled", str(path), "--backend", "offline", "--no-exemplars"),
        "prices": cli("batch", str(path), "--dry-run", "--prices", str(path), "--backend", "offline"),
    }
    session = tmp_path / "t" / "hostile.json"
    session.parent.mkdir()
    session.write_text(content, encoding="utf-8")
    runs["resume"] = cli("interview", "--backend", "offline", "--transcripts-dir", str(session.parent), "--resume",
                         str(session), stdin="")
    runs["batch a session"] = cli("batch", str(session), "--out", str(tmp_path / "out2"), "--backend", "offline")
    for name, result in runs.items():
        assert result.exit_code == 2, (name, result.stderr)
        assert "internal error" not in result.stderr and "Traceback" not in result.stderr, (name, result.stderr)
        assert [line for line in result.stderr.splitlines() if line.startswith(("error:", "skipped:"))], name


@pytest.mark.parametrize("kind", ["array", "open"])
def test_deeply_nested_yaml_is_one_clear_problem_not_a_crash(kind: str, cli, tmp_path: Path) -> None:
    """libyaml's composer recursed in C and killed the process (SIGSEGV) near 30,000 levels."""
    text = "[" * DEEP + ("]" * DEEP if kind == "array" else "")
    problem = only_input_errors(parse_bank_text, text, Path("deep.yaml"))
    assert problem is None
    path = tmp_path / "deep.yaml"
    path.write_text(text)
    result = cli("bank", "validate", str(path))
    # Behaviour, not wording: whichever layer stops it (this tool's own depth guard, or PyYAML's since 6.0.4,
    # "exceeded maximum nesting depth"), the user sees exit 2 and one line that names the file and the nesting.
    assert result.exit_code == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] and "nest" in lines[0].lower(), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_an_undecodable_byte_typed_in_an_interview_keeps_the_answer(cli, tmp_path: Path, monkeypatch) -> None:
    """A real terminal decodes stdin with surrogateescape: a Latin-1 byte pasted into an answer became a lone
    surrogate, the session could not be saved, and the interview ended in an internal error, the answer lost."""
    import io
    import sys

    raw = "I add an index caf\xe9 and measure.\n.\n".encode("latin-1")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8", errors="surrogateescape"))
    result = cli("interview", "--backend", "offline", "--transcripts-dir", str(tmp_path / "t"), "--track", "technical",
                 "--questions", "1", "--follow-ups", "0")
    assert result.exit_code == 0, result.stderr
    saved = json.loads(next((tmp_path / "t").glob("*.json")).read_text(encoding="utf-8"))
    answers = [t["text"] for t in saved["records"][0]["turns"] if t["kind"] == "answer"]
    assert answers == ["I add an index caf\ufffd and measure."]


@pytest.mark.parametrize("stdin_errors", ["strict", "surrogateescape"])
def test_a_real_process_keeps_an_answer_with_a_byte_that_is_not_utf8(stdin_errors: str, tmp_path: Path) -> None:
    """Through a real pipe: with a strict stdin (a UTF-8 locale) the byte raised UnicodeDecodeError in the reader;
    with surrogateescape (the C locale) it could not be saved. Either way the answer was lost."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "MOCK_INTERVIEWER_"))}
    env["PYTHONIOENCODING"] = f"utf-8:{stdin_errors}"
    done = subprocess.run(
        [sys.executable, "-m", "mock_interviewer", "interview", "--backend", "offline", "--transcripts-dir",
         str(tmp_path / "t"), "--track", "technical", "--questions", "1", "--follow-ups", "0"],
        input="I add an index caf\xe9 and measure.\n.\n".encode("latin-1"), capture_output=True, env=env, timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    saved = json.loads(next((tmp_path / "t").glob("*.json")).read_text(encoding="utf-8"))
    answers = [t["text"] for t in saved["records"][0]["turns"] if t["kind"] == "answer"]
    assert answers == ["I add an index caf\ufffd and measure."]
