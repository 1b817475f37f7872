"""What the offline grader says about an answer is true, or it is not said (issue: offline feedback that tells the truth).

One test per defect that was seen in offline-v3, each asserting on the grade JSON and, where the
defect was in what a candidate reads, on the rendered text. The answers are written for these
tests; none is in an audit set.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mock_interviewer.backends.base import Task, Turn
from mock_interviewer.backends.offline import OfflineBackend
from mock_interviewer.bank import Bank, load_bank
from mock_interviewer.config import Settings
from mock_interviewer.grade_model import Grade
from mock_interviewer.grader import grade_answer
from mock_interviewer.offline.context import OfflineContext
from mock_interviewer.offline.coverage import coverage
from mock_interviewer.offline.evidence import read_exchange
from mock_interviewer.offline.followups import decide_follow_up
from mock_interviewer.offline.probes import make_probes
from mock_interviewer.textmatch import find_phrase, tokens

DATA = Path(__file__).parent / "data"




def grade(bank: Bank, question_id: str, answer: str, exchange: tuple[Turn, ...] = ()) -> Grade:
    return asyncio.run(grade_answer(OfflineBackend(), bank.get(question_id), answer, Settings(), exchange=exchange))


def status(bank: Bank, context: OfflineContext, question_id: str, answer: str, point: int) -> str:
    question = bank.get(question_id)
    found = read_exchange(question, answer, coverage(question, answer, context.corpus))
    return found.points[point].status


def missing(grade: Grade) -> list[str]:
    return [claim.subject or "" for claim in grade.claims if claim.kind == "misses_point"]


# ---------------------------------------------------------------- 1. coverage: paraphrase, tools, negation, exchange


def test_a_paraphrase_of_a_key_point_counts_as_that_point(bank: Bank, context: OfflineContext) -> None:
    """'idempotency key' against 'idempotency tokens'; 'planning poker' said but listed as missing."""
    assert status(bank, context, "engineer-06", "Every write carries an idempotency key, so retries are safe.", 2) == "addressed"
    assert status(bank, context, "director-04", "We size work with planning poker and keep ranges.", 2) == "addressed"


def test_a_named_tool_is_evidence_for_the_point_it_serves(bank: Bank, context: OfflineContext) -> None:
    answer = "Schema changes are Flyway scripts in the repo, applied by the pipeline."
    assert status(bank, context, "technical-10", answer, 1) == "addressed"  # a versioned migration tool
    grade_json = grade(bank, "technical-10", answer)
    assert bank.get("technical-10").key_points[1] not in missing(grade_json)


def test_a_negated_practice_never_counts_for_it(bank: Bank, context: OfflineContext) -> None:
    """'we schedule downtime' counted for zero-downtime; 'staging never has realistic data' for staging tests."""
    assert status(bank, context, "technical-10", "We schedule downtime on Sunday nights and run the scripts.", 0) != "addressed"
    hits = find_phrase(tokens("We don't test in staging because staging never has realistic data."), "staging")
    assert hits and not any(hit.affirmed for hit in hits)
    assert [h.affirmed for h in find_phrase(tokens("We never skip code review."), "code review")] == [True]
    assert [h.affirmed for h in find_phrase(tokens("We use canaries instead of just deploying to everyone."), "deploying to everyone")] == [False]
    assert [h.affirmed for h in find_phrase(tokens("Not just unit tests: contract tests too."), "unit tests")] == [True]


def test_the_reply_to_a_follow_up_counts_for_the_question(bank: Bank) -> None:
    question = bank.get("technical-03")
    first = "I'd put the tasks on a queue and have workers pick them up."
    reply = "Handlers are idempotent: each task has an idempotency key, so a redelivery is harmless."
    exchange = (
        Turn("interviewer", question.text),
        Turn("candidate", first),
        Turn("interviewer", question.probes[4]),
        Turn("candidate", reply),
    )
    graded = grade(bank, "technical-03", f"{first}\n\n{reply}", exchange)
    assert question.key_points[4] not in missing(graded)


def test_a_non_english_answer_is_not_told_it_misses_the_points(bank: Bank) -> None:
    answer = (
        "Usaría una cola de mensajes como RabbitMQ o Kafka, con trabajadores que escalan horizontalmente, "
        "reintentos con espera exponencial y una cola de mensajes muertos para las tareas que fallan."
    )
    graded = grade(bank, "technical-03", answer)
    question = bank.get("technical-03")
    assert question.key_points[0] not in missing(graded)  # RabbitMQ and Kafka are there, in any language


# ---------------------------------------------------------------- 2. red flags


def test_a_red_flag_is_never_claimed_when_the_answer_says_the_opposite(bank: Bank) -> None:
    answer = (
        "We retry only idempotent operations, with exponential backoff and jitter, behind a circuit breaker; "
        "failed messages go to a dead letter queue. I would never just retry immediately in a loop."
    )
    graded = grade(bank, "engineer-06", answer)
    assert not [c for c in graded.claims if c.kind == "red_flag"]
    assert "red flag" not in graded.explanation


def test_a_red_flag_in_a_poor_answer_is_named_with_the_candidates_words(bank: Bank) -> None:
    answer = "We handle technical debt when it becomes a blocker, otherwise features come first."
    graded = grade(bank, "director-01", answer)
    flags = [c for c in graded.claims if c.kind == "red_flag"]
    assert graded.tier == "poor" and flags
    assert flags[0].subject == bank.get("director-01").red_flags[0]
    assert flags[0].quotes[0] in answer and f"“{flags[0].quotes[0]}”" in graded.explanation


def test_one_shared_common_word_is_not_a_red_flag(bank: Bank) -> None:
    answer = "I design the order service locally first, then develop the API with the team and review it."
    graded = grade(bank, "technical-04", answer)
    assert not [c for c in graded.claims if c.kind == "red_flag"]


# ---------------------------------------------------------------- 3. first person, certainty, buzzwords


@pytest.mark.parametrize(
    "answer",
    [
        "I use feature flags for risky changes and I implement the rollout in stages, watching error rates each time.",
        "I'd recommend a canary first, then a staged rollout; my rule is that every step has a rollback ready.",
        "id start with a canary and watch the error rate then roll out in stages with a rollback ready at each step",
    ],
)
def test_first_person_in_any_tense_is_never_told_to_say_what_you_did(bank: Bank, answer: str) -> None:
    graded = grade(bank, "director-07", answer)
    assert "no_first_person" not in {c.kind for c in graded.claims}
    assert all("Your own part" not in gap.point for gap in graded.gaps)


def test_an_answer_in_we_only_is_told_so_and_the_claim_is_true(bank: Bank) -> None:
    answer = (
        "We use feature flags for risky changes and we roll out in stages, watching the error rates at each step. "
        "The pipeline runs the tests, and a failed check blocks the merge until it is fixed by the team."
    )
    graded = grade(bank, "director-07", answer)
    assert "no_first_person" in {c.kind for c in graded.claims}
    assert not any(word in answer.lower().split() for word in ("i", "my", "me"))


def test_no_certainty_or_buzzword_sentences_are_made(bank: Bank) -> None:
    """'states things as certainties' fired on 'not just' and on correct rules; 'buzzwords' on two words."""
    answer = "Never return the stack trace to the client: not just for security, log it with a correlation ID instead."
    graded = grade(bank, "technical-06", answer)
    text = graded.explanation + " ".join(g.point for g in graded.gaps)
    assert "certaint" not in text and "buzzword" not in text


# ---------------------------------------------------------------- 4.-6. what the explanation says


def test_a_five_is_never_held_back_and_nothing_is_compared_with_a_global_mean(bank: Bank) -> None:
    great = bank.get("technical-02").exemplars.great.replace("I'd", "I would")
    graded = grade(bank, "technical-02", great)
    assert graded.tier == "great"
    assert "Held back" not in graded.explanation and "held back" not in graded.explanation
    assert "fewer concrete details" not in graded.explanation and "reads like the poor exemplar" not in graded.explanation


def test_why_it_matters_is_the_authored_reason_for_that_point(bank: Bank) -> None:
    answer = "We store each request with a timestamp in a Postgres table and count the last hour on every call."
    graded = grade(bank, "technical-02", answer)
    question = bank.get("technical-02")
    assert graded.tier == "poor" and graded.gaps
    for gap in graded.gaps:
        index = question.key_points.index(gap.point)
        assert gap.why_it_matters == question.point_notes[index].why
        assert "separates a great answer" not in gap.why_it_matters


def test_the_rendered_grade_says_what_the_offline_grader_cannot_check(cli: Callable[..., Any]) -> None:
    answer = "We store each request with a timestamp in a Postgres table and count the last hour on every call."
    result = cli("grade", "-q", "technical-02", "-a", answer, "--backend", "offline")
    assert result.exit_code == 0, result.stderr
    screen = " ".join(result.stdout.split())
    assert "cannot check whether what you say is correct" in screen
    assert "What to add" in screen and "Why it matters:" in screen
    assert "What you did well" not in screen  # no strength claim passed the audit
    assert "Nothing essential is missing" not in screen


# ---------------------------------------------------------------- 7. siblings and unrelated answers


def test_an_answer_to_a_sibling_question_is_not_a_different_question(bank: Bank) -> None:
    """director-01 and engineer-14 both ask about technical debt: answering one is answering the other."""
    assert "engineer-14" in bank.get("director-01").siblings and "director-01" in bank.get("engineer-14").siblings
    graded = grade(bank, "engineer-14", bank.get("director-01").exemplars.great)
    assert "off_topic" not in {c.kind for c in graded.claims}
    assert "different question" not in graded.explanation
    assert graded.tier != "poor"


def test_siblings_are_listed_both_ways_and_name_real_questions(bank: Bank) -> None:
    pairs = {(q.id, other) for q in bank.questions.values() for other in q.siblings}
    assert len(pairs) >= 34  # 17 or more topics shared across questions
    assert all((other, qid) in pairs and other in bank.questions for qid, other in pairs)


def test_an_answer_about_nothing_the_question_asks_is_poor(bank: Bank, context: OfflineContext) -> None:
    """Graded poor even when it resembles no bank question. The sentence saying so is not shipped yet (no
    audit of such answers by other writers): the grade says which key points are missing instead."""
    from mock_interviewer.offline.claims import SHIPPED
    from mock_interviewer.offline.grading import assess

    rows = [json.loads(line) for line in (DATA / "unrelated_answers.jsonl").read_text().splitlines() if line.strip()]
    for row in rows:
        question = bank.get(row["question_id"])
        assert assess(question, row["answer"], context).guard in ("unrelated", "off_topic"), row
        graded = grade(bank, row["question_id"], row["answer"])
        assert graded.tier == "poor", row
        assert {c.kind for c in graded.claims} <= SHIPPED and missing(graded), row


# ---------------------------------------------------------------- 8. follow-ups and probes


def test_a_follow_up_never_asks_for_what_the_candidate_just_said(bank: Bank, context: OfflineContext) -> None:
    question = bank.get("technical-02")
    answer = "A token bucket per API key in Redis, so short bursts pass but the average rate holds."
    task = Task(kind="follow_up", question=question, answer=answer, follow_ups_left=1)
    decision = decide_follow_up(task, context)
    assert decision.ask_follow_up
    assert decision.target != question.key_points[0]  # the token bucket point was just made
    assert decision.follow_up != question.probes[0]


def test_an_off_topic_answer_gets_a_redirect_to_the_question(bank: Bank, context: OfflineContext) -> None:
    question = bank.get("technical-02")
    answer = json.loads((DATA / "unrelated_answers.jsonl").read_text().splitlines()[0])["answer"]
    task = Task(kind="follow_up", question=question, answer=answer, follow_ups_left=1)
    decision = decide_follow_up(task, context)
    assert decision.ask_follow_up and question.text.strip() in decision.follow_up
    # the question again, and no claim about the answer: that reading is not audited on other writers' answers
    probes = make_probes(Task(kind="probe", question=question, answer=answer, count=2), context).probes
    said = " ".join([decision.follow_up, probes[0].question, probes[0].targets]).lower()
    assert probes[0].question == decision.follow_up
    assert "something else" not in said and "different question" not in said and "back to" not in said


def test_probes_for_an_answer_target_what_it_lacks_on_different_passages(bank: Bank, context: OfflineContext) -> None:
    question = bank.get("technical-02")
    weak = (
        "I'd keep a counter per user in Redis. When a request comes in we increment it. "
        "If it is over the limit we reject the call. The counters expire after a minute."
    )
    result = make_probes(Task(kind="probe", question=question, answer=weak, count=3), context)
    targets = [p.targets for p in result.probes]
    assert question.key_points[1] not in targets  # Redis counters with expiry: already said
    assert len({p.refers_to for p in result.probes if p.refers_to}) == len([p for p in result.probes if p.refers_to])
    strong = {note.strong_reply for note in question.point_notes}
    assert all(p.strong_reply in strong for p in result.probes if p.targets in question.key_points)
    assert not any(p.strong_reply.endswith("with a concrete example of what they did and why.") for p in result.probes)
    # each probe builds on what this candidate said, not on nothing
    assert all(p.refers_to.strip("…") in weak for p in result.probes if p.refers_to)
    assert any(p.refers_to for p in result.probes)


# ---------------------------------------------------------------- 9. the session summary


def test_the_summary_never_lists_a_habit_as_strength_and_practise_next(repo: Path) -> None:
    from mock_interviewer.session_store import load_session_file
    from mock_interviewer.summary import THEMES, summarise

    bank = load_bank()
    for path in sorted((repo / "transcripts" / "examples").glob("*.json")):
        summary = summarise(load_session_file(path), bank)
        strong = {s.split(" (")[0] for s in summary.strongest}
        advice = {t.name: t.advice for t in THEMES}
        assert not [item for item in summary.practice if any(item.what == advice.get(name) for name in strong)], path


def test_the_grade_json_carries_each_claim_with_the_candidates_words(cli: Callable[..., Any]) -> None:
    answer = "We handle technical debt when it becomes a blocker, otherwise features come first, and we ship."
    result = cli("grade", "-q", "director-01", "-a", answer, "--backend", "offline", "--json")
    assert result.exit_code == 0, result.stderr
    claims = result.json()["claims"]
    assert {claim["kind"] for claim in claims} >= {"red_flag", "misses_point"}
    flag = next(claim for claim in claims if claim["kind"] == "red_flag")
    assert flag["quotes"] and all(quote.strip("…") in answer for quote in flag["quotes"])
    assert flag["subject"] in load_bank().get("director-01").red_flags


# ---------------------------------------------------------------- great words used wrongly: never great on words alone

def _dev_answer(question_id: str, label: str, name: str = "audit_dev.jsonl") -> str:
    """An answer of the audit's dev sets (tuned on; the hold-outs are kept for measurement)."""
    rows = [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()]
    return next(r["answer"] for r in rows if r["question_id"] == question_id and r["label"] == label)


