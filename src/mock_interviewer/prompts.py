"""Prompt templates: files in ``prompts/``, rendered with named variables.

A template is ``NAME.system.md`` (fixed instructions, no variables, so it is
identical for every request and caches) and ``NAME.user.md`` (the question and
its exemplars, then the candidate's words last, fenced as data). Placeholders
are ``{{ name }}``; a missing or unknown variable is an error.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache

from mock_interviewer.backends.base import Message
from mock_interviewer.injection import normalise
from mock_interviewer.resources import data_dir

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")

FENCE_OPEN = "<candidate_answer>"
FENCE_CLOSE = "</candidate_answer>"
# Also a tag with no closing '>' (at the end of an answer it would swallow the real closing tag), and the
# chat-template tokens some servers parse as special tokens inside any message ("<|im_end|>", "[INST]").
_FENCE_TAG = re.compile(r"<\s*/?\s*candidate_answer[^<>]*>?|<\|[^|<>]{1,40}\|>|\[/?INST\]|<</?SYS>>", re.IGNORECASE)


class PromptError(Exception):
    """A template and its variables do not fit (a bug, not a user error)."""


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    system: str
    user: str

    @property
    def version(self) -> str:
        """A short hash of both parts: part of every cache key, so editing a prompt re-grades."""
        digest = hashlib.sha256(f"{self.system}\0{self.user}".encode()).hexdigest()
        return f"{self.name}-{digest[:12]}"

    def render(self, **variables: str) -> tuple[Message, ...]:
        if _PLACEHOLDER.search(self.system):
            raise PromptError(f"prompt {self.name!r}: the system part must be static, found a placeholder")
        wanted = set(_PLACEHOLDER.findall(self.user))
        missing = wanted - variables.keys()
        if missing:
            raise PromptError(f"prompt {self.name!r}: missing variable(s) {', '.join(sorted(missing))}")
        unknown = variables.keys() - wanted
        if unknown:
            raise PromptError(f"prompt {self.name!r}: unknown variable(s) {', '.join(sorted(unknown))}")
        user = _PLACEHOLDER.sub(lambda m: variables[m.group(1)], self.user)
        return (Message("system", self.system.strip()), Message("user", user.strip()))


@cache
def load_prompt(name: str) -> PromptTemplate:
    directory = data_dir("prompts")
    try:
        system = (directory / f"{name}.system.md").read_text(encoding="utf-8")
        user = (directory / f"{name}.user.md").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise PromptError(f"prompt {name!r} is missing: {exc.filename}") from None
    return PromptTemplate(name=name, system=system, user=user)


def _neutralise(match: re.Match[str]) -> str:
    return match.group(0).replace("<", "‹").replace(">", "›").replace("[", "⟦").replace("]", "⟧")


def fence(text: str) -> tuple[str, bool]:
    """Wrap candidate text in the answer fence; return it and whether it tried to forge the fence.

    The text is first put in its normal form (``injection.normalise``: NFKC, invisible characters
    removed, HTML entities decoded), so a look-alike (``＜/candidate_answer＞``, a zero-width space
    inside the tag, ``&lt;/candidate_answer&gt;``) is the tag it imitates. Then any fence tag or
    chat-template token inside it is neutralised (its brackets replaced), so the only real closing
    tag is the one added here: the text cannot leave the fence.
    """
    text = normalise(text)
    forged = bool(_FENCE_TAG.search(text))
    safe = _FENCE_TAG.sub(_neutralise, text)
    return f"{FENCE_OPEN}\n{safe}\n{FENCE_CLOSE}", forged
