"""The one scrubber: anything that leaves the process passes through it, so no credential does.

It removes the configured secrets (as whole tokens: a placeholder key such as ``x`` must not turn
"text" into "te[redacted]t"), bearer tokens, and anything shaped like an API key. It never removes a
quote or a backslash, so scrubbed JSON is still the same JSON.

Where it runs: ``cli.main`` puts ``ScrubbingStream`` over stdout and stderr (every message, view and
``--json`` document), and the writers of files that can hold a model's words scrub what they write
(session files, probe sheets, results.jsonl).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from typing import IO, Any

REDACTED = "[redacted]"
MIN_SECRET = 8  # shorter keys are local servers' placeholders ("x", "EMPTY", "ollama", "lm-studio"), not secrets
_KEY_LIKE = re.compile(r"\b(?:sk|rk|sess)-[A-Za-z0-9_\-*]{6,}")
# A bearer token: RFC 6750's characters (never a quote or a backslash, so JSON stays JSON), 8 or more of
# them, with a digit or a joined punctuation mark: "Bearer abc.def.ghi" goes, a candidate's "bearer tokens." stays.
_TOKEN68 = r"[A-Za-z0-9\-._~+/]"
_BEARER = re.compile(rf"(?i)\bbearer\s+(?={_TOKEN68}*(?:\d|[A-Za-z][\-._~+/][A-Za-z0-9])){_TOKEN68}{{8,}}=*")
_TOKEN_CHARS = r"A-Za-z0-9_\-"


def scrub(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` without the given secrets, bearer tokens or key-shaped strings."""
    for secret in secrets:
        if secret and len(secret) >= MIN_SECRET:
            pattern = rf"(?<![{_TOKEN_CHARS}]){re.escape(secret)}(?![{_TOKEN_CHARS}])"
            text = re.sub(pattern, REDACTED, text)
    text = _BEARER.sub(f"Bearer {REDACTED}", text)
    return _KEY_LIKE.sub(REDACTED, text)


def configured_secrets(env: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The secrets this process was given (``OPENAI_API_KEY``), for the exits that scrub them."""
    key = (os.environ if env is None else env).get("OPENAI_API_KEY", "")
    return (key,) if len(key) >= MIN_SECRET else ()


class ScrubbingStream:
    """A text stream that scrubs every write before passing it on (stdout and stderr of the CLI).

    Everything else (``isatty``, ``fileno``, ``encoding``, ``flush``) is the wrapped stream's; ``raw``
    is the stream itself, for a full-screen editor that must draw exactly what it wrote.
    """

    def __init__(self, raw: IO[str], secrets: Iterable[str | None] = ()) -> None:
        self.raw = raw
        self.secrets = tuple(secrets)

    def write(self, text: str) -> int:
        self.raw.write(scrub(text, self.secrets))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


def unscrubbed(stream: IO[str]) -> IO[str]:
    """The stream under a ``ScrubbingStream`` (or the stream itself)."""
    return stream.raw if isinstance(stream, ScrubbingStream) else stream
