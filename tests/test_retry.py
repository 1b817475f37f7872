"""``/retry``: answering a question again in the interview loop (scripted backend and frontend).

Both attempts are in the session file, the retry is graded on its own words, its answer is on disk
before its grade is asked for, and its feedback is followed by what changed against the attempt before.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from interview_helpers import BANK, FakeClock, ScriptedFrontend, make_session, run, saved, verdict
from mock_interviewer.backends.scripted import ScriptedBackend
from mock_interviewer.grade_model import tier_for_score
from mock_interviewer.interview.frontend import QuestionInfo
from mock_interviewer.progress import build_report, questions_to_review
from mock_interviewer.session_store import AnswerAttempt, Session, SessionStore, SessionTurn
from progress_fixtures import saved_session

DEBT = BANK.get("director-01")
REGISTER, SPRINT, CASE = DEBT.key_points[2], DEBT.key_points[3], DEBT.key_points[4]
POOR, BETTER, SECOND = "We fix debt when we can.", "We keep a debt register, prioritised by impact.", "Two."


class RetryFrontend(ScriptedFrontend):
    """Also records each question's attempt number and what changed against the attempt before."""

    def question_start(self, info: QuestionInfo) -> None:
        super().question_start(info)
        self.events.append(("attempt", info.question.id, info.attempt))

    def attempt_change(self, position: int, question: Any, change: Any) -> None:
        self.events.append(("change", position, change))


def graded(tier: str, score: int, gaps: list[str], strengths: tuple[str, ...] = ()) -> dict[str, Any]:
    return verdict(tier, score) | {
        "gaps": [{"point": gap, "why_it_matters": "It matters."} for gap in gaps],
        "strengths": list(strengths) or ["Names a concrete practice"],
    }


def test_retry_answers_the_last_question_again_keeps_both_attempts_and_compares(tmp_path: Path) -> None:
    on_disk_when_graded: list[list[str]] = []

    def better_grade(request: Any) -> dict[str, Any]:
        record = saved(tmp_path)["records"][0]  # the retry's answer is on disk before its grade is asked for
        on_disk_when_graded.append([t["text"] for t in record["turns"] if t["kind"] == "answer"])
        return graded("mediocre", 3, [SPRINT, CASE])

    backend = ScriptedBackend(["First?", graded("poor", 1, [REGISTER, SPRINT]), "Second?", better_grade, verdict()])
    frontend = RetryFrontend([POOR, "/retry", BETTER, SECOND])
    _, summary = run(make_session(["director-01", "director-02"], follow_ups=0), backend, frontend, tmp_path)

    # the model was asked once per question (the retry asks it in the words first used), graded three times
    assert [r.task.kind for r in backend.requests] == ["ask", "grade", "ask", "grade", "grade"]
    retry_grade = backend.requests[3]
    assert retry_grade.task.answer == BETTER and POOR not in json.dumps([m.content for m in retry_grade.messages])
    assert on_disk_when_graded == [[BETTER]]

    record, second = saved(tmp_path)["records"]
    (earlier,) = record["earlier_attempts"]
    assert [(t["kind"], t["text"]) for t in earlier["turns"]] == [("question", "First?"), ("answer", POOR)]
    assert (earlier["grade"]["tier"], earlier["grade"]["score"]) == ("poor", 1)
    assert [(t["kind"], t["text"]) for t in record["turns"]] == [("question", "First?"), ("answer", BETTER)]
    assert (record["status"], record["grade"]["tier"], record["grade"]["score"]) == ("graded", "mediocre", 3)
    assert second["earlier_attempts"] == [] and second["status"] == "graded"

    events = frontend.events
    assert [e[1:] for e in events if e[0] == "attempt"] == [("director-01", 1), ("director-02", 1), ("director-01", 2),
                                                            ("director-02", 1)]
    assert ("repeat", "First?") in events and ("repeat", "Second?") in events  # shown again, then back to Q2
    (change,) = [e for e in events if e[0] == "change"]
    assert change[1] == 1 and change[2].previous_score == 1 and change[2].score == 3 and change[2].change == 2
    assert change[2].now_covered == [REGISTER] and change[2].still_missing == [SPRINT]
    assert change[2].newly_missing == [CASE]
    kinds = [e[0] for e in events]
    assert kinds.index("change") == kinds.index("feedback", kinds.index("feedback") + 1) + 1  # right after it
    assert summary is not None and [r.score for r in summary.results] == [3, 3]  # the summary takes the latest


