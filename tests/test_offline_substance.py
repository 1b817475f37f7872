"""offline-v7: sentences that carry no substance are left out before grading, so they cannot move a grade
(issue 16 item 5: "We also had a team lunch on Fridays" moved 8 of 177 offline-v6 grades, all upward)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from mock_interviewer.backends.offline import OfflineBackend
from mock_interviewer.bank import Bank, load_bank
from mock_interviewer.config import Settings
from mock_interviewer.grader import grade_answer
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.grading import read
from mock_interviewer.offline.substance import pieces, substantive

DATA = Path(__file__).parent / "data"
# Not the sentences bench/tier_by_style.py measures with: a test of its own.
IRRELEVANT = (
    "We also had a team lunch on Fridays.",
    "My desk was by the window, which I liked.",
    "I usually drink two coffees before noon.",
)


def test_a_sentence_without_substance_is_cut_and_the_rest_read_exactly_as_written(bank: Bank, context: OfflineContext) -> None:
    question = bank.get("technical-09")
    own = context.material(question)
    answer = "We use cache-aside in Redis with a TTL per key.  Hit rate is on a dashboard!"
    assert substantive(answer, own, context.corpus) == answer  # nothing cut: not a character changed
    for sentence in IRRELEVANT:
        assert substantive(f"{answer} {sentence}", own, context.corpus) == answer
        assert substantive(f"{sentence} {answer}", own, context.corpus) == answer
    # lower-case run-on answers without full stops: the capitalised start of an added sentence splits it off
    run_on = "we put redis in front of the db with cache-aside and a ttl"
    assert substantive(f"{run_on} We also had a team lunch on Fridays.", own, context.corpus) == run_on
    assert [answer[a:b] for a, b in pieces(answer)] == ["We use cache-aside in Redis with a TTL per key.", "Hit rate is on a dashboard!"]


def test_sentences_that_carry_a_stance_or_a_detail_are_kept(bank: Bank, context: OfflineContext) -> None:
    question = bank.get("director-15")
    own = context.material(question)
    for sentence in ("Honestly, we just work the weekend.", "It took 3 weeks.", "I decided to cut the scope."):
        answer = f"We look at the data on every missed deadline. {sentence}"
        assert substantive(answer, own, context.corpus) == answer, sentence
    # offline-v10: ownership, reasoning, hedges and the like tie a sentence only beside a word of the question's, as
    # "I'd just got back from my honeymoon" has them too; what that costs: a bare "I decided to stop it." or "We didn't."
    # is not read
    answer = "We look at the data on every missed deadline."
    for bare in ("I decided to stop it.", "We didn't."):
        assert substantive(f"{answer} {bare}", own, context.corpus) == answer, bare


def test_an_answer_with_no_substance_at_all_is_read_whole(bank: Bank, context: OfflineContext) -> None:
    answer = "We also had a team lunch on Fridays. The office was nice."
    assert read(bank.get("technical-09"), answer, context).text == answer


def _grades(backend: OfflineBackend, bank: Bank, rows: list[dict], change: str = "", before: bool = False) -> list[tuple[str, int]]:
    async def run() -> list[tuple[str, int]]:
        out = []
        for row in rows:
            answer = row["answer"] if not change else f"{change} {row['answer']}" if before else f"{row['answer']} {change}"
            graded = await grade_answer(backend, bank.get(row["question_id"]), answer, Settings())
            out.append((graded.tier, graded.score))
        return out

    return asyncio.run(run())


@pytest.mark.parametrize("sentence", IRRELEVANT)
def test_an_irrelevant_sentence_moves_no_grade_of_hold_out_d(sentence: str, bank: Bank) -> None:
    """offline-v6 moved 8 of 177 hold-out B grades with the first of these sentences, and 4-6 of hold-out D's
    tiers with each of these; offline-v7 moves none of hold-out D's 90 (tier or score), appended or prepended.
    (Most of that is v7's tier model: without the cut it moves none of D's either, and 1 of hold-out C's for
    two of these sentences; the tests above hold the cut itself.)"""
    backend = OfflineBackend()
    rows = [json.loads(line) for line in (DATA / "audit_holdout_d.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    plain = _grades(backend, bank, rows)
    assert _grades(backend, bank, rows, sentence) == plain
    assert _grades(backend, bank, rows, sentence, before=True) == plain


def test_a_headcount_or_a_certainty_is_substance_only_beside_the_question_s_material(bank: Bank, context: OfflineContext) -> None:
    """offline-v8: "Our team had six people, and two of them had just joined…" was read (a number with a unit, and
    "just") and moved 16 of 10,930 v7 gradings of the audit sets; "team" and "people" do not tie it to a CI/CD question."""
    question = bank.get("director-07")
    own = context.material(question)
    answer = "We run the test suite on every pull request and deploy behind a feature flag."
    sentence = "Our team had six people, and two of them had just joined from another company."
    assert substantive(f"{answer} {sentence}", own, context.corpus) == answer
    assert substantive(f"{sentence} {answer}", own, context.corpus) == answer
    for kept in ("It took 3 weeks.", "We had six engineers on the deployment pipeline.", "We just deploy on Fridays."):
        assert substantive(f"{answer} {kept}", own, context.corpus) == f"{answer} {kept}", kept
    # offline-v10: everyday words are judged as written ("pipeline" is none, though v9 took it for one through the stem
    # it folds into), so a headcount beside it is read; beside only an everyday word of the notes it is not
    assert substantive(f"{answer} We had six people on the floor.", own, context.corpus) == answer


def test_everyday_words_spans_of_time_and_everyday_acronyms_tie_no_sentence(bank: Bank, context: OfflineContext) -> None:
    """offline-v9: an aside tied to a question only by an everyday word of its notes ("window" for a rate limiter),
    a span of time in words, an everyday acronym or a leading "Anyway," is cut; the question's own words still tie."""
    question = bank.get("technical-02")
    own = context.material(question)
    answer = "I'd use a token bucket per API key in Redis, with a sliding window for bursts."
    for aside in (
        "My desk was next to the window overlooking the river.",
        "Our VP had spent ten years at an airline in Dublin before that.",
        "Anyway, that's a long story.",
    ):
        assert substantive(f"{answer} {aside}", own, context.corpus) == answer, aside
        assert substantive(f"{aside} {answer}", own, context.corpus) == answer, aside
    kept = "Each client gets a burst allowance measured over a sliding window."
    assert substantive(f"{answer} {kept}", own, context.corpus) == f"{answer} {kept}"


