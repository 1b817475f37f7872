"""grade --samples K (issue 14): an answer graded K times, exemplars in rotated order; a split tier is borderline."""

from __future__ import annotations

import re
from typing import Any

import httpx

from mock_interviewer.grade_model import Grade, Usage
from mock_interviewer.sampling import combine
from openai_fakes import chat_response, sent_json, verdict_json

ANSWER = "I would add a composite index on the filtered columns and check the plan with EXPLAIN ANALYZE."
HEADINGS = re.compile(r"^(GREAT|MEDIOCRE|POOR) exemplar \(score \d\):$", re.M)


def first_exemplar(request: httpx.Request) -> str:
    user = sent_json(request)["messages"][-1]["content"]
    return HEADINGS.findall(user)[0]


class PositionBiased:
    """A model that grades great whenever the great exemplar comes first, mediocre otherwise."""

    def __init__(self) -> None:
        self.orders: list[list[str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.orders.append(HEADINGS.findall(sent_json(request)["messages"][-1]["content"]))
        if first_exemplar(request) == "GREAT":
            return chat_response(verdict_json("great", 4))
        return chat_response(verdict_json("mediocre", 3))


def test_three_samples_rotate_the_exemplars_and_a_split_tier_is_borderline(cli: Any, chat_api: Any) -> None:
    model = PositionBiased()
    chat_api.side_effect = model
    result = cli("grade", "--question", "technical-02", "--answer", ANSWER, "--samples", "3", "--json")
    assert result.exit_code == 0, result.stderr
    assert model.orders == [["GREAT", "MEDIOCRE", "POOR"], ["MEDIOCRE", "POOR", "GREAT"], ["POOR", "GREAT", "MEDIOCRE"]]
    data = result.json()
    assert data["samples"] == ["great", "mediocre", "mediocre"]
    assert (data["tier"], data["score"]) == ("mediocre", 3)  # the median score
    assert data["borderline"] == {"tiers": ["mediocre", "great"], "basis": "samples", "margin": None}
    assert data["usage"]["requests"] == 3 and data["usage"]["prompt_tokens"] == 3 * 1200


def test_the_view_says_which_tiers_the_samples_gave(cli: Any, chat_api: Any) -> None:
    chat_api.side_effect = PositionBiased()
    result = cli("grade", "--question", "technical-02", "--answer", ANSWER, "--samples", "3")
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "Borderline: between mediocre and great (3 samples, exemplars in rotated order, gave great, mediocre, mediocre)" in text


def test_unanimous_samples_are_not_borderline(cli: Any, chat_api: Any) -> None:
    chat_api.side_effect = lambda request: chat_response(verdict_json("great", 5))
    result = cli("grade", "--question", "technical-02", "--answer", ANSWER, "--samples", "2", "--json")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert data["samples"] == ["great", "great"] and "borderline" not in data
    assert len(chat_api.calls) == 2


def test_one_sample_sends_the_prompt_as_before_and_saves_no_samples(cli: Any, chat_api: Any) -> None:
    chat_api.side_effect = [chat_response(verdict_json("mediocre", 3))]
    data = cli("grade", "--question", "technical-02", "--answer", ANSWER, "--json").json()
    assert "samples" not in data and "borderline" not in data
    assert first_exemplar(chat_api.calls[0].request) == "GREAT"


def test_the_offline_grader_is_graded_once_and_says_why(cli: Any) -> None:
    result = cli("grade", "--backend", "offline", "--question", "technical-02", "--answer", ANSWER, "--samples", "3", "--json")
    assert result.exit_code == 0, result.stderr
    assert "--samples: the offline grader gives the same grade every time; graded once" in result.stderr
    assert "samples" not in result.json()


def _grade(tier: str | None, score: int | None, tokens: int = 100) -> Grade:
    usage = Usage(prompt_tokens=tokens, completion_tokens=10)
    if tier is None:
        return Grade.ungraded("q", "the reply stayed invalid", backend="openai", model="m", usage=usage)
    return Grade(question_id="q", tier=tier, score=score, backend="openai", model="m", usage=usage)


def test_combine_counts_every_request_and_skips_ungraded_samples() -> None:
    combined = combine([_grade(None, None), _grade("poor", 2), _grade("great", 4), _grade("poor", 1)])
    assert (combined.tier, combined.score) == ("poor", 2)
    assert combined.samples == ["poor", "great", "poor"]
    assert combined.borderline is not None and combined.borderline.tiers == ["poor", "great"]
    assert combined.usage == Usage(prompt_tokens=400, completion_tokens=40, requests=4)


def test_combine_of_only_ungraded_samples_is_ungraded_with_every_request_counted() -> None:
    combined = combine([_grade(None, None), _grade(None, None)])
    assert combined.status == "ungraded" and combined.usage is not None and combined.usage.requests == 2
