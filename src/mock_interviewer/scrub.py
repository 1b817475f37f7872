"""The one scrubber: anything that leaves the process passes through it, so no credential does.

It removes the configured secrets (as whole tokens: a placeholder key such as ``x`` must not turn
"text" into "te[redacted]t"), bearer tokens, and anything shaped like an API key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

REDACTED = "[redacted]"
MIN_SECRET = 8  # shorter keys are local servers' placeholders ("x", "EMPTY", "ollama", "lm-studio"), not secrets
_KEY_LIKE = re.compile(r"\b(?:sk|rk|sess)-[A-Za-z0-9_\-*]{6,}")
_BEARER = re.compile(r"(?i)\bbearer\s+\S+")
_TOKEN_CHARS = r"A-Za-z0-9_\-"


def scrub(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` without the given secrets, bearer tokens or key-shaped strings."""
    for secret in secrets:
        if secret and len(secret) >= MIN_SECRET:
            pattern = rf"(?<![{_TOKEN_CHARS}]){re.escape(secret)}(?![{_TOKEN_CHARS}])"
            text = re.sub(pattern, REDACTED, text)
    text = _BEARER.sub(f"Bearer {REDACTED}", text)
    return _KEY_LIKE.sub(REDACTED, text)
