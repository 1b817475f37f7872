"""A fake OpenAI Files and Batches API (respx) shared by the batch API tests."""

from __future__ import annotations

import json
import random
import re
from typing import Any

import httpx
import respx

from batch_helpers import tier_for
from openai_fakes import chat_completion, verdict_json

FENCED = re.compile(r"<candidate_answer>\n(.*)\n</candidate_answer>", re.DOTALL)


class FakeBatchAPI:
    """Files and Batches endpoints with just enough state for the whole flow."""

    def __init__(self, router: respx.Router) -> None:
        self.uploads: dict[str, list[dict[str, Any]]] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.files: dict[str, bytes] = {}
        self.polls_before_done = 1
        self.interrupt_on_poll: int | None = None
        self.polls = 0
        self.fail_batch: str | None = None
        self.shuffle = random.Random(7)
        self.upload_route = router.post("/files").mock(side_effect=self.upload)
        self.create_route = router.post("/batches").mock(side_effect=self.create)
        self.retrieve_route = router.get(url__regex=r"/batches/(?P<batch_id>[^/]+)$").mock(side_effect=self.retrieve)
        self.content_route = router.get(url__regex=r"/files/(?P<file_id>[^/]+)/content$").mock(side_effect=self.content)
        router.post("/chat/completions").mock(side_effect=AssertionError("--batch-api must not call chat completions"))

    def upload(self, request: httpx.Request) -> httpx.Response:
        assert b'name="purpose"\r\n\r\nbatch' in request.content
        lines = [json.loads(line) for line in request.content.split(b"\n") if line.startswith(b'{"custom_id"')]
        file_id = f"file-in-{len(self.uploads) + 1}"
        self.uploads[file_id] = lines
        return httpx.Response(200, json={"id": file_id, "object": "file", "bytes": len(request.content), "created_at": 0,
                                         "filename": "batch-input.jsonl", "purpose": "batch", "status": "processed"})

    def create(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        assert body["endpoint"] == "/v1/chat/completions" and body["completion_window"] == "24h"
        batch_id = f"batch_{len(self.batches) + 1}"
        self.batches[batch_id] = {"id": batch_id, "input_file_id": body["input_file_id"], "status": "validating"}
        return httpx.Response(200, json=self.batch_json(batch_id))

    def batch_json(self, batch_id: str) -> dict[str, Any]:
        batch = self.batches[batch_id]
        total = len(self.uploads[batch["input_file_id"]])
        done = total if batch["status"] == "completed" else 0
        data = {
            "id": batch_id, "object": "batch", "endpoint": "/v1/chat/completions", "completion_window": "24h",
            "created_at": 0, "input_file_id": batch["input_file_id"], "status": batch["status"],
            "output_file_id": batch.get("output_file_id"), "error_file_id": batch.get("error_file_id"),
            "request_counts": {"total": total, "completed": done, "failed": 0},
        }
        if batch["status"] == "failed":
            data["errors"] = {"object": "list", "data": [{"code": "invalid_request", "line": 1,
                                                          "message": "model not available for batch"}]}
        return data

    def retrieve(self, request: httpx.Request, batch_id: str) -> httpx.Response:
        self.polls += 1
        if self.interrupt_on_poll is not None and self.polls >= self.interrupt_on_poll:
            raise KeyboardInterrupt
        batch = self.batches[batch_id]
        batch["polls"] = batch.get("polls", 0) + 1
        if batch["polls"] > self.polls_before_done and batch["status"] not in ("completed", "failed"):
            if self.fail_batch == batch_id:
                batch["status"] = "failed"
            else:
                self.finish(batch_id)
        elif batch["status"] == "validating":
            batch["status"] = "in_progress"
        return httpx.Response(200, json=self.batch_json(batch_id))

    def finish(self, batch_id: str) -> None:
        batch = self.batches[batch_id]
        outputs, errors = [], []
        for line in self.uploads[batch["input_file_id"]]:
            fenced = FENCED.search(line["body"]["messages"][1]["content"])
            assert fenced is not None
            answer = fenced.group(1)
            if "FAILS" in answer:
                errors.append({"id": "r", "custom_id": line["custom_id"], "response": None,
                               "error": {"code": "batch_expired", "message": "not executed before the window expired"}})
                continue
            tier, score = tier_for(answer)
            content = "not JSON, sorry" if "GARBLED" in answer else verdict_json(tier, score, explanation=f"for {answer[:30]}")
            outputs.append({"id": "r", "custom_id": line["custom_id"], "error": None, "response": {
                "status_code": 200, "request_id": "req", "body": chat_completion(content, model="gpt-4.1-mini-2025-04-14")}})
        self.shuffle.shuffle(outputs)
        batch["status"] = "completed"
        batch["output_file_id"] = f"file-out-{batch_id}"
        self.files[batch["output_file_id"]] = b"".join(json.dumps(o).encode() + b"\n" for o in outputs)
        if errors:
            batch["error_file_id"] = f"file-err-{batch_id}"
            self.files[batch["error_file_id"]] = b"".join(json.dumps(e).encode() + b"\n" for e in errors)

    def content(self, request: httpx.Request, file_id: str) -> httpx.Response:
        return httpx.Response(200, content=self.files[file_id])
