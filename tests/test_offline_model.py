"""The fitted offline grader: its numbers load, and pure Python reproduces scikit-learn's probabilities."""

from __future__ import annotations

import json

import pytest

from mock_interviewer.backends.offline import MODEL, TIER_MODEL
from mock_interviewer.bank import load_bank
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.features import FEATURES
from mock_interviewer.offline.grading import MODEL_FILE, WORDING_FEATURES, fitted, probabilities, read
from mock_interviewer.offline.lexical import terms_of


def test_words_and_pairs_are_counted_as_scikit_learn_counts_them() -> None:
    counted = terms_of("I'd use a B-tree; it's 10x faster. Use it!")
    assert counted["use"] == 2 and counted["10x"] == 1 and counted["it"] == 2
    assert "i" not in counted and "a" not in counted  # one-character words are not words
    assert counted["use tree"] == 1 and counted["10x faster"] == 1 and counted["faster use"] == 1


def test_the_model_file_names_every_feature_it_weighs() -> None:
    document = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert document["version"] == TIER_MODEL == "offline-v11"  # the fitted numbers name their version
    assert MODEL == "offline-v26"  # grades name the grader that gave them: v11's numbers and reading, v15's aside model (refitted in v16, v22 and v25; v24 reads unknown words for the tier; v17 to v20 weigh without its likely asides; v21 peels what it is sure of off a lower-case run-on's edges, v23 beside an aside cut next to it, v25 and v26 where it ends), v13, v14 and v17 to v19's run-on split, v12's rubric, v8's ceiling, v4's claims, v5's guards, v6's gating
    assert list(document["tier"]["features"]) == [*FEATURES, *WORDING_FEATURES]
    assert len(document["wording"]["terms"]) > 1000
    assert fitted().model.weights.keys() == document["tier"]["features"].keys()


@pytest.mark.parametrize("check", json.loads(MODEL_FILE.read_text(encoding="utf-8"))["checks"], ids=lambda c: c["question_id"])
def test_grading_reproduces_the_probabilities_scikit_learn_computed_when_fitting(check: dict) -> None:
    bank = load_bank()
    context = OfflineContext(questions=dict(bank.questions))
    seen = read(bank.get(check["question_id"]), check["text"], context)
    lexicon = fitted().lexicon
    probs = probabilities({**seen.features.values, **lexicon.features(lexicon.vector(seen.text))})
    got = [probs["poor"], probs["mediocre"], probs["great"]]
    assert got == pytest.approx(check["probabilities"], abs=2e-3)  # weights are stored rounded to 5-6 digits


def test_the_wording_model_leans_the_right_way() -> None:
    lexicon = fitted().lexicon
    poor = "Honestly we just ship it and if something breaks the QA team catches it anyway, whatever."
    poor_wording = lexicon.features(lexicon.vector(poor))
    assert poor_wording["wording_poor"] > poor_wording["wording_great"]
    strong = "We cut p99 latency from 800 ms to 120 ms by moving reads to a replica rather than caching, at the cost of one more server per region."
    strong_wording = lexicon.features(lexicon.vector(strong))
    assert strong_wording["wording_great"] > strong_wording["wording_poor"]


def test_an_offline_grade_quotes_the_answer_as_written_and_never_its_telling_words() -> None:
    """offline-v3 quoted "telling words" ("QA", "one", "don") that meant nothing to a reader; v4 quotes
    the candidate's own sentence behind each claim, exactly as they wrote it."""
    import asyncio

    from mock_interviewer.backends.offline import OfflineBackend
    from mock_interviewer.config import Settings
    from mock_interviewer.grader import grade_answer

    answer = (
        "We cache everything in Redis forever with no TTL, because expiration just causes misses. "
        "Invalidation isn't necessary if you design the keys well, and monitoring hit rates is overkill."
    )
    grade = asyncio.run(grade_answer(OfflineBackend(), load_bank().get("technical-09"), answer, Settings()))
    assert grade.tier == "poor"
    assert "worded like" not in grade.explanation
    quoted = [quote for claim in grade.claims for quote in claim.quotes]
    assert quoted and all(quote.strip("…") in answer for quote in quoted)  # verbatim, only cut at the ends
    assert all(f"“{quote}”" in grade.explanation for claim in grade.claims if claim.kind == "red_flag" for quote in claim.quotes)