def test_an_answer_arguing_for_its_choices_at_every_turn_is_not_graded_great_and_is_told_why(
    bank: Bank, monkeypatch: pytest.MonkeyPatch
) -> None:
    argued = _dev_answer("director-04", "poor")  # the great exemplar's words, arguing for fixed-ratio estimates
    assert grade(bank, "director-04", argued).tier == "poor"  # offline-v7's tier model places it (v5-v6: the cap, at mediocre)
    # A strong answer that argues at every turn (4 "so" and a "because" in 146 words) is left great by v7-v9, whose
    # tier model is sure of it (under a 3% chance of poor); without that, the cap holds it at mediocre and says why.
    # (offline-v9's cut reads two sentences fewer of audit_dev's director-16 answer used here before: 2.8 reasons per
    # 100 words, under the cap's 3.)
    strong = _dev_answer("technical-10", "great", "audit_dev2.jsonl")
    assert grade(bank, "technical-10", strong).tier == "great"
    monkeypatch.setattr("mock_interviewer.offline.grading.ARGUED_POOR", 0.0)
    result = grade(bank, "technical-10", strong)
    assert (result.tier, result.score) == ("mediocre", 3)
    # what was counted, and only that: each word and how often it stands, the first in the candidate's words
    assert "It is graded no higher than mediocre: in 146 words it says “so” 4×, “because” 1×" in result.explanation
    assert "the offline grader cannot check whether the reasons an answer gives hold" in result.explanation
    quoted = result.explanation.split("(the first: “", 1)[1].split("”)", 1)[0].strip("…")
    assert quoted in strong  # the example is the candidate's own words


