"""The interview loop without a terminal: a scripted backend and a scripted frontend."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from interview_helpers import BANK, FakeClock, ScriptedFrontend, make_session, run, saved, verdict
from mock_interviewer.backends.scripted import ScriptedBackend
from mock_interviewer.bank import Bank
from mock_interviewer.config import Settings
from mock_interviewer.errors import InputError, ServiceError
from mock_interviewer.interview.answers import leaks_exemplar
from mock_interviewer.interview.frontend import AnswerRequest
from mock_interviewer.interview.loop import Interview
from mock_interviewer.interview.plan import new_session, resolve_minutes, select_questions
from mock_interviewer.session_store import SessionStore, SessionTurn


def decision(follow_up: str = "", target: str = "") -> dict[str, Any]:
    return {"missing": [target] if target else [], "target": target, "ask_follow_up": bool(follow_up), "follow_up": follow_up}


# ---------------------------------------------------------------- planning


def test_questions_mix_categories_and_follow_the_seed() -> None:
    chosen = select_questions(BANK, "director", 4, seed=11)
    assert [q.category for q in chosen] == ["technical", "behavioral", "technical", "behavioral"]
    assert len({q.id for q in chosen}) == 4
    assert [q.id for q in select_questions(BANK, "director", 4, seed=11)] == [q.id for q in chosen]
    others = {tuple(q.id for q in select_questions(BANK, "director", 4, seed=s)) for s in range(2, 8)}
    assert len(others) > 1


@pytest.mark.parametrize(
    ("track", "count", "message"),
    [
        ("director", 0, "--questions 0: ask for at least 1 question"),
        ("director", 21, "--questions 21: track 'director' has only 20 questions"),
        ("nonsense", 2, "unknown track 'nonsense'"),
    ],
)
def test_bad_plans_are_input_errors(track: str, count: int, message: str) -> None:
    with pytest.raises(InputError, match=message):
        select_questions(BANK, track, count, seed=1)


def test_time_box_defaults_to_the_track_limit() -> None:
    assert resolve_minutes(None, BANK.track("director")) == 22
    assert resolve_minutes(None, BANK.track("engineer")) is None
    assert resolve_minutes(0, BANK.track("director")) is None
    assert resolve_minutes(7.5, BANK.track("engineer")) == 7.5
    with pytest.raises(InputError, match="--minutes -1"):
        resolve_minutes(-1, BANK.track("director"))


def test_new_session_records_the_seed_it_used() -> None:
    session = new_session(BANK, track="engineer", questions=3, minutes=None, follow_ups=2, feedback="end", seed=None)
    assert session.options.seed is not None
    again = select_questions(BANK, "engineer", 3, session.options.seed)
    assert [r.question_id for r in session.records] == [q.id for q in again]
    with pytest.raises(InputError, match="--feedback 'later'"):
        new_session(BANK, track="engineer", questions=3, minutes=None, follow_ups=1, feedback="later", seed=1)


# ---------------------------------------------------------------- the loop


def test_a_full_exchange_asks_follows_up_grades_and_saves_every_answer(tmp_path: Path) -> None:
    q1, q2 = BANK.get("director-01"), BANK.get("director-11")
    backend = ScriptedBackend(
        [
            "Let's begin. How do you approach technical debt in your team's codebase?",
            decision("How do you decide which debt to pay down first?", target=q1.key_points[2]),
            verdict("mediocre", 3),
            "Thanks. Next: " + q2.text,
            decision(),
            verdict("great", 5),
        ]
    )
    frontend = ScriptedFrontend(
        [
            "We keep a list of debt.\n\nWe fix it in sprints.",
            "By impact on velocity and on incidents.",
            "I mentor people every week with clear goals.",
        ]
    )
    _, summary = run(make_session([q1.id, q2.id]), backend, frontend, tmp_path)

    kinds = [r.task.kind for r in backend.requests]
    assert kinds == ["ask", "follow_up", "grade", "ask", "follow_up", "grade"]
    ask = backend.requests[0]
    assert ask.output is None and q1.text in ask.messages[-1].content
    assert backend.requests[1].output is not None and backend.requests[1].output.__name__ == "FollowUpDecision"
    grade_request = backend.requests[2]
    assert "We keep a list of debt." in grade_request.messages[-1].content
    assert "By impact on velocity" in grade_request.messages[-1].content
    assert "How do you decide which debt" in grade_request.messages[-1].content
    # the second question's request carries the first exchange as context
    assert "We keep a list of debt." in backend.requests[3].messages[-1].content

    data = saved(tmp_path)
    assert data["status"] == "completed"
    first, second = data["records"]
    assert [(t["speaker"], t["kind"]) for t in first["turns"]] == [
        ("interviewer", "question"),
        ("candidate", "answer"),
        ("interviewer", "follow_up"),
        ("candidate", "answer"),
    ]
    assert first["turns"][1]["text"] == "We keep a list of debt.\n\nWe fix it in sprints."
    assert first["status"] == "graded" and first["grade"]["tier"] == "mediocre" and first["follow_ups_asked"] == 1
    assert second["grade"]["tier"] == "great" and second["follow_ups_asked"] == 0
    assert ("feedback", 1, "graded", "mediocre") in frontend.events
    assert frontend.kinds().index("feedback") < frontend.kinds().index("question", 1)
    assert summary is not None and summary.average_score == 4.0
    assert frontend.requests[1].follow_up and not frontend.requests[0].follow_up


def test_the_session_file_is_written_after_each_answer(tmp_path: Path) -> None:
    """Each reply is read only after the previous answer is on disk."""
    seen: list[list[str]] = []

    def answer(text: str) -> Callable[[AnswerRequest], str]:
        def reply(_: AnswerRequest) -> str:
            path = tmp_path / "20250101-120000-abcd.json"
            turns = json.loads(path.read_text())["records"][0]["turns"]
            seen.append([t["text"] for t in turns if t["speaker"] == "candidate"])
            return text

        return reply

    backend = ScriptedBackend(["Q?", decision("Tell me more?"), verdict()])
    run(make_session(["director-01"]), backend, ScriptedFrontend([answer("first"), answer("second")]), tmp_path)
    assert seen == [[], ["first"]]
    assert [t["text"] for t in saved(tmp_path)["records"][0]["turns"] if t["speaker"] == "candidate"] == ["first", "second"]


def test_commands_repeat_help_and_empty_answers_cost_no_model_call(tmp_path: Path) -> None:
    backend = ScriptedBackend(["Phrased question?", verdict()])
    frontend = ScriptedFrontend(["/repeat", "/help", "   \n  ", "My answer."])
    run(make_session(["director-01"], follow_ups=0), backend, frontend, tmp_path)
    assert ("repeat", "Phrased question?") in frontend.events
    assert ("help",) in frontend.events
    warnings = [e for e in frontend.events if e[0] == "notice" and e[1] == "warning"]
    assert len(warnings) == 1 and "empty answer" in warnings[0][2]
    assert [r.task.kind for r in backend.requests] == ["ask", "grade"]
    answers = [t for t in saved(tmp_path)["records"][0]["turns"] if t["kind"] == "answer"]
    assert [t["text"] for t in answers] == ["My answer."]


def test_skip_a_question_then_skip_a_follow_up(tmp_path: Path) -> None:
    backend = ScriptedBackend(["First?", "Second?", decision("And how would you measure it?"), verdict("poor", 2)])
    frontend = ScriptedFrontend(["/skip", "We use linters.", "/skip"])
    _, summary = run(make_session(["director-01", "director-02"]), backend, frontend, tmp_path)
    data = saved(tmp_path)
    assert data["records"][0]["status"] == "skipped" and data["records"][0]["grade"] is None
    second = data["records"][1]
    assert second["status"] == "graded"
    grade_request = backend.requests[-1]
    assert grade_request.task.kind == "grade"
    # the skipped follow-up is not part of what is graded
    assert "And how would you measure it?" not in grade_request.messages[-1].content
    assert [r.status for r in summary.results] == ["skipped", "graded"]


def test_quit_saves_and_resume_continues_with_the_same_question(tmp_path: Path) -> None:
    backend = ScriptedBackend(["First?"])
    session = make_session(["director-01", "director-02"], follow_ups=0)
    _, summary = run(session, backend, ScriptedFrontend(["/quit"]), tmp_path)
    assert summary is None
    data = saved(tmp_path)
    assert data["status"] == "quit" and data["records"][0]["status"] == "asked"

    session = SessionStore(tmp_path).load("20250101-120000-abcd")
    backend = ScriptedBackend([verdict(), "Second?", verdict("great", 5)])
    frontend = ScriptedFrontend(["Answer one.", "Answer two."])
    _, summary = run(session, backend, frontend, tmp_path)
    assert frontend.events[0][0] == "notice" and "Resuming session" in frontend.events[0][2]
    assert ("question", "director-01", None, True) in frontend.events
    assert ("repeat", "First?") in frontend.events  # the question is put again, not re-generated
    assert [r.task.kind for r in backend.requests] == ["grade", "ask", "grade"]
    assert saved(tmp_path)["status"] == "completed"
    assert summary is not None and summary.graded == 2


def test_resume_after_an_answer_continues_with_the_next_step(tmp_path: Path) -> None:
    """The state SIGKILL leaves right after an answer: saved answer, no decision yet."""
    session = make_session(["director-01"], follow_ups=1)
    record = session.records[0]
    record.status = "asked"
    record.turns = [
        SessionTurn(speaker="interviewer", kind="question", text="How do you approach technical debt?"),
        SessionTurn(speaker="candidate", kind="answer", text="We track it and fix it."),
    ]
    SessionStore(tmp_path).save(session)
    backend = ScriptedBackend([decision("How do you choose what to fix first?"), verdict()])
    frontend = ScriptedFrontend(["By impact."])
    run(SessionStore(tmp_path).load(session.id), backend, frontend, tmp_path)
    assert [r.task.kind for r in backend.requests] == ["follow_up", "grade"]
    assert backend.requests[0].task.answer == "We track it and fix it."
    assert frontend.events[1][0] == "question"
    assert not any(e[0] == "repeat" for e in frontend.events)  # the candidate spoke last: nothing to repeat


def test_a_follow_up_that_quotes_the_exemplar_is_replaced_by_the_bank_probe(tmp_path: Path) -> None:
    question = BANK.get("director-01")
    leaky = "Do you maintain a living document of technical debt items, prioritizing them based on their impact?"
    assert leaks_exemplar(leaky, question)
    assert not leaks_exemplar("How do you decide what to fix first?", question)
    backend = ScriptedBackend(["Q?", decision(leaky, target=question.key_points[2]), verdict()])
    frontend = ScriptedFrontend(["An answer.", "A second answer."])
    run(make_session([question.id]), backend, frontend, tmp_path)
    said = [e[1] for e in frontend.events if e[0] == "say"]
    assert leaky not in said
    assert said[1] == question.probes[2]


def test_a_follow_up_decision_that_fails_does_not_stop_the_session(tmp_path: Path) -> None:
    backend = ScriptedBackend(["Q?", "not json", "still not json", verdict()])
    frontend = ScriptedFrontend(["An answer."])
    _, summary = run(make_session(["director-01"]), backend, frontend, tmp_path)
    assert [r.task.kind for r in backend.requests] == ["ask", "follow_up", "follow_up", "grade"]
    notes = [e for e in frontend.events if e[0] == "notice"]
    assert notes and "No follow-up" in notes[0][2]
    assert summary is not None and summary.results[0].status == "graded"


def test_an_ungradable_answer_is_saved_ungraded_and_retried_on_resume(tmp_path: Path) -> None:
    backend = ScriptedBackend(["Q?", "{}", "{}"])
    _, summary = run(make_session(["director-01"], follow_ups=0), backend, ScriptedFrontend(["An answer."]), tmp_path)
    record = saved(tmp_path)["records"][0]
    assert record["status"] == "ungraded" and record["grade"]["tier"] is None
    assert "did not match the expected format" in record["grade"]["reason"]
    assert summary is not None and summary.results[0].status == "ungraded"
    assert saved(tmp_path)["status"] == "completed"

    backend = ScriptedBackend([verdict("great", 5)])
    frontend = ScriptedFrontend([])
    _, summary = run(SessionStore(tmp_path).load("20250101-120000-abcd"), backend, frontend, tmp_path)
    assert [r.task.kind for r in backend.requests] == ["grade"]
    assert saved(tmp_path)["records"][0]["grade"]["tier"] == "great"
    assert summary is not None and summary.results[0].tier == "great"


def test_a_service_failure_saves_and_the_session_resumes(tmp_path: Path) -> None:
    backend = ScriptedBackend(["Q?", ServiceError("the model service is unreachable")])
    with pytest.raises(ServiceError, match="unreachable"):
        run(make_session(["director-01"], follow_ups=0), backend, ScriptedFrontend(["My saved answer."]), tmp_path)
    data = saved(tmp_path)
    assert data["status"] == "in_progress"
    assert data["records"][0]["status"] == "answered"
    assert data["records"][0]["turns"][1]["text"] == "My saved answer."

    backend = ScriptedBackend([verdict()])
    run(SessionStore(tmp_path).load("20250101-120000-abcd"), backend, ScriptedFrontend([]), tmp_path)
    assert [r.task.kind for r in backend.requests] == ["grade"]
    assert saved(tmp_path)["records"][0]["status"] == "graded"


def by_kind(**queues: list[Any]) -> list[Callable[[Any], Any]]:
    """Replies chosen by task kind: background grading makes the order of requests across kinds free."""
    pending = {kind: deque(items) for kind, items in queues.items()}
    total = sum(len(items) for items in queues.values())
    return [lambda request: pending[request.task.kind].popleft() for _ in range(total)]


def test_feedback_end_keeps_quiet_until_the_end(tmp_path: Path) -> None:
    backend = ScriptedBackend(by_kind(ask=["One?", "Two?"], grade=[verdict("poor", 1), verdict("great", 5)]))
    frontend = ScriptedFrontend(["a", "b"])
    run(make_session(["director-01", "director-11"], follow_ups=0, feedback="end"), backend, frontend, tmp_path)
    kinds = frontend.kinds()
    last_read = max(i for i, k in enumerate(kinds) if k == "read")
    feedback = [i for i, k in enumerate(kinds) if k == "feedback"]
    assert len(feedback) == 2 and min(feedback) > last_read
    assert kinds[-1] == "summary"
    assert [r["status"] for r in saved(tmp_path)["records"]] == ["graded", "graded"]


def test_when_time_runs_out_the_answer_is_graded_and_the_interview_wraps_up(tmp_path: Path) -> None:
    clock = FakeClock()

    def slow_answer(request: AnswerRequest) -> str:
        assert request.time_left() == 120
        clock.now += 121  # the candidate talks past the limit
        assert request.time_left() == 0
        return "A long answer."

    backend = ScriptedBackend(["One?", verdict()])  # no follow-up request, no second question
    frontend = ScriptedFrontend([slow_answer])
    _, summary = run(make_session(["director-01", "director-02"], minutes=2), backend, frontend, tmp_path, clock=clock)
    assert frontend.events[0] == ("question", "director-01", 120.0, False)
    assert [r.task.kind for r in backend.requests] == ["ask", "grade"]
    assert any(e[0] == "notice" and "Time is up" in e[2] for e in frontend.events)
    data = saved(tmp_path)
    assert data["status"] == "timed_out"
    assert data["elapsed_seconds"] == pytest.approx(121, abs=0.2)
    assert [r.status for r in summary.results] == ["graded", "not_reached"]


def test_elapsed_time_carries_over_a_resume(tmp_path: Path) -> None:
    session = make_session(["director-01"], minutes=10, follow_ups=0)
    session.elapsed_seconds = 300
    seen: list[float | None] = []
    frontend = ScriptedFrontend([lambda r: seen.append(r.time_left()) or "answer"])  # type: ignore[func-returns-value]
    run(session, ScriptedBackend(["Q?", verdict()]), frontend, tmp_path, clock=FakeClock())
    assert seen == [300]


def test_an_empty_phrasing_falls_back_to_the_bank_question(tmp_path: Path) -> None:
    backend = ScriptedBackend(["   ", verdict()])
    frontend = ScriptedFrontend(["answer"])
    run(make_session(["director-01"], follow_ups=0), backend, frontend, tmp_path)
    assert saved(tmp_path)["records"][0]["turns"][0]["text"] == "How do you approach technical debt in your team's codebase?"


def test_a_question_cut_off_at_the_length_limit_is_marked_saved_and_marked_again_on_resume(tmp_path: Path) -> None:
    from mock_interviewer.backends.base import ModelReply

    backend = ScriptedBackend([ModelReply(text="Tell me how your team would", model="m", finish_reason="length")])
    frontend = ScriptedFrontend(["/quit"])
    run(make_session(["director-01"], follow_ups=0), backend, frontend, tmp_path)
    notices = [e for e in frontend.events if e[0] == "notice"]
    bank_words = "How do you approach technical debt in your team's codebase?"
    assert notices == [("notice", "dim", "(the model's question was cut off at its length limit; "
                                         f"the bank's question is: {bank_words})")]
    assert frontend.kinds().index("say") < frontend.kinds().index("notice") < frontend.kinds().index("read")
    asked = saved(tmp_path)["records"][0]["turns"][0]
    assert asked["text"] == "Tell me how your team would" and asked["cut_off"] is True

    frontend = ScriptedFrontend(["Answer."])
    run(SessionStore(tmp_path).load("20250101-120000-abcd"), ScriptedBackend([verdict()]), frontend, tmp_path)
    repeat = frontend.events.index(("repeat", "Tell me how your team would"))
    assert frontend.events[repeat + 1] == notices[0]


def test_a_finished_question_is_not_marked(tmp_path: Path) -> None:
    from mock_interviewer.backends.base import ModelReply

    backend = ScriptedBackend([ModelReply(text="Tell me about debt.", model="m", finish_reason="stop"), verdict()])
    frontend = ScriptedFrontend(["answer"])
    run(make_session(["director-01"], follow_ups=0), backend, frontend, tmp_path)
    assert not [e for e in frontend.events if e[0] == "notice"]
    assert "cut_off" not in saved(tmp_path)["records"][0]["turns"][0]


def test_a_session_whose_questions_are_missing_from_the_bank_is_refused(tmp_path: Path) -> None:
    session = make_session(["director-01"])
    session.records[0].question_id = "mine-01"
    with pytest.raises(InputError, match=r"'mine-01' is not in the loaded banks .*--bank"):
        Interview(session, bank=Bank(), backend=ScriptedBackend(), settings=Settings(), store=SessionStore(tmp_path), frontend=ScriptedFrontend([]))


def test_the_interviewer_request_never_carries_exemplars(tmp_path: Path) -> None:
    question = BANK.get("director-01")
    backend = ScriptedBackend(["Q?", verdict()])
    run(make_session([question.id], follow_ups=0), backend, ScriptedFrontend(["answer"]), tmp_path)
    ask = "\n".join(m.content for m in backend.requests[0].messages)
    for tier in ("great", "mediocre", "poor"):
        assert question.exemplars.get(tier)[:60] not in ask
    follow = ScriptedBackend(["Q?", decision(), verdict()])
    run(make_session([question.id]), follow, ScriptedFrontend(["answer"]), tmp_path)
    follow_text = "\n".join(m.content for m in follow.requests[1].messages)
    assert question.exemplars.great in follow_text  # the decision needs it, and is told never to reveal it
    assert follow.requests[1].messages[0].content == follow.requests[1].messages[0].content.strip()


# ---------------------------------------------------------------- resume shows what was said; feedback at the end


def test_resume_shows_the_earlier_answer_before_asking_the_open_follow_up(tmp_path: Path) -> None:
    """--resume put the open follow-up without the candidate's earlier answer to the question."""
    session = make_session(["director-01"], follow_ups=1)
    record = session.records[0]
    record.status = "asked"
    record.turns = [
        SessionTurn(speaker="interviewer", kind="question", text="How do you approach technical debt?"),
        SessionTurn(speaker="candidate", kind="answer", text="We track it and fix it."),
        SessionTurn(speaker="interviewer", kind="follow_up", text="How do you choose what to fix first?"),
    ]
    record.follow_ups_asked = 1
    SessionStore(tmp_path).save(session)
    frontend = ScriptedFrontend(["By impact."])
    run(SessionStore(tmp_path).load(session.id), ScriptedBackend([verdict()]), frontend, tmp_path)
    kinds = frontend.kinds()
    assert kinds.index("recap") < kinds.index("repeat") < kinds.index("read")
    recap = next(e for e in frontend.events if e[0] == "recap")
    assert recap[1] == [
        ("interviewer", "question", "How do you approach technical debt?"),
        ("candidate", "answer", "We track it and fix it."),
    ]
    assert ("repeat", "How do you choose what to fix first?") in frontend.events