def test_retry_is_refused_before_any_feedback_and_with_feedback_at_the_end(tmp_path: Path) -> None:
    frontend = RetryFrontend(["/retry", "One."])
    run(make_session(["director-01"], follow_ups=0), ScriptedBackend(["First?", verdict()]), frontend, tmp_path)
    assert ("notice", "dim", "No feedback yet: /retry answers a question again once it has its feedback.") in frontend.events
    assert saved(tmp_path)["records"][0]["earlier_attempts"] == []

    later = tmp_path / "end"
    later.mkdir()
    frontend = RetryFrontend(["One.", "/retry", "Two."])
    backend = ScriptedBackend(["First?", "Second?", verdict(), verdict()])
    run(make_session(["director-01", "director-02"], follow_ups=0, feedback="end"), backend, frontend, later)
    assert any(e[0] == "notice" and e[2].startswith("/retry answers a question again after its feedback: with "
                                                    "--feedback end") for e in frontend.events)
    assert [r["earlier_attempts"] for r in saved(later)["records"]] == [[], []]


def test_a_retry_skipped_before_any_answer_keeps_the_earlier_attempt(tmp_path: Path) -> None:
    backend = ScriptedBackend(["First?", graded("poor", 1, [REGISTER]), "Second?", verdict()])
    frontend = RetryFrontend([POOR, "/retry", "/skip", SECOND])
    _, summary = run(make_session(["director-01", "director-02"], follow_ups=0), backend, frontend, tmp_path)
    record = saved(tmp_path)["records"][0]
    assert record["earlier_attempts"] == [] and record["status"] == "graded" and record["grade"]["score"] == 1
    assert [t["text"] for t in record["turns"]] == ["First?", POOR]
    assert ("notice", "dim", "Skipped: your earlier answer and its grade stand.") in frontend.events
    assert summary is not None and summary.results[0].score == 1


def test_a_retry_left_with_quit_resumes_at_the_retried_question_then_goes_back(tmp_path: Path) -> None:
    backend = ScriptedBackend(["First?", graded("poor", 1, [REGISTER]), "Second?"])
    frontend = RetryFrontend([POOR, "/retry", "/quit"])
    _, summary = run(make_session(["director-01", "director-02"], follow_ups=0), backend, frontend, tmp_path)
    assert summary is None
    record = saved(tmp_path)["records"][0]
    assert record["status"] == "asked" and len(record["earlier_attempts"]) == 1 and record["grade"] is None

    frontend = RetryFrontend([BETTER, SECOND])
    backend = ScriptedBackend([graded("mediocre", 3, []), verdict()])
    run(SessionStore(tmp_path).load("20250101-120000-abcd"), backend, frontend, tmp_path)
    assert [r.task.kind for r in backend.requests] == ["grade", "grade"]
    assert frontend.events[1:3] == [("question", "director-01", None, True), ("attempt", "director-01", 2)]
    assert "recap" not in frontend.kinds() and ("repeat", "First?") in frontend.events
    assert [e[0] for e in frontend.events].count("change") == 1
    record = saved(tmp_path)["records"][0]
    assert [a["grade"]["score"] for a in record["earlier_attempts"]] == [1] and record["grade"]["score"] == 3


CACHE_POOR = "I would add a cache."
CACHE_BETTER = (
    "I'd put Redis in front of the database for hot reads with a TTL, cache-aside: on a miss load from the DB and set "
    "it with a TTL. Writes go to the DB, then delete the key. For hot keys we use request coalescing to avoid a "
    "thundering herd, we monitor hit rate and latency, and we shard with consistent hashing."
)


def test_retry_in_a_piped_offline_interview_shows_the_question_again_and_the_change(cli: Callable[..., Any],
                                                                                     tmp_path: Path) -> None:
    stdin = f"{CACHE_POOR}\n.\n/help\n/retry\n{CACHE_BETTER}\n.\n/skip\n"
    result = cli("interview", "--backend", "offline", "-q", "technical-09", "-q", "technical-02", "--follow-ups", "0",
                 "--transcripts-dir", str(tmp_path), stdin=stdin)
    assert result.exit_code == 0, result.stderr
    (path,) = tmp_path.glob("*.json")
    record = json.loads(path.read_text())["records"][0]
    (earlier,) = record["earlier_attempts"]
    assert [t["text"] for t in earlier["turns"] if t["kind"] == "answer"] == [CACHE_POOR]
    assert [t["text"] for t in record["turns"] if t["kind"] == "answer"] == [CACHE_BETTER]
    before, after = earlier["grade"]["score"], record["grade"]["score"]
    assert after > before
    out = " ".join(result.stdout.split())
    assert "/retry after feedback: answer the last question again; both attempts are kept and compared" in out
    assert "Question 1 of 2 · technical-09 · technical · attempt 2" in out
    assert f"Against the attempt before: {before}/5 → {after}/5 (+{after - before})" in out
    assert out.index("attempt 2") < out.index("Against the attempt before") < out.rindex("Question 2 of 2")

    shown = cli("sessions", "show", path.stem, "--transcripts-dir", str(tmp_path))
    text = " ".join(shown.stdout.split())
    assert text.index("Attempt 1 of 2") < text.index("Delivery: 5 words") < text.index("Attempt 2 of 2")
    assert text.index("Attempt 2 of 2") < text.index(f"Delivery: {len(CACHE_BETTER.split())} words")
    markdown = cli("sessions", "show", path.stem, "--markdown", "--transcripts-dir", str(tmp_path)).stdout
    assert markdown.index("### Attempt 1 of 2") < markdown.index("*Delivery: 5 words") < markdown.index("### Attempt 2")


