"""Comparing attempts at one question, and ``progress --question ID``: every attempt and the great answer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from mock_interviewer.compare import compare_attempts, missing_points
from mock_interviewer.grade_model import Gap, Grade

POOR = "I would add a cache.\n.\n"
BETTER = (
    "I'd put Redis in front of the database for hot reads with a TTL, cache-aside: on a miss load from the DB and set "
    "with a TTL. Writes go to the DB then delete the key. For hot keys we use request coalescing to avoid a thundering "
    "herd, and we monitor hit rate and latency in Grafana. We shard with consistent hashing so a dead node only loses "
    "its slice.\n.\n"
)


def grade(score: int, tier: str, gaps: list[str], strengths: list[str] | None = None) -> Grade:
    return Grade(question_id="technical-09", tier=tier, score=score, backend="openai", model="m",
                 gaps=[Gap(point=g, why_it_matters="it matters") for g in gaps], strengths=strengths or [])


def test_a_comparison_names_points_covered_still_missing_and_new(bank: Any) -> None:
    question = bank.questions["technical-09"]
    hashing, herd, keys = question.key_points[6], question.key_points[7], question.key_points[3]
    # the model's paraphrases map to the rubric's key points
    before = grade(2, "poor", ["No consistent hashing to spread cache load across nodes and survive node failures", herd])
    after = grade(3, "mediocre", ["Does not prevent a thundering herd (request coalescing, staggered expiration)", keys])
    assert missing_points(before, question) == [hashing, herd]
    change = compare_attempts(before, after, question)
    assert (change.previous_score, change.score, change.change) == (2, 3, 1)
    assert change.now_covered == [hashing] and change.still_missing == [herd] and change.newly_missing == [keys]
    assert change.no_longer_named == []


def test_a_grade_that_names_nothing_missing_confirms_nothing_covered(bank: Any) -> None:
    question = bank.questions["technical-09"]
    hashing, herd = question.key_points[6], question.key_points[7]
    before = grade(2, "poor", [hashing, herd])
    silent = compare_attempts(before, grade(4, "great", []), question)
    assert silent.now_covered == [] and silent.no_longer_named == [hashing, herd]
    praised = compare_attempts(before, grade(4, "great", [], strengths=["Uses consistent hashing to spread load"]), question)
    assert praised.now_covered == [hashing] and praised.no_longer_named == [herd]


def test_progress_question_shows_every_attempt_and_the_great_answer(cli: Callable[..., Any], tmp_path: Path, bank: Any,
                                                                     monkeypatch: Any) -> None:
    directory = tmp_path / "t"
    for answer in (POOR, BETTER):
        result = cli("interview", "--backend", "offline", "--transcripts-dir", str(directory), "-q", "technical-09",
                     "--follow-ups", "0", stdin=answer)
        assert result.exit_code == 0, result.stderr
    monkeypatch.chdir(tmp_path)
    data = cli("progress", "--transcripts-dir", str(directory), "--question", "technical-09", "--json").json()
    assert data["schema_version"] == 1 and [a["answer"] for a in data["attempts"]] == [POOR[:-3], BETTER[:-3]]
    first, second = data["attempts"]
    assert first["score"] < second["score"] and first["against_previous"] is None and first["missing"]
    assert second["against_previous"]["change"] == second["score"] - first["score"]
    assert (first["delivery"]["words"], first["delivery"]["fillers"]) == (5, [])
    assert second["delivery"]["words"] > 50 and second["delivery"]["speaking_seconds"] > 20
    assert data["great_answer"] == bank.questions["technical-09"].exemplars.great
    assert data["key_points"] == bank.questions["technical-09"].key_points

    text = " ".join(cli("progress", "--transcripts-dir", str(directory), "-q", "technical-09").stdout.split())
    assert "Attempt 1" in text and "Attempt 2" in text and "Against the attempt before:" in text
    assert "5 words · about 2 s spoken" in text and "filler" not in text  # fillers: only an author-judged detector
    assert "The great answer" in text and "The key points it covers:" in text
    assert f"Practise it again: mock-interviewer interview --question technical-09 --transcripts-dir {directory}" in text


def test_progress_question_refuses_an_unknown_id(cli: Callable[..., Any], tmp_path: Path) -> None:
    result = cli("progress", "--transcripts-dir", str(tmp_path), "--question", "nope-01")
    assert result.exit_code == 2 and "--question 'nope-01': no such question" in result.stderr
