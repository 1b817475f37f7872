"""The batch package piece by piece: keys, input parsing, the results file, the runner's bounds, reports, prices."""

from __future__ import annotations

import asyncio
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from mock_interviewer.backends.base import ModelRequest, Turn
from mock_interviewer.backends.scripted import ScriptedBackend
from mock_interviewer.bank import load_bank
from mock_interviewer.batch.inputs import Item, Problem, iter_inputs
from mock_interviewer.batch.keys import KeyMaker
from mock_interviewer.batch.plan import build_plan
from mock_interviewer.batch.pricing import PriceTable, estimate_cost, load_prices
from mock_interviewer.batch.report import GapCounter, gather, md, render_markdown, write_reports
from mock_interviewer.batch.results import DirectoryLock, ResultStore, make_record
from mock_interviewer.batch.runner import run_live
from mock_interviewer.config import Settings, load_settings
from mock_interviewer.errors import InputError
from mock_interviewer.grade_model import Grade, GradeVerdict, Usage
from openai_fakes import verdict

BANK = load_bank([])
SETTINGS = Settings(backend="offline")


def item(answer: str = "an answer", question_id: str = "director-01", **extra: Any) -> Item:
    return Item(item_id=extra.pop("item_id", "i1"), candidate=extra.pop("candidate", "ann"), question_id=question_id,
                answer=answer, source="answers.jsonl", line=1, **extra)


def entries(path: Path) -> list[Item | Problem]:
    return list(iter_inputs([path], BANK.get))


# ---------------------------------------------------------------- keys


def test_the_key_changes_with_everything_the_request_depends_on():
    base = KeyMaker("openai", "gpt-4.1-mini", "grade-abc", SETTINGS)
    question = BANK.get("director-01")
    key = base.key(item(), question)
    assert key == KeyMaker("openai", "gpt-4.1-mini", "grade-abc", SETTINGS).key(item(item_id="other"), question)
    edited = question.model_copy(update={"key_points": [*question.key_points[:-1], "an edited key point"]})
    different = {
        KeyMaker("openai", "gpt-4.1", "grade-abc", SETTINGS).key(item(), question),
        KeyMaker("offline", "gpt-4.1-mini", "grade-abc", SETTINGS).key(item(), question),
        KeyMaker("openai", "gpt-4.1-mini", "grade-xyz", SETTINGS).key(item(), question),
        KeyMaker("openai", "gpt-4.1-mini", "grade-abc", Settings(max_answer_tokens=100)).key(item(), question),
        base.key(item("another answer"), question),
        base.key(item(exchange=(Turn("candidate", "an answer"),)), question),
        KeyMaker("openai", "gpt-4.1-mini", "grade-abc", SETTINGS).key(item(), edited),
    }
    assert key not in different and len(different) == 7
    assert len(key) == 64


# ---------------------------------------------------------------- inputs


