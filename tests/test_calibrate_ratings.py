"""``calibrate --ratings``: three raters on six answers, against each other and the offline grader, by hand.

The answers are the exemplars of technical-01 and technical-02, which the offline grader places at
their own tier (by lookup), so the grader's ratings are known: great, mediocre, poor, great, mediocre,
poor. On the tier scale (poor 1, mediocre 2, great 3):

    ana    3 2 1 3 2 1   (the same as the grader)
    ben    3 3 1 2 2 1
    chloe  2 2 1 3 1 1

Quadratic-weighted kappa = 1 - sum of squared differences / (sum over all cross pairs / n):
ana-ben 1 - 2/(48/6) = 0.75; ana-chloe 1 - 2/(48/6) = 0.75; ben-chloe 1 - 4/(48/6) = 0.5;
each against the grader as against ana: 1.0, 0.75, 0.75.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from mock_interviewer.bank import load_bank
from mock_interviewer.errors import InputError
from mock_interviewer.ratings import load_ratings
from reference_stats import reference_ordinal_alpha

BANK = load_bank([])
ITEMS = [(q, t) for q in ("technical-01", "technical-02") for t in ("great", "mediocre", "poor")]
TIER = {3: "great", 2: "mediocre", 1: "poor"}
RATERS = {"ana": [3, 2, 1, 3, 2, 1], "ben": [3, 3, 1, 2, 2, 1], "chloe": [2, 2, 1, 3, 1, 1]}


def fixture_rows() -> list[dict[str, str]]:
    rows = []
    for rater, values in RATERS.items():
        for (question_id, tier), value in zip(ITEMS, values, strict=True):
            rows.append({"item_id": f"{question_id}-{tier}", "question_id": question_id,
                         "answer": BANK.get(question_id).exemplars.get(tier), "rater": rater, "tier": TIER[value]})
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_three_raters_and_the_grader_agree_as_computed_by_hand(tmp_path, cli):
    path = write_csv(tmp_path / "ratings.csv", fixture_rows())

    result = cli("calibrate", "--ratings", str(path), "--backend", "offline", "--json", "--bootstrap", "200")

    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    agreement = data["agreement"]
    assert agreement["raters"] == ["ana", "ben", "chloe"]
    kappas = {(p["a"], p["b"]): (p["kappa"], p["n"]) for p in agreement["pairs"]}
    assert kappas == {("ana", "ben"): (0.75, 6), ("ana", "chloe"): (0.75, 6), ("ben", "chloe"): (0.5, 6),
                      ("ana", "grader"): (1.0, 6), ("ben", "grader"): (0.75, 6), ("chloe", "grader"): (0.75, 6)}
    units = [[RATERS[r][i] for r in RATERS] for i in range(6)]
    assert agreement["alpha"]["value"] == pytest.approx(reference_ordinal_alpha(units), abs=1e-4)
    assert agreement["alpha"]["items"] == 6 and agreement["alpha"]["metric"] == "ordinal"
    low, high = agreement["alpha"]["ci"]
    assert low <= agreement["alpha"]["value"] <= high
    assert data["grader"]["graded"] == 6 and data["grader"]["backend"] == "offline" and data["schema_version"] == 1
    disputed = data["disagreements"]["items"]
    assert {d["item_id"] for d in disputed} == {"technical-01-great", "technical-01-mediocre", "technical-02-great",
                                                "technical-02-mediocre"}
    assert disputed[0]["ratings"] == {"ana": "great", "ben": "great", "chloe": "mediocre"} or disputed[0]["spread"] == 1
    assert {q["question_id"]: q["split_items"] for q in data["disagreements"]["questions"]} == {
        "technical-01": 2, "technical-02": 2}
    again = cli("calibrate", "--ratings", str(path), "--backend", "offline", "--json", "--bootstrap", "200")
    assert again.stdout == result.stdout, "the same file and seed give the same intervals"


def test_the_table_view_names_each_pair_and_the_answers_to_discuss(tmp_path, cli):
    rows = [{k: v for k, v in row.items() if k != "answer"} for row in fixture_rows()]  # no text: no grader
    path = tmp_path / "ratings.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")

    result = cli("calibrate", "--ratings", str(path), "--bootstrap", "50")

    assert result.exit_code == 0, result.stderr
    assert "Krippendorff's alpha" in result.stdout and "ben · chloe" in result.stdout and "0.500" in result.stdout
    assert "grader" not in result.stdout and "Answers people disagree on most" in result.stdout


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"item_id": "x", "tier": "great"}, "missing field 'rater'"),
        ({"item_id": "x", "rater": "a", "tier": "superb"}, "tier 'superb' is not one of"),
        ({"item_id": "x", "rater": "a", "score": 7}, "score '7' is not a whole number from 1 to 5"),
        ({"item_id": "x", "rater": "a", "tier": "poor", "score": 5}, "does not agree with tier"),
        ({"rater": "a", "tier": "poor"}, "needs item_id, or question_id and answer"),
        ({"item_id": "x", "rater": "a"}, "needs a tier"),
        ({"item_id": "x", "question_id": "nope-01", "rater": "a", "tier": "poor"}, "nope-01"),
        ({"item_id": "x", "rater": "a", "tier": "poor", "grade": 1}, "unknown field 'grade'"),
        ({"item_id": "x", "rater": "a", "score": 4.5}, "field 'score' must be a whole number from 1 to 5"),
        ({"item_id": ["x"], "rater": "a", "score": 4}, "field 'item_id' must be text"),
    ],
)
def test_a_bad_rating_is_one_error_naming_the_file_and_line(tmp_path, line, message):
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"item_id": "y", "rater": "b", "tier": "great"}) + "\n" + json.dumps(line) + "\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_ratings(path, BANK)
    assert str(caught.value).startswith(f"{path}:2: ") and message in str(caught.value)


def test_the_same_rater_twice_on_one_answer_and_bad_csv_rows_are_refused(tmp_path, cli):
    path = tmp_path / "r.jsonl"
    rows = [{"item_id": "x", "rater": "a", "tier": "poor"}, {"item_id": "x", "rater": "a", "tier": "great"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = cli("calibrate", "--ratings", str(path))
    assert result.exit_code == 2 and f"{path}:2: rater 'a' already rated item 'x'" in result.stderr
    assert "Traceback" not in result.stderr
    bad = tmp_path / "r.csv"
    bad.write_text("item_id,rater,tier\nx,a,poor,extra\n", encoding="utf-8")
    result = cli("calibrate", "--ratings", str(bad))
    assert result.exit_code == 2 and f"{bad}:2: more cells than the header" in result.stderr
    missing = cli("calibrate", "--ratings", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 2 and "nope.csv" in missing.stderr


def test_scores_are_compared_on_five_steps_and_mixed_files_on_tiers(tmp_path):
    path = tmp_path / "r.jsonl"
    rows = [{"item_id": "x", "rater": "a", "score": 4}, {"item_id": "x", "rater": "b", "score": 5}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    found = load_ratings(path, BANK)
    assert found.scale == "score" and found.table() == {"x": {"a": 4, "b": 5}}
    rows.append({"item_id": "y", "rater": "a", "tier": "mediocre"})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    found = load_ratings(path, BANK)
    assert found.scale == "tier" and found.table()["x"] == {"a": 3, "b": 3}


def test_offline_calibration_on_the_exemplars_says_they_are_its_own_anchors(cli):
    result = cli("calibrate", "--backend", "offline", "--track", "technical")
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "exemplars (lookup)" in text and "own anchors" in text and "not a measurement" in text
    data = cli("calibrate", "--backend", "offline", "--track", "technical", "--json").json()
    assert data["exemplars"]["kind"] == "lookup" and "by lookup" in data["exemplars"]["note"]


def test_the_documented_example_gives_the_documented_figures(cli):
    example = Path(__file__).parent.parent / "docs" / "examples" / "ratings.csv"
    data = cli("calibrate", "--ratings", str(example), "--backend", "offline", "--json").json()
    assert data["agreement"]["alpha"]["value"] == 0.7072 and data["agreement"]["alpha"]["ci"] == [0.0114, 0.9496]
    assert [p["kappa"] for p in data["agreement"]["pairs"]] == [0.75, 0.75, 0.5, 1.0, 0.75, 0.75]
    assert "0.707  [0.01, 0.95]" in (example.parent.parent / "calibration.md").read_text(encoding="utf-8")
