"""Finding a model server on this machine, for ``--backend auto`` with no key and no base URL.

Ollama, llama.cpp's ``llama-server`` and LM Studio listen on well-known ports. Each port is tried
with a fast TCP connect (a closed port answers at once; nothing is waited for beyond
``CONNECT_SECONDS``); an open one is asked for its models (``GET /v1/models``). The first that
answers like an OpenAI-compatible server is used, with the model asked for or the first it serves.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_PORTS: dict[int, str] = {11434: "Ollama", 8080: "llama-server", 1234: "LM Studio"}
HOST = "127.0.0.1"
CONNECT_SECONDS = 0.1
LIST_SECONDS = 2.0


@dataclass(frozen=True)
class LocalServer:
    name: str
    base_url: str
    models: tuple[str, ...]


def find_local_server(ports: Sequence[int] | None = None) -> LocalServer | None:
    """The first server on ``ports`` (default: Ollama's, llama-server's, LM Studio's) that lists its models."""
    for port in DEFAULT_PORTS if ports is None else ports:
        if not _accepts(port):
            continue
        base_url = f"http://{HOST}:{port}/v1"
        models = _models(base_url)
        if models:
            return LocalServer(DEFAULT_PORTS.get(port, "a local server"), base_url, models)
    return None


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=CONNECT_SECONDS):
            return True
    except OSError:
        return False


def _models(base_url: str) -> tuple[str, ...]:
    """The model ids a server lists; empty when it does not answer like an OpenAI-compatible API."""
    import httpx

    try:
        response = httpx.get(f"{base_url}/models", timeout=LIST_SECONDS)
        data = response.json().get("data") if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError, AttributeError):
        return ()
    if not isinstance(data, list):
        return ()
    return tuple(str(entry["id"]) for entry in data if isinstance(entry, dict) and entry.get("id"))
