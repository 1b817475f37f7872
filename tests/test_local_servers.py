"""``--backend auto`` finds a model server on this machine: a real HTTP server on an ephemeral port.

The server is a thread answering ``GET /v1/models`` and ``POST /v1/chat/completions`` like llama-server;
``MOCK_INTERVIEWER_LOCAL_PORTS`` points the search at it (and at a closed port before it).
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from openai_fakes import chat_completion, verdict_json

ANSWER = "I would add a composite index on the filtered columns and check the plan with EXPLAIN ANALYZE."


class FakeServer:
    def __init__(self, models: list[str], *, api: bool = True) -> None:
        self.models = models
        self.api = api
        self.requests: list[tuple[str, str, dict[str, Any] | None]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, body: object, kind: str = "application/json") -> None:
                data = json.dumps(body).encode() if kind == "application/json" else str(body).encode()
                self.send_response(status)
                self.send_header("content-type", kind)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                owner.requests.append(("GET", self.path, None))
                if owner.api and self.path == "/v1/models":
                    self._send(200, {"object": "list", "data": [{"id": m, "object": "model"} for m in owner.models]})
                else:
                    self._send(404, "<html>not here</html>", "text/html")

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                owner.requests.append(("POST", self.path, body))
                self._send(200, chat_completion(verdict_json("great", 5), model=body["model"]))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def llama_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    with FakeServer(["tiny.gguf", "other.gguf"]) as server:
        monkeypatch.setenv("MOCK_INTERVIEWER_LOCAL_PORTS", f"{closed_port()},{server.port}")
        yield server


def grade(cli: Any, *args: str) -> Any:
    return cli("grade", "-q", "technical-02", "--answer", ANSWER, "--json", *args)


def test_auto_finds_a_local_server_picks_a_model_it_serves_and_says_so(cli, llama_server):
    result = grade(cli)
    assert result.exit_code == 0, result.stderr
    url = f"http://127.0.0.1:{llama_server.port}/v1"
    assert f"using the openai backend (found a local server at {url}), model tiny.gguf" in result.stderr
    posts = [r for r in llama_server.requests if r[0] == "POST"]
    assert [(p[1], p[2]["model"]) for p in posts if p[2]] == [("/v1/chat/completions", "tiny.gguf")]
    grade_json = result.json()
    assert (grade_json["backend"], grade_json["estimate"], grade_json["tier"]) == ("openai", False, "great")


def test_the_model_asked_for_is_used(cli, llama_server):
    result = grade(cli, "--model", "other.gguf")
    assert result.exit_code == 0, result.stderr
    assert "model other.gguf" in result.stderr
    posts = [r for r in llama_server.requests if r[0] == "POST"]
    assert posts[0][2] is not None and posts[0][2]["model"] == "other.gguf"


def test_a_port_that_is_not_a_model_server_is_passed_over(cli, monkeypatch):
    with FakeServer([], api=False) as web:
        monkeypatch.setenv("MOCK_INTERVIEWER_LOCAL_PORTS", str(web.port))
        result = grade(cli)
    assert result.exit_code == 0, result.stderr
    assert "using the offline backend" in result.stderr and result.json()["estimate"] is True
    assert [r[:2] for r in web.requests] == [("GET", "/v1/models")]


def test_nothing_listening_means_offline(cli, monkeypatch):
    monkeypatch.setenv("MOCK_INTERVIEWER_LOCAL_PORTS", f"{closed_port()},{closed_port()}")
    result = grade(cli)
    assert result.exit_code == 0, result.stderr
    assert "using the offline backend" in result.stderr and result.json()["backend"] == "offline"


def test_a_key_or_base_url_means_no_search(cli, llama_server, monkeypatch):
    monkeypatch.setenv("MOCK_INTERVIEWER_BACKEND", "offline")
    assert grade(cli).exit_code == 0
    assert llama_server.requests == []


def test_a_bad_ports_setting_is_one_line(cli, monkeypatch):
    monkeypatch.setenv("MOCK_INTERVIEWER_LOCAL_PORTS", "8080,eleven")
    result = grade(cli)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: MOCK_INTERVIEWER_LOCAL_PORTS='8080,eleven': expected port numbers separated by commas"
    )