def test_the_everyday_words_ship_with_the_package() -> None:
    from mock_interviewer.offline.substance import everyday

    words = everyday()
    assert len(words) > 2000 and {"window", "manag", "meet", "team", "scale"} <= words and "idempot" not in words
    assert "partit" not in words  # judged as written: "partition" folds into the stem of "scale", yet is no everyday word


def test_asides_written_by_another_hand_move_at_most_4_of_hold_out_d_s_5400_gradings() -> None:
    """offline-v10 and v11 with the 30 asides written for developing v9 (``irrelevant_dev.txt``: the office, the commute, a
    manager's dog, "this was a few years ago now"), each appended and prepended to hold-out D's 90 answers: 4 tiers
    of 5,400 gradings move, all from one sentence with "every single day" on two answers near a tier's edge. The
    measure on asides never developed on is in docs/offline.md; this guards the figure from sliding back."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("tier_by_style", Path(__file__).resolve().parent.parent / "bench" / "tier_by_style.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    data = Path(__file__).resolve().parent / "data"
    bank = load_bank()
    rows = [json.loads(t) for t in (data / "audit_holdout_d.jsonl").read_text(encoding="utf-8").splitlines() if t.strip()]
    items = [(bank.get(r["question_id"]), r["answer"]) for r in rows]
    graded = bench.grades(items)
    asides = [t.strip() for t in (data / "irrelevant_dev.txt").read_text(encoding="utf-8").splitlines() if t.strip()]
    context = OfflineContext.builtin()
    reads = [bench.read_text(context, q, a) for q, a in items]
    moved = read = 0
    for aside in asides:
        for where in ("append", "prepend"):
            tiers, _, anew, _ = bench.moved_by(items, graded, reads, aside, where, context)
            moved += tiers
            read += anew
    assert moved <= 4, moved
    assert read <= 420, read  # the aside is read (survives the cut) in 385 of the 5,400 gradings (offline-v14; v13: 457; v12: 956; v10 and v11: 979)


def test_a_decade_a_time_of_day_and_a_two_letter_stem_tie_no_sentence_alone(bank: Bank, context: OfflineContext) -> None:
    """offline-v11, from the asides that still moved v10's grades: "founded in the 1970s" was read as 1970 seconds,
    "the 7:12 train" as a number that ties a sentence alone, and "awful" folds into "aw", the stem of "AWS"."""
    from mock_interviewer.offline.signals import carries_named

    assert not carries_named("founded sometime in the 1970s") and not carries_named("back in the '90s")
    assert carries_named("a 30s timeout") and carries_named("p99 went to 2:30")  # seconds and times still count as detail
    answer = "We run the test suite on every pull request and deploy behind a feature flag."
    cicd = context.material(bank.get("director-07"))
    for aside in ("They were a mid-sized insurance company, founded sometime in the 1970s.", "At 2:30 we got paged."):
        assert substantive(f"{answer} {aside}", cicd, context.corpus) == answer, aside
        assert substantive(f"{aside} {answer}", cicd, context.corpus) == answer, aside
    for kept in ("At 2:30 the deploy failed.", "It took 3 weeks."):  # beside the question's words, or a number with a unit
        assert substantive(f"{answer} {kept}", cicd, context.corpus) == f"{answer} {kept}", kept
    streams = context.material(bank.get("technical-15"))
    answer = "We batch writes through Kafka with Avro and window aggregates in Flink."
    aside = "The coffee machine on our floor was legendary for being awful."
    assert substantive(f"{answer} {aside}", streams, context.corpus) == answer


def test_a_run_on_is_split_where_another_sentence_plainly_starts() -> None:
    """offline-v13: an answer written without full stops ran an added sentence into its own; a new sentence starts
    where a subject or a capitalised everyday word follows a word that does not carry the sentence on."""

    def split(text: str) -> list[str]:
        return [text[a:b] for a, b in pieces(text)]

    assert split("we did test a restore once and it worked i was commuting from Reading every day") == [
        "we did test a restore once and it worked",
        "i was commuting from Reading every day",
    ]
    assert split("we did test a restore once and it worked Anyway, that's a long story.") == [
        "we did test a restore once and it worked",
        "Anyway, that's a long story.",
    ]
    assert split("sorry my cat just walked across the keyboard we restore from the WAL archive") == [
        "sorry my cat just walked across the keyboard",
        "we restore from the WAL archive",
    ]
    # a subject after a conjunction, a relative or a verb of saying goes on in the same sentence
    for whole in (
        "we added retries so we could ride out the blips and then i wrote the runbook",
        "the reason that we moved was cost and my manager told me we had to cut it",
        "i think we should page on the error budget burn rate rather than on raw errors",
        "when something is slow i ssh into the box and restart the service",  # a clause opened by "when" goes on
        "if someone has a question they can just ask me or search the slack history",
        "each team owns some services and builds them however they like",
        "for a different representation, we use the Accept header with a media type",  # an article: "the Accept header"
    ):
        assert split(whole) == [whole]
    # a writer who capitalises keeps "the approach I took"; only a lower-case "i" is someone else's run on
    assert split("The approach I took was to add retries with jitter and a cap.") == ["The approach I took was to add retries with jitter and a cap."]
    assert split("We moved the service to Postgres and it worked i was new then") == ["We moved the service to Postgres and it worked", "i was new then"]
    assert split("it worked i was new") == ["it worked i was new"]  # under eight words: not taken for a run-on


def test_a_sentence_written_in_another_hand_than_the_answer_is_split_off() -> None:
    """offline-v14: a writer who starts sentences in lower case and writes "i" does not write "I" mid-sentence,
    and a writer who capitalises starts no sentence in lower case: such a word is another sentence run on, even after a
    word that would otherwise carry the sentence on ("telling me I was")."""

    def split(text: str) -> list[str]:
        return [text[a:b] for a, b in pieces(text)]

    lower = "when i act on feedback i say so publicly so people see it's worth telling me"
    assert split(f"{lower} I was commuting two hours each way at that point") == [lower, "I was commuting two hours each way at that point"]
    assert split(f"{lower} I'd bought a new bike for the commute") == [lower, "I'd bought a new bike for the commute"]
    capitalised = "Diagnose before fixing. Pull the last ten misses and sort them by cause. Then fix the biggest one."
    aside = "my manager then was mad about golf and kept a putter in the corner"
    assert split(f"{aside} {capitalised}")[:2] == [aside, "Diagnose before fixing."]
    # the capitalised sentence after it is that writer's, split as one: not before "we" ("which means we")
    kafka = "I'd go with Kafka and exactly-once semantics, which means we can skip idempotency downstream. Then we tune it. It holds."
    assert split(f"so, yeah, okay, we were all sat, like, along one long table by the window {kafka}")[1:] == [
        "I'd go with Kafka and exactly-once semantics, which means we can skip idempotency downstream.",
        "Then we tune it.",
        "It holds.",
    ]
    # each writer's own sentences as before: a proper noun after a verb in a writer who does not capitalise, "so I" in
    # one who writes "I", a capitalised writer's lower-case piece with a name after a preposition or an opened clause
    for whole in (
        "we looked at a few options and we picked Kafka because the team knew it",
        "the qa team is kind of there for that so I try to focus on getting the feature out",
    ):
        assert split(whole) == [whole]
    written = "We keep backups. then we moved the queue to Kafka and it held. when there is a problem I connect with ssh and look."
    assert split(written) == ["We keep backups.", "then we moved the queue to Kafka and it held.", "when there is a problem I connect with ssh and look."]


def test_an_aside_in_another_hand_is_cut_and_moves_no_grade(bank: Bank, context: OfflineContext) -> None:
    """Hold-out F's answer on estimates is written in capitalised sentences; an aside in lower case with no full stop
    put before it ran into its first sentence ("...a putter in the corner Diagnose before fixing.") and offline-v13
    graded the two great rather than mediocre (its label: great; the grade it has alone: mediocre)."""
    question = bank.get("director-15")
    answer = next(json.loads(t)["answer"] for t in (DATA / "audit_holdout_f.jsonl").read_text(encoding="utf-8").splitlines()[78:79])
    assert answer.startswith("Diagnose before fixing.")
    aside = "my manager then was mad about golf and kept a putter in the corner"
    assert read(question, f"{aside} {answer}", context).text == answer
    backend, settings = OfflineBackend(), Settings()
    alone = asyncio.run(grade_answer(backend, question, answer, settings))
    with_aside = asyncio.run(grade_answer(backend, question, f"{aside} {answer}", settings))
    assert (with_aside.tier, with_aside.score) == (alone.tier, alone.score) == ("mediocre", 3)


def test_an_aside_run_into_an_answer_written_without_full_stops_is_cut(bank: Bank, context: OfflineContext) -> None:
    """Before offline-v13 these asides, glued to hold-out F's lower-case answer on backups, were read as part of its
    one long sentence and moved its grade from mediocre to poor."""
    question = bank.get("technical-18")
    answer = next(json.loads(t)["answer"] for t in (DATA / "audit_holdout_f.jsonl").read_text(encoding="utf-8").splitlines()[25:26])
    assert answer.startswith("we have automated daily backups on rds") and "." not in answer
    own = context.material(question)
    for aside in (
        "sorry my cat just walked across the keyboard",
        "honestly the weather that whole autumn was miserable it rained basically every day",
        "Anyway, that's a long story.",
    ):
        assert substantive(f"{answer} {aside}", own, context.corpus) == answer, aside
    backend, settings = OfflineBackend(), Settings()
    alone = asyncio.run(grade_answer(backend, question, answer, settings))
    glued = asyncio.run(grade_answer(backend, question, f"{answer} sorry my cat just walked across the keyboard", settings))
    assert (glued.tier, glued.score) == (alone.tier, alone.score) == ("mediocre", 3)


def test_a_sentence_cut_from_inside_a_run_on_leaves_a_line_break_so_no_quote_joins_its_neighbours(bank: Bank, context: OfflineContext) -> None:
    """offline-v13: the two sides of a cut inside a run-on were joined by a space, and a claim quoted "…the slack history
    anyway writing docs…", words the candidate never wrote side by side. A line break keeps them apart."""
    own = context.material(bank.get("technical-18"))
    answer = "we keep daily backups on rds for seven days and it worked sorry my cat just walked across the keyboard we did test a restore once"
    assert substantive(answer, own, context.corpus) == "we keep daily backups on rds for seven days and it worked\nwe did test a restore once"
    punctuated = "We keep daily backups on RDS. My cat walked across the keyboard. We tested a restore once."
    assert substantive(punctuated, own, context.corpus) == "We keep daily backups on RDS. We tested a restore once."  # as written


def test_a_sentence_split_off_a_run_on_that_says_a_rubric_phrase_is_kept(bank: Bank, context: OfflineContext) -> None:
    """A red flag said in everyday words ("treat everyone exactly the same") shares too few words with the question to
    tie a sentence alone; split off its run-on it would have been cut, and the red flag with it. Said in an authored
    evidence phrase, it is kept (offline-v13); an aside split off the same run-on is still cut."""
    question = bank.get("director-14")
    own = context.material(question)
    answer = (
        "we just hire the strongest people from the best schools and whoever performs gets ahead "
        "i think if you start doing special programmes it kind of divides people so i keep it simple and treat everyone exactly the same"
    )
    assert [answer[a:b] for a, b in pieces(answer)][1].startswith("i think if you start")  # two sentences
    assert substantive(answer, own, context.corpus) != answer  # the words alone do not tie the second
    assert read(question, answer, context).text == answer  # the grader reads both: the second says a red flag's phrase
    aside = "sorry my cat just walked across the keyboard"
    assert read(question, f"{answer} {aside}", context).text == answer
