"""offline-v15 (refitted in v16): a learned aside model vetoes sentences the word rules tie to a question by fewer than three words
(issue 16 item 5: an irrelevant sentence added to an answer should move no grade)."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest

from mock_interviewer.backends.offline import OfflineBackend
from mock_interviewer.bank import Bank
from mock_interviewer.config import Settings
from mock_interviewer.grader import grade_answer
from mock_interviewer.offline import asides
from mock_interviewer.offline.asides import ASIDE, LIKELY, MODEL_FILE, aside_model, is_aside
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.grading import read
from mock_interviewer.offline.substance import has_substance, substantive

DATA = Path(__file__).parent / "data"
DOCUMENT = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
GYM = "the scale in the office gym was off by about 3 kilos and nobody ever fixed it"  # irrelevant_dev2.txt


@pytest.mark.parametrize("check", DOCUMENT["checks"], ids=lambda c: c["text"][:30])
def test_the_aside_model_reproduces_the_probabilities_scikit_learn_computed_when_fitting(check: dict) -> None:
    model = aside_model()
    assert model is not None
    assert model.probability(check["text"]) == pytest.approx(check["probability"], abs=1e-4)  # weights rounded to 6 digits


def test_the_aside_model_was_fitted_on_nothing_an_aside_measure_uses() -> None:
    """The hold-outs that asides are measured on, the development asides and the next hold-out stay out of its fit."""
    fitted_on = DOCUMENT["fitted_on"]
    measured = {"audit_holdout.jsonl", "audit_holdout_c.jsonl", "audit_holdout_d.jsonl", "audit_holdout_e.jsonl", "audit_holdout_f.jsonl", "audit_holdout_g.jsonl"}
    assert not measured & set(fitted_on["answer files"])
    assert not {"irrelevant_dev2.txt", "irrelevant_holdout8.txt", "irrelevant_holdout9.txt", "irrelevant_holdout10.txt", "irrelevant_holdout11.txt", "irrelevant_holdout12.txt", "irrelevant_holdout13.txt", "irrelevant_holdout14.txt", "irrelevant_holdout15.txt", "irrelevant_holdout16.txt", "irrelevant_holdout17.txt", "irrelevant_holdout18.txt", "irrelevant_holdout19.txt"} & set(fitted_on["aside sets"])
    assert {"irrelevant_holdout7.txt", "irrelevant_fit.txt"} <= set(fitted_on["aside sets"])  # v16: read hold-outs and fit-only asides
    assert fitted_on["aside sentences"] > 2800 and fitted_on["answer sentences"] > 9000  # v22: 656 more fit-only asides, v25 577
    assert "runon_holdout.jsonl" not in fitted_on["answer files"]  # the unseen lower-case answers the peel is measured on
    assert "personal_holdout.jsonl" not in fitted_on["answer files"]  # v23: the unseen answers told as stories


def _words(line: str) -> set[str]:
    return set(re.findall(r"[a-z']+", line.lower()))


def test_no_aside_written_for_fitting_is_close_to_one_it_is_measured_on() -> None:
    """``irrelevant_fit.txt`` lost every line sharing over 45% of its words with a development or hold-out aside, so the
    measures are not of sentences the model learned ("The coffee there was terrible, honestly." was one)."""
    fit = [_words(t) for t in (DATA / "irrelevant_fit.txt").read_text(encoding="utf-8").splitlines() if t.strip()]
    measured = [_words(t) for n in ("irrelevant_dev2.txt", "irrelevant_holdout8.txt", "irrelevant_holdout9.txt", "irrelevant_holdout10.txt", "irrelevant_holdout11.txt", "irrelevant_holdout12.txt", "irrelevant_holdout13.txt", "irrelevant_holdout14.txt", "irrelevant_holdout15.txt", "irrelevant_holdout16.txt", "irrelevant_holdout17.txt", "irrelevant_holdout18.txt", "irrelevant_holdout19.txt") for t in (DATA / n).read_text(encoding="utf-8").splitlines() if t.strip()]
    assert len(fit) > 1700
    close = [(a, b) for a in fit for b in measured if len(a & b) / len(a | b) > 0.45]
    assert not close


def test_an_aside_is_told_from_an_answer_sentence() -> None:
    model = aside_model()
    assert model is not None
    for aside in (GYM, "My desk was by the window, which I liked."):
        assert is_aside(aside), aside
    for said in ("We partition by order id so ordering holds per key.", "I told him in our one-on-one, with the two examples, and asked why."):
        assert not is_aside(said), said
        assert model.probability(said) < LIKELY  # weighed by the tier (v22's refit puts the second at 0.21, v21's under 0.1)


def test_a_sentence_tied_by_three_words_is_kept_whatever_the_aside_model_says(bank: Bank, context: OfflineContext) -> None:
    own = context.material(bank.get("technical-15"))
    assert is_aside(GYM) and has_substance(GYM, own, context.corpus) is False  # one word of the question: vetoed
    tied = "Consumers scale out with partitions and nobody ever fixed it at the office gym."
    assert has_substance(tied, own, context.corpus)  # three of its words: kept, whatever the model says


def test_an_aside_the_word_rules_kept_no_longer_moves_a_grade(bank: Bank, context: OfflineContext) -> None:
    """offline-v14 read GYM in hold-out F's poor answer on event processing ("scale" beside "nobody ever") and graded it
    mediocre; v15 cuts it and the grade is the answer's own."""
    question = bank.get("technical-15")
    answer = next(json.loads(t)["answer"] for t in (DATA / "audit_holdout_f.jsonl").read_text(encoding="utf-8").splitlines()[110:111])
    assert answer.startswith("I'd go with Kafka and exactly-once semantics")
    assert read(question, f"{answer} {GYM}", context).text == answer
    backend, settings = OfflineBackend(), Settings()
    alone = asyncio.run(grade_answer(backend, question, answer, settings))
    with_aside = asyncio.run(grade_answer(backend, question, f"{answer} {GYM}", settings))
    assert (with_aside.tier, with_aside.score) == (alone.tier, alone.score)
    assert alone.tier == "poor"