def test_a_strong_answer_that_gives_a_reason_now_and_then_is_still_graded_great(bank: Bank) -> None:
    result = grade(bank, "director-04", _dev_answer("director-04", "great"))
    assert result.tier == "great" and "graded no higher than mediocre" not in result.explanation


# ---------------------------------------------------------------- offline-v6: gaps and red flags of poor answers only


@pytest.fixture(scope="module")
def dev2_assessed(bank: Bank, context: OfflineContext) -> list[tuple[dict[str, Any], Any]]:
    """Each answer of audit_dev2 with its assessment (frozen), made once for the two tests below."""
    from mock_interviewer.offline.grading import assess

    rows = [json.loads(line) for line in (DATA / "audit_dev2.jsonl").read_text(encoding="utf-8").splitlines()]
    return [(row, assess(bank.get(row["question_id"]), row["answer"], context)) for row in rows]


def test_gaps_and_red_flags_are_said_only_of_answers_graded_poor(
    context: OfflineContext, dev2_assessed: list[tuple[dict[str, Any], Any]]
) -> None:
    """Readers found gaps true 86% and red flags 69% of the time on answers graded mediocre (v5): not said there."""
    from mock_interviewer.offline.explain import offline_verdict

    said: dict[str, int] = {"poor": 0, "mediocre": 0, "great": 0}
    for row, assessment in dev2_assessed:
        found = offline_verdict(assessment, row["answer"], context)
        said[assessment.tier] += sum(c.kind in ("misses_point", "red_flag") for c in found.claims)
        if assessment.tier != "poor":
            assert not found.gaps or all(g.point.startswith("Your own part") for g in found.gaps), row["answer"][:60]
    assert said["mediocre"] == 0 and said["great"] == 0
    assert said["poor"] > 100  # still said where readers agreed (99.4%)


