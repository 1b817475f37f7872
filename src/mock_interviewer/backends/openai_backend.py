"""The OpenAI-compatible backend: any Chat Completions endpoint through the official ``openai`` SDK.

Works with OpenAI, Azure OpenAI (its ``/openai/v1/`` endpoint), Ollama, vLLM,
llama.cpp server and LM Studio (``docs/servers.md``). Why it is shaped this way:

- The SDK client is built on first use, never at import: ``openai`` takes about
  half a second to import, and ``--help`` or an offline run must not pay for it.
  The client, the body and the words for a failure come from ``openai_service``.
- Retries are this module's, not the SDK's (its client is built with
  ``max_retries=0``): 429, 408, 409, 5xx, timeouts and dropped connections are
  retried ``Settings.max_retries`` times with exponential backoff, honouring
  ``Retry-After``. Two things the SDK cannot know are never retried: a server
  refusing the ``response_format`` sent (llama-cpp-python says so with an HTTP 500
  that would repeat on every retry), and a timeout against a server on this
  machine (a local server keeps generating an abandoned request, so retries pile
  whole generations onto one CPU; the fix is a longer MOCK_INTERVIEWER_TIMEOUT).
- Servers differ. Structured output steps down a ladder: ``json_schema``, then
  ``json_object`` with the schema, then bare ``json_object``, then the prompt alone.
  Some servers want ``max_completion_tokens`` instead of ``max_tokens``, reasoning
  models refuse a ``temperature``. A request rejected for one of those reasons is
  re-sent with the next thing the server may accept, once per step, and the backend
  remembers what worked for the rest of its life, so the detour is paid once. Each
  step down is told once through ``on_notice`` (the command prints it), and every
  reply records the step that produced it.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Callable
from typing import Any, Literal

from mock_interviewer.backends.base import ModelReply, ModelRequest, ReplyStream
from mock_interviewer.config import FORMAT_LADDER, FormatMode, Settings
from mock_interviewer.errors import ServiceError
from mock_interviewer.grade_model import Usage
from mock_interviewer.openai_service import (
    describe,
    endpoint,
    format_of,
    is_local,
    make_client,
    one_line,
    redact_url,
    rejects_format,
    reply_from_body,
    request_body,
    scrubbed,
    server_message,
)

__all__ = ["OpenAIBackend", "redact_url"]

BASE_BACKOFF = 0.5
"""Seconds before the first retry without a Retry-After; doubled for each further one, up to ``MAX_BACKOFF``."""
MAX_BACKOFF = 8.0
RETRY_STATUSES = (408, 409, 429)


class OpenAIBackend:
    """A model behind an OpenAI-compatible Chat Completions endpoint."""

    name = "openai"
    estimate = False

    def __init__(self, settings: Settings, on_notice: Callable[[str], None] | None = None) -> None:
        self.settings = settings
        self.model = settings.model
        self.format_mode: FormatMode = settings.response_format or "json_schema"
        self.token_param: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"
        self.dropped: set[str] = set()
        """Optional parameters the server refused (``temperature``, ``seed``); not sent again."""
        self.on_notice = on_notice
        """Told, in one line, each time the backend steps down the structured-output ladder."""
        self.notices: list[str] = []
        self._client: Any = None

    # ------------------------------------------------------------------ client

    def _get_client(self) -> Any:
        """Build the SDK client on first use, from the loaded settings (retries are ours: see the module doc)."""
        if self._client is None:
            if self.settings.api_key is None and not self.settings.base_url:
                raise ServiceError(
                    "the openai backend needs OPENAI_API_KEY (for OpenAI or Azure) or OPENAI_BASE_URL "
                    "(for a local server such as Ollama); or use --backend offline"
                )
            self._client = make_client(self.settings, max_retries=0)
        return self._client

    @property
    def endpoint(self) -> str:
        """The base URL requests go to, safe to print."""
        return endpoint(self.settings)

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.close()

    # ------------------------------------------------------------------ requests

    def _params(self, request: ModelRequest, *, stream: bool) -> dict[str, Any]:
        return request_body(
            request, model=self.model, format_mode=self.format_mode, token_param=self.token_param,
            dropped=self.dropped, stream=stream,
        )

    def _step_down(self, error: Any, params: dict[str, Any]) -> None:
        """Take the next step of the ladder below the one ``params`` used, and say so the first time."""
        sent = FORMAT_LADDER.index(format_of(params))
        # Step down from what *this* request sent: concurrent requests may report the same rejection.
        chosen = FORMAT_LADDER[max(sent + 1, FORMAT_LADDER.index(self.format_mode))]
        if chosen == self.format_mode:
            return
        self.format_mode = chosen
        status = getattr(error, "status_code", "?")
        notice = (
            f"the model service at {self.endpoint} refused response_format {FORMAT_LADDER[sent]} (HTTP {status}); "
            f"using {_FORMAT_WORDS[chosen]} from now on"
        )
        self.notices.append(notice)
        if self.on_notice is not None:
            self.on_notice(notice)

    def _adapt(self, error: Any, params: dict[str, Any]) -> bool:
        """Change what we send so a server that rejected ``params`` may accept it; False if nothing is left to try."""
        if "response_format" in params and rejects_format(error) and self.settings.response_format is None:
            self._step_down(error, params)
            return True
        if getattr(error, "status_code", None) not in (400, 422):
            return False
        param = str(error.param or "").lower()
        text = f"{param} {error.code or ''} {server_message(error)}".lower()
        if "max_tokens" in params and "max_completion_tokens" in text:
            self.token_param = "max_completion_tokens"
            return True
        for optional in ("temperature", "seed"):
            if optional in params and (param == optional or f"'{optional}'" in text or f'"{optional}"' in text):
                self.dropped.add(optional)
                return True
        return False

    def _retryable(self, exc: Exception) -> bool:
        import openai

        if isinstance(exc, openai.APITimeoutError):
            return not is_local(self.settings)
        if isinstance(exc, openai.APIConnectionError):
            return True
        if isinstance(exc, openai.APIStatusError):
            return exc.status_code in RETRY_STATUSES or exc.status_code >= 500
        return False

    async def _send(self, client: Any, params: dict[str, Any]) -> tuple[Any, int]:
        """One request, retried on transient failures; a rejected ``response_format`` is never retried.
        Returns the response and how many requests it took (a failure carries ``retries``)."""
        import openai

        retries = 0
        while True:
            try:
                return await client.chat.completions.create(**params), retries + 1
            except openai.OpenAIError as exc:
                rejected = "response_format" in params and rejects_format(exc)
                if rejected or retries >= self.settings.max_retries or not self._retryable(exc):
                    exc.retries = retries  # type: ignore[attr-defined]
                    raise
                retries += 1
                wait = _backoff(exc, retries)
            await asyncio.sleep(wait)

    async def _create(self, request: ModelRequest, *, stream: bool) -> tuple[Any, FormatMode, int]:
        """The response, the format it was asked in, and every request sent for it (refused and retried ones too)."""
        import openai

        client = self._get_client()
        sent = 0
        while True:
            params = self._params(request, stream=stream)
            try:
                response, attempts = await self._send(client, params)
                return response, format_of(params), sent + attempts
            except openai.APIStatusError as exc:
                sent += getattr(exc, "retries", 0) + 1
                if not self._adapt(exc, params):
                    raise self._service_error(exc) from None
            except openai.OpenAIError as exc:
                raise self._service_error(exc) from None

    async def complete(self, request: ModelRequest) -> ModelReply:
        response, mode, sent = await self._create(request, stream=False)
        if not hasattr(response, "choices"):
            raise ServiceError(
                f"the server at {self.endpoint} did not answer like an OpenAI-compatible API; "
                "check OPENAI_BASE_URL (it usually ends in /v1)"
            )
        reply = reply_from_body(response.model_dump(), self.model)
        reply.extra["response_format"] = mode
        if sent > 1:  # a refused format or a retried failure is a request sent too, with no tokens reported
            reply.usage = (reply.usage or Usage()).model_copy(update={"requests": sent})
        return reply

    def stream(self, request: ModelRequest) -> ReplyStream:
        """The reply's text as it arrives, then its finish reason (``"length"``: cut off at the token limit)."""
        return ReplyStream(lambda stream: self._pieces(request, stream))

    async def _pieces(self, request: ModelRequest, stream: ReplyStream) -> AsyncIterator[str]:
        """Yield the reply's text as it arrives; a reply only in ``reasoning_content`` is yielded at the end."""
        import httpx
        import openai

        response, _mode, _sent = await self._create(request, stream=True)
        reasoning: list[str] = []
        refusal: list[str] = []
        produced = False
        finish: str | None = None
        try:
            async for chunk in response:
                if not getattr(chunk, "choices", None):
                    continue
                finish = getattr(chunk.choices[0], "finish_reason", None) or finish
                delta = chunk.choices[0].delta
                if delta is None:
                    continue
                if delta.content:
                    produced = True
                    yield delta.content
                elif not produced:
                    piece = _reasoning_text(delta)
                    if piece:
                        reasoning.append(piece)
                if getattr(delta, "refusal", None):
                    refusal.append(delta.refusal)
        except openai.OpenAIError as exc:
            raise self._service_error(exc) from None
        except httpx.HTTPError as exc:
            raise ServiceError(
                f"the connection to {self.endpoint} broke while the reply was streaming ({self._scrub(str(exc)) or type(exc).__name__})"
            ) from None
        finally:
            close = getattr(response, "close", None)
            if close is not None:
                await close()
        if not produced:
            if refusal:
                raise ServiceError(f"the model refused to reply: {self._scrub(one_line(''.join(refusal)))}")
            if reasoning:
                yield "".join(reasoning)
        stream.finish(finish)

    # ------------------------------------------------------------------ failures

    def _scrub(self, text: str) -> str:
        """Remove anything that is, or looks like, a credential (``scrub``, the one scrubber)."""
        return scrubbed(text, self.settings)

    def _service_error(self, exc: Exception) -> ServiceError:
        retries = getattr(exc, "retries", 0)
        return ServiceError(describe(exc, self.settings, model=self.model, retries=retries))


_FORMAT_WORDS: dict[str, str] = {
    "json_object_schema": "json_object with the schema",
    "json_object": "json_object without a schema",
    "text": "no response_format (the prompt alone asks for JSON)",
}


def _backoff(exc: Exception, retries: int) -> float:
    """Seconds to wait before retry number ``retries``: the server's Retry-After, else exponential with jitter."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        try:
            wait = float(headers.get(name, "")) * scale
        except ValueError:
            continue
        if 0 <= wait <= 60:
            return wait
    return min(BASE_BACKOFF * 2 ** (retries - 1), MAX_BACKOFF) * (1 - 0.25 * random.random())


def _reasoning_text(message: Any) -> str:
    """Text a server put in ``reasoning_content`` (vLLM, DeepSeek, llama.cpp) or ``reasoning`` instead of content."""
    for attribute in ("reasoning_content", "reasoning"):
        value = getattr(message, attribute, None)
        if isinstance(value, str) and value.strip():
            return value
    return ""
