"""offline-v17: the tier weighs the answer without what the aside model finds more likely an aside than not, while
what the tool says about the answer is read from it without only what the model is sure of (issue 16 item 5: an
irrelevant sentence added to an answer should move no grade)."""

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
from mock_interviewer.offline.asides import ASIDE, LIKELY, aside_model
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.grading import read
from mock_interviewer.offline.substance import has_substance, pieces

DATA = Path(__file__).parent / "data"
# irrelevant_holdout8.txt (read once for offline-v16, development data since): the stance rule ties it to questions
# ("nobody used it" beside "use"), and the model gives it 0.66, short of ASIDE
BERLIN = "Honestly, I never expected the conference hotel in Berlin to have a rooftop pool, but nobody used it because it rained all week."
# tied to a question on engineering quality by four everyday words (building, manager, changing, codes), none of them
# the question's own: written for this test
DOOR_CODES = "Our building manager keeps changing the door codes without telling anyone, which is a bit much."


def _line(name: str, index: int) -> str:
    return str(json.loads((DATA / name).read_text(encoding="utf-8").splitlines()[index])["answer"])


def _grade(bank: Bank, question_id: str, answer: str) -> tuple[str, int]:
    graded = asyncio.run(grade_answer(OfflineBackend(), bank.get(question_id), answer, Settings()))
    return graded.tier, graded.score


def test_the_two_thresholds() -> None:
    assert (LIKELY, ASIDE) == (0.5, 0.85)
    model = aside_model()
    assert model is not None
    assert LIKELY <= model.probability(BERLIN) < ASIDE
    assert LIKELY <= model.probability(DOOR_CODES) < ASIDE


def test_a_likely_aside_moves_no_grade_and_is_still_read_for_what_the_tool_says(bank: Bank, context: OfflineContext) -> None:
    """offline-v16 read BERLIN in hold-out F's poor answer on event processing and graded it mediocre; v17 does not
    weigh it, and the claims still see every sentence the model was not sure of."""
    answer = _line("audit_holdout_f.jsonl", 110)
    assert answer.startswith("I'd go with Kafka and exactly-once semantics")
    for added in (f"{answer} {BERLIN}", f"{BERLIN} {answer}"):
        reading = read(bank.get("technical-15"), added, context)
        assert BERLIN in reading.text  # what the claims are read from
        assert reading.weighed == answer  # what the tier weighs: exactly the answer as written
        assert _grade(bank, "technical-15", added) == _grade(bank, "technical-15", answer) == ("poor", 2)


def test_an_answer_without_doubtful_sentences_is_weighed_as_it_is_read(bank: Bank, context: OfflineContext) -> None:
    answer = _line("audit_holdout_f.jsonl", 110)
    reading = read(bank.get("technical-15"), answer, context)
    assert reading.weighed == reading.text == answer


def test_three_everyday_words_do_not_keep_a_sentence_the_model_doubts(bank: Bank, context: OfflineContext) -> None:
    """Tied by three or more of the question's words, a sentence was kept whatever the model said (v15, v16); where
    none of them is a word of its own (outside everyday English), the model is asked too (v17)."""
    own = context.material(bank.get("director-02"))
    assert has_substance(DOOR_CODES, own, context.corpus)  # 0.77: kept for the claims
    assert not has_substance(DOOR_CODES, own, context.corpus, LIKELY)  # not weighed for the tier
    sure = "Sorry about the noise, the building manager is checking every fire door and changing the codes today."
    assert not has_substance(sure, own, context.corpus)  # 0.91: cut from both
    answer = "We changed the build to check every pull request with a quality gate before merge."  # "gate", "merge": its own
    assert has_substance(answer, own, context.corpus, LIKELY)


def test_a_sentence_saying_the_rubric_is_weighed_however_likely_an_aside_it_reads(bank: Bank, context: OfflineContext) -> None:
    """Hold-out H's poor answer on inclusion says the red flag in a sentence the model gives 0.71: it is weighed, and
    the answer stays poor."""
    question = bank.get("director-14")
    answer = _line("audit_holdout_h.jsonl", 109)
    said = "I told her it was just banter, the team had always been like that, and suggested she not take it personally."
    assert said in answer
    model = aside_model()
    assert model is not None and LIKELY <= model.probability(said) < ASIDE
    assert said in read(question, answer, context).weighed
    assert _grade(bank, "director-14", answer)[0] == "poor"


def test_where_nothing_is_left_to_weigh_the_tier_weighs_what_the_claims_read(bank: Bank, context: OfflineContext) -> None:
    """``substantive`` reads an answer whole when nothing in it carries substance; weighed, the doubtful sentences are
    not let back in that way."""
    question = bank.get("director-02")
    sure = "Sorry about the noise, the building manager is checking every fire door and changing the codes today."
    reading = read(question, f"{DOOR_CODES} {sure}", context)
    assert reading.text == DOOR_CODES
    assert reading.weighed == DOOR_CODES


