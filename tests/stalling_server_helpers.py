"""An OpenAI-compatible endpoint that stalls, for the tests that SIGKILL an interview while the model is asked.

It runs on 127.0.0.1 in a thread of the test (the interview reaches it through the real ``openai`` SDK): a
streamed request gets the interviewer's words, any other request a chat completion, until the one it stalls on.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from openai_fakes import chat_completion
from tmux_helpers import WAIT_SECONDS

API_KEY = "sk-test-not-a-real-key-123456"  # no session file may hold it


class StallingServer(ThreadingHTTPServer):
    """``say()``: the words streamed for each streamed request. ``reply(body)``: the content of the completion for
    any other request, or None to stall on it: ``stalled`` is set and the request waits (at most ``WAIT_SECONDS``)
    for ``release``, then fails with a 500 that nobody may be listening for any more.

    As a context manager it serves from a thread, and on the way out releases the stalled request and stops."""

    def __init__(self, say: Callable[[], str], reply: Callable[[dict[str, Any]], str | None], *, model: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.say, self.reply, self.model = say, reply, model
        self.stalled = threading.Event()
        self.release = threading.Event()

    def env(self) -> dict[str, str]:
        """The environment that points the openai backend here."""
        return {"OPENAI_API_KEY": API_KEY, "OPENAI_BASE_URL": f"http://127.0.0.1:{self.server_address[1]}/v1"}

    def __enter__(self) -> StallingServer:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: StallingServer

    def log_message(self, *args: Any) -> None:
        return None

    def _send(self, status: int, payload: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        model = self.server
        if body.get("stream"):
            chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": model.model,
                     "choices": [{"index": 0, "delta": {"content": model.say()}, "finish_reason": None}]}
            done = {**chunk, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
            events = f"data: {json.dumps(chunk)}\n\ndata: {json.dumps(done)}\n\ndata: [DONE]\n\n"
            self._send(200, events.encode(), "text/event-stream")
            return
        content = model.reply(body)
        if content is not None:
            self._send(200, json.dumps(chat_completion(content, model=model.model)).encode(), "application/json")
            return
        model.stalled.set()  # the interview is waiting on this request: the test kills it now
        model.release.wait(WAIT_SECONDS)
        with contextlib.suppress(OSError):  # the interview was killed: nobody is listening
            self._send(500, b"{}", "application/json")
