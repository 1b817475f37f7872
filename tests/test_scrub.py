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