def test_resume_after_an_answer_recaps_it(tmp_path: Path) -> None:
    session = make_session(["director-01"], follow_ups=0)
    record = session.records[0]
    record.status = "asked"
    record.turns = [
        SessionTurn(speaker="interviewer", kind="question", text="How do you approach technical debt?"),
        SessionTurn(speaker="candidate", kind="answer", text="We track it and fix it."),
    ]
    SessionStore(tmp_path).save(session)
    frontend = ScriptedFrontend([])
    run(SessionStore(tmp_path).load(session.id), ScriptedBackend([verdict()]), frontend, tmp_path)
    recap = next(e for e in frontend.events if e[0] == "recap")
    assert recap[1][-1] == ("candidate", "answer", "We track it and fix it.")


def test_a_question_not_yet_answered_is_not_recapped(tmp_path: Path) -> None:
    session = make_session(["director-01"], follow_ups=0)
    session.records[0].status = "asked"
    session.records[0].turns = [SessionTurn(speaker="interviewer", kind="question", text="First?")]
    frontend = ScriptedFrontend(["An answer."])
    run(session, ScriptedBackend([verdict()]), frontend, tmp_path)
    assert "recap" not in frontend.kinds() and ("repeat", "First?") in frontend.events


def test_feedback_end_hands_every_grade_to_the_frontend_at_once_before_the_summary(tmp_path: Path) -> None:
    backend = ScriptedBackend(by_kind(ask=["One?", "Two?"], grade=[verdict("poor", 1), verdict("great", 5)]))
    frontend = ScriptedFrontend(["a", "b"])
    run(make_session(["director-01", "director-11"], follow_ups=0, feedback="end"), backend, frontend, tmp_path)
    assert ("feedback_at_end", [1, 2]) in frontend.events
    assert frontend.kinds()[-4:] == ["feedback_at_end", "feedback", "feedback", "summary"]
