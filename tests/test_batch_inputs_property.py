"""Property-based tests for batch's answer-file readers: no input escapes as an exception, every line is accounted for.

Run more examples with ``HYPOTHESIS_PROFILE=thorough pytest tests/test_batch_inputs_property.py``.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from mock_interviewer.bank import load_bank
from mock_interviewer.batch.inputs import Item, Problem, iter_inputs

BANK = load_bank([])
KNOWN = ["director-01", "engineer-20", "technical-19"]
words = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), min_size=1, max_size=30)
answers = words.filter(lambda t: t.strip() != "")

good_record = st.fixed_dictionaries(
    {"question_id": st.sampled_from(KNOWN), "answer": answers},
    optional={"candidate": st.one_of(words, st.integers()), "id": st.one_of(words, st.integers(0, 10**6)),
              "label": st.sampled_from(["great", "poor"])},
)
non_text = st.one_of(st.none(), st.booleans(), st.integers(), st.lists(st.integers(), max_size=3))
json_values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8)),
                           lambda inner: st.lists(inner, max_size=3), max_leaves=6)
bad_line = st.one_of(
    st.just(b"{not json"),
    st.builds(lambda a: json.dumps({"answer": a}).encode(), answers),  # no question_id
    st.builds(lambda a: json.dumps({"question_id": "nowhere-99", "answer": a}).encode(), answers),
    st.builds(lambda q: json.dumps({"question_id": q, "answer": "   "}).encode(), st.sampled_from(KNOWN)),
    st.builds(lambda q, v: json.dumps({"question_id": q, "answer": v}).encode(), st.sampled_from(KNOWN), non_text),
    st.builds(lambda v: json.dumps(v).encode(), json_values),  # not an object
    st.builds(lambda q: json.dumps({"question_id": q, "answer": "a\x00b"}).encode(), st.sampled_from(KNOWN)),
    st.just(b'{"question_id": "director-01", "answer": "caf\xe9"}'),  # not UTF-8
)
jsonl_line = st.one_of(
    st.tuples(st.just("good"), good_record.map(lambda r: json.dumps(r, ensure_ascii=False).encode())),
    st.tuples(st.just("bad"), bad_line),
)


def read(name: str, data: bytes) -> list[Item | Problem]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        found = list(iter_inputs([path], BANK.get))
        for entry in found:
            assert entry.source == str(path)
        return found


@given(st.lists(jsonl_line, max_size=12), st.sampled_from([b"\n", b"\r\n"]))
def test_every_jsonl_line_is_an_answer_or_a_problem_with_its_line_number(lines, newline):
    found = read("answers.jsonl", newline.join(data for _kind, data in lines) + newline)
    if not lines:
        assert [(p.line, p.message) for p in found] == [(None, "empty file: no answers in it")]
        return
    by_line = {entry.line: entry for entry in found}
    assert len(by_line) == len(found) == len(lines), "one entry per line, nothing more"
    for number, (kind, _data) in enumerate(lines, start=1):
        entry = by_line[number]
        assert isinstance(entry, Item if kind == "good" else Problem), (number, entry)
        if isinstance(entry, Item):
            assert entry.question_id in KNOWN and entry.answer.strip() and "\x00" not in entry.answer


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_escape_any_reader(data):
    for name in ("a.jsonl", "a.csv", "a.json"):
        for entry in read(name, data):
            assert isinstance(entry, (Item, Problem))
            if isinstance(entry, Problem):
                assert entry.message and "\n" not in str(entry) and (entry.line is None or entry.line >= 1)


cells = st.one_of(words, st.sampled_from(KNOWN), st.just(""), st.just('"'), st.just("a,b"), st.just("x\ny"),
                  st.just("\x00"))
columns = st.lists(st.sampled_from(["question_id", "answer", "candidate", "id", "QUESTION_ID ", "label", "", "x"]),
                   min_size=0, max_size=5)


@given(columns, st.lists(st.lists(cells, max_size=6), max_size=6))
def test_csv_files_of_any_shape_give_answers_or_problems_with_lines(header, rows):
    def quote(cell: str) -> str:
        return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\n') else cell

    text = "\n".join(",".join(quote(c) for c in row) for row in [header, *rows]) + "\n"
    lines_in_file = text.count("\n") + text.count("\r") + 1  # csv ends a line at a bare "\r" too (old Mac files)
    for entry in read("answers.csv", text.encode("utf-8")):
        if isinstance(entry, Problem):
            assert entry.line is None or 1 <= entry.line <= lines_in_file
        else:
            assert entry.question_id in KNOWN and entry.answer.strip() and entry.line is not None
