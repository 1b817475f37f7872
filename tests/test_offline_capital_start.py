"""offline-v25: an aside typed in lower case with no stop before a capitalised answer is peeled off up to where the
answer starts, however short the answer's first sentence, and a capitalised "I" after the aside's own lower-case "i"
starts the answer (issue 16 item 5: an irrelevant sentence added to an answer should move no grade).

The asides are from ``irrelevant_holdout16.txt`` (v24's hold-out, read once; development data since); the answers are
hold-out answers they moved under offline-v24.
"""

from __future__ import annotations

import pytest

from data_rows import graded_alike, row
from mock_interviewer.bank import Bank
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.grading import read_texts
from mock_interviewer.offline.substance import pieces

SPURS = "spurs lost again last night so apologies if i seem a touch gloomy"
KNITTING = "i'm halfway through knitting a jumper for my dad and just realised one sleeve is about ten cm longer than the other"
BARCELONA = "we went to barcelona in may and i spent the whole trip staring at the architecture while my wife hunted for ice cream"


def test_the_aside_is_peeled_up_to_the_capitalised_answer_not_where_its_reading_turns(bank: Bank, context: OfflineContext) -> None:
    """Hold-out C's great answer on slow queries starts "EXPLAIN ANALYZE on slow-log offenders."; v24 peeled "spurs lost
    ... if i seem" where the model's reading turned most, left "a touch gloomy" with the answer, and scored it 5, not 4."""
    assert "gloomy" not in graded_alike(bank, context, "audit_holdout_c.jsonl", 78, SPURS)[1]


@pytest.mark.parametrize("aside", [SPURS, KNITTING])
def test_an_answer_whose_first_sentence_is_one_word_is_told_from_the_aside_before_it(bank: Bank, context: OfflineContext, aside: str) -> None:
    """Hold-out G's poor answer on caching starts "Redis."; v24 left no room for an answer of fewer than three words
    after the aside, weighed it with the answer, and scored it 1, not 2."""
    _, answer = row("audit_holdout_g.jsonl", 74)
    assert answer.startswith("Redis. ")
    assert aside.split()[-1] not in graded_alike(bank, context, "audit_holdout_g.jsonl", 74, aside)[1]


def test_a_capital_i_after_the_asides_own_lower_case_i_starts_the_answer(bank: Bank, context: OfflineContext) -> None:
    """Hold-out F's poor answer starts "I'd go with Kafka..."; "while my wife hunted for ice cream" held the split back as
    an opened clause, and v24 weighed "staring at the architecture..." with the answer."""
    assert "architecture" not in graded_alike(bank, context, "audit_holdout_f.jsonl", 110, BARCELONA)[1]
    text = f"{BARCELONA} I'd go with Kafka and exactly-once semantics. We skip idempotency."
    assert [text[a:b] for a, b in pieces(text)][:2] == [BARCELONA, "I'd go with Kafka and exactly-once semantics."]


def test_a_capitaliser_who_writes_an_opened_clause_is_not_split_before_i() -> None:
    """The rule is the aside writer's lower-case "i": a capitaliser's "When the queue backs up I page the owner" stays one
    sentence, as does a lower-case piece that never writes "i"."""
    for text in ("When the queue backs up and the consumers lag behind I page the owning team first.", "so when the queue backs up at night I page the owning team. We fixed it."):
        assert text[slice(*pieces(text)[0])].startswith(text.split(".")[0])


def test_words_of_substance_between_the_aside_and_the_capital_stay_with_the_answer(bank: Bank, context: OfflineContext) -> None:
    """The peel is widened to the capitalised word only over words that carry nothing: "honestly ttl matters most" carries
    substance to the word rules, so it stays the candidate's, and the aside ends where its reading turns."""
    question_id, answer = row("audit_holdout_c.jsonl", 78)
    question = bank.get(question_id)
    weighed = read_texts(question, f"{SPURS} honestly ttl matters most {answer}", context)[2]
    assert weighed.startswith("a touch gloomy honestly ttl matters most EXPLAIN ANALYZE")