def test_without_its_model_file_the_tier_weighs_what_the_claims_read(bank: Bank, context: OfflineContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "asides.json"
    path.write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(asides, "MODEL_FILE", path)
    aside_model.cache_clear()
    try:
        answer = _line("audit_holdout_f.jsonl", 110)
        reading = read(bank.get("technical-15"), f"{answer} {BERLIN}", context)
        assert reading.weighed == reading.text == f"{answer} {BERLIN}"  # the word rules alone, as offline-v14 read it
    finally:
        aside_model.cache_clear()


@pytest.mark.parametrize(
    ("answer", "first"),
    [
        # a capitaliser's answer with a lower-case aside glued before it: split before the capitalised word that
        # follows a pronoun, where no name would follow
        (
            "the lift is out again so if you hear a lot of stairs that is just us Let both sides make their case, at a whiteboard. Look for a compromise. If there is none, I decide and explain why.",
            "the lift is out again so if you hear a lot of stairs that is just us",
        ),
        # a writer of lower-case "i" with a written aside run on: the capitalised everyday word starts another's sentence
        (
            "i ask for feedback narrowly because asking do you have any feedback gets you nothing and i say so publicly so people see it is worth telling me Honestly, the hotel had a pool nobody used.",
            "i ask for feedback narrowly because asking do you have any feedback gets you nothing and i say so publicly so people see it is worth telling me",
        ),
    ],
)
def test_a_sentence_run_on_in_another_hand_is_split_before_a_capitalised_word_after_a_pronoun(answer: str, first: str) -> None:
    start, end = pieces(answer)[0]
    assert answer[start:end] == first


@pytest.mark.parametrize(
    "answer",
    [
        # after an article, a preposition or a conjunction a capitalised word is a name: not split (labelled_dev.jsonl)
        "I use JWTs signed by our auth service; the client sends it in the Authorization header and each service verifies the signature and expiry. Roles are stored in the token claims.",
        "Every engineer does yearly training; we're heavy on Node and Postgres, so injection gets the most attention. Reviews check it.",
        "i was commuting from Reading every day and we did test a restore once and it worked fine",
    ],
)
def test_a_capitalised_name_after_an_article_a_preposition_or_a_conjunction_is_not_a_sentence_start(answer: str) -> None:
    assert not any(answer[a:b].startswith(("Authorization", "Postgres", "Reading")) for a, b in pieces(answer))


VAN = "My uncle's old van had no reverse gear, so every trip to the tip ended in a three-point turn in somebody's driveway."


def test_a_sentence_the_model_is_sure_of_is_not_weighed_whatever_words_tie_it(bank: Bank, context: OfflineContext) -> None:
    """offline-v18: "reverse" is a word of a question on migrations (reversible changes) and no everyday word, so VAN is
    tied by three words, one of them the question's own, and kept for what the tool says; the tier does not weigh a
    sentence the model is 85% sure of, whatever ties it. Its own sentence on the point is weighed."""
    own = context.material(bank.get("technical-10"))
    model = aside_model()
    assert model is not None and model.probability(VAN) >= ASIDE
    assert has_substance(VAN, own, context.corpus)
    assert not has_substance(VAN, own, context.corpus, LIKELY)
    said = "We made the migration reversible: the old column stayed until the new one had run clean for a week."
    assert has_substance(said, own, context.corpus, LIKELY)
    reading = read(bank.get("technical-10"), f"{said} {VAN}", context)
    assert (reading.text, reading.weighed) == (f"{said} {VAN}", said)


def test_a_writer_whose_sentences_all_start_with_a_capital_but_the_first_is_a_capitaliser() -> None:
    """offline-v18: an aside run into a two-sentence answer's first sentence left one capitalised start of two, and
    the answer was not read as a capitaliser's; all but the first now is."""
    answer = "sorry the wifi keeps dropping out on my side Postmortems were blameless and tracked to closure. Each one ended with two owners and a date."
    assert [answer[a:b] for a, b in pieces(answer)][:2] == [
        "sorry the wifi keeps dropping out on my side",
        "Postmortems were blameless and tracked to closure.",
    ]


def test_an_aside_the_claims_read_moves_no_grade_by_its_length_either(bank: Bank, context: OfflineContext) -> None:
    """offline-v18 left KITCHEN out of the tier's features but counted it in the length and the reasons its guards and
    evidence features read, and hold-out F's mediocre answer on missed deadlines went to 4/5; v19 reads those from
    the weighed text too. The claims still read KITCHEN (0.84; with "honestly" after "and", as it was written, v25's refit
    is sure of it, 0.86, and the claims leave it out too), and the answer's own grade stands."""
    kitchen = "We spent the weekend repainting the kitchen, and the new colour is much better than the old one."
    question = bank.get("director-15")
    answer = _line("audit_holdout_f.jsonl", 78)
    reading = read(question, f"{answer} {kitchen}", context)
    assert kitchen in reading.text and reading.weighed == answer
    assert reading.weighed_findings.word_count == read(question, answer, context).findings.word_count
    assert reading.findings.word_count > reading.weighed_findings.word_count
    alone = _grade(bank, "director-15", answer)
    assert alone == ("mediocre", 3)
    assert _grade(bank, "director-15", f"{answer} {kitchen}") == _grade(bank, "director-15", f"{kitchen} {answer}") == alone


def test_a_capitalised_word_after_her_starts_another_sentence(bank: Bank, context: OfflineContext) -> None:
    """offline-v19: "her" is as often the object as the possessive, so it no longer holds a capitaliser's sentence back."""
    answer = "my sister just passed her driving test and i am so proud of her Newsletters and conference talks, mostly. Then a small spike to try it."
    assert [answer[a:b] for a, b in pieces(answer)][:2] == [
        "my sister just passed her driving test and i am so proud of her",
        "Newsletters and conference talks, mostly.",
    ]


def test_a_function_word_is_no_topic(bank: Bank, context: OfflineContext) -> None:
    """offline-v20: "whoever" is a word of six questions' material and not in the everyday list, so it made a sentence
    tied by three words topical, and the model was never asked about it. A function word is no topic."""
    printer = "The printer on the side wall has not worked all week, so whoever needs it waits for the one upstairs."
    own = context.material(bank.get("director-13"))
    assert "whoever" in own
    model = aside_model()
    assert model is not None and LIKELY <= model.probability(printer) < ASIDE
    assert has_substance(printer, own, context.corpus)  # kept for what the tool says
    assert not has_substance(printer, own, context.corpus, LIKELY)  # not weighed