def test_a_great_answer_is_asked_only_about_a_point_known_to_be_missing(
    bank: Bank, context: OfflineContext, dev2_assessed: list[tuple[dict[str, Any], Any]]
) -> None:
    from mock_interviewer.offline.coverage import importance
    from mock_interviewer.offline.explain import next_probe

    checked = 0
    for row, assessment in dev2_assessed:
        question = bank.get(row["question_id"])
        if assessment.tier != "great":
            continue
        probe = next_probe(assessment, importance(question, context.corpus))
        missing = {question.probes[f.index] for f in assessment.findings.missing if f.index < len(question.probes)}
        assert not probe or probe in missing or not question.probes, (row["question_id"], probe)
        checked += 1
    assert checked > 50


# ---------------------------------------------------------------- the rubric's misconceptions, said of poor answers

POINTS_TO_HOURS = "Story points convert directly into hours."  # director-04's misconception


def misconceptions(grade: Grade) -> list[Any]:
    return [c for c in grade.claims if c.kind == "states_misconception"]


def test_a_poor_answer_stating_a_misconception_is_told_so_in_its_own_words(bank: Bank) -> None:
    answer = (
        "We size each ticket in story points and then convert points to hours, one point equals a day, "
        "so the plan is just the sum. I give the business that number."
    )
    graded = grade(bank, "director-04", answer)
    said = misconceptions(graded)
    assert graded.tier == "poor" and len(said) == 1
    assert said[0].subject == POINTS_TO_HOURS
    quoted = said[0].quotes[0]
    assert "convert points to hours, one point equals a day" in quoted and quoted.strip("…") in answer
    sentence = f"You said “{quoted}”: that reads as a mistake strong answers avoid (Story points convert directly into hours)."
    assert said[0].text == sentence and sentence in graded.explanation


