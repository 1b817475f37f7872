"""``--batch-api``: grade through the OpenAI Batch API (half the price, results within 24 hours).

The flow: write the pending requests as Batch API JSONL in the output directory
(``custom_id`` = the idempotence key, ``body`` = the very Chat Completions body a
live run sends), upload it (``purpose="batch"``), create the batch, and record its
id in ``batch-api.json`` *before* waiting, so that a run stopped while waiting
(Ctrl-C, a closed laptop) resumes polling the same batch when run again instead of
paying for a second one. When the batch ends, its output and error files are
downloaded beside the results, matched to answers by ``custom_id`` (the Batch API
does not keep order), checked with the same structured-reply validation as live
grading, and appended to ``results.jsonl``; the batch is then marked collected.

There is no repair re-ask inside a batch: a reply that stays invalid is recorded
ungraded with its reason and is retried on the next run, like any ungraded answer.
Large runs are split to respect the Batch API's limits (50,000 requests, 200 MB
per file).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final, Protocol, TypeVar

from mock_interviewer.bank import Bank
from mock_interviewer.batch import BATCH_STATE_FILE
from mock_interviewer.batch.estimate import BodyFor
from mock_interviewer.batch.keys import short
from mock_interviewer.batch.plan import Job, Plan
from mock_interviewer.batch.requests import request_for
from mock_interviewer.batch.results import Failure, ResultWriter, make_record
from mock_interviewer.batch.runner import RunSummary, apply_reuse, start_summary
from mock_interviewer.config import Settings
from mock_interviewer.errors import InputError, ServiceError
from mock_interviewer.grade_model import Grade, GradeVerdict
from mock_interviewer.openai_service import reply_from_body
from mock_interviewer.scrub import scrub
from mock_interviewer.storage import atomic_write_text, temp_file_beside
from mock_interviewer.structured import StructuredFailure, validate_reply

if TYPE_CHECKING:
    from openai import AsyncOpenAI
    from openai.types import Batch

    from mock_interviewer.batch.results import ResultStore

T = TypeVar("T")

ENDPOINT: Final = "/v1/chat/completions"
COMPLETION_WINDOW: Final = "24h"
MAX_REQUESTS_PER_BATCH = 50_000
MAX_BYTES_PER_BATCH = 190 * 1024 * 1024
TERMINAL = ("completed", "failed", "expired", "cancelled")
DEFAULT_POLL_SECONDS = 30.0
MAX_POLLS_WITHOUT_STATUS = 5
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
"""A Batch API id or a file name stem: it becomes part of a file name in the output directory."""



# ---------------------------------------------------------------- the state file


@dataclass
class BatchRecord:
    """One submitted batch, as remembered in ``batch-api.json``."""

    id: str
    input_file_id: str
    input: str
    requests: int
    model: str
    prompt_version: str
    submitted_at: str
    status: str = "validating"
    collected: bool = False
    output_file_id: str | None = None
    error_file_id: str | None = None
    completed: int = 0
    failed: int = 0


@dataclass
class BatchState:
    path: Path
    batches: list[BatchRecord] = field(default_factory=list)

    @classmethod
    def load(cls, directory: Path) -> BatchState:
        path = Path(directory) / BATCH_STATE_FILE
        state = cls(path)
        if not path.exists():
            return state
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            state.batches = [BatchRecord(**entry) for entry in data["batches"]]
            for record in state.batches:  # both name files in the output directory: plain names only
                if not (isinstance(record.id, str) and _SAFE_ID.fullmatch(record.id)):
                    raise ValueError(f"batch id {record.id!r} is not a Batch API id")
                if not (isinstance(record.input, str) and _SAFE_ID.fullmatch(record.input.removesuffix(".jsonl"))):
                    raise ValueError(f"input {record.input!r} is not a file name in this directory")
        except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
            raise InputError(
                f"{path}: cannot read the recorded batches ({exc}); fix or remove it (removing it forgets "
                "the batches it names: their results will not be collected)"
            ) from None
        return state

    def save(self) -> None:
        payload = {"batches": [asdict(b) for b in self.batches]}
        atomic_write_text(self.path, json.dumps(payload, indent=2) + "\n")

    def pending(self) -> list[BatchRecord]:
        return [b for b in self.batches if not b.collected]


# ---------------------------------------------------------------- events


class BatchListener(Protocol):
    def note(self, message: str) -> None: ...
    def polled(self, record: BatchRecord) -> None: ...
    def graded(self, job: Job, grade: Grade, failure: Failure | None) -> None: ...


class BatchEvents:
    """What the Batch API flow reports; the command shows it. No-ops here."""

    def note(self, message: str) -> None:
        """A line worth telling the user (submitted, resumed, downloaded)."""

    def polled(self, record: BatchRecord) -> None:
        """A batch's status after a poll: ``record.status``, ``completed``, ``failed``, ``requests``."""

    def graded(self, job: Job, grade: Grade, failure: Failure | None) -> None:
        """One result collected and written."""