TODDLER = (  # irrelevant_holdout13.txt: read once for offline-v21, development data since
    "my toddler has decided that the only acceptable breakfast is plain pasta with a single grape on top and we are just"
    " going along with it for now because it is not worth the fight at seven in the morning"
)


def test_a_long_family_aside_the_refitted_model_is_sure_of_no_longer_moves_a_grade(bank: Bank, context: OfflineContext) -> None:
    """offline-v21's model gave TODDLER 0.73: not sure enough to cut it from what claims read, nor to peel it off a
    lower-case answer, and in a question whose material says "plain" three words tied it, so it was weighed, and it
    took 47 of the 101 tiers the thirteenth held-out asides moved over E, F and G (hold-out E's great answer on
    reversible migrations, with it appended, was graded mediocre). v22's model, refitted on 656 more asides written for
    fitting only (home life, meals, children; non-native and chat voices; life around the office), is sure of it."""
    model = aside_model()
    assert model is not None and model.probability(TODDLER) >= ASIDE
    row = json.loads((DATA / "audit_holdout_e.jsonl").read_text(encoding="utf-8").splitlines()[9])
    question = bank.get(row["question_id"])
    backend, settings = OfflineBackend(), Settings()
    alone = asyncio.run(grade_answer(backend, question, row["answer"], settings))
    for added in (f"{row['answer']} {TODDLER}", f"{TODDLER} {row['answer']}"):
        assert read(question, added, context).weighed == read(question, row["answer"], context).weighed  # what the tier weighs
        graded = asyncio.run(grade_answer(backend, question, added, settings))
        assert (graded.tier, graded.score) == (alone.tier, alone.score)
    assert alone.tier == row["label"] == "great"


def test_without_its_model_file_the_grader_keeps_the_word_rules(bank: Bank, context: OfflineContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken install grades with offline-v14's cut rather than failing."""
    own = context.material(bank.get("technical-15"))
    for broken in ("", "{not json", '{"terms": 3}'):
        path = tmp_path / "asides.json"
        path.write_text(broken, encoding="utf-8")
        monkeypatch.setattr(asides, "MODEL_FILE", path)
        aside_model.cache_clear()
        try:
            assert aside_model() is None and not is_aside(GYM)
            assert has_substance(GYM, own, context.corpus)  # kept by the word rules, as v14 did
            assert substantive(f"We partition by order id. {GYM}", own, context.corpus).endswith(GYM)
        finally:
            aside_model.cache_clear()
    assert ASIDE == 0.85
