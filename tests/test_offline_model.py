"""The fitted offline grader: its numbers load, and pure Python reproduces scikit-learn's probabilities."""

from __future__ import annotations

import json

import pytest

from mock_interviewer.backends.offline import MODEL
from mock_interviewer.bank import load_bank
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.features import FEATURES, features
from mock_interviewer.offline.grading import MODEL_FILE, WORDING_FEATURES, fitted, probabilities
from mock_interviewer.offline.lexical import terms_of


def test_words_and_pairs_are_counted_as_scikit_learn_counts_them() -> None:
    counted = terms_of("I'd use a B-tree; it's 10x faster. Use it!")
    assert counted["use"] == 2 and counted["10x"] == 1 and counted["it"] == 2
    assert "i" not in counted and "a" not in counted  # one-character words are not words
    assert counted["use tree"] == 1 and counted["10x faster"] == 1 and counted["faster use"] == 1


def test_the_model_file_names_every_feature_it_weighs() -> None:
    document = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert document["version"] == MODEL == "offline-v3"  # grades name the model that gave them
    assert list(document["tier"]["features"]) == [*FEATURES, *WORDING_FEATURES]
    assert len(document["wording"]["terms"]) > 1000
    assert fitted().model.weights.keys() == document["tier"]["features"].keys()


@pytest.mark.parametrize("check", json.loads(MODEL_FILE.read_text(encoding="utf-8"))["checks"], ids=lambda c: c["question_id"])
def test_grading_reproduces_the_probabilities_scikit_learn_computed_when_fitting(check: dict) -> None:
    bank = load_bank()
    context = OfflineContext(questions=dict(bank.questions))
    found = features(bank.get(check["question_id"]), check["text"], context)
    lexicon = fitted().lexicon
    probs = probabilities({**found.values, **lexicon.features(lexicon.vector(check["text"]))})
    got = [probs["poor"], probs["mediocre"], probs["great"]]
    assert got == pytest.approx(check["probabilities"], abs=2e-3)  # weights are stored rounded to 5-6 digits


def test_telling_words_are_words_a_candidate_can_act_on() -> None:
    lexicon = fitted().lexicon
    poor = "Honestly we just ship it and if something breaks the QA team catches it anyway, whatever."
    words = lexicon.telling(lexicon.vector(poor), poor, "poor", "mediocre")
    assert words and "just" in " ".join(words)
    assert "QA" in words or "qa" not in " ".join(words).lower()  # shown as the answer spells it
    assert all(w not in {"it", "if", "the", "we"} for w in words)  # function words are not shown
    poor_wording = lexicon.features(lexicon.vector(poor))
    assert poor_wording["wording_poor"] > poor_wording["wording_great"]
    strong = "We cut p99 latency from 800 ms to 120 ms by moving reads to a replica rather than caching, at the cost of one more server per region."
    strong_wording = lexicon.features(lexicon.vector(strong))
    assert strong_wording["wording_great"] > strong_wording["wording_poor"]


def test_an_offline_grade_quotes_the_answers_telling_words_as_written() -> None:
    import asyncio

    from mock_interviewer.backends.offline import OfflineBackend
    from mock_interviewer.config import Settings
    from mock_interviewer.grader import grade_answer

    answer = "Honestly quality is the QA team's job, they catch everything before release. We just move fast and fix whatever breaks."
    grade = asyncio.run(grade_answer(OfflineBackend(), load_bank().get("director-02"), answer, Settings()))
    assert grade.tier == "poor"
    assert "worded like a poor answer (“QA”, “just”" in grade.explanation
