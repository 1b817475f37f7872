"""The offline grader's parts that separate poor from mediocre: words, red flags, stance signals, the decision."""

from __future__ import annotations

from mock_interviewer.bank import Bank
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.coverage import coverage, red_flag_matches
from mock_interviewer.offline.evidence import Findings, FlagFinding, PointFinding
from mock_interviewer.offline.features import Features
from mock_interviewer.offline.grading import (
    CLEARLY,
    NEVER_GREAT_AT,
    NEVER_POOR_AT,
    THIN_COVERAGE,
    UNFOUND_POOR,
    decide,
)
from mock_interviewer.offline.signals import Signals, signals, stance_phrases
from mock_interviewer.textmatch import PhraseHit, Span, compound_stems, stems


def test_words_of_another_meaning_are_not_folded_into_a_synonym() -> None:
    assert stems("experience") != stems("experiment")  # both stem to "experi"; only "experiment" is a spike
    assert stems("production") != stems("product")  # deploying to production is not the product manager
    assert stems("analyzed") != stems("linter")
    assert stems("caching cached") == ["cache", "cache"]  # while inflected synonyms still fold


def test_compounds_meet_however_they_are_written() -> None:
    assert stems("cache-aside")[0] in compound_stems("we use cache aside for reads")
    assert stems("cache-aside")[0] in compound_stems("a read aside cache")
    assert stems("read-aside") == stems("cache-aside")
    assert stems("codebase")[0] in compound_stems("the code base")


def test_a_key_point_is_covered_by_a_variant_of_its_words(bank: Bank, context: OfflineContext) -> None:
    question = bank.get("technical-09").model_copy(
        update={"key_points": ["Uses cache-aside reads with TTLs and explicit invalidation on writes."]}
    )
    hyphenless = coverage(question, "Reads go cache aside with a TTL, and every write does explicit invalidation.", context.corpus)
    assert hyphenless[0].covered


def test_red_flags_count_only_their_telling_words(bank: Bank, context: OfflineContext) -> None:
    question = bank.get("director-01")
    echo = "We handle debt reactively, once it blocks delivery and the bugs pile up."
    shares = [m.share for m in red_flag_matches(question, echo, context.corpus)]
    great = [m.share for m in red_flag_matches(question, question.exemplars.great, context.corpus)]
    assert shares[0] > 0.6 and max(great) < shares[0]
    first = red_flag_matches(question, echo, context.corpus)[0]
    assert "debt" not in first.matched  # the topic is shared with the key points: not telling


def test_stance_signals_and_the_words_behind_them() -> None:
    answer = "Honestly, tests are overrated. We basically never write them and it isn't really needed."
    found = signals(answer)
    assert found.certainty >= 3 and found.dismissal >= 2 and found.negations >= 2
    assert stance_phrases(answer, "certainty") == ["Honestly", "basically", "never"]
    assert "overrated" in stance_phrases(answer, "dismissal")
    hedged = signals("We add an index when the query plan shows a sequential scan on a large table.")
    assert (hedged.certainty, hedged.dismissal, hedged.negations) == (0, 0, 0)


def test_negated_blame_and_technical_fault_words_are_not_poor_language() -> None:
    assert signals("We run fault-injection drills and keep the system fault tolerant.").poor_kinds["blame"] == 0
    assert signals("It was my fault, and I said so.").poor_kinds["blame"] == 1


def _found(coverage: float = 0.5, buzzwords: int = 0, poor: int = 0) -> Features:
    values = {"coverage": coverage, "off_topic": 0.0, "relevance": 0.5}
    sig = Signals(words=100, numbers=2, named=4, ownership=1, reasoning=2, poor_kinds={"reactive": poor}, buzzwords=buzzwords)
    return Features(values, [], sig, None)


def _p(great: float, mediocre: float, poor: float) -> dict[str, float]:
    return {"great": great, "mediocre": mediocre, "poor": poor}


NO_NOTES = Findings("", False, (), (), (), 100)  # a user's question without evidence notes: no ceiling applies


def _noted(status: str = "addressed", rejected: bool = False, flag: bool = False, dismissals: int = 0) -> Findings:
    """Findings on a question with evidence notes: one key point in ``status``, optionally turned down."""
    hit = PhraseHit("token bucket", Span(0, 12), True)
    point = PointFinding(
        0, "Uses a token bucket.", status,
        (hit,) if status == "addressed" else (),
        (PhraseHit("token bucket", Span(0, 12), False),) if rejected else (), 3,
    )
    flags = (FlagFinding(0, "Stores every request.", (hit,) if flag else ()),)
    return Findings("x" * 100, True, (point,), flags, (), 100, tuple(Span(0, 5) for _ in range(dismissals)))


def test_the_decision_between_tiers() -> None:
    assert decide(_found(), _p(0.9, 0.1, 0.0), NO_NOTES) == (5, None)
    assert decide(_found(), _p(CLEARLY - 0.1, 0.3, 0.0), NO_NOTES) == (4, None)  # great, but not clearly
    assert decide(_found(), _p(0.2, 0.5, 0.3), NO_NOTES) == (3, None)
    assert decide(_found(), _p(0.1, 0.35, 0.55), NO_NOTES) == (2, None)  # poor, but not clearly
    assert decide(_found(), _p(0.0, 0.05, 0.95), NO_NOTES) == (1, None)


def test_great_is_a_ceiling_the_grader_must_verify() -> None:
    likely_great = _p(0.9, 0.1, 0.0)
    assert decide(_found(), likely_great, _noted()) == (5, None)  # a key point found in the answer's words
    risky_great = _p(0.9, 0.05, UNFOUND_POOR)
    assert decide(_found(), risky_great, _noted("unclear")) == (3, "unverified")  # words alone, some risk of poor: not great
    # offline-v8: with no key point found but no risk of poor either, the tier model's great stands
    assert decide(_found(), _p(0.9, 0.1 - UNFOUND_POOR / 2, UNFOUND_POOR / 2), _noted("unclear")) == (5, None)
    assert decide(_found(), likely_great, _noted(flag=True)) == (3, "unverified")  # a red flag shown
    assert decide(_found(), risky_great, _noted("unclear", rejected=True)) == (3, "unverified")  # a point turned down, no point found
    assert decide(_found(), likely_great, _noted(dismissals=1)) == (3, "unverified")  # a practice waved away
    assert decide(_found(), likely_great, _noted(dismissals=2)) == (1, "dismissive")  # two: poor
    assert decide(_found(), _p(0.2, 0.7, 0.1), _noted()) == (3, None)  # below great nothing is capped


def test_strong_poor_signals_are_never_great() -> None:
    likely_great = _p(0.9, 0.1, 0.0)
    assert decide(_found(), _p(0.6, 0.05, NEVER_GREAT_AT + 0.05), NO_NOTES) == (3, "poor_stance")
    # and the mirror (offline-v7): torn between poor and great, the answer is placed mediocre, never poor
    assert decide(_found(), _p(NEVER_POOR_AT + 0.05, 0.05, 0.6), NO_NOTES) == (3, "great_chance")
    assert decide(_found(), _p(NEVER_POOR_AT - 0.05, 0.05, 0.7), NO_NOTES) == (2, None)
    assert decide(_found(coverage=THIN_COVERAGE / 2), likely_great, NO_NOTES) == (3, "thin")
    assert decide(_found(buzzwords=3), likely_great, NO_NOTES) == (3, "buzzwords")
    assert decide(_found(buzzwords=4, poor=2), _p(0.2, 0.7, 0.1), NO_NOTES) == (3, None)  # named tools: not soup
