"""The offline grader's quality and behaviour: accuracy on labelled answers, guards, explanations."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from mock_interviewer.backends.offline import OfflineBackend
from mock_interviewer.bank import Bank
from mock_interviewer.calibration import CalibrationReport, load_labelled, run_calibration
from mock_interviewer.config import Settings
from mock_interviewer.grade_model import Grade
from mock_interviewer.grader import grade_answer

DATA = Path(__file__).parent / "data"



@pytest.fixture(scope="module")
def backend() -> OfflineBackend:
    return OfflineBackend()


@pytest.fixture(scope="module")
def calibrated(bank: Bank, backend: OfflineBackend) -> Callable[[str], CalibrationReport]:
    """A labelled set's calibration, graded once per module: three tests check each set (the grading is pure)."""
    reports: dict[str, CalibrationReport] = {}

    def report(name: str) -> CalibrationReport:
        if name not in reports:
            answers = load_labelled(DATA / name, bank)
            reports[name] = asyncio.run(run_calibration(backend, bank, Settings(), labelled=answers, exemplars=False))
        return reports[name]

    return report


def grade(backend: OfflineBackend, bank: Bank, question_id: str, answer: str) -> Grade:
    return asyncio.run(grade_answer(backend, bank.get(question_id), answer, Settings()))


TRAINING_SETS = [
    "labelled_dev.jsonl", "labelled_dev_offline.jsonl", "labelled_dev2.jsonl", "labelled_holdout.jsonl",
    "labelled_holdout2.jsonl", "labelled_holdout3.jsonl", "labelled_holdout4.jsonl", "labelled_holdout5.jsonl",
    "labelled_holdout6_spoken.jsonl", "audit_dev.jsonl", "audit_dev2.jsonl", "audit_holdout.jsonl",
    "audit_holdout_c.jsonl", "audit_holdout_d.jsonl",
]  # fmt: skip


@pytest.mark.parametrize("name", TRAINING_SETS)
def test_the_fit_holds_on_the_sets_it_was_fitted_on(name: str, calibrated: Callable[[str], CalibrationReport]) -> None:
    """Training accuracy: catches a model file out of step with the features.

    offline-v7 is fitted on every labelled and audit set in tests/data (measured 96.6-100% on each,
    one poor answer of audit_dev2 graded great). It says nothing about new answers: docs/offline.md
    has the cross-validated figures, each answer graded by models that saw neither its writer nor its question.
    """
    report = calibrated(name)
    assert report.labelled is not None
    assert report.labelled.ungraded == 0
    assert report.labelled.accuracy >= 0.94, f"{name}: accuracy {report.labelled.accuracy:.3f}"
    assert report.labelled.poor_graded_great <= (1 if name == "audit_dev2.jsonl" else 0)


@pytest.mark.parametrize(
    ("name", "minimum"), [("audit_holdout_e.jsonl", 0.94), ("audit_holdout_f.jsonl", 0.96), ("audit_holdout_g.jsonl", 0.96)]
)
def test_accuracy_on_the_newest_hold_outs(name: str, minimum: float, calibrated: Callable[[str], CalibrationReport]) -> None:
    """Each read once for a version: E for offline-v7 (168/177 = 94.9%), F for offline-v8 (173/177 = 97.7%),
    G for offline-v9 (170/177 = 96.0%), with no great graded poor and no poor graded great.

    Written by writers who saw only the questions and exemplars, never seen by the version they measured
    (docs/offline.md). Having been seen, each now guards against regressions and is no longer an unbiased
    measure (v8 was fitted on E; a later version may fit on F).
    """
    report = calibrated(name)
    assert report.labelled is not None
    assert report.labelled.ungraded == 0
    assert report.labelled.accuracy >= minimum, f"{name}: accuracy {report.labelled.accuracy:.3f}"
    assert report.labelled.poor_graded_great == 0
    assert report.labelled.confusion[0][2] == 0  # great graded poor (rows: expected great, mediocre, poor)


def test_every_exemplar_lands_in_its_own_tier_and_in_order(bank: Bank, backend: OfflineBackend) -> None:
    report = asyncio.run(run_calibration(backend, bank, Settings()))
    assert report.exemplars is not None
    assert report.exemplars.accuracy == 1.0
    assert report.exemplars.ordering_violations == []


