"""The OpenAI service, in one place: the client, the request body, what a failure means, and scrubbing.

Used by the OpenAI-compatible backend (``backends/openai_backend.py``) and by ``batch --batch-api``
(``batch/batch_api.py``), so both build the client from the same settings, send the same body and
describe a server's refusal in the same words, never with the key in them (``scrub``, the one
scrubber). ``openai`` is imported only inside the functions that need it: it is slow to import.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Mapping
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel

from mock_interviewer.backends.base import ModelReply, ModelRequest
from mock_interviewer.config import FormatMode, Settings
from mock_interviewer.grade_model import Usage
from mock_interviewer.scrub import scrub

PLACEHOLDER_KEY = "no-key-needed"
"""Sent when only ``OPENAI_BASE_URL`` is set: local servers ignore the key, but the SDK requires one."""
OPENAI_URL = "https://api.openai.com/v1"
MAX_SERVER_MESSAGE = 300
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0", "host.docker.internal")
_TAGS = re.compile(r"<[^>]+>")


# ---------------------------------------------------------------- the client


def make_client(settings: Settings, *, max_retries: int | None = None) -> Any:
    """An ``openai.AsyncOpenAI`` for the settings' key and base URL (a placeholder key for a local server).

    Everything the SDK would otherwise read from the environment itself (base URL, organization, project)
    is passed from the loaded settings, so ``config.load_settings`` stays the one reader of OPENAI_*.
    """
    import openai

    key = settings.api_key.get_secret_value() if settings.api_key is not None else None
    return openai.AsyncOpenAI(
        api_key=key or PLACEHOLDER_KEY,
        base_url=settings.base_url or OPENAI_URL,
        organization=settings.organization,
        project=settings.project,
        max_retries=settings.max_retries if max_retries is None else max_retries,
        timeout=settings.timeout_seconds,
    )


def secrets_of(settings: Settings) -> tuple[str, ...]:
    """What must never leave the process: the key."""
    return (settings.api_key.get_secret_value(),) if settings.api_key is not None else ()


def scrubbed(text: str, settings: Settings) -> str:
    return scrub(text, secrets_of(settings))


def endpoint(settings: Settings) -> str:
    """The base URL requests go to, safe to print."""
    return redact_url(settings.base_url or OPENAI_URL)


def is_local(settings: Settings) -> bool:
    """True when the base URL is this machine (a llama.cpp, Ollama or LM Studio server, usually on a CPU)."""
    host = urlsplit(settings.base_url or OPENAI_URL).hostname or ""
    return host in LOCAL_HOSTS or host.endswith(".localhost")


def redact_url(url: str) -> str:
    """A base URL fit for a message: no user:password, no query string (Azure keys have lived there)."""
    without_query = url.split("?", 1)[0].split("#", 1)[0]
    return re.sub(r"^([a-z][a-z0-9+.-]*://)[^/@]*@", r"\1", without_query, flags=re.IGNORECASE).rstrip("/")


# ---------------------------------------------------------------- the request body


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
    """The ``response_format`` for a step of the ladder; None for ``text`` (the prompt alone asks for JSON).

    ``json_object_schema`` is ``{"type": "json_object", "schema": {...}}``: llama.cpp's server and
    llama-cpp-python turn the schema into a grammar there, where they refuse ``json_schema``.
    """
    if mode == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": output.__name__, "schema": strict_schema(output), "strict": True},
        }
    if mode == "json_object_schema":
        return {"type": "json_object", "schema": strict_schema(output)}
    if mode == "json_object":
        return {"type": "json_object"}
    return None


def request_body(
    request: ModelRequest,
    *,
    model: str,
    format_mode: FormatMode = "json_schema",
    token_param: str = "max_tokens",
    dropped: Collection[str] = (),
    stream: bool = False,
) -> dict[str, Any]:
    """The Chat Completions body for ``request``, given what the server has been found to accept.

    ``dropped`` names optional parameters a server refused (``temperature``, ``seed``).
    """
    body: dict[str, Any] = {"model": model, "messages": [m.as_dict() for m in request.messages]}
    if "temperature" not in dropped:
        body["temperature"] = request.temperature
    if request.seed is not None and "seed" not in dropped:
        body["seed"] = request.seed
    if request.max_tokens is not None:
        body[token_param] = request.max_tokens
    if request.output is not None and not stream:
        fmt = response_format(format_mode, request.output)
        if fmt is not None:
            body["response_format"] = fmt
    if stream:
        body["stream"] = True
    return body


def chat_request_body(request: ModelRequest, settings: Settings) -> dict[str, Any]:
    """The body a fresh backend sends first for ``request`` (the ladder's top step, or the forced one).

    ``batch --batch-api`` puts this very request in each Batch API line, and ``batch --dry-run`` counts
    the very tokens a live run would send.
    """
    return request_body(request, model=settings.model, format_mode=settings.response_format or "json_schema")


def format_of(params: dict[str, Any]) -> FormatMode:
    """Which step of the ladder a request body is on."""
    fmt = params.get("response_format")
    if not fmt:
        return "text"
    if fmt.get("type") == "json_schema":
        return "json_schema"
    return "json_object_schema" if "schema" in fmt else "json_object"


# ---------------------------------------------------------------- what a reply says


def reply_from_body(body: Mapping[str, Any], model: str) -> ModelReply:
    """A Chat Completions response body (a live one's ``model_dump()``, or a Batch API output line's) as a reply.

    A reply only in ``reasoning_content`` or ``reasoning`` (vLLM, DeepSeek, llama.cpp with a reasoning
    parser) is used when ``content`` is empty; ``extra["text_from"]`` says so.
    """
    name = str(body.get("model") or model)
    fingerprint = body.get("system_fingerprint")
    usage = usage_from(body.get("usage"))
    choices = body.get("choices") or []
    if not choices:
        return ModelReply(text="", model=name, finish_reason=None, system_fingerprint=fingerprint, usage=usage)
    choice = choices[0]
    message = choice.get("message") or {}
    text = message.get("content") or ""
    extra: dict[str, object] = {}
    if not text.strip():
        reasoning = message.get("reasoning_content") or message.get("reasoning") or ""
        if isinstance(reasoning, str) and reasoning.strip():
            text = reasoning
            extra["text_from"] = "reasoning_content"
    return ModelReply(
        text=text,
        model=name,
        finish_reason=choice.get("finish_reason"),
        refusal=message.get("refusal"),
        system_fingerprint=fingerprint,
        usage=usage,
        extra=extra,
    )


def usage_from(data: object) -> Usage | None:
    """The tokens of one request from a response's ``usage`` (cached tokens by OpenAI's name or DeepSeek's)."""
    if not isinstance(data, Mapping):
        return None
    details = data.get("prompt_tokens_details")
    cached = details.get("cached_tokens") if isinstance(details, Mapping) else None
    if cached is None:
        cached = data.get("prompt_cache_hit_tokens")
    return Usage(
        prompt_tokens=int(data.get("prompt_tokens") or 0),
        completion_tokens=int(data.get("completion_tokens") or 0),
        cached_tokens=int(cached or 0),
    )


# ---------------------------------------------------------------- what a failure says


def one_line(text: str, limit: int = MAX_SERVER_MESSAGE) -> str:
    flat = " ".join(_TAGS.sub(" ", text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def server_message(exc: Any) -> str:
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


def rejects_format(exc: Any) -> bool:
    """Whether an SDK error says the server refused the ``response_format`` sent.

    Servers say it differently: OpenAI and vLLM with 400 and ``param``, others with 422, and
    llama-cpp-python with a 500 whose body is a pydantic error about ``response_format.type``.
    """
    status = getattr(exc, "status_code", None)
    if status not in (400, 422, 500):
        return False
    text = f"{getattr(exc, 'param', None) or ''} {getattr(exc, 'code', None) or ''} {server_message(exc)}".lower()
    if status == 500:
        return "response_format" in text
    return any(word in text for word in ("response_format", "json_schema", "json_object"))


def root_cause(exc: BaseException) -> str:
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


def describe(exc: Exception, settings: Settings, *, model: str, retries: int = 0) -> str:
    """One scrubbed line saying what an SDK failure means (after ``retries`` retries) and what to do about it."""
    return scrubbed(_describe(exc, settings, model=model, retries=retries), settings)


def _describe(exc: Exception, settings: Settings, *, model: str, retries: int) -> str:
    import openai

    where = endpoint(settings)
    after = f" after {retries} retr{'y' if retries == 1 else 'ies'}" if retries else ""
    detail = one_line(server_message(exc))
    if isinstance(exc, openai.APITimeoutError):
        local = settings.max_retries and not retries and is_local(settings)
        not_retried = "" if not local else " (not retried: a local server keeps working on an abandoned request)"
        return (
            f"the model service at {where} did not answer within {settings.timeout_seconds:g} s{after}{not_retried}; "
            "a slow local model may need a longer MOCK_INTERVIEWER_TIMEOUT"
        )
    if isinstance(exc, openai.APIConnectionError):
        return f"cannot reach the model service at {where} ({root_cause(exc)}){after}; check OPENAI_BASE_URL and that the server is running"
    if isinstance(exc, openai.APIStatusError):
        return _describe_status(exc, where, after, detail, settings, model)
    return f"the model service at {where} failed: {detail or type(exc).__name__}"


def _describe_status(exc: Any, where: str, after: str, detail: str, settings: Settings, model: str) -> str:
    import openai

    status = exc.status_code
    if isinstance(exc, openai.AuthenticationError):
        if settings.api_key is None:
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
                f"model {model!r} not found at {where} (HTTP 404): check --model (or MOCK_INTERVIEWER_MODEL)"
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
        return f"the model service at {where} failed (HTTP {status}){after}{': ' + detail if detail else ''}"
    if isinstance(exc, (openai.BadRequestError, openai.UnprocessableEntityError)):
        if exc.code == "content_filter":
            return f"the model service at {where} blocked the request with its content filter (HTTP {status})"
        return f"the model service at {where} rejected the request (HTTP {status}): {detail or 'no reason given'}"
    return f"the model service at {where} answered HTTP {status}{after if status in (408, 409) else ''}: {detail or 'no reason given'}"
