"""``interview --job-description FILE``: questions picked for a job by a relevance score, each with why."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mock_interviewer.errors import InputError
from mock_interviewer.jobfit import rank_for_job

RATE_LIMITS = "We need someone to build rate limiting for our public API, per API key, backed by Redis."


def test_the_most_relevant_question_comes_first_with_the_words_that_made_it(bank: Any) -> None:
    picks = rank_for_job(bank, RATE_LIMITS, track=None, count=3)
    assert picks[0].question_id == "technical-02"  # "Explain how you would design a rate-limiting system…"
    assert {"rate", "limiting", "redis", "api"} <= set(picks[0].matched)
    assert picks[0].why.startswith("the description says “")
    assert [p.relevance for p in picks] == sorted((p.relevance for p in picks), reverse=True)


def test_a_track_keeps_to_its_questions(bank: Any) -> None:
    picks = rank_for_job(bank, "You will promote diversity and inclusion, mentor engineers and run hiring.",
                         track="director", count=2)
    assert [p.question_id for p in picks] == ["director-14", "director-12"]
    assert all(p.question_id.startswith("director-") for p in picks)


def test_words_every_job_ad_uses_are_not_reasons(bank: Any) -> None:
    picks = rank_for_job(bank, "Requirements: 5+ years, strong skills, join our team. " + RATE_LIMITS, track=None, count=5)
    assert not {"requirements", "years", "strong", "skills", "team", "join", "need"} & {w for p in picks for w in p.matched}


def test_a_description_sharing_no_word_is_refused(bank: Any) -> None:
    with pytest.raises(InputError, match="no question in the bank shares a word"):
        rank_for_job(bank, "zzz qqq", track=None, count=3)


def test_interview_asks_the_picked_questions_and_says_why(cli: Callable[..., Any], tmp_path: Path) -> None:
    job = tmp_path / "job.txt"
    job.write_text(RATE_LIMITS + "\n", encoding="utf-8")
    result = cli("interview", "--backend", "offline", "--transcripts-dir", str(tmp_path / "t"), "--job-description", str(job),
                 "-n", "2", stdin="/quit\n")
    assert result.exit_code == 0, result.stderr
    (saved,) = (tmp_path / "t").glob("*.json")
    session = json.loads(saved.read_text(encoding="utf-8"))
    assert [r["question_id"] for r in session["records"]] == ["technical-02", "technical-09"]
    text = " ".join(result.stdout.split())
    assert "Picked for the job description:" in text and "1. technical-02 · the description says “" in text


@pytest.mark.parametrize(("content", "says"), [(b"", "the file is empty"), (b"\xff\xfe\x00bad", "not UTF-8 text")])
def test_a_bad_job_description_file_is_refused(cli: Callable[..., Any], tmp_path: Path, content: bytes, says: str) -> None:
    job = tmp_path / "job.txt"
    job.write_bytes(content)
    result = cli("interview", "--backend", "offline", "--transcripts-dir", str(tmp_path / "t"), "--job-description", str(job),
                 stdin="")
    assert result.exit_code == 2 and says in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "t").exists()


def test_job_description_and_review_do_not_mix(cli: Callable[..., Any], tmp_path: Path) -> None:
    result = cli("interview", "--backend", "offline", "--transcripts-dir", str(tmp_path / "t"), "--review",
                 "--job-description", str(tmp_path / "missing.txt"), stdin="")
    assert result.exit_code == 2 and "give only one of --review, --job-description" in result.stderr