@pytest.mark.parametrize(
    ("answer", "tier"),
    [
        (  # argues against the misconception in its words
            "I estimate with the team, not for it. We break the work into small slices, size them together with planning "
            "poker so the people doing the work agree, and I use our historical velocity and cycle time to give a range "
            "with a confidence level rather than a single date. Product managers sometimes ask us to convert points to "
            "hours; I explain that points are relative size, and forecast from throughput instead. We revisit the forecast "
            "every sprint, call out risks and unknowns early, and spike anything we can't size.",
            "great",
        ),
        (
            "We estimate as a team with planning poker and look at our velocity from the last sprints. When product asks "
            "for a date I give a range, and I tell them one point equals about a day so they can plan. We re-estimate "
            "when scope changes.",
            "mediocre",
        ),
    ],
)
def test_a_misconception_is_not_said_of_an_answer_graded_great_or_mediocre(
    bank: Bank, context: OfflineContext, answer: str, tier: str
) -> None:
    from mock_interviewer.offline.grading import assess

    assert [m.flag for m in assess(bank.get("director-04"), answer, context).findings.claims_made] == [POINTS_TO_HOURS]
    graded = grade(bank, "director-04", answer)
    assert graded.tier == tier and not misconceptions(graded)
    assert "mistake strong answers avoid" not in graded.explanation