def test_csv_header_is_case_insensitive_and_numbers_are_ids(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("\ufeffID, Question_ID ,Answer,Candidate,extra\n7,director-01,hello there,42,x\n".encode())
    [found] = entries(path)
    assert isinstance(found, Item)
    assert (found.item_id, found.question_id, found.candidate, found.line) == ("7", "director-01", "42", 2)


def test_jsonl_lines_that_are_not_utf8_or_have_wrong_types_are_problems(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(
        b'\xef\xbb\xbf{"question_id": "director-01", "answer": "fine", "id": 3}\n'
        b'{"question_id": "director-01", "answer": "caf\xe9"}\n'
        b'{"question_id": 5, "answer": "x"}\n'
        b'{"question_id": "director-01", "answer": ["x"]}\n'
        b'{"question_id": "director-01", "answer": "x", "candidate": {"a": 1}}\n'
        b'{"question_id": "director-01", "answer": "nul\\u0000byte"}\n'
        b"\n"
    )
    found = entries(path)
    assert isinstance(found[0], Item) and found[0].item_id == "3"
    messages = [(p.line, p.message) for p in found[1:]]
    assert messages == [
        (2, "not UTF-8 text (bad byte at column 46)"),
        (3, "question_id must be text, got a number"),
        (4, "answer must be text, got a list"),
        (5, "candidate must be text, got an object"),
        (6, "the answer contains NUL bytes; expected text"),
    ]


def test_csv_rows_with_extra_fields_and_broken_quoting(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("question_id,answer\ndirector-01,ok\ndirector-01,too,many\n", encoding="utf-8")
    found = entries(path)
    assert isinstance(found[0], Item)
    assert str(found[1]) == f"{path}:3: 3 fields but the header has 2"
    only_header = tmp_path / "b.csv"
    only_header.write_text("question_id,answer\n", encoding="utf-8")
    assert [str(p) for p in entries(only_header)] == [f"{only_header}: no answers after the header"]


def test_a_session_that_is_not_a_session_is_one_problem(tmp_path):
    path = tmp_path / "s.json"
    path.write_text('{"schema_version": 1, "id": "x"}', encoding="utf-8")
    [problem] = entries(path)
    assert isinstance(problem, Problem) and problem.source == str(path) and "track" in problem.message
    broken = tmp_path / "t.json"
    broken.write_text('{\n  "id": \n}', encoding="utf-8")
    [problem] = entries(broken)
    assert problem.line == 3 and "not valid JSON" in problem.message


def test_directories_are_walked_in_order_skipping_hidden_and_other_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    row = '{"question_id": "director-01", "answer": "x"}\n'
    for name in ("b/2.jsonl", "a.jsonl", ".git/x.jsonl", "b/.hidden.jsonl", "notes.md"):
        (tmp_path / name).write_text(row, encoding="utf-8")
    assert [Path(e.source).relative_to(tmp_path).as_posix() for e in entries(tmp_path)] == ["a.jsonl", "b/2.jsonl"]


# ---------------------------------------------------------------- results.jsonl


def graded(question_id: str = "director-01") -> Grade:
    return Grade.from_verdict(question_id, GradeVerdict.model_validate(verdict("great", 5)), backend="openai", model="m")


def test_prepare_drops_ungraded_torn_and_duplicate_lines_atomically(tmp_path):
    store = ResultStore(tmp_path)
    ok = make_record("a" * 64, item(), graded())
    failed = make_record("b" * 64, item(item_id="i2"),
                         Grade.ungraded("director-01", "the model service failed", backend="openai", model="m"), "service")
    lines = [ok.model_dump_json(), failed.model_dump_json(), ok.model_dump_json(), "garbage", ok.model_dump_json()[:40]]
    store.path.write_text("\n".join(lines[:-1]) + "\n" + lines[-1], encoding="utf-8")

    scanned = store.scan()
    assert (scanned.graded_lines, scanned.ungraded_lines, scanned.duplicate_lines, scanned.bad_lines) == (1, 1, 1, 2)
    assert store.path.read_text(encoding="utf-8").count("\n") == 4, "scan changes nothing"

    index = store.prepare()
    assert store.path.read_text(encoding="utf-8") == ok.model_dump_json() + "\n"
    assert len(index.done) == 1 and len(index.refs) == 1 and index.ungraded_lines == 1
    assert not list(tmp_path.glob(".results.jsonl.*")), "no temporary file left behind"


@pytest.mark.skipif(sys.platform == "win32", reason="the lock uses fcntl.flock")
def test_a_second_run_on_the_same_directory_is_refused(tmp_path):
    with (
        DirectoryLock(tmp_path),
        pytest.raises(InputError, match="another batch run is using this output directory"),
        DirectoryLock(tmp_path),
    ):
        pass
    with DirectoryLock(tmp_path):  # released
        pass


def test_the_writer_never_writes_the_api_key(tmp_path):
    secret = "sk-live-0123456789abcdef"
    record = make_record("a" * 64, item(), Grade.ungraded("director-01", f"failed with {secret}", backend="o", model="m"))
    with ResultStore(tmp_path).writer([secret]) as writer:
        writer.append(record)
    text = (tmp_path / "results.jsonl").read_text(encoding="utf-8")
    assert secret not in text and "[redacted]" in text


# ---------------------------------------------------------------- the runner's bounds


class CountingBackend(ScriptedBackend):
    """Records how many requests are in flight, and how many tasks exist, at the peak."""

    def __init__(self, delay: float = 0.001) -> None:
        super().__init__(model="m")
        self.delay = delay
        self.in_flight = 0
        self.peak = 0
        self.peak_tasks = 0

    async def complete(self, request: ModelRequest):
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        self.peak_tasks = max(self.peak_tasks, len(asyncio.all_tasks()))
        self.queue(verdict("mediocre", 3))
        try:
            await asyncio.sleep(self.delay)
            return await super().complete(request)
        finally:
            self.in_flight -= 1


def plan_of(tmp_path: Path, n: int):
    rows = [{"question_id": ("director-01", "engineer-02", "technical-03")[i % 3], "answer": f"answer {i}"} for i in range(n)]
    source = tmp_path / "a.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    store = ResultStore(tmp_path / "out")
    keys = KeyMaker("scripted", "m", "p", SETTINGS)
    return build_plan([source], BANK, keys, store.prepare()), store


def test_concurrency_bounds_requests_and_tasks_however_many_answers(tmp_path):
    plan, store = plan_of(tmp_path, 300)
    backend = CountingBackend()
    with plan, store.writer() as writer:
        summary = asyncio.run(run_live(plan, backend, BANK, SETTINGS, store, writer, prompt_version="p", concurrency=5))
    assert summary.graded == 300 and len(backend.requests) == 300
    assert backend.peak == 5, "exactly N requests in flight"
    assert backend.peak_tasks <= 5 + 1, "N workers (and the main task), never a task per answer"
    order = [r.task.question.id for r in backend.requests]
    assert order == sorted(order), "question by question"


def test_a_cancelled_run_keeps_every_finished_result(tmp_path):
    plan, store = plan_of(tmp_path, 50)
    backend = CountingBackend(delay=0.002)

    async def cancel_after_some() -> None:
        with store.writer() as writer:
            task = asyncio.ensure_future(
                run_live(plan, backend, BANK, SETTINGS, store, writer, prompt_version="p", concurrency=3))
            while writer.written < 10:
                await asyncio.sleep(0.001)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    with plan:
        asyncio.run(cancel_after_some())
    index = store.prepare()
    assert 10 <= len(index.done) < 50
    plan2, _ = plan_of(tmp_path, 50)
    with plan2:
        assert plan2.already_done == len(index.done) and plan2.requests == 50 - len(index.done)


# ---------------------------------------------------------------- reports


def test_report_text_cannot_break_the_markdown_or_run_in_a_spreadsheet(tmp_path):
    assert md("a | b\n<script>x</script>") == "a \\| b &lt;script&gt;x&lt;/script&gt;"
    store = ResultStore(tmp_path)
    hostile = graded().model_copy(update={"explanation": "=HYPERLINK(\"http://x\") | <b>bold</b>"})
    with store.writer() as writer:
        writer.append(make_record("a" * 64, item(candidate="=cmd|' /C calc'!A0"), hostile))
    data = gather(store, None, BANK.questions.get)
    write_reports(data, tmp_path, ["csv", "html"])
    markdown = render_markdown(data)
    assert "<b>" not in markdown and "\\|" in markdown
    csv_text = (tmp_path / "report.csv").read_text(encoding="utf-8")
    assert "'=cmd" in csv_text and "'=HYPERLINK" in csv_text
    assert "<b>bold" not in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_common_gaps_are_counted_in_bounded_memory():
    counter = GapCounter(cap=50)
    for i in range(5000):
        counter.add(f"unique gap {i}")
        counter.add("Measures before and after.")
        counter.add("measures before and after")
    assert len(counter.counts) <= 51
    [(text, count)] = counter.most_common(1)
    assert text == "Measures before and after." and count == 10000


# ---------------------------------------------------------------- progress


def test_the_progress_bar_shows_counts_failures_and_tokens():
    from mock_interviewer.batch.plan import Job
    from mock_interviewer.render.batch import BatchProgress

    buffer = io.StringIO()
    ctx = type("Ctx", (), {"err": Console(file=buffer, force_terminal=True, width=120), "json": False})()
    progress = BatchProgress(ctx.err, enabled=True)
    good = graded().model_copy(update={"usage": Usage(prompt_tokens=1000, completion_tokens=234)})
    bad = Grade.ungraded("director-01", "x", backend="o", model="m")
    with progress:
        progress.started(3, 3)
        progress.graded(Job("a" * 64, [item()]), good, None)
        progress.graded(Job("b" * 64, [item(), item()]), bad, "service")
    text = buffer.getvalue()
    assert "3/3" in text and "1 failed" not in text and "2 failed" in text and "1,234 tokens" in text


# ---------------------------------------------------------------- prices


def test_prices_snapshot_names_overrides_and_batch_discount(tmp_path):
    table = load_prices(None)
    assert table.lookup("gpt-4.1-mini-2025-04-14")[0] == "gpt-4.1-mini"
    assert table.lookup("llama3.1:8b") is None
    override = tmp_path / "p.json"
    override.write_text(json.dumps({"llama3.1:8b": {"input": 0, "output": 0}, "gpt-4.1-mini": {"input": 1, "output": 4}}))
    table = load_prices(None, load_settings({"MOCK_INTERVIEWER_PRICES": str(override)}).prices_file)
    assert table.lookup("llama3.1:8b")[1].input == 0 and "overridden" in table.source
    live = estimate_cost(table, "gpt-4.1-mini", prompt_tokens=1_000_000, completion_tokens=500_000,
                         completion_tokens_max=1_000_000)
    batch = estimate_cost(table, "gpt-4.1-mini", prompt_tokens=1_000_000, completion_tokens=500_000,
                          completion_tokens_max=1_000_000, batch_api=True)
    assert (live.total, live.maximum, batch.total) == (3.0, 5.0, 1.5)
    assert estimate_cost(PriceTable({}, ""), "x", prompt_tokens=1, completion_tokens=1, completion_tokens_max=1) is None
    with pytest.raises(InputError, match="no such price file"):
        load_prices(tmp_path / "missing.json")


def test_batch_polling_and_collecting_have_their_own_bars():
    from mock_interviewer.batch.batch_api import BatchRecord
    from mock_interviewer.batch.plan import Job
    from mock_interviewer.render.batch import BatchProgress

    buffer = io.StringIO()
    ctx = type("Ctx", (), {"err": Console(file=buffer, force_terminal=True, width=120), "json": False})()
    record = BatchRecord(id="batch_7", input_file_id="f", input="i", requests=4, model="m", prompt_version="p",
                         submitted_at="now", status="in_progress", completed=1)
    with BatchProgress(ctx.err, enabled=True) as progress:
        progress.polled(record)
        record.status, record.completed = "completed", 4
        progress.polled(record)
        for key in "abcd":
            progress.graded(Job(key * 64, [item()]), graded(), None)
    text = buffer.getvalue()
    assert "batch batch_7 completed" in text and "4/4" in text and "collecting" in text


# ---------------------------------------------------------------- the typed operation and its exit status


def test_the_exit_status_is_the_worst_thing_that_happened():
    from mock_interviewer.batch.outcome import RunCounts, exit_status

    assert exit_status(RunCounts(answers=3, graded=3, ungraded=0)) == 0
    assert exit_status(RunCounts(answers=3, graded=2, ungraded=1)) == 1, "an invalid reply: a re-run retries it"
    assert exit_status(RunCounts(answers=3, graded=3, ungraded=0, skipped_inputs=1)) == 2
    assert exit_status(RunCounts(answers=3, graded=2, ungraded=1, skipped_inputs=1)) == 2, "the user's files first"
    stopped = RunCounts(answers=30, graded=23, ungraded=0, skipped_inputs=4)
    assert stopped.not_attempted == 7 and exit_status(stopped) == 1, "the service failure wins over skipped input"
    failed = RunCounts(answers=3, graded=2, ungraded=1, skipped_inputs=1, service_failed=True)
    assert exit_status(failed) == 1
    assert exit_status(RunCounts(answers=30, graded=5, ungraded=0, skipped_inputs=1, interrupted=True)) == 130


def test_run_batch_is_a_typed_call_with_true_counts(tmp_path):
    from mock_interviewer.backends.offline import OfflineBackend
    from mock_interviewer.batch.operation import BatchOptions, run_batch
    from mock_interviewer.batch.stopping import StopFlag

    rows = [{"id": f"r{i}", "question_id": "director-01", "answer": f"We cached reads in Redis, answer {i}."}
            for i in range(5)]
    source = tmp_path / "a.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows) + "{broken\n", encoding="utf-8")
    options = BatchOptions(paths=(source,), out=tmp_path / "out", formats=("CSV",))
    backend = OfflineBackend()
    prices = load_prices(None)

    outcome = run_batch(options, SETTINGS, BANK, backend, prices=prices)

    assert (outcome.counts.answers, outcome.counts.graded, outcome.counts.not_attempted) == (5, 5, 0)
    assert outcome.counts.skipped_inputs == 1 and outcome.exit_status == 2
    assert [p.name for p in outcome.reports] == ["report.md", "report.json", "report.csv"]
    stop = StopFlag()
    stop.request()  # stopped before the first job: everything new is not attempted
    source.write_text(source.read_text(encoding="utf-8") + json.dumps({**rows[0], "id": "new", "answer": "More."}) + "\n",
                      encoding="utf-8")
    stopped = run_batch(options, SETTINGS, BANK, backend, prices=prices, stop=stop)
    assert (stopped.counts.answers, stopped.counts.graded, stopped.counts.not_attempted) == (6, 5, 1)
    assert stopped.exit_status == 130 and stopped.report.not_attempted == 1


def test_a_results_line_of_a_newer_schema_stops_the_run_instead_of_being_dropped(tmp_path):
    store = ResultStore(tmp_path)
    newer = make_record("a" * 64, item(), graded()).model_dump(mode="json") | {"schema_version": 2, "extra": 1}
    store.path.write_text(json.dumps(newer) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"results.jsonl:1: written by a newer mock-interviewer \(schema_version 2\)"):
        store.prepare()
    assert json.loads(store.path.read_text(encoding="utf-8"))["schema_version"] == 2, "left as it was"


def test_a_results_line_written_before_schema_version_still_reads(tmp_path):
    store = ResultStore(tmp_path)
    old = make_record("a" * 64, item(), graded()).model_dump(mode="json")
    del old["schema_version"], old["answer"]
    store.path.write_text(json.dumps(old, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    index = store.prepare()
    assert index.graded_lines == 1 and index.bad_lines == 0
    [line] = store.records()
    assert line.schema_version == 1 and line.answer is None and line.grade.tier == "great"
