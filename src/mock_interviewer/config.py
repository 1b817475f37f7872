"""Settings, loaded once: the command line over the environment over the defaults.

``load_settings`` is the one place the tool's settings are read from the environment
(the variables are named in ``envvars``). A bad value is one ``InputError`` naming the
variable (or option) and what was expected. The API key is a ``SecretStr``: it never
shows in a repr, a log line or a saved file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from mock_interviewer.envvars import (
    ENV_API_KEY,
    ENV_BACKEND,
    ENV_BANK,
    ENV_BASE_URL,
    ENV_CONTEXT_BUDGET,
    ENV_DEBUG,
    ENV_LOCAL_PORTS,
    ENV_MAX_OUTPUT_TOKENS,
    ENV_MAX_RETRIES,
    ENV_MODEL,
    ENV_ORG_ID,
    ENV_PRICES,
    ENV_PROJECT_ID,
    ENV_RESPONSE_FORMAT,
    ENV_TIMEOUT,
    ENV_TRANSCRIPTS,
)
from mock_interviewer.locations import default_transcripts_dir, resolve_transcripts_dir

BackendChoice = Literal["auto", "openai", "offline"]
FormatMode = Literal["json_schema", "json_object_schema", "json_object", "text"]
"""The structured-output ladder, most to least strict (see ``openai_service.response_format``)."""
FORMAT_LADDER: tuple[FormatMode, ...] = get_args(FormatMode)
DEFAULT_MODEL = "gpt-4.1-mini"


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    backend: BackendChoice = "auto"
    model: str = DEFAULT_MODEL
    bank_paths: list[Path] = Field(default_factory=list)
    transcripts_dir: Path = Field(default_factory=default_transcripts_dir)
    max_answer_tokens: int = Field(default=3000, ge=50, description="Longer answers are truncated before grading.")
    context_budget: int = Field(default=12000, ge=1000, description="Most tokens of conversation sent per request.")
    max_output_tokens: int = Field(default=1500, ge=100)
    timeout_seconds: float = Field(default=60.0, gt=0, allow_inf_nan=False)
    max_retries: int = Field(default=3, ge=0)
    seed: int = 7
    api_key: SecretStr | None = Field(default=None, description="OPENAI_API_KEY; never printed.")
    base_url: str | None = Field(default=None, description="OPENAI_BASE_URL; None means OpenAI's own.")
    response_format: FormatMode | None = Field(
        default=None, description="Force a step of the structured-output ladder (None: start at json_schema)."
    )
    local_ports: list[int] | None = Field(
        default=None, description="Ports --backend auto looks for a local server on (None: the servers' defaults)."
    )
    organization: str | None = Field(default=None, description="OPENAI_ORG_ID, sent as the OpenAI-Organization header.")
    project: str | None = Field(default=None, description="OPENAI_PROJECT_ID, sent as the OpenAI-Project header.")
    prices_file: Path | None = Field(default=None, description="A price table for batch --dry-run (--prices wins).")
    debug: bool = Field(default=False, description="Show tracebacks on errors (--debug, or the variable).")


# Each variable: the field it sets and how its text becomes a value (pydantic then checks the bounds).
_SOURCES: dict[str, tuple[str, Callable[[str], object]]] = {
    ENV_BACKEND: ("backend", str),
    ENV_MODEL: ("model", str),
    ENV_TRANSCRIPTS: ("transcripts_dir", Path),
    ENV_TIMEOUT: ("timeout_seconds", float),
    ENV_MAX_RETRIES: ("max_retries", int),
    ENV_MAX_OUTPUT_TOKENS: ("max_output_tokens", int),
    ENV_CONTEXT_BUDGET: ("context_budget", int),
    ENV_RESPONSE_FORMAT: ("response_format", str),
    ENV_API_KEY: ("api_key", str),
    ENV_BASE_URL: ("base_url", lambda raw: _http_url(raw)),
    ENV_ORG_ID: ("organization", str),
    ENV_PROJECT_ID: ("project", str),
    ENV_PRICES: ("prices_file", Path),
    ENV_DEBUG: ("debug", lambda raw: _flag(raw)),
}
_EXPECTED: dict[str, str] = {
    "backend": "auto, openai or offline",
    "timeout_seconds": "a positive number of seconds",
    "max_retries": "a whole number, 0 or more",
    "max_output_tokens": "a whole number, 100 or more",
    "context_budget": "a whole number, 1000 or more",
    "response_format": ", ".join(FORMAT_LADDER),
    "base_url": "a URL starting with http:// or https://, such as http://localhost:11434/v1",
    "debug": "1, true, yes or on (or 0, false, no, off)",
}
_OPTIONS: dict[str, str] = {"backend": "--backend", "model": "--model", "transcripts_dir": "--transcripts-dir",
                            "context_budget": "--context-budget"}


_UNQUOTED = ("api_key", "base_url")
"""Never quoted in a message: a key, and a URL that may carry credentials or a key in its query."""


def _http_url(raw: str) -> str:
    if not raw.lower().startswith(("http://", "https://")):
        raise ValueError(raw)
    return raw


_TRUE = ("1", "true", "yes", "on", "y", "t")
_FALSE = ("0", "false", "no", "off", "n", "f")


def _flag(raw: str) -> bool:
    word = raw.strip().lower()
    if word in _TRUE or word in _FALSE:
        return word in _TRUE
    raise ValueError(raw)


def debug_requested(env: Mapping[str, str]) -> bool:
    """Whether ``MOCK_INTERVIEWER_DEBUG`` asks for tracebacks, read by ``load_settings``' own parser.

    For the CLI's error boundary, which may be handling a failure to load the settings themselves: it never
    raises; a bad value counts as off here (``load_settings`` reports it, naming the variable).
    """
    try:
        return _flag(env.get(ENV_DEBUG, "")) if env.get(ENV_DEBUG, "").strip() else False
    except ValueError:
        return False


def bank_paths_from_env(env: Mapping[str, str]) -> list[Path]:
    raw = env.get(ENV_BANK, "")
    return [Path(p) for p in raw.split(os.pathsep) if p.strip()]


def load_settings(env: Mapping[str, str], *, bank: list[Path] | None = None, **given: object) -> Settings:
    """Settings from the command line (``given``; None means not given) over ``env`` over the defaults.

    Bank paths add up: the environment's first, then ``bank``. Raises ``InputError`` naming the first
    bad variable or option.
    """
    from mock_interviewer.errors import InputError

    values: dict[str, object] = {}
    origin: dict[str, str] = {}
    for var, (name, parse) in _SOURCES.items():
        raw = env.get(var, "").strip()
        if not raw:
            continue
        origin[name] = var if name in _UNQUOTED else f"{var}={raw!r}"
        try:
            values[name] = parse(raw)
        except ValueError:
            raise InputError(f"{origin[name]}: expected {_EXPECTED.get(name, 'a value')}") from None
    for name, value in given.items():
        if value is not None:
            values[name] = value
            origin[name] = f"{_OPTIONS.get(name, name)} {value!r}"
    values["bank_paths"] = bank_paths_from_env(env) + list(bank or [])
    if "transcripts_dir" in values:  # made absolute: every printed command must work from any directory
        values["transcripts_dir"] = resolve_transcripts_dir(values["transcripts_dir"])  # type: ignore[arg-type]
    if ENV_LOCAL_PORTS in env:
        values["local_ports"] = _ports(env[ENV_LOCAL_PORTS])
    try:
        return Settings(**values)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else ""
        where = origin.get(name, name)
        raise InputError(f"{where}: expected {_EXPECTED.get(name, error['msg'])}") from None


def _ports(raw: str) -> list[int]:
    """``MOCK_INTERVIEWER_LOCAL_PORTS``: port numbers separated by commas; empty means look nowhere."""
    from mock_interviewer.errors import InputError

    parts = [part.strip() for part in raw.split(",") if part.strip()]
    if not all(part.isdigit() and 0 < int(part) < 65536 for part in parts):
        raise InputError(f"{ENV_LOCAL_PORTS}={raw!r}: expected port numbers separated by commas")
    return [int(part) for part in parts]


def resolve_backend(choice: str, env: Mapping[str, str]) -> tuple[str, str]:
    """The backend ``auto`` stands for, and a sentence saying why."""
    if choice != "auto":
        return choice, f"using the {choice} backend"
    if env.get(ENV_API_KEY) or env.get(ENV_BASE_URL):
        which = ENV_API_KEY if env.get(ENV_API_KEY) else ENV_BASE_URL
        return "openai", f"using the openai backend ({which} is set)"
    return "offline", "using the offline backend (no OPENAI_API_KEY or OPENAI_BASE_URL): grades are estimates"


def settings_env(settings: Settings) -> dict[str, str]:
    """The service variables as ``resolve_backend`` reads them, from loaded settings."""
    env: dict[str, str] = {}
    if settings.api_key is not None:
        env[ENV_API_KEY] = settings.api_key.get_secret_value()
    if settings.base_url:
        env[ENV_BASE_URL] = settings.base_url
    return env
