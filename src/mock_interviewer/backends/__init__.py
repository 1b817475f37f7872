"""Choosing a backend. Implementations are imported only when chosen (openai is slow to import)."""

from __future__ import annotations

from collections.abc import Callable

from mock_interviewer.backends.base import Backend, Message, ModelReply, ModelRequest, ReplyStream, Task, Turn
from mock_interviewer.config import Settings, resolve_backend, settings_env

__all__ = ["Backend", "Message", "ModelReply", "ModelRequest", "ReplyStream", "Task", "Turn", "make_backend"]


def make_backend(settings: Settings, on_notice: Callable[[str], None] | None = None) -> tuple[Backend, str]:
    """Build the backend the settings choose; return it and a sentence saying which and why.

    ``on_notice`` is told, in one line, when the backend changes what it sends (a structured-output step down).
    """
    name, why = resolve_backend(settings.backend, settings_env(settings))
    if name == "offline" and settings.backend == "auto":
        found = _local_settings(settings)
        if found is not None:
            settings, why = found
            name = "openai"
    if name == "offline":
        from mock_interviewer.backends.offline import OfflineBackend

        return OfflineBackend(), why
    from mock_interviewer.backends.openai_backend import OpenAIBackend

    return OpenAIBackend(settings, on_notice=on_notice), f"{why}, model {settings.model}"


def _local_settings(settings: Settings) -> tuple[Settings, str] | None:
    """Settings pointing at a model server found on this machine, and why; None when there is none."""
    from mock_interviewer.local_servers import find_local_server

    server = find_local_server(settings.local_ports)
    if server is None:
        return None
    model = settings.model if "model" in settings.model_fields_set else server.models[0]
    chosen = settings.model_copy(update={"base_url": server.base_url, "model": model})
    return chosen, f"using the openai backend (found {server.name} at {server.base_url})"