# ---------------------------------------------------------------- every attempt in sessions show and progress


def retried_session(directory: Path, scores: dict[str, list[int]], when: datetime) -> Session:
    """A saved session where each question was answered ``len(scores)`` times (/retry), with these scores."""
    session = saved_session(directory, when, [(q, found[-1]) for q, found in scores.items()])
    for record in session.records:
        latest = record.latest()
        for number, score in enumerate(scores[record.question_id][:-1]):
            at = when - timedelta(minutes=10 - number)
            turns = [SessionTurn(speaker="interviewer", kind="question", text="The question.", at=at),
                     SessionTurn(speaker="candidate", kind="answer", text=f"Attempt {number + 1}, worth {score}.", at=at)]
            grade = latest.grade.model_copy(update={"score": score, "tier": tier_for_score(score)})
            record.earlier_attempts.append(AnswerAttempt(turns=turns, grade=grade))
    SessionStore(directory).save(session)
    return session


def test_progress_counts_every_attempt_and_review_schedules_by_them(tmp_path: Path, bank: Any) -> None:
    when = datetime(2026, 10, 1, 9, 0, tzinfo=timezone.utc)
    retried_session(tmp_path, {"technical-01": [1, 4], "technical-02": [4, 5], "technical-03": [3]}, when)
    report = build_report(SessionStore(tmp_path).list(), bank, now=when + timedelta(days=20), transcripts_dir=tmp_path)
    scores = {q.question_id: [a.score for a in q.attempts] for q in report.questions}
    assert scores == {"technical-01": [1, 4], "technical-02": [4, 5], "technical-03": [3]}
    assert report.attempts == 5 and report.sessions == 1 and report.timeline[0].graded == 5
    assert set(report.improved) == {"technical-01", "technical-02"}
    by_id = {q.question_id: q for q in report.questions}
    latest = when + timedelta(minutes=3 + 2)  # technical-02's retry, answered at saved_session's second slot
    assert by_id["technical-02"].due == latest + timedelta(days=28)  # 5 after a 4 in the same session: 14 × 2
    assert by_id["technical-01"].due == when + timedelta(minutes=2) + timedelta(days=7)
    order = questions_to_review(report, bank, "technical", when + timedelta(days=20))
    assert [q for q, _ in order][:2] == ["technical-03", "technical-01"]  # due; technical-02 waits 28 days
    assert [q for q, _ in order].index("technical-02") > [q for q, _ in order].index("technical-04")


def test_progress_question_lists_attempts_within_one_session(cli: Callable[..., Any], tmp_path: Path) -> None:
    when = datetime(2026, 10, 1, 9, 0, tzinfo=timezone.utc)
    session = retried_session(tmp_path, {"technical-01": [2, 4]}, when)
    data = cli("progress", "--transcripts-dir", str(tmp_path), "--question", "technical-01", "--json").json()
    assert [(a["session_id"], a["score"], a["answer"]) for a in data["attempts"]] == [
        (session.id, 2, "Attempt 1, worth 2."), (session.id, 4, "An answer worth 4.")]
    assert data["attempts"][1]["against_previous"]["change"] == 2


