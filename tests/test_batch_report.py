"""The batch report as data: report.json, the answer text beside each grade, question analysis, borderline grades.

A batch of 60 answers by 10 candidates through the real command (offline backend, no network), and
the report's parts on hand-made results.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from mock_interviewer.bank import load_bank
from mock_interviewer.batch.gap_counter import GapCounter
from mock_interviewer.batch.inputs import Item
from mock_interviewer.batch.question_analysis import ScoreTable, discrimination, flag
from mock_interviewer.batch.report import build_report, gather, render_markdown, write_reports
from mock_interviewer.batch.report_model import ReportDocument
from mock_interviewer.batch.results import ResultStore, make_record
from mock_interviewer.borderline import Borderline, from_probabilities
from mock_interviewer.grade_model import Claim, Gap, Grade
from mock_interviewer.render.voice import about_candidate

BANK = load_bank([])
QUESTIONS = ["technical-01", "technical-02", "technical-03", "technical-04", "technical-05", "technical-06"]
TIER_OF = ["poor", "mediocre", "great"]


def sixty_answers(path: Path) -> Path:
    """10 candidates x 6 questions: candidate c gives the exemplar of its level on questions 1-5,
    and everyone gives the mediocre exemplar on question 6 (which then separates no one)."""
    rows = []
    for c in range(10):
        level = TIER_OF[c % 3]
        for q, qid in enumerate(QUESTIONS):
            tier = "mediocre" if q == 5 else level
            answer = BANK.get(qid).exemplars.get(tier)
            rows.append({"id": f"c{c}-q{q}", "candidate": f"cand-{c}", "question_id": qid, "answer": answer})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_batch_of_60_answers_writes_report_json_with_question_analysis_and_every_answer_text(tmp_path, cli):
    source = sixty_answers(tmp_path / "answers.jsonl")
    out = tmp_path / "out"

    result = cli("batch", str(source), "--out", str(out), "--backend", "offline", "--format", "html", "--format", "csv")

    assert result.exit_code == 0, result.stderr
    document = ReportDocument.model_validate_json((out / "report.json").read_text(encoding="utf-8"))
    assert document.schema_version == 1 and document.summary.answers == 60 and len(document.answers) == 60
    by_id = {q.question_id: q for q in document.questions}
    assert set(by_id) == set(QUESTIONS) and all(q.n == 10 for q in by_id.values())
    for qid in QUESTIONS[:5]:
        assert by_id[qid].discrimination == 1.0 and by_id[qid].candidates == 10 and by_id[qid].flag is None
    last = by_id["technical-06"]
    assert last.mean_score == 3.0 and last.tiers.mediocre == 10 and last.discrimination is None
    assert last.flag is not None and "does not separate candidates" in last.flag

    markdown = (out / "report.md").read_text(encoding="utf-8")
    html = (out / "report.html").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO((out / "report.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 60
    for row in json.loads("[" + ",".join(source.read_text(encoding="utf-8").splitlines()) + "]"):
        first_line = row["answer"].strip().splitlines()[0]
        assert first_line[:60] in html.replace("&#x27;", "'").replace("&quot;", '"')
        assert " ".join(first_line.split())[:40].replace("|", "\\|") in markdown
    assert sum(r["answer"] == BANK.get("technical-06").exemplars.mediocre for r in rows) == 10
    assert "## Per question" in markdown and "does not separate candidates" in markdown
    assert "discrimination" in markdown and "<details><summary>The answer</summary>" in html
    assert "### cand-0\n\n6 answers · mean score 1.33 · great 0, mediocre 1, poor 5" in markdown  # a page per candidate
    assert str(out / "report.json") in result.stdout or "report.json" in result.stdout


def _store_with(tmp_path: Path, records: list[tuple[Item, Grade]]) -> ResultStore:
    store = ResultStore(tmp_path)
    with store.writer(["sk-secretsecretsecret"]) as writer:
        for i, (item, grade) in enumerate(records):
            writer.append(make_record(f"{i:064d}", item, grade))
    return store


def _item(answer: str, question_id: str = "technical-02", candidate: str = "Ada", item_id: str = "a1") -> Item:
    return Item(item_id=item_id, candidate=candidate, question_id=question_id, answer=answer, source="answers.jsonl", line=1)


def _grade(question_id: str = "technical-02", **update: Any) -> Grade:
    base: dict[str, Any] = {"question_id": question_id, "tier": "great", "score": 5, "backend": "offline",
                            "model": "offline-v4", "estimate": True,
                            "explanation": "Offline estimate (no language model): your answer is on a par with the great exemplar (5/5)."}
    return Grade(**{**base, **update})


def test_the_answer_text_is_escaped_scrubbed_and_the_entry_speaks_about_the_candidate(tmp_path):
    hostile = "<script>alert(1)</script> my key is sk-abcdefghijklmnop and\n\nwe used a token bucket"
    store = _store_with(tmp_path, [(_item(hostile), _grade())])
    data = gather(store, None, BANK.questions.get)

    written = write_reports(data, tmp_path, ["html", "csv"])

    assert [p.name for p in written] == ["report.md", "report.json", "report.html", "report.csv", "candidates"]
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    [page] = (tmp_path / "candidates").iterdir()
    for text in (html, page.read_text(encoding="utf-8")):
        assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert "sk-abcdefghijklmnop" not in text and "[redacted]" in text
    assert "<script>" not in markdown and "> &lt;script&gt;" in markdown
    for text in (html, markdown, (tmp_path / "report.csv").read_text(encoding="utf-8"),
                 (tmp_path / "report.json").read_text(encoding="utf-8")):
        assert "sk-abcdefghijklmnop" not in text and "[redacted]" in text
        assert "your answer" not in text.lower()
    assert "the answer is on a par with the great exemplar" in markdown
    assert "we used a token bucket" in markdown


def test_results_written_before_the_answer_was_kept_say_so_instead_of_failing(tmp_path):
    store = _store_with(tmp_path, [(_item("x"), _grade())])
    line = json.loads(store.path.read_text(encoding="utf-8"))
    del line["answer"]
    store.path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    markdown = render_markdown(gather(store, None, BANK.questions.get))
    assert "not in results.jsonl" in markdown


def test_about_candidate_retells_feedback_in_the_third_person_and_keeps_quotes():
    assert about_candidate("Your answer sits with the mediocre exemplar.") == "The answer sits with the mediocre exemplar."
    assert about_candidate("You said “you decide”: a red flag.") == "They said “you decide”: a red flag."
    assert about_candidate("An interviewer is hiring you: they need your judgement.") == (
        "An interviewer is hiring them: they need their judgement."
    )
    assert about_candidate("what you yourself did, not 'you' or 'we'") == "what they themselves did, not 'you' or 'we'"
    assert about_candidate("the candidate's words, in your words") == "the candidate's words, in the candidate's words"


def test_common_gaps_rank_question_specific_gaps_and_list_generic_ones_apart():
    counter = GapCounter()
    question = BANK.get("technical-02")
    point = question.key_points[0]
    for i in range(3):
        counter.add("Concrete mechanisms.", f"technical-0{i + 1}")  # the same words under three questions
        counter.add("Your own part: what you decided.", "technical-02", estimate=True)  # offline, names no point
    counter.add(point, "technical-02", names_point=True, estimate=True)
    counter.add(point, "technical-02", names_point=True, estimate=True)
    counter.add("Explains the sliding window.", "technical-02")  # a model's gap seen under one question

    found = counter.summary(10)

    assert [g.gap for g in found.specific] == [point, "Explains the sliding window."]
    assert {g.gap for g in found.generic} == {"Concrete mechanisms.", "Your own part: what you decided."}
    assert found.specific[0].questions == ["technical-02"] and "two or more questions" in found.rule


def test_discrimination_is_the_corrected_item_total_correlation_and_needs_enough_candidates():
    table = ScoreTable()
    scores = {"a": [5, 5, 4], "b": [3, 4, 3], "c": [1, 2, 1], "d": [4, 3, 5], "e": [2, 1, 2]}
    for candidate, values in scores.items():
        for q, score in enumerate(values):
            table.add(candidate, f"q{q}", score)
    table.add("f", "q0", 5)  # answered one question only: left out
    found = discrimination(table, "q0")
    # by hand: q0 = [5, 3, 1, 4, 2]; the mean of the others = [4.5, 3.5, 1.5, 4, 1.5]
    xs, ys = [5, 3, 1, 4, 2], [4.5, 3.5, 1.5, 4, 1.5]
    mx, my = sum(xs) / 5, sum(ys) / 5
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    expected = sxy / (sum((x - mx) ** 2 for x in xs) * sum((y - my) ** 2 for y in ys)) ** 0.5
    assert found.candidates == 5 and found.value == round(expected, 3) and found.value > 0.9
    assert flag({3: 5}, found) is not None and flag({5: 1, 3: 4}, found) is None
    small = ScoreTable()
    for candidate in "abcd":
        for q in range(3):
            small.add(candidate, f"q{q}", q + 1)
    assert discrimination(small, "q0").value is None


def test_borderline_comes_from_the_tier_models_margin_and_reaches_the_report(tmp_path):
    assert from_probabilities({"poor": 0.1, "mediocre": 0.48, "great": 0.42}, "mediocre") == Borderline(
        tiers=["mediocre", "great"], basis="tier_model", margin=0.06
    )
    assert from_probabilities({"poor": 0.1, "mediocre": 0.7, "great": 0.2}, "mediocre") is None
    assert from_probabilities({"poor": 0.45, "mediocre": 0.44, "great": 0.11}, "great") is None  # a rule decided
    close = _grade(tier="mediocre", score=3, borderline=Borderline(tiers=["mediocre", "great"], basis="tier_model", margin=0.06))
    store = _store_with(tmp_path, [(_item("a"), close), (_item("b", item_id="a2"), _grade())])
    report = build_report(gather(store, None, BANK.questions.get))
    [mark] = report.borderline
    assert mark.item_id == "a1" and mark.tiers == ["mediocre", "great"] and "0.06" in mark.why
    markdown = render_markdown(gather(store, None, BANK.questions.get))
    assert "## Borderline grades (1)" in markdown and "borderline: mediocre / great" in markdown


def test_a_grade_without_a_borderline_mark_is_saved_as_before():
    assert "borderline" not in _grade().model_dump(mode="json")


def test_evidence_quotes_the_answer_in_the_report(tmp_path):
    claim = Claim(kind="red_flag", text="You said “we never test”: interviewers listen for this.", quotes=["we never test"])
    grade = _grade(tier="poor", score=1, claims=[claim], gaps=[Gap(point="Tests first.", why_it_matters="It matters to you.")])
    store = _store_with(tmp_path, [(_item("we never test"), grade)])
    markdown = render_markdown(gather(store, None, BANK.questions.get))
    assert "- Evidence: They said “we never test”: interviewers listen for this." in markdown
    assert "- Missing: Tests first. (It matters to them.)" in markdown


def test_piped_the_report_paths_are_not_wrapped(tmp_path, cli):
    """Piped output is not wrapped at 80 columns, so each path in the summary can be copied whole."""
    source = sixty_answers(tmp_path / "answers.jsonl")
    out = tmp_path / ("a-rather-long-directory-name-" * 3) / "out"
    result = cli("batch", str(source), "--out", str(out), "--backend", "offline")
    assert result.exit_code == 0, result.stderr
    assert any(line.startswith("results ") and str(out / "results.jsonl") in line for line in result.stdout.splitlines())
    assert str(out / "report.md") in result.stdout
