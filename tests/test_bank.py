"""The question bank: the 59 contract ids, exemplars verbatim from the seeds, rubric notes, bank commands."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from mock_interviewer.bank import load_bank, normalise_whitespace

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
SEED_000 = SEEDS / "000_369371729e31a1cd.txt"
SEED_002 = SEEDS / "002_d710c2abce48546a.txt"
needs_seeds = pytest.mark.skipif(not SEED_000.exists(), reason="../shared/seeds is not beside this checkout")

EXPECTED_IDS = (
    [f"director-{n:02d}" for n in range(1, 21)]
    + [f"engineer-{n:02d}" for n in range(1, 21)]
    + [f"technical-{n:02d}" for n in range(1, 20)]
)


def test_bank_list_json_lists_exactly_the_contract_ids(cli):
    result = cli("bank", "list", "--json")
    assert result.exit_code == 0, result.stderr
    ids = [q["id"] for q in result.json()["questions"]]
    assert ids == EXPECTED_IDS
    tracks = {t["id"]: t for t in result.json()["tracks"]}
    assert tracks["director"]["time_limit_minutes"] == 22
    assert tracks["engineer"]["time_limit_minutes"] is None
    assert [tracks[t]["questions"] for t in ("director", "engineer", "technical")] == [20, 20, 19]


def test_bank_list_filters_by_track(cli):
    result = cli("bank", "list", "--track", "technical", "--json")
    assert [q["id"] for q in result.json()["questions"]] == EXPECTED_IDS[40:]


def test_categories_follow_the_section_words():
    bank = load_bank()
    for track in ("director", "engineer"):
        categories = [q.category for q in bank.in_track(track)]
        assert categories == ["technical"] * 10 + ["behavioral"] * 10
    assert {q.category for q in bank.in_track("technical")} == {"technical"}


def _source_exemplars_000() -> list[tuple[str, str, str]]:
    line = SEED_000.read_text(encoding="utf-8").splitlines()[2]
    found = re.findall(r'great response "([^"]*)" mediocre response "([^"]*)" poor response "([^"]*)"', line)
    return [tuple(normalise_whitespace(x) for x in triple) for triple in found]


@needs_seeds
@pytest.mark.parametrize("question_id", ["director-01", "director-13", "engineer-02", "engineer-20"])
def test_bank_show_json_gives_exemplars_verbatim_from_the_single_line_source(cli, question_id):
    track, number = question_id.split("-")
    index = int(number) - 1 + (20 if track == "engineer" else 0)
    great, mediocre, poor = _source_exemplars_000()[index]
    shown = cli("bank", "show", question_id, "--json").json()
    assert shown["exemplars"] == {"great": great, "mediocre": mediocre, "poor": poor}


@needs_seeds
def test_every_exemplar_appears_verbatim_in_its_source():
    """Whitespace-normalised source contains each exemplar exactly (the URL line break joined)."""
    text_000 = normalise_whitespace(SEED_000.read_text(encoding="utf-8"))
    text_002 = SEED_002.read_text(encoding="utf-8")
    joined_002 = normalise_whitespace(re.sub(r"\n(?=[).,;:])", "", text_002))
    for question in load_bank():
        source = joined_002 if question.track == "technical" else text_000
        for tier in ("great", "mediocre", "poor"):
            assert question.exemplars.get(tier) in source, (question.id, tier)


@needs_seeds
def test_the_url_broken_over_two_lines_is_joined():
    question = load_bank().get("technical-01")
    assert "(like /api/v1/resource) because it's explicit" in question.exemplars.great
    assert "like /api/v1/resource. It makes it clear" in question.exemplars.mediocre
    assert "\n" not in question.exemplars.great


def test_every_question_has_rubric_notes_within_the_contract():
    for question in load_bank():
        assert 4 <= len(question.key_points) <= 8, question.id
        assert 2 <= len(question.red_flags) <= 4, question.id
        assert all(point.strip() for point in question.key_points + question.red_flags)
        if question.probes:
            assert len(question.probes) == len(question.key_points), question.id


@needs_seeds
@pytest.mark.parametrize(
    ("seed", "tracks"), [(SEED_000, ["director", "engineer"]), (SEED_002, ["technical"])], ids=["000", "002"]
)
def test_import_round_trip_matches_rubric(seed, tracks, cli, tmp_path):
    result = cli("bank", "import", str(seed), *[arg for t in tracks for arg in ("--track", t)], "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    committed = load_bank()
    for track in tracks:
        imported = yaml.safe_load((tmp_path / f"{track}.yaml").read_text(encoding="utf-8"))
        assert len(imported["questions"]) == len(committed.in_track(track))
        for raw in imported["questions"]:
            ours = committed.get(raw["id"])
            assert (raw["number"], raw["category"], raw["text"]) == (ours.number, ours.category, ours.text)
            assert raw["exemplars"] == ours.exemplars.model_dump()
    if tracks == ["director"] or "director" in tracks:
        director = yaml.safe_load((tmp_path / "director.yaml").read_text(encoding="utf-8"))
        assert director["track"]["time_limit_minutes"] == 22


@needs_seeds
def test_import_of_a_two_set_document_needs_a_track_per_set(cli, tmp_path):
    result = cli("bank", "import", str(SEED_000), "--track", "director", "--out", str(tmp_path / "x.yaml"))
    assert result.exit_code == 2
    assert "2 question set(s)" in result.stderr and "--set" in result.stderr
    assert "Traceback" not in result.stderr


@needs_seeds
def test_import_one_set_with_set_option(cli, tmp_path):
    out = tmp_path / "eng.yaml"
    result = cli("bank", "import", str(SEED_000), "--track", "eng", "--set", "2", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["questions"][0]["id"] == "eng-01"
    assert data["questions"][0]["text"] == "how do you optimize database queries for performance?"


@needs_seeds
def test_imported_bank_is_usable_with_bank_option(cli, tmp_path):
    out = tmp_path / "mine.yaml"
    assert cli("bank", "import", str(SEED_002), "--track", "mine", "--out", str(out)).exit_code == 0
    assert cli("bank", "validate", str(out)).exit_code == 0
    shown = cli("bank", "show", "mine-02", "--bank", str(out), "--json")
    assert shown.exit_code == 0, shown.stderr
    assert shown.json()["exemplars"]["great"].startswith("I'd implement a token bucket algorithm")


def test_import_line_based_document_with_continuations(cli, tmp_path):
    source = tmp_path / "doc.txt"
    source.write_text(
        "My Questions\n15 min\n"
        "1. What is a cache?\n"
        'Great Response: "A cache keeps hot data close, see https://example.com/a\n'
        '/b for details. It trades memory for latency."\n'
        'Mediocre Response: "It stores things."\n'
        'Poor Response: "No idea."\n'
        "Behavioral Questions\n"
        "2. Tell me about a conflict.\n"
        'Great Response: "I listened first."\n'
        'Mediocre Response: "We talked."\n'
        'Poor Response: "I escalated."\n',
        encoding="utf-8",
    )
    out = tmp_path / "mine.yaml"
    result = cli("bank", "import", str(source), "--track", "mine", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["track"] == {"id": "mine", "title": "My Questions", "role": "a mine role", "time_limit_minutes": 15}
    first, second = data["questions"]
    assert first["exemplars"]["great"] == (
        "A cache keeps hot data close, see https://example.com/a /b for details. It trades memory for latency."
    )
    assert (first["category"], second["category"]) == ("technical", "behavioral")


def test_import_reports_a_missing_response_with_its_line(cli, tmp_path):
    source = tmp_path / "doc.txt"
    source.write_text('1. Q?\nGreat Response: "a"\nMediocre Response: "b"\n2. Next?\n', encoding="utf-8")
    result = cli("bank", "import", str(source), "--track", "x")
    assert result.exit_code == 2
    assert str(source) in result.stderr and "line 1" in result.stderr and "Poor Response" in result.stderr


# ------------------------------------------------------------------ bad bank files


def _valid_bank_text() -> str:
    return """schema_version: 1
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


