"""Choosing a backend. Implementations are imported only when chosen (openai is slow to import)."""

from __future__ import annotations

from collections.abc import Mapping

from mock_interviewer.backends.base import Backend, Message, ModelReply, ModelRequest, Task, Turn
from mock_interviewer.config import Settings, resolve_backend

__all__ = ["Backend", "Message", "ModelReply", "ModelRequest", "Task", "Turn", "make_backend"]


def make_backend(settings: Settings, env: Mapping[str, str]) -> tuple[Backend, str]:
    """Build the backend the settings choose; return it and a sentence saying which and why."""
    name, why = resolve_backend(settings.backend, env)
    if name == "offline":
        from mock_interviewer.backends.offline import OfflineBackend

        return OfflineBackend(), why
    from mock_interviewer.backends.openai_backend import OpenAIBackend

    return OpenAIBackend(settings), f"{why}, model {settings.model}"
