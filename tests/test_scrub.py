"""The one scrubber: real secrets go, words and placeholder keys stay."""

from __future__ import annotations

import pytest

from mock_interviewer.scrub import scrub


@pytest.mark.parametrize("placeholder", ["x", "EMPTY", "ollama", "lm-studio"])
def test_a_placeholder_key_of_a_local_server_mangles_no_word(placeholder: str) -> None:
    """With OPENAI_API_KEY=x, messages became 'te[redacted]t', 'e[redacted]pected', 'std::e[redacted]ception'."""
    text = "the text expected std::exception from the ollama server at EMPTY"
    assert scrub(text, (placeholder,)) == text


def test_a_real_key_goes_as_a_whole_token_wherever_it_stands() -> None:
    key = "corp-2f9a7c41e8b35d60"
    text = f"auth failed for {key}; url ?api_key={key}&x=1; said '{key}'"
    assert key not in scrub(text, (key,))
    assert scrub(text, (key,)).count("[redacted]") == 3
    assert scrub(f"prefix{key}", (key,)) == f"prefix{key}"  # part of a longer token: not this key


def test_bearer_tokens_and_key_shaped_strings_go_without_being_configured() -> None:
    text = "Authorization: Bearer abc.def.ghi and sk-proj-AbCdEf123456 in the echo"
    cleaned = scrub(text)
    assert "abc.def.ghi" not in cleaned and "sk-proj-AbCdEf123456" not in cleaned
    assert scrub("a task-queue and risk-management plan") == "a task-queue and risk-management plan"


def test_a_candidates_words_about_bearer_tokens_stay() -> None:
    """Technical answers talk about bearer tokens; only a token itself goes."""
    for text in ("Auth with bearer tokens.", "bearer authentication", "we found bearer tokens in our logs"):
        assert scrub(text) == text


def test_scrubbed_json_is_still_the_same_json() -> None:
    """The bearer rule once ate the closing quote: '"Bearer abc.def.ghi", "b": 1' lost its quote and comma."""
    import json

    data = {"reason": "echoed Authorization: Bearer abc.def.ghi", "also": "Bearer sk-proj-AbCdEf123456", "n": 1}
    cleaned = json.loads(scrub(json.dumps(data)))
    assert cleaned == {"reason": "echoed Authorization: Bearer [redacted]", "also": "Bearer [redacted]", "n": 1}


def test_the_scrubbing_stream_scrubs_writes_and_is_otherwise_the_stream() -> None:
    import io

    from mock_interviewer.scrub import ScrubbingStream, configured_secrets, unscrubbed

    raw = io.StringIO()
    stream = ScrubbingStream(raw, configured_secrets({"OPENAI_API_KEY": "corp-2f9a7c41e8b35d60"}))
    assert stream.write("key corp-2f9a7c41e8b35d60 and sk-proj-AbCdEf123456\n") == 51
    stream.writelines(["a ", "b\n"])
    assert raw.getvalue() == "key [redacted] and [redacted]\na b\n"
    assert stream.isatty() is False and unscrubbed(stream) is raw
    assert configured_secrets({"OPENAI_API_KEY": "x"}) == ()  # a placeholder is not a secret
