"""offline-v26: where an aside run into an answer ends (issue 16 item 5: an irrelevant sentence added to an answer should
move no grade).

"that's why" ends an aside; "I'll" and an answer that starts with "I" after a capitalised aside are told from it; an
aside of fewer than six words before a capitalised answer, and one after an answer that opens with an interjection
("sorry", "hah", "wow"), are peeled off. The asides are from ``irrelevant_holdout17.txt`` (v25's hold-out, read once;
development data since); the answers are hold-out answers they moved under offline-v25.
"""

from __future__ import annotations

import pytest

from data_rows import graded_alike, row
from mock_interviewer.bank import Bank
from mock_interviewer.offline import substance
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.grading import read_texts

PARROT = "the parrot next door imitates our doorbell so if i suddenly look away that's why"
MUM = "my mum is calling, ignore that, I'll call her back"
SMALL_TOWN = "I'm from a small town, maybe two thousand people, everybody knows everyone's dog by name"
ALLERGIES = "sorry, allergies, hold on"
WATCH = "hah, my watch just told me to stand up and breathe"
TEA = "sorry i'm drinking tea, my throat is a bit dry from talking"


@pytest.mark.parametrize(("name", "index"), [("audit_holdout_e.jsonl", 81), ("audit_holdout.jsonl", 18)])
def test_thats_why_ends_the_aside(bank: Bank, context: OfflineContext, name: str, index: int) -> None:
    """v25 let no aside end after "why", so "so if i suddenly look away that's why" was weighed with the answer: hold-out
    E's great answer on feedback went 5 → 3 (the "argued" guard)."""
    graded_alike(bank, context, name, index, PARROT)


def test_why_ends_a_clause_only_after_a_word_that_gives_a_reason() -> None:
    """ "that's why", "no idea why" end a clause; "...which is why" and "...asked me why" open what follows."""
    for piece, ends in (
        ("so if i look away that's why i think we shard by tenant", True),
        ("and no idea why i think we shard by tenant", True),
        ("the dog barks all day which is why i think we shard by tenant", False),
        ("my kids asked me why i think we shard by tenant", False),
    ):
        words = [(m.start(), m.end()) for m in substance._WORD.finditer(piece)]
        at = next(i for i, (a, b) in enumerate(words) if piece[a:b] == "why") + 1
        assert substance._ends_before(piece, words, at, True) is ends, piece


def test_ill_is_how_a_capitaliser_writes_i(bank: Bank, context: OfflineContext) -> None:
    """ "I'll" after the aside's "ignore that," was read as a name, not "I": the aside ended before it, too short to peel,
    and hold-out F's answer "PM wanted SSO, audit logs and exports in one sprint." went 3 → 2."""
    graded_alike(bank, context, "audit_holdout_f.jsonl", 52, MUM)


@pytest.mark.parametrize(("name", "index"), [("audit_holdout_e.jsonl", 5), ("audit_holdout.jsonl", 125)])
def test_an_answer_starting_with_i_is_told_from_the_capitalised_aside_before_it(
    bank: Bank, context: OfflineContext, name: str, index: int
) -> None:
    """A capitalised aside with no stop ends where the answer's first capitalised word starts; v25 skipped "I'd", so the
    aside ran on to "Kafka" or "Redis" inside the answer, and nothing was peeled."""
    answer, _ = graded_alike(bank, context, name, index, SMALL_TOWN)
    assert answer.startswith("I'd ")


@pytest.mark.parametrize(
    ("name", "index"), [("audit_holdout.jsonl", 90), ("audit_holdout_c.jsonl", 29), ("audit_holdout.jsonl", 125)]
)
def test_a_short_aside_before_a_capitalised_answer_is_peeled(
    bank: Bank, context: OfflineContext, name: str, index: int
) -> None:
    """Four words are fewer than an aside at a piece's edge needed (six): "sorry, allergies, hold on Adtech, bid-shading
    model launch, no clean A/B data." was one piece the tier left out whole, and hold-out's great answer went 5 → 3."""
    graded_alike(bank, context, name, index, ALLERGIES)


def test_a_short_head_that_says_the_questions_words_stays(bank: Bank, context: OfflineContext) -> None:
    """Words peeled off before the capital are a piece of their own, cut only if they carry nothing: "kill criteria" is
    what a decision under uncertainty is about, so "sorry, kill criteria, hold on" stays the candidate's, however sure
    the model is that it is an aside."""
    question_id, answer = row("audit_holdout.jsonl", 90)
    question = bank.get(question_id)
    weighed = read_texts(question, f"sorry, kill criteria, hold on {answer}", context)[2]
    assert weighed.startswith("sorry, kill criteria, hold on Adtech")


@pytest.mark.parametrize(
    ("aside", "name", "index"),
    [
        (ALLERGIES, "audit_holdout_g.jsonl", 57),
        (WATCH, "audit_holdout_f.jsonl", 125),
        (WATCH, "audit_holdout_g.jsonl", 57),
        (TEA, "audit_holdout_g.jsonl", 57),
    ],
)
def test_a_remark_after_the_answer_opening_with_an_interjection_is_peeled_alone(
    bank: Bank, context: OfflineContext, aside: str, name: str, index: int
) -> None:
    """The aside at a piece's end must open with a word that starts one: "hah" did not, and "sorry, allergies, hold on"
    was too short, so the peel reached back into the answer's last clause ("...so people see it's worth telling me",
    "...the user just sees an error and tries again later") and left it out. A run-on split before "i'm" leaves
    "sorry" alone at the answer's end: beside the aside cut after it, one word will do."""
    answer, _ = graded_alike(bank, context, name, index, aside, "append")
    assert answer.rstrip()[-1:].isalpha()  # no stop: the aside runs into the answer's last clause


@pytest.mark.parametrize(
    ("name", "index", "reading", "kept"),
    [
        ("audit_dev2.jsonl", 20, 1, "our DevOps engineer tunes it live"),  # a short head must open with an interjection
        ("audit_holdout.jsonl", 129, 2, "on the editorial side, PUT required"),
        ("labelled_holdout6_spoken.jsonl", 114, 1, "My manager told me last year I steamroll"),  # before "I": 8 words
    ],
)
def test_the_candidates_own_words_before_a_capital_stay(
    bank: Bank, context: OfflineContext, name: str, index: int, reading: int, kept: str
) -> None:
    """Measured on the 3,122 real answers before they were guarded: a short head peeled "our" off "our DevOps engineer
    tunes it live in the Jenkins UI" and "on the editorial side," off "PUT required an Idempotency-Key" (the model is
    sure of a few words with one it does not know), and an aside before "I" took "My manager told me last year" off
    the story it starts. Each is read as before (``reading``: 1 the claims', 2 the tier's)."""
    question_id, answer = row(name, index)
    assert kept in read_texts(bank.get(question_id), answer, context)[reading]


def test_the_answers_last_clause_is_not_the_asides_where_the_reading_turns_within_it(
    bank: Bank, context: OfflineContext
) -> None:
    """Where the reading turns most, the aside at the end took "so people see it's worth telling me" with "my mum is
    calling, ...": the two ends read within 0.04 of each other. The answer's clause reads as an answer on its own (0.39),
    so the aside is narrowed to the end after it."""
    answer, _ = graded_alike(bank, context, "audit_holdout_g.jsonl", 57, MUM, "append")
    assert answer.endswith("so people see it's worth telling me")
