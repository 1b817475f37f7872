"""offline-v21: an aside typed in lower case with no stop, run into a lower-case answer, is peeled off the run-on's start
or end (``substance._peeled``; issue 16 item 5: an irrelevant sentence added to an answer should move no grade).

The asides here were written for these tests; the answers are hold-out answers that the twelfth held-out asides moved.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from data_rows import row
from mock_interviewer.bank import Bank, Question
from mock_interviewer.offline import substance
from mock_interviewer.offline.asides import ASIDE, LIKELY, aside_model
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.evidence import read_exchange
from mock_interviewer.offline.explain import explanation
from mock_interviewer.offline.grading import assess, read_texts
from mock_interviewer.offline.substance import substantive

DATA = Path(__file__).parent / "data"
COUSIN = "my cousin took her twins to the seaside on sunday and the seagulls stole every single chip before they had even sat down on the wall"
LIFT = "the lift in our building has been stuck on the fourth floor since tuesday so everyone is carrying their shopping up six flights of stairs"
TAP = "our kitchen tap started dripping last night and my partner put a saucepan under it and now the whole flat sounds like a clock"
MOWING = "my neighbour has been mowing his lawn every morning this week while his dog chases the mower around"
LADDER = "the window cleaner came round at seven this morning and woke the whole street when he dropped his ladder"
DOG = "sorry the neighbours dog has been barking at the postman for ten minutes and he will not stop until the van drives off"


def _assert_read_as_without(question: Question, answer: str, added: str, context: OfflineContext) -> None:
    """``added`` (``answer`` with an aside) is read, weighed and placed in a tier exactly as ``answer`` alone."""
    assert read_texts(question, added, context)[1:] == read_texts(question, answer, context)[1:]
    assert assess(question, added, context).tier == assess(question, answer, context).tier


def test_the_asides_are_ones_the_model_is_sure_of() -> None:
    model = aside_model()
    assert model is not None
    assert all(model.probability(aside) >= ASIDE for aside in (COUSIN, LIFT, TAP, MOWING, LADDER, DOG))


@pytest.mark.parametrize("aside", [COUSIN, LIFT, TAP])
def test_an_aside_run_into_the_end_of_a_lower_case_answer_is_peeled_off(bank: Bank, context: OfflineContext, aside: str) -> None:
    """Hold-out G's answer on feedback has no full stop and ends "...so people see it's worth telling me"; offline-v20
    read "telling me my cousin took her twins..." as one sentence, kept it, and graded the answer great, not mediocre."""
    question_id, answer = row("audit_holdout_g.jsonl", 57)
    question = bank.get(question_id)
    assert answer.endswith("so people see it's worth telling me")
    added = f"{answer} {aside}"
    assert read_texts(question, added, context)[1:] == read_texts(question, answer, context)[1:] == (answer, answer)
    assert assess(question, added, context).tier == assess(question, answer, context).tier == "mediocre"


def test_an_aside_run_into_the_start_of_a_lower_case_answer_is_peeled_off(bank: Bank, context: OfflineContext) -> None:
    """"...while his dog chases the mower around we have automated daily backups": "while" holds the answer's "we" back
    as the main clause of the aside's, so offline-v20 read one sentence and kept it. The aside is the start the model is
    sure of, saying nothing of the question, where its reading turns most; "around", which ends a clause as often as it
    goes on, goes with it."""
    question_id, answer = row("audit_holdout_f.jsonl", 25)
    question = bank.get(question_id)
    assert answer.startswith("we have automated daily backups")
    for aside in (MOWING, LADDER):
        added = f"{aside} {answer}"
        own = context.material(question)
        assert substantive(added, own, context.corpus) == answer
        assert read_texts(question, added, context)[1:] == (answer, answer)


def test_a_clause_of_substance_after_the_aside_stays_with_the_answer(bank: Bank, context: OfflineContext) -> None:
    """offline-v25 widens an aside at the start over a clause it opens with "when", "while", ... ("...woke the whole
    street | when he dropped his ladder"), only when the clause carries nothing: "when the postgres replica lagged" is the
    candidate's, and the aside's words alone are cut."""
    question_id, answer = row("audit_holdout_f.jsonl", 25)
    question = bank.get(question_id)
    street = LADDER.removesuffix(" when he dropped his ladder")
    clause = "when the postgres replica lagged"
    assert substantive(f"{street} {clause} {answer}", context.material(question), context.corpus, None, LIKELY) == f"{clause} {answer}"


CAT = "my cat just walked across the keyboard so if you saw a random message in the chat that was her not me"  # holdout13


@pytest.mark.parametrize(("name", "index"), [("audit_holdout_f.jsonl", 133), ("audit_holdout_g.jsonl", 13), ("audit_holdout_g.jsonl", 173)])
def test_the_aside_at_the_start_ends_where_the_reading_turns_not_at_the_longest_edge(bank: Bank, context: OfflineContext, name: str, index: int) -> None:
    """CAT (the thirteenth held-out asides, read once for offline-v21) run into a lower-case answer: v21 peeled the
    longest start the model was sure of, which took the answer's first clause with it ("...that was her not me i listen
    to what the other person thinks and explain my view", "...not me if something's slow i usually just add"), and the
    tier moved. v22 ends the aside where the words before read most as an aside and the words after least."""
    question_id, answer = row(name, index)
    question = bank.get(question_id)
    _assert_read_as_without(question, answer, f"{CAT} {answer}", context)


RAIN = "In my country we are saying it is raining like from bucket, today is exactly this weather"  # holdout13


@pytest.mark.parametrize(("name", "index"), [("audit_holdout.jsonl", 40), ("audit_holdout.jsonl", 90), ("audit_holdout_c.jsonl", 29), ("audit_holdout_c.jsonl", 51)])
def test_a_capitalised_aside_with_no_stop_is_peeled_off_the_answer_it_runs_into(bank: Bank, context: OfflineContext, name: str, index: int) -> None:
    """RAIN (the thirteenth held-out asides, read once for offline-v21) has no full stop; put before an answer, it ran
    into the answer's first sentence ("...exactly this weather Widen where we recruit, ask every candidate the same
    questions."), and the aside model, unsure of the two together, cut or kept both, moving the tier. v22 peels an aside
    it is sure of off a piece that starts with a capital, before the first capitalised word that follows a lower-case
    one."""
    question_id, answer = row(name, index)
    question = bank.get(question_id)
    _assert_read_as_without(question, answer, f"{RAIN} {answer}", context)


def test_a_capitalised_sentence_with_a_name_in_it_is_not_peeled(bank: Bank, context: OfflineContext) -> None:
    """Before a name after a preposition, or a capitalised "I", no sentence ends: nothing is peeled."""
    own = context.material(bank.get("engineer-19"))
    for answer in (
        "My neighbour spent the whole weekend at the garden centre with Priya choosing a hedge for the front.",
        "My neighbour spent the whole weekend at the garden centre and I asked for feedback on the code review.",
    ):
        assert substance._peeled(answer, (0, len(answer)), own, context.corpus, ASIDE) == [(0, len(answer))]


def test_a_capitalised_word_ends_the_aside(bank: Bank, context: OfflineContext) -> None:
    """Hold-out F's answer on missed estimates starts "Diagnose before fixing."; run into a lower-case aside, the
    capitalised "Diagnose" after "off" is held back as a name by the run-on rules. The aside ends there, and the answer's
    first sentence is read, not cut with it."""
    question_id, answer = row("audit_holdout_f.jsonl", 78)
    question = bank.get(question_id)
    assert answer.startswith("Diagnose before fixing.")
    _assert_read_as_without(question, answer, f"{DOG} {answer}", context)


def test_a_sentence_that_is_all_aside_is_not_split(bank: Bank, context: OfflineContext) -> None:
    """A piece with no substance as a whole is cut whole: peeling "sorry the neighbours dog has been barking at the
    postman" off it would leave "for ten minutes and he will not stop until the van drives off", which a word rule ties
    to the question, kept on its own."""
    own = context.material(bank.get("engineer-19"))
    answer = "I ask for feedback in the moment, privately, and name one thing to change."
    for added in (f"{answer} {DOG}", f"{answer} {DOG}.", f"{DOG}. {answer}"):
        assert substantive(added, own, context.corpus) == answer, added


def test_an_answer_is_not_peeled(bank: Bank, context: OfflineContext) -> None:
    """A lower-case answer whose opening says nothing of substance ("honestly the thing that moved the needle most for
    us was...") is read whole: the model is not sure enough of any edge of it."""
    for name, index in (("audit_holdout_g.jsonl", 57), ("audit_holdout_g.jsonl", 90), ("audit_holdout_f.jsonl", 25)):
        question_id, answer = row(name, index)
        question = bank.get(question_id)
        assert read_texts(question, answer, context)[1:] == (answer, answer), (name, index)


def test_no_clause_of_an_unseen_lower_case_answer_is_peeled(bank: Bank, context: OfflineContext, monkeypatch: pytest.MonkeyPatch) -> None:
    """``runon_holdout.jsonl``: 90 answers by a helper who saw only the questions and exemplars, all in lower case with
    no full stop, written after the peel's rules were tuned and kept out of every fit. Nothing in them is an aside, so
    the peel must cut nothing from them: each is read exactly as it is without the peel."""
    rows = [json.loads(line) for line in (DATA / "runon_holdout.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) == 90 and all(row["answer"] == row["answer"].lower() and ". " not in row["answer"] for row in rows)
    items = [(bank.get(row["question_id"]), row["answer"]) for row in rows]
    peeled = [read_texts(question, answer, context) for question, answer in items]
    monkeypatch.setattr(substance, "_peeled", lambda text, span, *context: [span])
    assert [read_texts(question, answer, context) for question, answer in items] == peeled


def test_no_words_of_an_unseen_capitalised_answer_run_together_are_peeled(bank: Bank, context: OfflineContext, monkeypatch: pytest.MonkeyPatch) -> None:
    """``caps_holdout.jsonl``: 60 answers by a helper who saw only the questions and exemplars, written with capitals
    but with sentences run together without a stop ("...Latency dropped by half and the on-call load went down") and
    names mid-sentence, after offline-v22's capitalised peel was written, and kept out of every fit. Nothing in them is
    an aside, so ``_capitalised_head`` must peel nothing from them: each is read exactly as it is without it."""
    rows = [json.loads(line) for line in (DATA / "caps_holdout.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) == 60
    items = [(bank.get(row["question_id"]), row["answer"]) for row in rows]
    peeled = [read_texts(question, answer, context) for question, answer in items]
    monkeypatch.setattr(substance, "_capitalised_head", lambda *args: 0)
    assert [read_texts(question, answer, context) for question, answer in items] == peeled


GYM = (  # holdout14
    "i joined a gym in january like everyone does and the first week i went every day and then the shower broke and they"
    " put a sign up saying closed for refurbishment and i just sort of never went back after that"
)
CAR = (  # holdout14
    "our car is an old blue estate with about two hundred thousand miles on it and the passenger door only opens from the"
    " inside so whoever sits there has to be let in by the driver leaning across which my mother finds hilarious"
)


@pytest.mark.parametrize(("name", "index"), [("audit_holdout_f.jsonl", 25), ("audit_holdout_f.jsonl", 78), ("audit_holdout_f.jsonl", 110), ("audit_holdout_g.jsonl", 57)])
def test_an_aside_the_run_on_rules_split_in_two_is_peeled_whole(bank: Bank, context: OfflineContext, name: str, index: int) -> None:
    """GYM (the fourteenth held-out asides, read once for offline-v22) is split by the run-on rules at "...the first week
    | i went every day...": the first piece is cut, but the second ran into the answer ("...never went back after that
    we have automated daily backups", "...after that Diagnose before fixing.", "...after that I'd go with Kafka"), and
    the model, unsure of that piece alone, kept it, moving the tier. v23 reads the second piece's start as the cut
    piece's continuation, and "after that" as the end of a clause. What the tier weighs is the answer's alone; the
    claims' reading, sure of neither piece, keeps the aside (no claim is made on a doubt)."""
    question_id, answer = row(name, index)
    question = bank.get(question_id)
    added = f"{GYM} {answer}"
    assert read_texts(question, added, context)[2] == read_texts(question, answer, context)[2]
    assert assess(question, added, context).tier == assess(question, answer, context).tier


def test_after_a_preposition_a_demonstrative_ends_a_clause() -> None:
    """"...never went back after that | Diagnose": "that" goes on a sentence ("...said that Priya...") but for the
    object of a preposition; "this" likewise."""
    for piece, ends in (("so i never went back after that Diagnose before fixing", True), ("and i said that Priya was right all along", False)):
        words = [(m.start(), m.end()) for m in substance._WORD.finditer(piece)]
        at = next(i for i, (a, _) in enumerate(words) if piece[a].isupper())
        assert substance._ends_before(piece, words, at, True) is ends, piece


@pytest.mark.parametrize(("name", "index"), [("audit_holdout_e.jsonl", 54), ("audit_holdout_g.jsonl", 57)])
def test_an_aside_at_the_end_is_peeled_whole_where_its_reading_turns_within_it(bank: Bank, context: OfflineContext, name: str, index: int) -> None:
    """CAR (the fourteenth held-out asides) run into the end of a lower-case answer: the model's reading turns most
    within it ("...so whoever sits | there has to be let in by the driver..."), so v22 peeled only its last sixteen words
    and weighed the rest with the answer, moving the tier. v23 widens the aside to where the reading turns most again,
    when the words between read more as an aside than not; not into the answer ("...i say so publicly so people see
    it's worth telling me")."""
    question_id, answer = row(name, index)
    question = bank.get(question_id)
    _assert_read_as_without(question, answer, f"{answer} {CAR}", context)


def test_the_peels_cut_nothing_from_unseen_answers_told_as_stories(bank: Bank, context: OfflineContext, monkeypatch: pytest.MonkeyPatch) -> None:
    """``personal_holdout.jsonl``: 150 answers by a helper who saw only the questions and exemplars, written while
    offline-v23 was built, kept out of every fit and tuned on by nothing, full of sentences that sound like asides but are the answer's ("I
    came to backend from firmware", "I took my full two weeks and stayed off email"), a third typed in lower case.
    Nothing in them is an aside run into an answer, so the peels must cut nothing: each is read as without them."""
    rows = [json.loads(line) for line in (DATA / "personal_holdout.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) == 150
    items = [(bank.get(row["question_id"]), row["answer"]) for row in rows]
    peeled = [read_texts(question, answer, context) for question, answer in items]
    monkeypatch.setattr(substance, "_peeled", lambda text, span, *context: [span])
    assert [read_texts(question, answer, context) for question, answer in items] == peeled


def test_the_argued_ceiling_quotes_the_reasons_it_counted(bank: Bank, context: OfflineContext) -> None:
    """The "argued" guard counts the reasons in what the tier weighs; the claims' reading may have cut differently
    (v23's peel reads an aside's continuation only where its own threshold cut the piece before), and once held none of
    them: the explanation then failed on an empty list ("IndexError: tuple index out of range", on an aside the refit
    model read so). It quotes the reasons the guard counted."""
    question_id, answer = row("labelled_holdout5.jsonl", 3)
    question = bank.get(question_id)
    assessment = assess(question, answer, context)
    assert assessment.guard == "argued" and assessment.weighed_findings.reasons
    without = read_exchange(question, "Three things.", [])
    assert not without.reasons
    text = explanation(replace(assessment, findings=without), [])
    assert "It is graded no higher than mediocre: in" in text and "(the first: “" in text