def test_a_misconception_is_said_only_at_poor_with_the_same_words(bank: Bank, context: OfflineContext) -> None:
    from mock_interviewer.offline.claims import misconception_claims

    answer = "We convert points to hours: one point equals a day, and we commit to the date that gives."
    question = bank.get("director-04")
    findings = read_exchange(question, answer, coverage(question, answer, context.corpus))
    assert [c.subject for c in misconception_claims(findings, "poor")] == [POINTS_TO_HOURS]
    assert misconception_claims(findings, "mediocre") == [] and misconception_claims(findings, "great") == []


def test_a_misconception_the_answer_turns_down_is_not_said(bank: Bank, context: OfflineContext) -> None:
    answer = "We never convert points to hours; one point is not a day. I size each ticket in story points and give the business that sum as the plan."
    graded = grade(bank, "director-04", answer)
    assert graded.tier == "poor" and not misconceptions(graded)
    assert "mistake strong answers avoid" not in graded.explanation


def test_a_sentence_a_red_flag_quotes_is_not_quoted_again_for_a_misconception(bank: Bank, context: OfflineContext) -> None:
    from mock_interviewer.offline.grading import assess

    answer = (
        "Our senior developer gives the hour estimate for each ticket. Then we convert points to hours for every ticket on "
        "the board, which the business likes because it is simple and everyone in the company understands it right away, "
        "and at the very end of all that we add a flat 20% buffer. That's the plan we give."
    )  # one long sentence: a quote of the red flag and one of the misconception would be cut from it differently
    assert [m.flag for m in assess(bank.get("director-04"), answer, context).findings.claims_made] == [POINTS_TO_HOURS]
    graded = grade(bank, "director-04", answer)
    flags = [c for c in graded.claims if c.kind == "red_flag"]
    assert graded.tier == "poor" and flags and "flat 20% buffer" in flags[0].quotes[0]
    assert not misconceptions(graded)
    assert graded.explanation.count("You said") == 1


