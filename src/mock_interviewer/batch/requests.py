"""The grade request of a job, as the model would receive it: built once here for dry runs and the Batch API.

``request_for`` goes through the grader's own ``prepare_answer`` and
``build_grade_request`` (same truncation, same prompt, same fence), and
``BodyBuilder`` through ``openai_service.chat_request_body``, so what is
counted or uploaded is what a live run sends.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from mock_interviewer.backends.base import Message, ModelRequest
from mock_interviewer.bank import Bank
from mock_interviewer.batch.plan import Job
from mock_interviewer.config import Settings
from mock_interviewer.grader import PreparedAnswer, build_grade_request, prepare_answer
from mock_interviewer.tokens import count_messages, count_tokens


def request_for(job: Job, bank: Bank, settings: Settings, rotation: int = 0) -> tuple[ModelRequest, PreparedAnswer]:
    """The job's grade request; ``rotation`` turns the exemplars' order as ``--samples`` does for its later samples."""
    item = job.item
    prepared = prepare_answer(item.answer, settings)
    return build_grade_request(bank.get(item.question_id), prepared, settings, item.exchange, rotation), prepared


class BodyBuilder:
    """Chat Completions bodies from ``chat_request_body``, its slow part (the strict schema) computed once.

    Grade requests differ only in their messages; everything else in the body
    (model, schema, temperature, seed, token limit) depends on the request's
    settings, so the body of the first request with those settings is reused with
    each later request's messages.
    """

    def __init__(self, settings: Settings, build: Callable[[ModelRequest, Settings], dict[str, Any]] | None = None) -> None:
        if build is None:
            from mock_interviewer.openai_service import chat_request_body

            build = chat_request_body
        self.settings = settings
        self.build = build
        self._templates: dict[tuple[Any, ...], dict[str, Any]] = {}

    def __call__(self, request: ModelRequest) -> dict[str, Any]:
        shape = (request.output, request.temperature, request.seed, request.max_tokens)
        template = self._templates.get(shape)
        if template is None:
            body = self.build(request, self.settings)
            self._templates[shape] = body
            return body
        return {**template, "messages": [m.as_dict() for m in request.messages]}


def body_tokens(body: dict[str, Any], model: str) -> int:
    """Prompt tokens of a Chat Completions body: the messages with their framing, and the response schema."""
    messages = tuple(Message(m["role"], m["content"]) for m in body["messages"])
    tokens = count_messages(messages, model)
    response_format = body.get("response_format")
    if response_format:
        tokens += count_tokens(json.dumps(response_format), model)
    return tokens