BAD_FILES = {
    "malformed_yaml": (_valid_bank_text().replace("  title: Mine", "  title: [Mine"), ["malformed YAML", ":"]),
    "missing_exemplar": (
        _valid_bank_text().replace("    poor: No idea.\n", ""),
        ["questions[0].exemplars.poor", "missing_exemplar.yaml:11:"],
    ),
    "unknown_tier": (
        _valid_bank_text() + "    excellent: Wow.\n",
        ["questions[0].exemplars.excellent", "unknown tier 'excellent'"],
    ),
    "duplicate_id": (
        _valid_bank_text() + _valid_bank_text().split("questions:\n", 1)[1],
        ["'mine-01' appears twice"],
    ),
    "empty": ("", ["empty bank file"]),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00", ["binary file"]),
    "not_utf8": (b"track: caf\xe9\n", ["not UTF-8"]),
    "wrong_id": (_valid_bank_text().replace("id: mine-01", "id: mine-07"), ["questions[0]", "expected 'mine-01'"]),
    "future_version": (_valid_bank_text().replace("schema_version: 1", "schema_version: 9"), ["newer than this tool"]),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_bank_files_give_one_clear_line_with_file_and_field(case, cli, tmp_path):
    content, expected = BAD_FILES[case]
    path = tmp_path / f"{case}.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    for args in (("bank", "validate", str(path)), ("bank", "list", "--bank", str(path))):
        result = cli(*args)
        assert result.exit_code == 2, (case, args, result.stderr)
        assert "Traceback" not in result.stderr
        assert str(path) in result.stderr
        for fragment in expected:
            assert fragment in result.stderr, (case, args, result.stderr)
        if args[1] == "list":
            assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_validate_lists_every_problem(cli, tmp_path):
    text = _valid_bank_text().replace("    poor: No idea.\n", "").replace("category: technical", "category: social")
    path = tmp_path / "two.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("bank", "validate", str(path))
    assert result.exit_code == 2
    assert "questions[0].category" in result.stderr and "questions[0].exemplars.poor" in result.stderr


def test_duplicate_ids_across_banks_name_both_files(cli, tmp_path):
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(_valid_bank_text(), encoding="utf-8")
    second.write_text(_valid_bank_text().replace("id: mine\n", "id: mine\n", 1), encoding="utf-8")
    result = cli("bank", "validate", str(first), str(second))
    assert result.exit_code == 2
    assert str(first) in result.stderr and str(second) in result.stderr
    result = cli("bank", "list", "--bank", str(first), "--bank", str(second))
    assert result.exit_code == 2 and str(first) in result.stderr and str(second) in result.stderr


def test_bank_env_var_adds_banks(cli, tmp_path, monkeypatch):
    path = tmp_path / "mine.yaml"
    path.write_text(_valid_bank_text(), encoding="utf-8")
    monkeypatch.setenv("MOCK_INTERVIEWER_BANK", str(path))
    result = cli("bank", "list", "--json")
    assert [q["id"] for q in result.json()["questions"]][-1] == "mine-01"


def test_builtin_rubric_validates(cli, repo):
    result = cli("bank", "validate", str(repo / "rubric"))
    assert result.exit_code == 0, result.stderr


def test_unknown_question_id_suggests_the_two_digit_form(cli):
    result = cli("bank", "show", "director-1")
    assert result.exit_code == 2
    assert "did you mean 'director-01'" in result.stderr


def test_bank_show_renders_all_three_exemplars_in_80_columns(cli):
    result = cli("bank", "show", "engineer-05")
    assert result.exit_code == 0
    assert all(len(line) <= 80 for line in result.stdout.splitlines())
    for label in ("Great (score 5)", "Mediocre (score 3)", "Poor (score 1)", "Key points", "Red flags"):
        assert label in result.stdout


# ---------------------------------------------------------------- evidence notes and siblings


def test_every_built_in_question_has_an_authored_note_for_each_key_point_and_red_flag() -> None:
    from mock_interviewer.bank import load_bank

    for question in load_bank().questions.values():
        assert len(question.point_notes) == len(question.key_points), question.id
        assert len(question.flag_notes) == len(question.red_flags), question.id
        for note in question.point_notes:
            assert note.why and note.strong_reply and note.evidence, question.id
            assert all(1 <= len(phrase.split()) <= 4 and phrase == phrase.lower() for phrase in note.evidence), question.id


def test_bank_validate_says_what_a_bank_lacks_for_the_offline_grader(cli, tmp_path: Path) -> None:
    from mock_interviewer.bank import builtin_bank_dir

    data = yaml.safe_load((builtin_bank_dir() / "technical.yaml").read_text(encoding="utf-8"))
    data["track"]["id"] = "mine"
    question = data["questions"][0]
    question.update({"id": "mine-01", "track": "mine", "siblings": []})
    question.pop("point_notes")
    data["questions"] = [question]
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = cli("bank", "validate", str(path))
    assert result.exit_code == 0, result.stderr
    assert f"incomplete: {path}: mine-01: no point_notes" in result.stderr
    question["siblings"] = ["nowhere-01"]
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = cli("bank", "validate", str(path), "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["problems"] == [f"{path}: mine-01: siblings: no question 'nowhere-01' in these files or the built-in bank"]


def test_a_point_note_per_key_point_or_none(tmp_path: Path) -> None:
    from mock_interviewer.bank import Question, load_bank

    question = load_bank().get("technical-02")
    with pytest.raises(ValueError, match="point_notes: 1 given for 6 key_points"):
        Question.model_validate({**question.model_dump(), "point_notes": [question.point_notes[0].model_dump()]})


def test_bank_validate_refuses_a_misconception_the_question_itself_affirms(cli, tmp_path: Path) -> None:
    """A wrong claim whose phrase the great exemplar says would read every strong answer as making it."""
    from mock_interviewer.bank import builtin_bank_dir, load_bank

    data = yaml.safe_load((builtin_bank_dir() / "technical.yaml").read_text(encoding="utf-8"))
    data["track"]["id"] = "mine"
    question = data["questions"][0]  # technical-01, API versioning: its great exemplar says "backward compatibility"
    question.update({"id": "mine-01", "track": "mine", "siblings": []})
    question["misconceptions"] = [{"claim": "Compatibility is optional.", "evidence": ["backward compatibility", "only the latest"]}]
    data["questions"] = [question]
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = cli("bank", "validate", str(path), "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["problems"] == [
        f"{path}: mine-01: misconceptions[0]: 'backward compatibility' is said by the question's own exemplars or notes; "
        "a strong answer would be read as making the wrong claim"
    ]
    # the built-in bank carries misconceptions for every question, each with phrases of 1-6 lower-case words
    for built_in in load_bank().questions.values():
        assert built_in.misconceptions, built_in.id
        for misconception in built_in.misconceptions:
            assert all(1 <= len(p.split()) <= 6 and p == p.lower() for p in misconception.evidence), built_in.id