def test_sessions_show_lists_every_attempt_with_its_grade(cli: Callable[..., Any], tmp_path: Path) -> None:
    when = datetime(2026, 10, 1, 9, 0, tzinfo=timezone.utc)
    session = retried_session(tmp_path, {"technical-01": [1, 2, 4], "technical-02": [3]}, when)
    shown = cli("sessions", "show", session.id, "--transcripts-dir", str(tmp_path))
    assert shown.exit_code == 0, shown.stderr
    text = " ".join(shown.stdout.split())
    first = text.index("Attempt 1 of 3")
    assert first < text.index("Attempt 1, worth 1.") < text.index("Grade: Poor 1/5") < text.index("Attempt 2 of 3")
    assert text.index("Attempt 2 of 3") < text.index("Grade: Poor 2/5") < text.index("Attempt 3 of 3")
    assert text.index("Attempt 3 of 3") < text.index("An answer worth 4.") < text.index("Grade: Great 4/5")
    assert text.count("Attempt ") == 3 + 2  # the three headings, and the two earlier answers' own words
    assert text.index("Question 2 · technical-02") > text.index("Grade: Great 4/5")

    markdown = cli("sessions", "show", session.id, "--markdown", "--transcripts-dir", str(tmp_path)).stdout
    one = markdown[markdown.index("## 1. technical-01"):markdown.index("## 2. technical-02")]
    assert [line for line in one.splitlines() if line.startswith("###")] == [
        "### Attempt 1 of 3", "### Attempt 2 of 3", "### Attempt 3 of 3"]
    assert one.index("> Attempt 1, worth 1.") < one.index("**Grade: Poor, 1/5**") < one.index("### Attempt 2 of 3")
    assert one.index("### Attempt 3 of 3") < one.index("> An answer worth 4.") < one.index("**Grade: Great, 4/5**")
    two = markdown[markdown.index("## 2. technical-02"):]
    assert "### Attempt" not in two and "**Grade: Mediocre, 3/5**" in two


# ---------------------------------------------------------------- the last question, before the summary


class LastFrontend(RetryFrontend):
    def great(self, question: Any) -> None:
        self.events.append(("great", question.id))


def test_the_last_question_can_be_answered_again_before_the_summary(tmp_path: Path) -> None:
    backend = ScriptedBackend(["First?", graded("poor", 1, [REGISTER, SPRINT]), graded("great", 5, [])])
    frontend = LastFrontend([POOR, "/retry", BETTER, "/great", "/summary"])
    _, summary = run(make_session(["director-01"], follow_ups=0), backend, frontend, tmp_path)
    assert [e[1:] for e in frontend.events if e[0] == "before_summary"] == [(1, "retry"), (1, "great"), (1, "summary")]
    assert ("great", "director-01") in frontend.events and ("repeat", "First?") in frontend.events
    (change,) = [e[2] for e in frontend.events if e[0] == "change"]
    assert (change.previous_score, change.score) == (1, 5)
    record = saved(tmp_path)["records"][0]
    assert [t["text"] for t in record["earlier_attempts"][0]["turns"]] == ["First?", POOR]
    assert [t["text"] for t in record["turns"]] == ["First?", BETTER] and record["grade"]["score"] == 5
    assert summary is not None and summary.results[0].score == 5 and frontend.kinds()[-1] == "summary"


def test_nothing_is_offered_before_the_summary_when_the_last_question_has_no_feedback(tmp_path: Path) -> None:
    frontend = LastFrontend(["One.", "/skip", "/retry"])  # the last question skipped: no feedback to retry after
    run(make_session(["director-01", "director-02"], follow_ups=0), ScriptedBackend(["First?", verdict(), "Second?"]),
        frontend, tmp_path)
    assert "before_summary" not in frontend.kinds() and list(frontend.replies) == ["/retry"]


def test_the_terminal_asks_before_the_summary_only_when_someone_can_answer() -> None:
    import asyncio
    import io

    from rich.console import Console

    from mock_interviewer.terminal import LineReader, TerminalFrontend

    def choose(stdin: str, *, interactive: bool) -> tuple[str, str, str]:
        console = Console(width=80, record=True, color_system=None, file=io.StringIO())
        stream = io.StringIO(stdin)
        front = TerminalFrontend(console, LineReader(stream, interactive=interactive))
        choice = asyncio.run(front.before_summary(2, BANK.get("director-01")))
        return choice, " ".join(console.export_text().split()), stream.read()

    assert choose("/retry\nnext\n", interactive=False) == ("summary", "", "/retry\nnext\n")  # piped: nothing read
    choice, shown, left = choose("hello\n/retry\nnext\n", interactive=True)
    assert (choice, left) == ("retry", "next\n")
    assert "Enter: the summary · /retry: answer question 2 again · /great: its great answer" in shown
    assert "hello: press Enter for the summary, or type /retry or /great." in shown
    assert choose("\n/great\n", interactive=True)[0] == "summary"
    assert choose("", interactive=True)[0] == "summary"


def test_nothing_is_offered_before_the_summary_once_the_time_is_up(tmp_path: Path) -> None:
    clock = FakeClock()

    def slow_answer(request: Any) -> str:
        clock.now += 121  # past the two-minute box
        return POOR

    frontend = LastFrontend([slow_answer, "/retry"])
    run(make_session(["director-01"], follow_ups=0, minutes=2), ScriptedBackend(["First?", verdict()]), frontend,
        tmp_path, clock=clock)
    assert "before_summary" not in frontend.kinds() and list(frontend.replies) == ["/retry"]