def test_the_grade_json_carries_the_misconception_with_the_candidates_words(cli: Callable[..., Any]) -> None:
    answer = "We size each ticket in story points and then convert points to hours, one point equals a day, so the plan is just the sum."
    result = cli("grade", "-q", "director-04", "-a", answer, "--backend", "offline", "--json")
    assert result.exit_code == 0, result.stderr
    grade_json = result.json()
    said = [claim for claim in grade_json["claims"] if claim["kind"] == "states_misconception"]
    assert len(said) == 1 and said[0]["subject"] == POINTS_TO_HOURS
    assert said[0]["quotes"] and all(quote.strip("…") in answer for quote in said[0]["quotes"])
    assert said[0]["text"] in grade_json["explanation"]


@pytest.mark.parametrize(("question_id", "said"), [("director-06", "Metric I watch"), ("engineer-08", "My first goal is")])
def test_what_a_claim_says_of_the_whole_answer_is_checked_on_the_whole_answer(
    bank: Bank, context: OfflineContext, question_id: str, said: str
) -> None:
    """Hold-out G: two great answers were told "Nothing in it says what you yourself did or decided" (readers: false)
    because their one first-person sentence carries nothing the grader weighs, so it is cut before reading."""
    from mock_interviewer.offline.grading import read

    rows = [json.loads(t) for t in (DATA / "audit_holdout_g.jsonl").read_text(encoding="utf-8").splitlines()]
    answer = next(r["answer"] for r in rows if r["question_id"] == question_id and said in r["answer"])
    assert said not in read(bank.get(question_id), answer, context).text  # the grader does not read that sentence...
    result = grade(bank, question_id, answer)
    assert result.claims is not None and "no_first_person" not in {c.kind for c in result.claims}  # ...the claim is of the whole


def test_a_point_is_missing_only_if_the_whole_answer_misses_it(bank: Bank, context: OfflineContext) -> None:
    from mock_interviewer.offline.evidence import as_said_in_whole

    question = bank.get("technical-18")
    cut = "We take nightly backups."
    whole = f"{cut} Restores are drilled every week against the RTO."
    read_cut = read_exchange(question, cut, coverage(question, cut, context.corpus))
    read_whole = read_exchange(question, whole, coverage(question, whole, context.corpus))
    missing_cut = {p.index for p in read_cut.missing}
    missing_whole = {p.index for p in read_whole.missing}
    assert missing_cut - missing_whole  # the test means something: a point the cut text misses and the whole does not
    fixed = as_said_in_whole(read_cut, read_whole)
    assert {p.index for p in fixed.missing} == missing_cut & missing_whole
    assert fixed.word_count == read_cut.word_count and fixed.addressed == read_cut.addressed  # what grades is untouched


@pytest.mark.parametrize(
    ("question_id", "said", "turned_down", "subject"),
    [
        ("technical-05", "We keep prices in a float column, money as a float is simplest.",
         "We never store money as a float; prices are integer cents.", "Money can be stored as a floating-point number."),
        ("technical-07", "We encrypt the passwords with AES so support can read them back.",
         "We avoid reversible schemes: we never encrypt the passwords, we hash them with bcrypt.",
         "Passwords can be stored with reversible encryption or fast hashes such as MD5 or SHA."),
    ],
)
def test_the_misconceptions_added_for_offline_v12_are_said_when_affirmed_and_not_when_turned_down(
    bank: Bank, context: OfflineContext, question_id: str, said: str, turned_down: str, subject: str
) -> None:
    """offline-v12's rubric has 184 more misconceptions (374): readers judged all 3 they said on hold-out H true."""
    from mock_interviewer.offline.claims import misconception_claims

    question = bank.get(question_id)
    assert subject in [m.claim for m in question.misconceptions]
    affirmed = read_exchange(question, said, coverage(question, said, context.corpus))
    assert [c.subject for c in misconception_claims(affirmed, "poor")] == [subject]
    rejected = read_exchange(question, turned_down, coverage(question, turned_down, context.corpus))
    assert subject not in [c.subject for c in misconception_claims(rejected, "poor")]


