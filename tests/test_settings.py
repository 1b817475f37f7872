"""Settings are loaded once: the command line over the environment over the defaults, one line per bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_interviewer.config import DEFAULT_MODEL, load_settings
from mock_interviewer.errors import InputError
from openai_fakes import API_KEY


def test_the_command_line_wins_over_the_environment_which_wins_over_the_default() -> None:
    env = {"MOCK_INTERVIEWER_MODEL": "from-env", "MOCK_INTERVIEWER_BACKEND": "offline", "MOCK_INTERVIEWER_TIMEOUT": "90"}
    assert load_settings({}).model == DEFAULT_MODEL
    assert load_settings(env).model == "from-env"
    chosen = load_settings(env, model="from-cli", backend=None)
    assert (chosen.model, chosen.backend, chosen.timeout_seconds) == ("from-cli", "offline", 90.0)


def test_bank_paths_add_up_environment_first(tmp_path: Path) -> None:
    env = {"MOCK_INTERVIEWER_BANK": f"{tmp_path / 'a'}:{tmp_path / 'b'}"}
    assert load_settings(env, bank=[tmp_path / "c"]).bank_paths == [tmp_path / n for n in ("a", "b", "c")]


def test_the_key_is_a_secret_everywhere_settings_show() -> None:
    settings = load_settings({"OPENAI_API_KEY": API_KEY})
    assert settings.api_key is not None and settings.api_key.get_secret_value() == API_KEY
    for shown in (repr(settings), str(settings), settings.model_dump_json()):
        assert API_KEY not in shown


@pytest.mark.parametrize(
    ("env", "given", "message"),
    [
        ({"MOCK_INTERVIEWER_TIMEOUT": "-3"}, {}, "MOCK_INTERVIEWER_TIMEOUT='-3': expected a positive number of seconds"),
        ({"MOCK_INTERVIEWER_TIMEOUT": "inf"}, {}, "MOCK_INTERVIEWER_TIMEOUT='inf': expected a positive number of seconds"),
        ({"MOCK_INTERVIEWER_MAX_RETRIES": "2.5"}, {}, "MOCK_INTERVIEWER_MAX_RETRIES='2.5': expected a whole number, 0 or more"),
        ({"MOCK_INTERVIEWER_MAX_OUTPUT_TOKENS": "50"}, {},
         "MOCK_INTERVIEWER_MAX_OUTPUT_TOKENS='50': expected a whole number, 100 or more"),
        ({"MOCK_INTERVIEWER_BACKEND": "gpu"}, {}, "MOCK_INTERVIEWER_BACKEND='gpu': expected auto, openai or offline"),
        ({}, {"backend": "gpu"}, "--backend 'gpu': expected auto, openai or offline"),
        ({"OPENAI_BASE_URL": "user:pass@localhost:8080/v1"}, {},
         "OPENAI_BASE_URL: expected a URL starting with http:// or https://, such as http://localhost:11434/v1"),
    ],
)
def test_a_bad_value_is_one_line_naming_it(env: dict[str, str], given: dict[str, str], message: str) -> None:
    with pytest.raises(InputError) as caught:
        load_settings(env, **given)
    assert str(caught.value) == message


def test_a_bad_variable_is_exit_2_with_one_line(cli, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "localhost:11434/v1")
    result = cli("grade", "-q", "technical-02", "--answer", "An answer.")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: OPENAI_BASE_URL: expected a URL starting with http:// or https://, such as http://localhost:11434/v1"
    ]