# ---------------------------------------------------------------- the client


def make_client(settings: Settings) -> AsyncOpenAI:
    """An async OpenAI client for files and batches (``openai_service.make_client``, the SDK's retries)."""
    if settings.api_key is None:
        raise InputError("--batch-api needs OPENAI_API_KEY: the Batch API is an OpenAI service")
    from mock_interviewer.openai_service import make_client as service_client

    return service_client(settings)


def api_object(found: T, action: str, client: AsyncOpenAI) -> T:
    """What the SDK parsed, if it is an API object; a server that answered something else is a service failure.

    A 200 answer that is not JSON (a web page at the wrong OPENAI_BASE_URL) comes back as a plain string.
    """
    if not hasattr(found, "id"):
        from mock_interviewer.openai_service import redact_url

        raise ServiceError(
            f"Batch API: {action} failed: the server at {redact_url(str(client.base_url))} did not answer like the "
            "OpenAI API; "
            "check OPENAI_BASE_URL"
        )
    return found


@asynccontextmanager
async def service(action: str, secrets: tuple[str, ...] = ()) -> AsyncIterator[None]:
    """Turn an SDK failure during ``action`` into one ServiceError line (never with the key in it)."""
    import openai

    from mock_interviewer.openai_service import one_line, root_cause, server_message

    try:
        yield
    except openai.APIStatusError as exc:
        message = scrub(one_line(server_message(exc)), secrets)
        raise ServiceError(f"Batch API: {action} failed (HTTP {exc.status_code}){': ' + message if message else ''}") from None
    except openai.APIConnectionError as exc:
        reason = "timed out" if isinstance(exc, openai.APITimeoutError) else root_cause(exc)
        raise ServiceError(f"Batch API: {action} failed: cannot reach the service ({scrub(reason, secrets)})") from None
    except openai.OpenAIError as exc:
        raise ServiceError(f"Batch API: {action} failed: {scrub(one_line(str(exc)), secrets)}") from None


# ---------------------------------------------------------------- building and submitting


