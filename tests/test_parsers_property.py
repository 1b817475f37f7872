"""Property-based tests: no input to a parser of user files may escape as anything but InputError.

Run more examples with ``HYPOTHESIS_PROFILE=thorough pytest tests/test_parsers_property.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_interviewer.bank import check_bank_text, parse_bank_text
from mock_interviewer.errors import InputError
from mock_interviewer.importer import parse_document
from mock_interviewer.session_store import load_session_file

PATH = Path("fuzz.yaml")

# Text built from the pieces the parsers look for, so examples reach deep code paths.
FRAGMENTS = [
    "1\\ ",
    "2\\ ",
    "1. ",
    "2. ",
    "great response ",
    "mediocre response ",
    "poor response ",
    "Great Response: ",
    "Mediocre Response: ",
    "Poor Response: ",
    '"',
    "“",
    "”",
    "\n",
    " ",
    "technical questions ",
    "behavioral/cultural fit questions ",
    "22 min\n",
    "how do you scale? ",
    ")",
    ".",
    "\x00",
    "\ufeff",
    "\r\n",
]
document = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=40).map("".join)

yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 100), st.text(max_size=20))
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=20,
)
BANK_KEYS = ["schema_version", "track", "questions", "id", "title", "time_limit_minutes", "number", "category"]
QUESTION_KEYS = ["id", "track", "number", "category", "text", "exemplars", "key_points", "red_flags", "probes"]


@st.composite
def bank_like(draw: st.DrawFn) -> object:
    """Mostly-valid bank structures with random damage: wrong types, missing and extra keys."""
    question = {
        key: draw(st.one_of(yaml_values, st.just(f"t-0{draw(st.integers(1, 3))}")))
        for key in draw(st.lists(st.sampled_from(QUESTION_KEYS), unique=True))
    }
    if draw(st.booleans()):
        question["exemplars"] = {
            tier: draw(st.one_of(st.text(max_size=15), yaml_values))
            for tier in draw(st.lists(st.sampled_from(["great", "mediocre", "poor", "excellent"]), unique=True))
        }
    top = {
        "schema_version": draw(st.one_of(st.just(1), yaml_values)),
        "track": draw(st.one_of(st.just({"id": "t", "title": "T"}), yaml_values)),
        "questions": draw(st.one_of(st.just([question]), st.lists(yaml_values, max_size=3))),
    }
    for key in draw(st.lists(st.sampled_from(BANK_KEYS), max_size=2)):
        top.pop(key, None)
    return top


def _only_input_errors(func, *args) -> None:
    try:
        func(*args)
    except InputError as exc:
        message = str(exc)
        assert message.strip(), "an error must say what is wrong"
        assert "Traceback" not in message


@given(document)
def test_importer_never_raises_anything_but_input_error(text):
    _only_input_errors(parse_document, text)


@given(st.binary(max_size=300))
def test_bank_parser_survives_arbitrary_bytes(data):
    text = data.decode("utf-8", errors="replace")
    _only_input_errors(parse_bank_text, text, PATH)


@given(bank_like())
def test_bank_parser_reports_structural_damage_as_lines_naming_the_file(structure):
    text = yaml.safe_dump(structure, allow_unicode=True)
    problems, parsed = check_bank_text(text, PATH)
    assert (parsed is None) == bool(problems)
    for problem in problems:
        assert problem.startswith(str(PATH)) and "\n" not in problem


@given(st.text(max_size=200))
def test_bank_parser_survives_arbitrary_text(text):
    _only_input_errors(parse_bank_text, text, PATH)


session_like = st.fixed_dictionaries(
    {},
    optional={
        "schema_version": st.one_of(st.integers(-1, 5), yaml_values),
        "id": st.one_of(st.just("20261121-000000-abcd"), yaml_values),
        "track": yaml_values,
        "backend": yaml_values,
        "model": yaml_values,
        "status": st.one_of(st.sampled_from(["in_progress", "completed", "quit"]), yaml_values),
        "options": st.one_of(st.just({"questions": 2}), yaml_values),
        "records": st.lists(
            st.one_of(
                yaml_values,
                st.fixed_dictionaries(
                    {"question_id": st.just("technical-01")},
                    optional={"status": yaml_values, "turns": st.lists(yaml_values, max_size=2), "grade": yaml_values},
                ),
            ),
            max_size=3,
        ),
    },
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(session_like.map(json.dumps), st.binary(max_size=200).map(lambda b: b.decode("latin-1"))))
def test_session_loader_never_raises_anything_but_input_error(tmp_path, text):
    path = tmp_path / "s.json"
    path.write_text(text, encoding="utf-8", errors="surrogateescape")
    _only_input_errors(load_session_file, path)
