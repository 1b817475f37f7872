"""The conversation sent to the model stays within the context budget; the current question never shrinks."""

from __future__ import annotations

from mock_interviewer.backends.base import Turn
from mock_interviewer.bank import load_bank
from mock_interviewer.config import Settings
from mock_interviewer.context_budget import PastExchange, exchange_tokens, fit_exchange, fit_history
from mock_interviewer.interview.requests import build_ask_request, build_follow_up_request, grade_budget
from mock_interviewer.tokens import count_messages, count_tokens

MODEL = "gpt-4.1-mini"
BANK = load_bank()


def words(n: int, word: str = "velocity") -> str:
    return " ".join(f"{word}{i}" for i in range(n))


def test_a_short_exchange_is_sent_whole() -> None:
    turns = (Turn("interviewer", "How?"), Turn("candidate", "Like this."))
    assert fit_exchange(turns, 1000, MODEL) == turns


def test_older_answers_shrink_first_and_the_question_and_latest_answer_stay() -> None:
    question = Turn("interviewer", "How do you approach technical debt in your team's codebase?")
    turns = (
        question,
        Turn("candidate", words(900, "first")),
        Turn("interviewer", "How do you decide what to fix first?"),
        Turn("candidate", "By impact on velocity, reliability and security."),
    )
    fitted = fit_exchange(turns, 300, MODEL)
    assert exchange_tokens(fitted, MODEL) <= 300
    assert fitted[0] == question
    assert fitted[-1] == turns[-1]
    assert fitted[1].text.endswith("[…]") and fitted[1].text.startswith("first0 first1")
    assert fitted[2] == turns[2]


def test_middle_turns_are_dropped_with_a_marker_when_digests_are_not_enough() -> None:
    question = Turn("interviewer", "Tell me about a conflict you resolved.")
    middle = [Turn("interviewer" if i % 2 else "candidate", words(80, f"w{i}x")) for i in range(1, 9)]
    last = Turn("candidate", "The latest answer, kept whole.")
    fitted = fit_exchange((question, *middle, last), 200, MODEL)
    assert exchange_tokens(fitted, MODEL) <= 200
    assert fitted[0] == question and fitted[-1] == last
    assert "omitted to fit the context budget" in fitted[1].text


def test_a_huge_latest_answer_keeps_its_head_and_tail() -> None:
    question = Turn("interviewer", "How do you optimise database queries?")
    answer = "START " + words(3000, "middle") + " CONCLUSION"
    fitted = fit_exchange((question, Turn("candidate", answer)), 500, MODEL)
    assert fitted[0] == question
    assert exchange_tokens(fitted, MODEL) <= 520
    assert fitted[-1].text.startswith("START") and fitted[-1].text.endswith("CONCLUSION")
    assert "[…]" in fitted[-1].text


def test_history_keeps_the_newest_whole_summarises_older_and_omits_the_oldest() -> None:
    exchanges = [
        PastExchange(f"Question {i}", (Turn("interviewer", f"Question number {i}?"), Turn("candidate", words(150, f"a{i}x"))))
        for i in range(1, 9)
    ]
    whole = sum(count_tokens(e.render(), MODEL) for e in exchanges)
    fitted = fit_history(exchanges, 1000, MODEL)
    assert whole > 1000 >= fitted.tokens
    assert fitted.full >= 1 and fitted.summarised >= 1 and fitted.omitted >= 1
    assert fitted.full + fitted.summarised + fitted.omitted == 8
    assert "Question 8\n" in fitted.text and "a8x149" in fitted.text  # newest whole
    assert "(summarised)" in fitted.text
    assert fitted.text.startswith(f"({fitted.omitted} earlier question")
    assert "Question 1\n" not in fitted.text


def test_the_ask_request_fits_the_budget_and_always_holds_the_bank_question() -> None:
    settings = Settings(context_budget=1500)
    question = BANK.get("director-05")
    history = [
        PastExchange(f"Question {i}", (Turn("interviewer", f"Earlier question {i}?"), Turn("candidate", words(200, f"h{i}x"))))
        for i in range(1, 5)
    ]
    request = build_ask_request(question, index=4, total=5, track_title="Director", history=history, settings=settings)
    assert count_messages(request.messages, MODEL) <= 1500
    assert question.text in request.messages[-1].content
    assert "h4x199" in request.messages[-1].content  # the newest answer made it in
    assert "h1x199" not in request.messages[-1].content
    small = build_ask_request(question, index=4, total=5, track_title="Director", history=history, settings=Settings(context_budget=100_000))
    assert count_messages(small.messages, MODEL) > 1500  # without the budget it would not fit


def test_the_follow_up_request_never_trims_the_exemplar_or_key_points() -> None:
    settings = Settings(context_budget=2500)
    question = BANK.get("director-01")
    turns = [Turn("interviewer", question.text)]
    for i in range(6):
        turns += [Turn("candidate", words(500, f"f{i}x")), Turn("interviewer", f"Follow-up {i}?")]
    turns.append(Turn("candidate", "My final point."))
    request = build_follow_up_request(question, turns, 1, settings)
    text = request.messages[-1].content
    assert count_messages(request.messages, MODEL) <= 2500
    assert question.exemplars.great in text
    assert all(point in text for point in question.key_points)
    assert question.text in text and "My final point." in text
    assert request.task.exchange == tuple(turns)  # the structured task keeps everything


def test_the_grade_budget_leaves_room_after_the_rubric() -> None:
    settings = Settings(context_budget=4000)
    question = BANK.get("director-01")
    room = grade_budget(question, settings)
    assert 0 < room < 4000
    assert grade_budget(question, Settings(context_budget=8000)) == room + 4000
