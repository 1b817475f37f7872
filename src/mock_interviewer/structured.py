"""Structured replies from any backend: validate, re-ask once with the error, else fail with a reason.

Used by every caller that wants a pydantic object from the model (grades,
follow-up decisions, probes). After one repair re-ask the caller gets a
``StructuredFailure`` carrying a plain reason; it reports the item as ungraded,
never as a default.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from mock_interviewer.backends.base import Backend, Message, ModelReply, ModelRequest
from mock_interviewer.grade_model import add_usage

T = TypeVar("T", bound=BaseModel)

REPAIR_INSTRUCTION = (
    "Your previous reply could not be used: {error}\n"
    "Reply again with only one JSON object that matches the required schema exactly. No prose, no code fence."
)


class StructuredFailure(Exception):
    """The model gave no usable structured reply; ``reason`` says why in plain words."""

    def __init__(self, reason: str, reply: ModelReply | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.reply = reply


_FENCED = re.compile(r"```(?:json)?\s*(\{.*\})\s*```", re.DOTALL)


def extract_json(text: str) -> str:
    """The JSON object in a reply, tolerating a code fence or prose around it."""
    stripped = text.strip()
    if stripped.startswith("{"):
        return stripped
    fenced = _FENCED.search(stripped)
    if fenced:
        return fenced.group(1)
    start, end = stripped.find("{"), stripped.rfind("}")
    if start != -1 and end > start:
        return stripped[start : end + 1]
    return stripped


def _short(error: Exception) -> str:
    if isinstance(error, ValidationError):
        parts = []
        for item in error.errors()[:5]:
            where = ".".join(str(p) for p in item["loc"]) or "(root)"
            parts.append(f"{where}: {item['msg']}")
        return "; ".join(parts)
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _check_finish(reply: ModelReply) -> None:
    if reply.refusal:
        raise StructuredFailure(f"the model refused to answer: {reply.refusal}", reply)
    if reply.finish_reason == "length":
        raise StructuredFailure(
            "the model's reply was cut off at its token limit (finish_reason=length); "
            "raise MOCK_INTERVIEWER_MAX_OUTPUT_TOKENS or use a model with a larger output limit",
            reply,
        )
    if reply.finish_reason == "content_filter":
        raise StructuredFailure("the model service's content filter blocked the reply", reply)


def parse_reply(reply: ModelReply, output: type[T]) -> T:
    if not reply.text.strip():
        raise ValueError("the reply was empty")
    try:
        return output.model_validate_json(extract_json(reply.text))
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise ValueError(f"the reply was not valid JSON ({exc.errors()[0]['msg']})") from None
        raise


async def complete_structured(backend: Backend, request: ModelRequest, output: type[T]) -> tuple[T, ModelReply]:
    """Ask for ``output``; on an invalid reply re-ask once with the validation error.

    The reply returned (or carried by the failure) reports the usage of every request sent.
    """
    reply = await backend.complete(request)
    _check_finish(reply)
    try:
        return parse_reply(reply, output), reply
    except (ValidationError, ValueError) as exc:
        first_error = _short(exc)
    repair = replace(
        request,
        messages=(
            *request.messages,
            Message("assistant", reply.text or "(empty reply)"),
            Message("user", REPAIR_INSTRUCTION.format(error=first_error)),
        ),
    )
    first_usage = reply.usage
    reply = await backend.complete(repair)
    reply = replace(reply, usage=add_usage(first_usage, reply.usage))
    _check_finish(reply)
    try:
        return parse_reply(reply, output), reply
    except (ValidationError, ValueError) as exc:
        raise StructuredFailure(
            f"the model's reply did not match the expected format, even after one repair request ({_short(exc)})",
            reply,
        ) from None

def validate_reply(reply: ModelReply, output: type[T]) -> T:
    """Check a reply received some other way (the Batch API) exactly as ``complete_structured`` does, minus the re-ask."""
    _check_finish(reply)
    try:
        return parse_reply(reply, output)
    except (ValidationError, ValueError) as exc:
        raise StructuredFailure(f"the model's reply did not match the expected format ({_short(exc)})", reply) from None
