"""The OpenAI-compatible backend: any Chat Completions endpoint through the official ``openai`` SDK.

Works with OpenAI, Azure OpenAI (its ``/openai/v1/`` endpoint), Ollama, vLLM,
llama.cpp server and LM Studio. Why it is shaped this way:

- The SDK client is built on first use, never at import: ``openai`` takes about
  half a second to import, and ``--help`` or an offline run must not pay for it.
- Retries are the SDK's (429, 408, 409, 5xx, timeouts, dropped connections, with
  exponential backoff and ``Retry-After`` honoured); ``Settings.max_retries`` and
  ``timeout_seconds`` tune them. This module only decides what a failure *means*
  and says so in one line that never contains the API key.
- Servers differ. Some reject a strict ``json_schema`` response format, some want
  ``max_completion_tokens`` instead of ``max_tokens``, reasoning models refuse a
  ``temperature``. A request rejected for one of those reasons (HTTP 400/422) is
  re-sent with the next thing the server may accept, and the backend remembers
  what worked for the rest of its life, so the detour is paid once.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel

from mock_interviewer.backends.base import ModelReply, ModelRequest
from mock_interviewer.config import Settings
from mock_interviewer.errors import ServiceError
from mock_interviewer.grades import Usage
from mock_interviewer.scrub import scrub

FormatMode = Literal["json_schema", "json_object", "none"]
FORMAT_FALLBACKS: tuple[FormatMode, ...] = ("json_schema", "json_object", "none")

PLACEHOLDER_KEY = "no-key-needed"
"""Sent when only ``OPENAI_BASE_URL`` is set: local servers ignore the key, but the SDK requires one."""

MAX_SERVER_MESSAGE = 300
_TAGS = re.compile(r"<[^>]+>")


@cache
def strict_schema(output: type[BaseModel]) -> dict[str, Any]:
    """The strict JSON schema of a pydantic model, as OpenAI's structured outputs require it.

    ``openai.pydantic_function_tool`` is the SDK's public door to its own
    strict-schema converter (every object closed, every property required, refs
    resolved the way the API accepts), so the schema we send is the one the SDK
    would send for ``.parse()``. Cached: it is the same for every request (never mutate it).
    """
    import openai

    tool: Any = openai.pydantic_function_tool(output)
    return dict(tool["function"]["parameters"])


def response_format(mode: FormatMode, output: type[BaseModel]) -> dict[str, Any] | None:
    if mode == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": output.__name__, "schema": strict_schema(output), "strict": True},
        }
    if mode == "json_object":
        return {"type": "json_object"}
    return None


def redact_url(url: str) -> str:
    """A base URL fit for a message: no user:password, no query string (Azure keys have lived there)."""
    without_query = url.split("?", 1)[0].split("#", 1)[0]
    return re.sub(r"^([a-z][a-z0-9+.-]*://)[^/@]*@", r"\1", without_query, flags=re.IGNORECASE).rstrip("/")


def one_line(text: str, limit: int = MAX_SERVER_MESSAGE) -> str:
    flat = " ".join(_TAGS.sub(" ", text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


class OpenAIBackend:
    """A model behind an OpenAI-compatible Chat Completions endpoint."""

    name = "openai"
    estimate = False

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model = settings.model
        self.format_mode: FormatMode = "json_schema"
        self.token_param: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"
        self.dropped: set[str] = set()
        """Optional parameters the server refused (``temperature``, ``seed``); not sent again."""
        self._client: Any = None
        self._secret: str | None = None
        self._keyless = False

    # ------------------------------------------------------------------ client

    def _get_client(self) -> Any:
        """Build the SDK client on first use, from the environment the way the SDK reads it."""
        if self._client is None:
            key = os.environ.get("OPENAI_API_KEY") or None
            base_url = os.environ.get("OPENAI_BASE_URL") or None
            if key is None and base_url is None:
                raise ServiceError(
                    "the openai backend needs OPENAI_API_KEY (for OpenAI or Azure) or OPENAI_BASE_URL "
                    "(for a local server such as Ollama); or use --backend offline"
                )
            import openai

            self._secret = key
            self._keyless = key is None
            self._client = openai.AsyncOpenAI(
                api_key=key or PLACEHOLDER_KEY,
                base_url=base_url,
                max_retries=self.settings.max_retries,
                timeout=self.settings.timeout_seconds,
            )
        return self._client

    @property
    def endpoint(self) -> str:
        """The base URL requests go to, safe to print."""
        if self._client is not None:
            return redact_url(str(self._client.base_url))
        return redact_url(os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1")

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.close()

    # ------------------------------------------------------------------ requests

    def _params(self, request: ModelRequest, *, stream: bool) -> dict[str, Any]:
        params: dict[str, Any] = {"model": self.model, "messages": [m.as_dict() for m in request.messages]}
        if "temperature" not in self.dropped:
            params["temperature"] = request.temperature
        if request.seed is not None and "seed" not in self.dropped:
            params["seed"] = request.seed
        if request.max_tokens is not None:
            params[self.token_param] = request.max_tokens
        if request.output is not None and not stream:
            fmt = response_format(self.format_mode, request.output)
            if fmt is not None:
                params["response_format"] = fmt
        if stream:
            params["stream"] = True
        return params

    def _adapt(self, error: Any, params: dict[str, Any]) -> bool:
        """Change what we send so a server that rejected ``params`` may accept it; False if nothing is left to try."""
        param = str(error.param or "").lower()
        text = f"{param} {error.code or ''} {_server_message(error)}".lower()
        if "response_format" in params and (
            param.startswith("response_format") or any(w in text for w in ("response_format", "json_schema", "json_object"))
        ):
            # Step down from what *this* request sent: concurrent requests may report the same rejection.
            sent = FORMAT_FALLBACKS.index(params["response_format"]["type"])
            self.format_mode = FORMAT_FALLBACKS[max(sent + 1, FORMAT_FALLBACKS.index(self.format_mode))]
            return True
        if "max_tokens" in params and "max_completion_tokens" in text:
            self.token_param = "max_completion_tokens"
            return True
        for optional in ("temperature", "seed"):
            if optional in params and (param == optional or f"'{optional}'" in text or f'"{optional}"' in text):
                self.dropped.add(optional)
                return True
        return False

    async def _create(self, request: ModelRequest, *, stream: bool) -> Any:
        import openai

        client = self._get_client()
        while True:
            params = self._params(request, stream=stream)
            try:
                return await client.chat.completions.create(**params)
            except (openai.BadRequestError, openai.UnprocessableEntityError) as exc:
                if not self._adapt(exc, params):
                    raise self._service_error(exc) from None
            except openai.OpenAIError as exc:
                raise self._service_error(exc) from None

    async def complete(self, request: ModelRequest) -> ModelReply:
        response = await self._create(request, stream=False)
        if not hasattr(response, "choices"):
            raise ServiceError(
                f"the server at {self.endpoint} did not answer like an OpenAI-compatible API; "
                "check OPENAI_BASE_URL (it usually ends in /v1)"
            )
        model = getattr(response, "model", None) or self.model
        usage = _usage(getattr(response, "usage", None))
        fingerprint = getattr(response, "system_fingerprint", None)
        extra: dict[str, object] = {"response_format": self.format_mode if request.output is not None else "text"}
        if not response.choices:
            return ModelReply(text="", model=model, finish_reason=None, system_fingerprint=fingerprint, usage=usage)
        choice = response.choices[0]
        message = choice.message
        text = message.content or ""
        if not text.strip():
            reasoning = _reasoning_text(message)
            if reasoning:
                text = reasoning
                extra["text_from"] = "reasoning_content"
        return ModelReply(
            text=text,
            model=model,
            finish_reason=choice.finish_reason,
            refusal=getattr(message, "refusal", None),
            system_fingerprint=fingerprint,
            usage=usage,
            extra=extra,
        )

    async def stream(self, request: ModelRequest) -> AsyncIterator[str]:
        """Yield the reply's text as it arrives; a reply only in ``reasoning_content`` is yielded at the end."""
        import httpx
        import openai

        response = await self._create(request, stream=True)
        reasoning: list[str] = []
        refusal: list[str] = []
        produced = False
        try:
            async for chunk in response:
                if not getattr(chunk, "choices", None):
                    continue
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

    # ------------------------------------------------------------------ failures

    def _scrub(self, text: str) -> str:
        """Remove anything that is, or looks like, a credential (``scrub``, the one scrubber)."""
        return scrub(text, (self._secret,))

    def _service_error(self, exc: Exception) -> ServiceError:
        return ServiceError(self._scrub(self._describe(exc)))

    def _describe(self, exc: Exception) -> str:
        import openai

        where = self.endpoint
        retries = self.settings.max_retries
        after = f" after {retries} retr{'y' if retries == 1 else 'ies'}" if retries else ""
        detail = one_line(_server_message(exc))
        if isinstance(exc, openai.APITimeoutError):
            return (
                f"the model service at {where} did not answer within {self.settings.timeout_seconds:g} s{after}; "
                "a slow local model may need a longer MOCK_INTERVIEWER_TIMEOUT"
            )
        if isinstance(exc, openai.APIConnectionError):
            cause = _root_cause(exc)
            return f"cannot reach the model service at {where} ({cause}){after}; check OPENAI_BASE_URL and that the server is running"
        if isinstance(exc, openai.AuthenticationError):
            if self._keyless:
                return f"the model service at {where} needs an API key (HTTP 401): set OPENAI_API_KEY"
            return f"the model service at {where} rejected the API key (HTTP 401): check OPENAI_API_KEY"
        if isinstance(exc, openai.PermissionDeniedError):
            return (
                f"the model service at {where} refused access (HTTP 403){': ' + detail if detail else ''}; "
                "check that OPENAI_API_KEY may use this model"
            )
        if isinstance(exc, openai.NotFoundError):
            if "model" in detail.lower() or not detail:
                return (
                    f"model {self.model!r} not found at {where} (HTTP 404): check --model (or MOCK_INTERVIEWER_MODEL)"
                    f"{'; the server said: ' + detail if detail else ''}"
                )
            return (
                f"nothing found at {where}/chat/completions (HTTP 404): check OPENAI_BASE_URL (it usually ends in /v1) "
                "and --model"
            )
        if isinstance(exc, openai.RateLimitError):
            if exc.code == "insufficient_quota" or "quota" in detail.lower():
                return f"the account behind OPENAI_API_KEY has no quota left at {where} (HTTP 429): check its plan and billing"
            return (
                f"rate limited by the model service at {where} (HTTP 429){after}: wait a minute and try again, "
                "and check the account's rate limits and quota"
            )
        if isinstance(exc, openai.InternalServerError):
            return f"the model service at {where} failed (HTTP {exc.status_code}){after}{': ' + detail if detail else ''}"
        if isinstance(exc, (openai.BadRequestError, openai.UnprocessableEntityError)):
            if exc.code == "content_filter":
                return f"the model service at {where} blocked the request with its content filter (HTTP {exc.status_code})"
            return f"the model service at {where} rejected the request (HTTP {exc.status_code}): {detail or 'no reason given'}"
        if isinstance(exc, openai.APIStatusError):
            return f"the model service at {where} answered HTTP {exc.status_code}{after if exc.status_code in (408, 409) else ''}: {detail or 'no reason given'}"
        return f"the model service at {where} failed: {detail or type(exc).__name__}"