def test_an_answer_to_another_question_is_poor(bank: Bank, backend: OfflineBackend) -> None:
    other = bank.get("engineer-04").exemplars.great  # database migrations, asked about mentoring
    result = grade(backend, bank, "engineer-15", other)
    assert result.tier == "poor"
    # not said until answers to other questions by other writers are audited: the missing points are said instead
    assert "different question" not in result.explanation
    assert result.gaps and all(gap.point in bank.get("engineer-15").key_points for gap in result.gaps)


def test_buzzword_soup_is_never_great_however_long(bank: Bank, backend: OfflineBackend) -> None:
    soup = (
        "Our observability journey is about leveraging a best-in-class, cloud-native, AI-driven platform that gives "
        "a single pane of glass across the ecosystem. We empower teams with actionable insights and a shift-left "
        "mindset, unlocking operational excellence at scale and delighting customers with world-class reliability. "
    )
    result = grade(backend, bank, "director-08", soup * 4)
    assert result.tier == "poor"


def test_repeating_an_answer_does_not_raise_its_grade(bank: Bank, backend: OfflineBackend) -> None:
    mediocre = (
        "We use Datadog for metrics and logs. Each service has a dashboard and we have alerts on error rate and "
        "latency that go to the on-call engineer. When incidents happen we use the logs to find the cause."
    )
    once = grade(backend, bank, "director-08", mediocre)
    thrice = grade(backend, bank, "director-08", " ".join([mediocre] * 3))
    assert once.tier == "mediocre"
    assert thrice.tier == once.tier


def test_a_short_excellent_answer_can_be_great(bank: Bank, backend: OfflineBackend) -> None:
    short = (
        "Token bucket per API key in Redis, refilled and decremented atomically in a Lua script so gateway nodes "
        "don't race. Limits tiered by plan and by endpoint cost. Over the limit: 429 with Retry-After and "
        "X-RateLimit headers. If Redis is down we fail open for reads but closed for expensive writes, because an "
        "outage of the limiter shouldn't become an outage of the API. We alert when a client sits at 80% of its limit."
    )
    assert grade(backend, bank, "technical-02", short).tier == "great"


def test_a_copy_of_an_exemplar_sits_at_its_anchor(bank: Bank, backend: OfflineBackend) -> None:
    question = bank.get("technical-05")
    for tier, score in (("great", 5), ("mediocre", 3), ("poor", 1)):
        result = grade(backend, bank, question.id, question.exemplars.get(tier))
        assert (result.tier, result.score) == (tier, score)
        assert f"own {tier} exemplar" in result.explanation


def test_the_explanation_says_estimate_and_names_what_is_missing(bank: Bank, backend: OfflineBackend) -> None:
    question = bank.get("director-01")
    result = grade(backend, bank, question.id, "We fix tech debt when it becomes a blocker; the business doesn't care.")
    assert result.estimate and result.backend == "offline"
    assert result.explanation.startswith("Offline estimate")
    assert "The great answer also " in result.explanation
    assert result.gaps[0].point in question.key_points
    assert result.gaps[0].point.rstrip(".")[1:] in result.explanation  # the missing point, in full
    assert "substance score" not in result.explanation and "from +" not in result.explanation  # no internals
    assert all(gap.why_it_matters for gap in result.gaps)
    assert result.strengths == [] or all(isinstance(s, str) for s in result.strengths)


def test_a_great_answer_gets_a_probe_to_practise_and_no_claimed_strengths(bank: Bank, backend: OfflineBackend) -> None:
    """No strength claim passed the claims audit (a wrong answer in the right words reads the same), so
    none is made; a great answer's feedback ends with the bank's probe for a point it has not shown."""
    answers = [json.loads(line) for line in (DATA / "labelled_dev.jsonl").read_text().splitlines()]
    great = next(a for a in answers if a["question_id"] == "technical-16" and a["label"] == "great")
    result = grade(backend, bank, "technical-16", great["answer"])
    assert result.tier == "great"
    assert result.strengths == [] and result.gaps == []
    probes = bank.get("technical-16").probes
    assert any(f"To go further, answer this: “{probe}”" in result.explanation for probe in probes)
    assert "cannot check whether what you say is correct" in result.explanation


def test_grades_do_not_depend_on_what_was_graded_before(bank: Bank) -> None:
    answer = "I'd run EXPLAIN ANALYZE on the slow query, add a composite index on the filter columns, and re-check."
    fresh = grade(OfflineBackend(), bank, "technical-16", answer)
    warm = OfflineBackend()
    for other in ("engineer-01", "technical-11"):
        grade(warm, bank, other, bank.get(other).exemplars.poor)
    assert grade(warm, bank, "technical-16", answer).model_dump() == fresh.model_dump()


