"""Settings from options and environment, and which backend they select."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from mock_interviewer.envvars import ENV_BANK, ENV_MAX_OUTPUT_TOKENS, ENV_MAX_RETRIES, ENV_TIMEOUT
from mock_interviewer.locations import default_transcripts_dir

BackendChoice = Literal["auto", "openai", "offline"]
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
    timeout_seconds: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=3, ge=0)
    seed: int = 7


def bank_paths_from_env(env: Mapping[str, str]) -> list[Path]:
    raw = env.get(ENV_BANK, "")
    return [Path(p) for p in raw.split(os.pathsep) if p.strip()]


def service_settings_from_env(env: Mapping[str, str]) -> dict[str, Any]:
    """Timeout (seconds), retries and output budget for the model service, from the environment when set.

    Slow local models (Ollama on a CPU) need a longer timeout than the default;
    reasoning models spend output tokens thinking and may need a larger budget.
    """
    from mock_interviewer.errors import InputError

    found: dict[str, Any] = {}
    raw = env.get(ENV_TIMEOUT, "").strip()
    if raw:
        try:
            seconds = float(raw)
        except ValueError:
            seconds = float("nan")
        if not 0 < seconds < float("inf"):
            raise InputError(f"{ENV_TIMEOUT}={raw!r}: expected a positive number of seconds")
        found["timeout_seconds"] = seconds
    for var, key, least in ((ENV_MAX_RETRIES, "max_retries", 0), (ENV_MAX_OUTPUT_TOKENS, "max_output_tokens", 100)):
        raw = env.get(var, "").strip()
        if raw:
            if not raw.isdigit() or int(raw) < least:
                raise InputError(f"{var}={raw!r}: expected a whole number, {least} or more")
            found[key] = int(raw)
    return found


def resolve_backend(choice: str, env: Mapping[str, str]) -> tuple[str, str]:
    """The backend ``auto`` stands for, and a sentence saying why."""
    if choice != "auto":
        return choice, f"using the {choice} backend"
    if env.get("OPENAI_API_KEY") or env.get("OPENAI_BASE_URL"):
        which = "OPENAI_API_KEY" if env.get("OPENAI_API_KEY") else "OPENAI_BASE_URL"
        return "openai", f"using the openai backend ({which} is set)"
    return "offline", "using the offline backend (no OPENAI_API_KEY or OPENAI_BASE_URL): grades are estimates"