def _server_message(exc: Any) -> str:
    """The server's own words from an SDK error: the JSON ``message`` when there is one, else the body text."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        message = body.get("message") or body.get("error") or body.get("detail")
        if isinstance(message, dict):
            message = message.get("message")
        if message:
            return str(message)
    if isinstance(body, str) and body.strip():
        return body
    message = getattr(exc, "message", "") or ""
    return "" if message.startswith("Error code:") else str(message)


def _root_cause(exc: BaseException) -> str:
    """What the transport said about a failed connection, e.g. "connection refused".

    The operating system's reason (an ``OSError`` with an errno, such as refused or
    unknown host) is the most useful and sits deep in the chain, under httpx's
    generic "All connection attempts failed"; without one, the message of the
    httpx error the SDK raised ``from`` is used.
    """
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        if isinstance(link, OSError) and link.errno is not None:
            import socket

            # asyncio's strerror is "Connect call failed (...)"; the errno's own words are clearer.
            reason = link.strerror if isinstance(link, socket.gaierror) else os.strerror(link.errno)
            if reason:
                return reason[:1].lower() + reason[1:]
        link = link.__cause__ or link.__context__
    cause = exc.__cause__
    while cause is not None:
        text = one_line(str(cause), 160)
        if text:
            return text
        cause = cause.__cause__
    return "connection error"


def _reasoning_text(message: Any) -> str:
    """Text a server put in ``reasoning_content`` (vLLM, DeepSeek, llama.cpp) or ``reasoning`` instead of content."""
    for attribute in ("reasoning_content", "reasoning"):
        value = getattr(message, attribute, None)
        if isinstance(value, str) and value.strip():
            return value
    return ""


def _usage(usage: Any) -> Usage | None:
    if usage is None:
        return None
    details = getattr(usage, "prompt_tokens_details", None)
    cached = getattr(details, "cached_tokens", None) if details is not None else None
    if cached is None:
        cached = getattr(usage, "prompt_cache_hit_tokens", None)  # DeepSeek's name for it
    return Usage(
        prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
        completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
        cached_tokens=int(cached or 0),
    )


def chat_request_body(request: ModelRequest, settings: Settings) -> dict[str, Any]:
    """The Chat Completions body a fresh backend sends for ``request`` (strict json_schema first).

    Public so ``batch --batch-api`` puts the very same request in each Batch API line, and
    ``batch --dry-run`` counts the very tokens a live run would send.
    """
    return OpenAIBackend(settings)._params(request, stream=False)
