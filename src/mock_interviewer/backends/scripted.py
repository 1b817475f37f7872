"""A scripted backend for tests: queue replies, record requests.

Each queued item is a string (the reply text), a pydantic model or dict (sent as
JSON), a ``ModelReply`` (which can say ``finish_reason="length"``, for streams too), an exception (raised), or a callable taking the request
and returning any of these. Running out of replies is an error, so a test states
every model call it expects.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

from pydantic import BaseModel

from mock_interviewer.backends.base import ModelReply, ModelRequest, ReplyStream

Reply = str | dict | BaseModel | ModelReply | BaseException | Callable[[ModelRequest], Any]


class ScriptedBackend:
    name = "scripted"
    estimate = False

    def __init__(self, replies: Iterable[Reply] = (), *, model: str = "scripted-model") -> None:
        self.model = model
        self.replies: deque[Reply] = deque(replies)
        self.requests: list[ModelRequest] = []

    def queue(self, *replies: Reply) -> ScriptedBackend:
        self.replies.extend(replies)
        return self

    def _next(self, request: ModelRequest) -> ModelReply:
        self.requests.append(request)
        if not self.replies:
            raise AssertionError(f"ScriptedBackend: no reply queued for a {request.task.kind!r} request")
        item: Any = self.replies.popleft()
        if callable(item) and not isinstance(item, (BaseModel, BaseException)):
            item = item(request)
        if isinstance(item, BaseException):
            raise item
        if isinstance(item, ModelReply):
            return item
        if isinstance(item, BaseModel):
            item = item.model_dump_json()
        elif isinstance(item, dict):
            item = json.dumps(item)
        return ModelReply(text=str(item), model=self.model)

    async def complete(self, request: ModelRequest) -> ModelReply:
        return self._next(request)

    def stream(self, request: ModelRequest) -> ReplyStream:
        """The next reply in word-sized pieces; a queued ``ModelReply`` sets the finish reason (e.g. "length")."""
        return ReplyStream(lambda stream: self._pieces(request, stream))

    async def _pieces(self, request: ModelRequest, stream: ReplyStream) -> AsyncIterator[str]:
        reply = self._next(request)
        for chunk in re.findall(r"\S+\s*|\s+", reply.text):
            yield chunk
        stream.finish(reply.finish_reason)

    async def aclose(self) -> None:
        return None