def test_user_bank_questions_are_graded_too(bank: Bank, backend: OfflineBackend) -> None:
    question = bank.get("technical-09").model_copy(update={"id": "mine-01", "track": "mine", "probes": []})
    result = asyncio.run(grade_answer(backend, question, question.exemplars.mediocre + " Extra words.", Settings()))
    assert result.tier == "mediocre"


# Fresh answers, written for these tests (not in any labelled set): the kinds of poor answer that
# substance alone reads as mediocre, and the mediocre ones that must not be dragged down with them.

CONFIDENTLY_WRONG = (
    "Kafka gives you exactly-once processing out of the box, so consumers never need to be idempotent. We just use "
    "a single partition so ordering is always perfect, and if lag builds up we simply add more consumers to the group. "
    "Backpressure isn't really a concern with Kafka because it keeps everything on disk anyway."
)


def test_a_confidently_wrong_answer_in_the_right_words_is_poor(bank: Bank, backend: OfflineBackend) -> None:
    result = grade(backend, bank, "technical-15", CONFIDENTLY_WRONG)
    assert result.tier == "poor"
    assert "certainties" not in result.explanation and "worded like" not in result.explanation  # v3's unaudited words
    assert {claim.kind for claim in result.claims} <= {"misses_point", "no_first_person", "red_flag", "rejects_point",
                                                        "dismisses_practice", "states_misconception"}  # fmt: skip
    said = [claim.subject for claim in result.claims if claim.kind == "states_misconception"]  # two of the rubric's
    assert said == [
        "Kafka gives exactly-once end to end, so consumers need not be idempotent.",
        "A single partition for ordering, or more consumers than partitions.",
    ]


def test_a_reactive_habit_in_nice_words_is_poor(bank: Bank, backend: OfflineBackend) -> None:
    answer = (
        "I take a pragmatic, business-first view of technical debt. The team logs it in Jira, and an item gets picked "
        "up once it becomes a real blocker for a feature or starts causing incidents; otherwise it waits, because "
        "customers pay for features. Honestly, a fixed allocation every sprint is capacity we can't justify, so every "
        "few quarters we do a cleanup sprint and clear the worst of it."
    )
    assert grade(backend, bank, "director-01", answer).tier == "poor"


def test_handing_quality_to_qa_is_poor_and_says_what_is_missing_and_why(bank: Bank, backend: OfflineBackend) -> None:
    answer = (
        "Our QA team is really strong, they have a full regression suite, so I mostly check my changes by hand in "
        "Postman before pushing. Writing lots of unit tests basically slows delivery down, so I only add one when a bug "
        "comes back."
    )
    result = grade(backend, bank, "engineer-07", answer)
    assert result.tier == "poor"
    question = bank.get("engineer-07")
    assert result.gaps and all(gap.point in question.key_points for gap in result.gaps)
    # each gap says why it matters in the rubric's own authored words, never a generic sentence
    whys = {note.why for note in question.point_notes}
    assert all(gap.why_it_matters in whys for gap in result.gaps)
    assert "separates a great answer" not in " ".join(gap.why_it_matters for gap in result.gaps)
    assert all(claim.kind != "addresses_point" for claim in result.claims)


def test_a_terse_correct_list_stays_mediocre(bank: Bank, backend: OfflineBackend) -> None:
    answer = (
        "Kafka topics partitioned by a key such as the customer id, consumer groups that scale out, idempotent "
        "consumers keyed on the event id, a dead-letter topic for poison messages, and alerts on consumer lag."
    )
    assert grade(backend, bank, "technical-15", answer).tier == "mediocre"


def test_explanations_keep_internal_numbers_out(bank: Bank, backend: OfflineBackend) -> None:
    result = grade(backend, bank, "technical-15", CONFIDENTLY_WRONG)
    for internal in ("odds", "substance", "stance", "log-", "0."):
        assert internal not in result.explanation


@pytest.mark.parametrize(
    "name",
    [name for name in TRAINING_SETS if name != "audit_dev2.jsonl"],  # audit_dev2: one, as the fit test says
)
def test_never_grades_a_poor_answer_great(name: str, calibrated: Callable[[str], CalibrationReport]) -> None:
    """The one hard rule, on every labelled set: an estimate may be off by a tier, never from poor to great."""
    report = calibrated(name)
    assert report.labelled is not None
    assert report.labelled.poor_graded_great == 0