def batch_lines(plan: Plan, bank: Bank, settings: Settings, body_for: BodyFor) -> Iterator[bytes]:
    """One Batch API request line per pending job, in plan order."""
    for job in plan.jobs():
        request, _prepared = request_for(job, bank, settings)
        line = {"custom_id": job.key, "method": "POST", "url": ENDPOINT, "body": body_for(request)}
        yield (json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def write_inputs(
    lines: Iterator[bytes],
    directory: Path,
    first_number: int,
    *,
    max_requests: int = MAX_REQUESTS_PER_BATCH,
    max_bytes: int = MAX_BYTES_PER_BATCH,
) -> list[tuple[Path, int]]:
    """Stream request lines into as many input files as the Batch API's limits need."""
    files: list[tuple[Path, int]] = []
    handle: IO[bytes] | None = None
    size = 0
    try:
        for line in lines:
            if handle is None or files[-1][1] >= max_requests or size + len(line) > max_bytes:
                if handle is not None:
                    handle.close()
                path = directory / f"batch-input-{first_number + len(files)}.jsonl"
                handle = path.open("wb")
                files.append((path, 0))
                size = 0
            handle.write(line)
            size += len(line)
            files[-1] = (files[-1][0], files[-1][1] + 1)
    finally:
        if handle is not None:
            handle.close()
    return files


async def submit(
    client: AsyncOpenAI,
    state: BatchState,
    plan: Plan,
    bank: Bank,
    settings: Settings,
    body_for: BodyFor,
    *,
    model: str,
    prompt_version: str,
    events: BatchListener,
    secrets: tuple[str, ...] = (),
) -> list[BatchRecord]:
    """Write, upload and create a batch per input file; each is recorded in ``batch-api.json`` as soon as it exists."""
    directory = state.path.parent
    directory.mkdir(parents=True, exist_ok=True)
    files = write_inputs(batch_lines(plan, bank, settings, body_for), directory, len(state.batches) + 1)
    created = []
    for path, count in files:
        async with service(f"uploading {path.name}", secrets):
            with path.open("rb") as handle:
                uploaded = api_object(await client.files.create(file=(path.name, handle), purpose="batch"),
                                      f"uploading {path.name}", client)
        async with service("creating the batch", secrets):
            batch = api_object(
                await client.batches.create(
                    input_file_id=uploaded.id,
                    endpoint=ENDPOINT,
                    completion_window=COMPLETION_WINDOW,
                    metadata={"tool": "mock-interviewer", "prompt_version": prompt_version[:64]},
                ),
                "creating the batch",
                client,
            )
        record = BatchRecord(
            id=batch.id,
            input_file_id=uploaded.id,
            input=path.name,
            requests=count,
            model=model,
            prompt_version=prompt_version,
            submitted_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            status=batch.status,
        )
        state.batches.append(record)
        state.save()
        created.append(record)
        events.note(f"submitted batch {batch.id} ({count} requests from {path.name}); recorded in {state.path.name}")
    return created


# ---------------------------------------------------------------- waiting


async def wait(client: AsyncOpenAI, state: BatchState, record: BatchRecord, *, poll_seconds: float,
               events: BatchListener, secrets: tuple[str, ...] = ()) -> Batch:
    """Poll until the batch ends; every status is saved, so a stopped wait loses nothing.

    A batch object without a status (a server that is not quite the Batch API) is a service failure
    after ``MAX_POLLS_WITHOUT_STATUS`` polls in a row, not a wait forever (nor a busy loop at 0 s).
    """
    without_status = 0
    while True:
        async with service(f"checking batch {record.id}", secrets):
            batch = api_object(await client.batches.retrieve(record.id), f"checking batch {record.id}", client)
        status = getattr(batch, "status", None)
        if not isinstance(status, str) or not status:
            without_status += 1
            if without_status >= MAX_POLLS_WITHOUT_STATUS:
                raise ServiceError(
                    f"Batch API: checking batch {record.id} failed: the service answered {without_status} times "
                    "without the batch's status; check OPENAI_BASE_URL, then run the same command again to collect it"
                )
            await asyncio.sleep(poll_seconds)
            continue
        without_status = 0
        record.status = status
        counts = batch.request_counts
        if counts is not None:
            record.completed, record.failed = counts.completed, counts.failed
            record.requests = counts.total or record.requests
        record.output_file_id = batch.output_file_id
        record.error_file_id = batch.error_file_id
        state.save()
        events.polled(record)
        if status in TERMINAL:
            return batch
        await asyncio.sleep(poll_seconds)


# ---------------------------------------------------------------- collecting


async def download(client: AsyncOpenAI, file_id: str, path: Path, secrets: tuple[str, ...] = ()) -> Path:
    """Stream a result file to ``path`` (temporary name, then renamed)."""
    fd, tmp = temp_file_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            async with (
                service(f"downloading {file_id}", secrets),
                client.files.with_streaming_response.content(file_id) as response,
            ):
                async for chunk in response.iter_bytes():
                    handle.write(chunk)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def grade_from_line(
    line: dict[str, Any], job: Job, bank: Bank, settings: Settings, *, model: str, prompt_version: str
) -> tuple[Grade, Failure | None]:
    """The grade in one output (or error) line, validated like a live reply."""
    question_id = job.item.question_id
    common: dict[str, Any] = {"backend": "openai", "estimate": False, "prompt_version": prompt_version,
                              "response_format": settings.response_format or "json_schema"}  # what each line asked for
    response = line.get("response") if isinstance(line.get("response"), dict) else None
    status = response.get("status_code") if response else None
    if response is None or status != 200:
        reason = _line_error(line, response)
        return Grade.ungraded(question_id, f"the Batch API request failed: {reason}", model=model, **common), "service"
    _request, prepared = request_for(job, bank, settings)
    body = response.get("body") if isinstance(response.get("body"), dict) else {}
    reply = reply_from_body(body, model)
    try:
        verdict = validate_reply(reply, GradeVerdict)
    except StructuredFailure as failure:
        return (
            Grade.ungraded(question_id, failure.reason, model=reply.model, suspicious=prepared.suspicious,
                           truncated=prepared.truncated, usage=reply.usage, **common),
            "model_reply",
        )
    grade = Grade.from_verdict(
        question_id, verdict, model=reply.model, system_fingerprint=reply.system_fingerprint, usage=reply.usage,
        truncated=prepared.truncated, **common,
    )
    if prepared.suspicious and not grade.suspicious:
        grade = grade.model_copy(update={"suspicious": True})
    return grade, None


def _line_error(line: dict[str, Any], response: dict[str, Any] | None) -> str:
    error = line.get("error")
    if isinstance(error, dict) and error.get("message"):
        code = f" ({error['code']})" if error.get("code") else ""
        return f"{error['message']}{code}"
    if response is not None:
        body = response.get("body")
        inner = body.get("error") if isinstance(body, dict) else None
        message = inner.get("message") if isinstance(inner, dict) else None
        return f"HTTP {response.get('status_code')}{': ' + str(message) if message else ''}"
    return "no response recorded"


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as handle:
        for raw in handle:
            if not raw.strip():
                continue
            try:
                value = json.loads(raw)
            except ValueError:
                continue
            if isinstance(value, dict):
                yield value


def _submitted_keys(path: Path) -> Iterator[str]:
    for line in _read_jsonl(path):
        custom_id = line.get("custom_id")
        if isinstance(custom_id, str):
            yield custom_id


async def collect(
    client: AsyncOpenAI,
    state: BatchState,
    record: BatchRecord,
    batch: Batch,
    plan: Plan,
    bank: Bank,
    settings: Settings,
    writer: ResultWriter,
    summary: RunSummary,
    *,
    events: BatchListener,
    secrets: tuple[str, ...] = (),
) -> None:
    """Download a finished batch's files and record every result, matched by ``custom_id``."""
    directory = state.path.parent
    seen: set[bytes] = set()
    stray = 0

    def record_result(job: Job, grade: Grade, failure: Failure | None) -> None:
        seen.add(short(job.key))
        for item in job.items:
            writer.append(make_record(job.key, item, grade, failure))
        summary.count(job, grade, failure)
        events.graded(job, grade, failure)

    for label, file_id in (("output", batch.output_file_id), ("errors", batch.error_file_id)):
        if not file_id:
            continue
        path = await download(client, file_id, directory / f"batch-{label}-{record.id}.jsonl", secrets)
        events.note(f"downloaded the {label} of batch {record.id} to {path.name}")
        for line in _read_jsonl(path):
            key = line.get("custom_id")
            if not isinstance(key, str) or len(key) != 64 or short(key) in seen:
                stray += 1
                continue
            job = plan.find(key)
            if job is None:
                stray += 1  # no longer among this run's answers (its inputs changed), or already recorded
                continue
            grade, failure = grade_from_line(line, job, bank, settings, model=record.model,
                                             prompt_version=record.prompt_version)
            record_result(job, grade, failure)
    missing_reason = _missing_reason(record, batch)
    local_input = directory / record.input
    if local_input.exists():
        for key in _submitted_keys(local_input):
            if len(key) != 64 or short(key) in seen:
                continue
            job = plan.find(key)
            if job is not None:
                grade = Grade.ungraded(job.item.question_id, missing_reason, backend="openai", model=record.model,
                                       prompt_version=record.prompt_version)
                record_result(job, grade, "service")
    if stray:
        events.note(f"batch {record.id}: {stray} result(s) matched no pending answer of this run and were ignored")
    record.collected = True
    state.save()
    local_input.unlink(missing_ok=True)  # rebuilt from the inputs whenever needed; the outputs stay for audit


def _missing_reason(record: BatchRecord, batch: Batch) -> str:
    if batch.status == "failed":
        errors = getattr(getattr(batch, "errors", None), "data", None) or []
        detail = "; ".join(
            f"{'line ' + str(e.line) + ': ' if getattr(e, 'line', None) else ''}{e.message}" for e in errors[:3] if e.message
        )
        return f"the Batch API rejected batch {record.id}{': ' + detail if detail else ''}"
    return f"batch {record.id} ended ({batch.status}) without a result for this answer"


# ---------------------------------------------------------------- the whole flow


async def run_batch_api(
    client: AsyncOpenAI,
    plan: Plan,
    bank: Bank,
    settings: Settings,
    store: ResultStore,
    writer: ResultWriter,
    state: BatchState,
    body_for: BodyFor,
    *,
    model: str,
    prompt_version: str,
    poll_seconds: float = DEFAULT_POLL_SECONDS,
    events: BatchListener | None = None,
    secrets: tuple[str, ...] = (),
) -> RunSummary:
    """Resume the recorded batches if any are not collected yet; otherwise submit the pending answers."""
    events = events or BatchEvents()
    summary = start_summary(plan)
    apply_reuse(plan, store, writer, summary)
    pending = state.pending()
    for record in pending:
        if record.model != model or record.prompt_version != prompt_version:
            raise InputError(
                f"{state.path}: batch {record.id} was submitted for model {record.model} and prompt "
                f"{record.prompt_version}; run with --model {record.model} (and the same prompts) to collect it"
            )
    if pending:
        events.note(f"resuming {len(pending)} recorded batch(es): {', '.join(b.id for b in pending)}")
    elif plan.requests:
        pending = await submit(client, state, plan, bank, settings, body_for, model=model,
                               prompt_version=prompt_version, events=events, secrets=secrets)
    for record in pending:
        events.note(f"waiting for batch {record.id}: Ctrl-C stops waiting; run the same command again to collect it")
        batch = await wait(client, state, record, poll_seconds=poll_seconds, events=events, secrets=secrets)
        await collect(client, state, record, batch, plan, bank, settings, writer, summary, events=events,
                      secrets=secrets)
    return summary
