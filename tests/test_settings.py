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
        ({"MOCK_INTERVIEWER_DEBUG": "banana"}, {},
         "MOCK_INTERVIEWER_DEBUG='banana': expected 1, true, yes or on (or 0, false, no, off)"),
        ({"MOCK_INTERVIEWER_CONTEXT_BUDGET": "500"}, {},
         "MOCK_INTERVIEWER_CONTEXT_BUDGET='500': expected a whole number, 1000 or more"),
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


@pytest.mark.parametrize(("raw", "on"), [("1", True), ("TRUE", True), (" yes ", True), ("on", True),
                                         ("0", False), ("false", False), ("No", False), ("off", False), ("", False)])
def test_debug_is_a_setting_and_the_error_boundary_reads_it_the_same_way(raw: str, on: bool) -> None:
    from mock_interviewer.config import debug_requested

    env = {"MOCK_INTERVIEWER_DEBUG": raw}
    assert load_settings(env).debug is on
    assert debug_requested(env) is on
    assert debug_requested({"MOCK_INTERVIEWER_DEBUG": "banana"}) is False  # never raises: load_settings says why


def test_the_price_file_and_the_openai_account_are_settings(tmp_path: Path) -> None:
    env = {"MOCK_INTERVIEWER_PRICES": str(tmp_path / "prices.json"), "OPENAI_ORG_ID": "org-1", "OPENAI_PROJECT_ID": "proj-1"}
    settings = load_settings(env)
    assert (settings.prices_file, settings.organization, settings.project) == (tmp_path / "prices.json", "org-1", "proj-1")
    assert load_settings({"MOCK_INTERVIEWER_PRICES": "  "}).prices_file is None


@pytest.mark.parametrize(
    ("variable", "value", "argv", "line"),
    [
        ("MOCK_INTERVIEWER_DEBUG", "banana", ("bank", "list"),
         "error: MOCK_INTERVIEWER_DEBUG='banana': expected 1, true, yes or on (or 0, false, no, off)"),
        # it was read by Typer as --context-budget, and a small value was blamed on the option
        ("MOCK_INTERVIEWER_CONTEXT_BUDGET", "500", ("interview", "--backend", "offline"),
         "error: MOCK_INTERVIEWER_CONTEXT_BUDGET='500': expected a whole number, 1000 or more"),
        ("MOCK_INTERVIEWER_CONTEXT_BUDGET", "lots", ("interview", "--backend", "offline"),
         "error: MOCK_INTERVIEWER_CONTEXT_BUDGET='lots': expected a whole number, 1000 or more"),
    ],
)
def test_bad_debug_and_context_budget_variables_are_one_line_naming_them(
    cli, monkeypatch, variable: str, value: str, argv: tuple[str, ...], line: str
) -> None:
    monkeypatch.setenv(variable, value)
    result = cli(*argv)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [line]


def test_the_debug_variable_still_shows_the_traceback(cli, monkeypatch) -> None:
    monkeypatch.setenv("MOCK_INTERVIEWER_DEBUG", "1")
    result = cli("grade", "-q", "nope", "--answer", "An answer.")
    assert "Traceback (most recent call last)" in result.stderr and "unknown question id 'nope'" in result.stderr
    monkeypatch.setenv("MOCK_INTERVIEWER_DEBUG", "0")
    result = cli("grade", "-q", "nope", "--answer", "An answer.")
    assert result.exit_code == 2 and "Traceback" not in result.stderr


def test_the_price_variable_reaches_the_dry_run(cli, monkeypatch, tmp_path: Path) -> None:
    import json

    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"my-local-model": {"input": 0, "output": 0}}))
    answers = tmp_path / "a.jsonl"
    answers.write_text(json.dumps({"question_id": "technical-01", "answer": "I would add an index."}) + "\n")
    monkeypatch.setenv("MOCK_INTERVIEWER_PRICES", str(prices))
    result = cli("batch", str(answers), "--out", str(tmp_path / "out"), "--dry-run", "--backend", "offline", "--json")
    assert result.exit_code == 0, result.stderr
    assert str(prices) in json.dumps(result.json())


def test_the_client_gets_the_account_from_the_settings_not_from_the_environment(monkeypatch) -> None:
    from mock_interviewer.openai_service import make_client

    monkeypatch.setenv("OPENAI_ORG_ID", "org-from-environment")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://elsewhere.test/v1")
    client = make_client(load_settings({"OPENAI_API_KEY": API_KEY, "OPENAI_ORG_ID": "org-settings"}))
    assert client.organization == "org-settings" and client.project is None
    assert str(client.base_url) == "https://api.openai.com/v1/"
