"""calibrate: the metrics on hand-computed cases, the labelled file's errors, the command's output."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from mock_interviewer.backends.scripted import ScriptedBackend
from mock_interviewer.bank import Bank
from mock_interviewer.calibration import (
    CalibrationItem,
    confusion_matrix,
    load_labelled,
    metrics,
    ordering_violations,
    quadratic_weighted_kappa,
    run_calibration,
)
from mock_interviewer.config import Settings
from mock_interviewer.errors import InputError


def test_kappa_and_confusion_on_a_hand_computed_case() -> None:
    expected = ["great", "great", "mediocre", "mediocre", "poor", "poor"]
    predicted = ["great", "mediocre", "mediocre", "poor", "poor", "poor"]
    # ordinal: great=2, mediocre=1, poor=0; weights (i-j)^2/4
    # observed disagreement: two items one step off -> 2 * 1/4 = 0.5
    # marginals: expected 2/2/2, predicted great 1, mediocre 2, poor 3 (n=6)
    # chance disagreement: sum w_ij * r_i * c_j / n
    #   = [r_g(c_m*1/4 + c_p*1) + r_m(c_g*1/4 + c_p*1/4) + r_p(c_g*1 + c_m*1/4)] / 6
    #   = [2(0.5 + 3) + 2(0.25 + 0.75) + 2(1 + 0.5)] / 6 = 12 / 6 = 2
    assert quadratic_weighted_kappa(expected, predicted) == pytest.approx(1 - 0.5 / 2)
    assert confusion_matrix(expected, predicted) == [[1, 1, 0], [0, 1, 1], [0, 0, 2]]


def test_kappa_edge_cases() -> None:
    assert quadratic_weighted_kappa([], []) is None
    assert quadratic_weighted_kappa(["great", "poor"], ["great", "poor"]) == 1.0
    assert quadratic_weighted_kappa(["great", "poor"], ["poor", "great"]) == -1.0
    assert quadratic_weighted_kappa(["poor", "poor"], ["poor", "poor"]) == 1.0


def item(expected: str, predicted: str | None, question: str = "q-01", source: str = "labelled", score: int | None = None) -> CalibrationItem:
    if predicted is not None and score is None:
        score = {"great": 5, "mediocre": 3, "poor": 1}[predicted]
    return CalibrationItem(source, question, expected, predicted, score, "graded" if predicted else "ungraded")


def test_metrics_count_ungraded_as_misses_and_poor_graded_great() -> None:
    found = metrics([item("great", "great"), item("poor", "great"), item("mediocre", None), item("poor", "poor")])
    assert (found.count, found.graded, found.ungraded, found.correct) == (4, 3, 1, 2)
    assert found.accuracy == 0.5
    assert found.poor_graded_great == 1
    assert sum(map(sum, found.confusion)) == 3


def test_ordering_violations_compare_scores_within_a_question() -> None:
    items = [
        item("great", "mediocre", "a-01", "exemplar", 3),
        item("mediocre", "great", "a-01", "exemplar", 4),
        item("poor", "poor", "a-01", "exemplar", 1),
        item("great", "great", "b-01", "exemplar", 5),
        item("mediocre", "poor", "b-01", "exemplar", 2),
        item("poor", "poor", "b-01", "exemplar", 2),  # equal is not below
    ]
    found = ordering_violations(items)
    assert found == [
        {"question_id": "a-01", "problem": "great exemplar graded below the mediocre one", "great_score": 3, "mediocre_score": 4}
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "not valid JSON"),
        ('["a list"]', "expected a JSON object"),
        ('{"question_id": "director-01", "answer": "x"}', "missing field 'label'"),
        ('{"question_id": "director-01", "answer": "x", "label": "good"}', "label 'good' is not one of"),
        ('{"question_id": "director-99", "answer": "x", "label": "poor"}', "unknown question id 'director-99'"),
        ('{"question_id": "director-01", "answer": "  ", "label": "poor"}', "answer is empty"),
        ('{"question_id": "director-01", "answer": 3, "label": "poor"}', "field 'answer' must be a string"),
    ],
)
def test_bad_labelled_lines_name_file_and_line(tmp_path: Path, bank: Bank, line: str, message: str) -> None:
    path = tmp_path / "labels.jsonl"
    good = json.dumps({"question_id": "director-01", "answer": "We fix it.", "label": "poor"})
    path.write_text(good + "\n\n" + line + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_labelled(path, bank)
    assert str(caught.value).startswith(f"{path}:3: ")
    assert message in str(caught.value)


def test_unreadable_labelled_files(tmp_path: Path, bank: Bank) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_labelled(tmp_path / "missing.jsonl", bank)
    (tmp_path / "bad.jsonl").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InputError, match="not UTF-8"):
        load_labelled(tmp_path / "bad.jsonl", bank)
    (tmp_path / "empty.jsonl").write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="no labelled answers"):
        load_labelled(tmp_path / "empty.jsonl", bank)


def verdict(tier: str, score: int) -> dict[str, object]:
    return {"strengths": [], "gaps": [], "explanation": "x", "suspicious": False, "tier": tier, "score": score}


def test_calibration_works_with_any_backend_and_keeps_ungraded_items(bank: Bank) -> None:
    """A scripted model: every exemplar of a track graded, and an unusable reply is reported ungraded."""
    track = "technical"
    questions = bank.in_track(track)

    def reply(request):
        answer = request.task.answer
        question = request.task.question
        if question.id == "technical-01" and answer == question.exemplars.mediocre:
            return "not json at all"
        for tier, score in (("great", 5), ("mediocre", 3), ("poor", 1)):
            if answer == question.exemplars.get(tier):
                return verdict(tier, score)
        return verdict("poor", 2)

    backend = ScriptedBackend([reply] * (len(questions) * 3 + 1))  # +1: the repair re-ask
    report = asyncio.run(run_calibration(backend, bank, Settings(), track=track, concurrency=3))
    assert report.exemplars is not None and report.labelled is None
    assert report.exemplars.count == len(questions) * 3
    assert report.exemplars.ungraded == 1
    assert report.exemplars.correct == len(questions) * 3 - 1
    assert report.exemplars.kappa == 1.0
    bad = [i for i in report.items if i.status == "ungraded"]
    assert [(i.question_id, i.expected) for i in bad] == [("technical-01", "mediocre")]
    assert bad[0].reason and "format" in bad[0].reason


def test_calibrate_json_shape(cli, tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    rows = [
        {"question_id": "technical-02", "answer": "I'd add a counter in a database table and block users over it.", "label": "poor", "id": "a"},
        {"question_id": "director-01", "answer": "We keep a debt list and take a sprint when it gets bad.", "label": "mediocre"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = cli("calibrate", "--backend", "offline", "--track", "technical", "--labelled", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert set(data) == {"backend", "model", "estimate", "track", "exemplars", "labelled", "items"}
    assert (data["backend"], data["estimate"], data["track"]) == ("offline", True, "technical")
    for name in ("exemplars", "labelled"):
        block = data[name]
        assert {"count", "accuracy", "kappa", "confusion", "poor_graded_great", "ordering_violations"} <= set(block)
        assert block["confusion"]["labels"] == ["great", "mediocre", "poor"]
        assert len(block["confusion"]["matrix"]) == 3 and all(len(r) == 3 for r in block["confusion"]["matrix"])
    assert data["exemplars"]["count"] == 19 * 3
    assert data["labelled"]["count"] == 1  # only the technical-track answer
    assert data["labelled"]["file"] == str(path)
    labelled = [i for i in data["items"] if i["source"] == "labelled"]
    assert labelled == [
        {
            "source": "labelled", "question_id": "technical-02", "expected": "poor",
            "predicted": labelled[0]["predicted"], "score": labelled[0]["score"],
            "correct": labelled[0]["predicted"] == "poor", "status": "graded", "line": 1, "id": "a",
        }
    ]
    assert labelled[0]["predicted"] in ("great", "mediocre", "poor")


def test_calibrate_for_people_and_its_errors(cli, tmp_path: Path) -> None:
    result = cli("calibrate", "--backend", "offline", "--track", "director")
    assert result.exit_code == 0, result.stderr
    assert "accuracy" in result.stdout and "QW kappa" in result.stdout and "Great" in result.stdout
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question_id": "director-01"}\n', encoding="utf-8")
    result = cli("calibrate", "--backend", "offline", "--labelled", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:1: missing field 'answer'" in result.stderr
    assert "Traceback" not in result.stderr
    result = cli("calibrate", "--backend", "offline", "--track", "nope")
    assert result.exit_code == 2 and "unknown track 'nope'" in result.stderr
    result = cli("calibrate", "--backend", "offline", "--no-exemplars")
    assert result.exit_code == 2 and "--labelled" in result.stderr


def test_borderline_items_are_counted_and_accuracy_is_given_without_them():
    from mock_interviewer.calibration import CalibrationItem, metrics

    items = [
        CalibrationItem("labelled", "technical-01", "great", "great", 5),
        CalibrationItem("labelled", "technical-01", "poor", "poor", 1),
        CalibrationItem("labelled", "technical-01", "great", "mediocre", 3, borderline=True),
        CalibrationItem("labelled", "technical-01", "poor", "mediocre", 3),
    ]
    found = metrics(items)
    assert found.borderline == 1 and found.accuracy == 0.5
    assert found.accuracy_not_borderline == pytest.approx(2 / 3)
    assert found.as_dict()["borderline"] == 1 and found.as_dict()["accuracy_not_borderline"] == 0.6667
