"""Delivery: words, speaking time, fillers and hedges with their spans; the audit keeps them honest."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from mock_interviewer.delivery import delivery_of, find_all


def labels(text: str) -> list[tuple[str, str]]:
    return [(f.label, text[f.start:f.end]) for f in find_all(text)]


def test_fillers_and_hedges_are_found_with_their_spans() -> None:
    text = "Um, so we, like, cached it. I guess, you know, it was kind of slow. Uh, I mean, it worked."
    assert labels(text) == [
        ("um / uh", "Um"), ("like", "like"), ("I guess", "I guess"), ("you know", "you know"),
        ("sort of / kind of", "kind of"), ("um / uh", "Uh"), ("I mean", "I mean"),
    ]


@pytest.mark.parametrize("text", [
    "I like Redis for this.", "It looks like a cache problem.", "I would like to add an index.",
    "We need not just caching but invalidation.", "We shipped it just in time.",
    "What kind of system is it?", "How stale can each kind of data be?", "That sort of problem needs a queue.",
    "Do you know how the cache warms up?", "You know what matters here: latency.",
    'I said, like, "in the last three designs we missed the date".', "It is almost never where I guess it is.",
    "The API is basically the product.", "A bad release can literally trip a feeder.",
])
def test_words_that_are_not_fillers_here_are_not_counted(text: str) -> None:
    assert find_all(text) == []


def test_words_and_speaking_time() -> None:
    delivery = delivery_of("one two three " * 70)  # 210 words at 140 a minute
    assert (delivery.words, delivery.speaking_seconds) == (210, 90)
    assert delivery_of("").per_hundred_words() == 0.0
    assert delivery_of("Um, we cached it, um, in Redis.").per_hundred_words() == pytest.approx(28.6)


def test_the_audit_holds_at_95_percent_with_nothing_unjudged(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("delivery_audit", repo / "bench" / "delivery_audit.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main() == 0
    out = capsys.readouterr().out
    assert "unjudged detections: 0" in out
    audit = [line.split() for line in out.splitlines() if line.startswith("audit")]
    found, agreed = int(audit[-1][2]), int(audit[-1][3])
    assert found >= 20 and agreed / found >= 0.95
    independent = [line.split() for line in out.splitlines() if line.startswith("independent")]
    found, agreed = int(independent[-1][2]), int(independent[-1][3])
    assert found >= 100 and agreed / found >= 0.95


def test_progress_question_names_the_fillers_and_hedges_under_an_answer() -> None:
    """``progress --question`` says them since the independent audit (129 of 131); nothing when none is found."""
    from mock_interviewer.render.history import delivery_line

    line = delivery_line(delivery_of("Um, we cached it, sort of, in Redis. Um, with a TTL.")).plain
    assert line == "12 words · about 5 s spoken · Fillers: “um” 2×; hedges: “sort of” 1×."
    assert delivery_line(delivery_of("We cached it in Redis with a TTL.")).plain == "8 words · about 3 s spoken"