def test_the_new_misconceptions_say_on_the_older_audit_sets_exactly_the_claims_a_reader_judged(
    bank: Bank, context: OfflineContext
) -> None:
    """offline-v12's added misconceptions are said 31 times on the older audit sets, all on answers labelled poor, and
    a reader judged all 31 true. One of those misconceptions said anywhere else in those sets (unjudged), or one of
    those claims no longer said or said in other words, fails here."""
    from mock_interviewer.offline.claims import misconception_claims
    from mock_interviewer.offline.grading import assess

    judged = [json.loads(line) for line in (DATA / "claims_judged_misconceptions_v12.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(judged) == 31 and all(j["verdict"] == "true" for j in judged)
    added = {j["subject"] for j in judged}
    said = []
    for name in sorted({j["set"] for j in judged}):
        for line, text in enumerate((DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines(), 1):
            row = json.loads(text)
            found = assess(bank.get(row["question_id"]), row["answer"], context)
            said += [(name, line, c.subject, c.text) for c in misconception_claims(found.findings, found.tier) if c.subject in added]
    assert sorted(said) == sorted((j["set"], j["line"], j["subject"], j["text"]) for j in judged)


def test_the_two_claims_offline_v13_quotes_in_fewer_words_were_judged_true_again(
    bank: Bank, context: OfflineContext
) -> None:
    """offline-v13 splits run-ons into sentences, and a quote is cut from its sentence: two claims on the audit sets now
    quote fewer words (ending where the split found a sentence's end). A second reader, who saw only the answers and
    these claims, judged both true (``claims_judged_requoted_v13.jsonl``, which keeps the words first judged)."""
    from mock_interviewer.offline.explain import offline_verdict
    from mock_interviewer.offline.grading import assess

    requoted = [json.loads(line) for line in (DATA / "claims_judged_requoted_v13.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(requoted) == 2 and all(j["verdict"] == "true" for j in requoted)
    for j in requoted:
        row = json.loads((DATA / f"{j['set']}.jsonl").read_text(encoding="utf-8").splitlines()[j["line"] - 1])
        found = assess(bank.get(row["question_id"]), row["answer"], context)
        claims = [c for c in offline_verdict(found, row["answer"], context).claims if c.kind == j["kind"] and c.subject == j["subject"]]
        assert [c.text for c in claims] == [j["text"]] and j["text"] != j["judged_before_as"]
        assert all(q.strip("…") in row["answer"] for q in claims[0].quotes)


def test_a_quote_never_runs_from_an_answer_into_its_follow_up(bank: Bank, context: OfflineContext) -> None:
    """An interview grades an answer and its follow-up answers together, joined by a blank line. Injected instructions were
    taken out by splitting the text into sentences and joining them with spaces, which also joined the two answers: a
    misconception was quoted as “we never look at query plans we would add more ram to the box”, words from two answers
    the candidate never wrote side by side. Line breaks now stay line breaks."""
    from mock_interviewer.offline.explain import offline_verdict
    from mock_interviewer.offline.grading import assess

    answer = "honestly we just add an index on every column so the queries are always fast we never look at query plans"
    follow_up = "we would add more ram to the box"
    exchange = f"{answer}\n\n{follow_up}"
    found = assess(bank.get("technical-16"), exchange, context)
    quotes = [q.strip("…") for c in offline_verdict(found, exchange, context).claims for q in c.quotes]
    assert any("more ram" in q for q in quotes)  # the misconception is still said, quoted from the follow-up alone
    assert quotes and all(q in answer or q in follow_up for q in quotes), quotes
