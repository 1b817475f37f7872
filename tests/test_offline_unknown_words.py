"""offline-v24: what the tier weighs is read by the aside model from a sentence's words and from how many of them are
unknown, in no answer it was fitted on and no question of the bank in use ("gearbox", "kimchi"); what the claims say is
read from the words alone, as before (issue 16 item 5: an irrelevant sentence added to an answer should move no grade)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from mock_interviewer.backends.offline import OfflineBackend
from mock_interviewer.bank import Bank
from mock_interviewer.config import Settings
from mock_interviewer.grader import grade_answer
from mock_interviewer.offline import asides
from mock_interviewer.offline.asides import ASIDE, LIKELY, MODEL_FILE, aside_model, aside_probability
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.grading import read

DATA = Path(__file__).parent / "data"
DOCUMENT = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
CAR = "our car had a gearbox failure halfway to split and we spent two days in a tiny village eating grilled fish waiting for the part"
PAINT = "We plan to paint the living room plain white this weekend after three years of bright orange."  # irrelevant_holdout15.txt


@pytest.mark.parametrize("check", DOCUMENT["checks"], ids=lambda c: c["text"][:30])
def test_the_tier_reading_reproduces_the_stack_scikit_learn_fitted(check: dict, context: OfflineContext) -> None:
    model = aside_model()
    assert model is not None and model.stack is not None
    assert model.probability(check["text"], context.corpus.df) == pytest.approx(check["tier"], abs=1e-4)
    assert model.probability(check["text"]) == pytest.approx(check["probability"], abs=1e-4)  # the claims' reading: words alone


def test_the_known_words_are_those_of_the_answers_it_was_fitted_on_and_none_it_is_measured_on() -> None:
    """``known`` holds the words of the fitted answers; words only the measured hold-outs say are not among them."""
    model = aside_model()
    assert model is not None
    fitted = {json.loads(t)["answer"] for name in DOCUMENT["fitted_on"]["answer files"] for t in (DATA / name).read_text(encoding="utf-8").splitlines() if t.strip()}
    assert "idempotency" in model.known and "gearbox" not in model.known and "kimchi" not in model.known
    row = json.loads((DATA / "audit_holdout_e.jsonl").read_text(encoding="utf-8").splitlines()[0])
    only_measured = {w for w in row["answer"].lower().split() if w.isalpha() and not any(w in text.lower() for text in fitted)}
    assert not only_measured & model.known


def test_unknown_words_make_an_aside_the_words_alone_doubt_a_sure_one_for_the_tier(context: OfflineContext) -> None:
    """The car story, appended to a great answer in hold-out G, reads 0.73 from its words: the tier weighed it, run into
    the answer with no stop. Four of its words are in no answer and no question ("gearbox", "village", "grilled", "fish")."""
    words_alone, as_tier_reads = aside_probability(CAR), aside_probability(CAR, context.corpus.df)
    assert LIKELY < words_alone < ASIDE <= as_tier_reads
    said = "We replayed the dead-letter queue once the consumer was fixed, and checked the counts matched."
    assert aside_probability(said, context.corpus.df) < LIKELY


def test_the_words_of_the_bank_in_use_are_known(bank: Bank) -> None:
    """A question of a user's bank on gearboxes makes "gearbox" a known word: its candidates' answers are not asides for
    the words they share with it."""
    context = OfflineContext(questions=dict(bank.questions))
    before = aside_probability(CAR, context.corpus.df)
    question = bank.get("technical-18").model_copy(
        update={"id": "custom-gearbox", "text": "A gearbox on the test rig keeps failing in the village depot. How do you find out why?"}
    )
    context.include(question)
    assert aside_probability(CAR, context.corpus.df) < before


@pytest.mark.parametrize(("name", "index", "aside", "word"), [("audit_holdout_c.jsonl", 52, PAINT, "paint"), ("audit_holdout_g.jsonl", 57, CAR, "gearbox")])
def test_an_aside_the_words_alone_doubt_no_longer_moves_a_grade_and_the_claims_still_see_it(
    bank: Bank, context: OfflineContext, name: str, index: int, aside: str, word: str
) -> None:
    """offline-v23 moved both (hold-out C's mediocre answer on explaining a decision to poor, with PAINT: "plain" is a
    word of its question; hold-out G's great answer on feedback to great from mediocre, with CAR prepended). v24 cuts
    them from what the tier weighs; what the claims read is v23's, so nothing said of the answer changes."""
    row = json.loads((DATA / name).read_text(encoding="utf-8").splitlines()[index])
    question = bank.get(row["question_id"])
    backend, settings = OfflineBackend(), Settings()
    alone = asyncio.run(grade_answer(backend, question, row["answer"], settings))
    for added in (f"{row['answer']} {aside}", f"{aside} {row['answer']}"):
        graded = asyncio.run(grade_answer(backend, question, added, settings))
        assert (graded.tier, graded.score) == (alone.tier, alone.score), added[:60]
        assert word not in read(question, added, context).weighed
    assert aside in read(question, f"{row['answer']} {aside}", context).text or aside in read(question, f"{aside} {row['answer']}", context).text


def test_a_model_file_without_the_stack_reads_the_tier_from_the_words_alone(context: OfflineContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """offline-v22's file (no ``stack``, no ``known``) still loads: both readings then ask the words alone."""
    document = {k: v for k, v in DOCUMENT.items() if k not in ("stack", "known")}
    path = tmp_path / "asides.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    monkeypatch.setattr(asides, "MODEL_FILE", path)
    aside_model.cache_clear()
    try:
        assert aside_probability(CAR, context.corpus.df) == pytest.approx(aside_probability(CAR))
    finally:
        aside_model.cache_clear()
