"""The fault suite: every way the model service can fail, for every command that calls it.

Each fault is played through the REAL openai SDK, its HTTP answered by respx, and
the command is run through the real entry point (``cli`` fixture). A fault ends in
one of three documented ways, whatever the command:

- ``ok``: the SDK retried (429, 5xx, timeout) or the backend coped (reasoning_content,
  one repair re-ask) and the command succeeded;
- ``service``: exit 1 and ONE clear line on stderr naming the problem;
- ``invalid``: the model answered but nothing usable came back (truncated JSON twice,
  ``finish_reason=length``, a refusal, an empty completion): the answer is reported
  ungraded WITH the reason (never a default tier), exit 1 for ``grade`` / ``probe`` / ``batch``.

Never a traceback, never the API key (in stdout, stderr, or any file written).
``MOCK_INTERVIEWER_MAX_RETRIES`` keeps retries to one (none for faults that can only
back off for the SDK's 0.5 s), and error responses carry ``retry-after-ms: 1``, so
the whole matrix runs in a few seconds.

The interview's matrix (the session file stays intact and resumable) is in
``test_faults_interview.py``, which reuses the faults defined here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import respx

from fault_helpers import FAULTS, MODEL, PROBES, Effect, Fault, assert_clean, error_line, files_under, prepare, use

QUESTION_ID = "technical-02"
ANSWER = "I would add a composite index on the filtered columns and check the plan with EXPLAIN ANALYZE."
OPENAI = ("--backend", "openai", "--model", MODEL)


# ---------------------------------------------------------------- the faults


def _same(script: Callable[[], list[Effect]]) -> Callable[[], list[Effect]]:
    return script


"""Every fault. The reasoning-model fault's structured form is built per command (its good reply moves field)."""

FAULT_IDS = [fault.name for fault in FAULTS]
SERVICE_FAULTS = [f for f in FAULTS if f.outcome == "service"]


# ---------------------------------------------------------------- a model that answers by request kind


DECISION = {"missing": ["measurement"], "target": "measurement", "ask_follow_up": True,
            "follow_up": "How would you know the change helped?"}


# ---------------------------------------------------------------- what every outcome must look like


@pytest.fixture
def model_env(chat_api: respx.Route, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> respx.Route:
    return prepare(chat_api, monkeypatch, tmp_path)


# ---------------------------------------------------------------- grade


@pytest.mark.parametrize("fault", FAULTS, ids=FAULT_IDS)
def test_grade(fault: Fault, cli, model_env, monkeypatch, tmp_path) -> None:
    model = use(model_env, monkeypatch, fault, "GradeVerdict")
    result = cli("grade", "--question", QUESTION_ID, "--answer", ANSWER, "--json", *OPENAI)
    assert_clean(result, tmp_path)
    assert model.calls("GradeVerdict") == fault.calls
    if fault.outcome == "ok":
        assert result.exit_code == 0, result.stderr
        grade = result.json()
        assert grade["status"] == "graded" and (grade["tier"], grade["score"]) == ("mediocre", 3)
    elif fault.outcome == "service":
        assert result.exit_code == 1
        assert result.stdout == ""
        error_line(result, fault.says)
    else:
        assert result.exit_code == 1
        grade = result.json()
        assert grade["status"] == "ungraded" and grade["tier"] is None and grade["score"] is None
        assert fault.says in grade["reason"]
        assert error_line(result, fault.says).startswith("not graded: ")


@pytest.mark.parametrize("fault", FAULTS, ids=FAULT_IDS)
def test_grade_with_a_placeholder_key_reads_cleanly(fault: Fault, cli, model_env, monkeypatch, tmp_path) -> None:
    """Local servers take keys such as ``x``: not a secret, so no word of a message is mangled around it."""
    monkeypatch.setenv("OPENAI_API_KEY", "x")
    use(model_env, monkeypatch, fault, "GradeVerdict")
    result = cli("grade", "--question", QUESTION_ID, "--answer", ANSWER, "--json", *OPENAI)
    assert result.exit_code == (0 if fault.outcome == "ok" else 1)
    assert "[redacted]" not in result.stdout + result.stderr
    if fault.outcome != "ok":
        says = fault.says if fault.outcome == "service" else json.loads(result.stdout)["reason"]
        assert fault.says in says


# ---------------------------------------------------------------- probe


@pytest.mark.parametrize("fault", FAULTS, ids=FAULT_IDS)
def test_probe(fault: Fault, cli, model_env, monkeypatch, tmp_path) -> None:
    model = use(model_env, monkeypatch, fault, "ProbeList")
    result = cli("probe", "--question", QUESTION_ID, "--answer", ANSWER, "--json", *OPENAI)
    assert_clean(result, tmp_path)
    assert model.calls("ProbeList") == fault.calls
    if fault.outcome == "ok":
        assert result.exit_code == 0, result.stderr
        assert [p["question"] for p in result.json()["probes"]] == [PROBES["probes"][0]["question"]]
    else:
        assert result.exit_code == 1
        assert result.stdout == ""
        line = error_line(result, fault.says)
        if fault.outcome == "invalid":
            assert line.startswith(f"error: no usable probes for {QUESTION_ID}: ")


@pytest.mark.parametrize("fault", [f for f in FAULTS if not f.slow], ids=[f.name for f in FAULTS if not f.slow])
def test_probe_sheet(fault: Fault, cli, model_env, monkeypatch, tmp_path) -> None:
    """A track sheet asks once per question, concurrently: the fault is played on the first question's requests.

    A service failure aborts the sheet (nothing written); an unusable reply marks that question and
    the sheet is still written with the other one.
    """
    model = use(model_env, monkeypatch, fault, "ProbeList")
    model.only = "faults-01"
    sheet = tmp_path / "sheet.md"
    monkeypatch.setenv("MOCK_INTERVIEWER_BANK", str(write_small_bank(tmp_path)))
    result = cli("probe", "--track", "faults", "--out", str(sheet), *OPENAI)
    assert_clean(result, tmp_path)
    if fault.outcome == "ok":
        assert result.exit_code == 0, result.stderr
        assert sheet.read_text().count(PROBES["probes"][0]["question"]) == 2
    elif fault.outcome == "service":
        assert result.exit_code == 1
        error_line(result, fault.says)
        assert not sheet.exists()
    else:
        # One question's probes failed: the sheet is still written, marks it, and the run says so.
        assert result.exit_code == 1
        error_line(result, "1 of 2 questions got no probes")
        text = sheet.read_text()
        assert text.count(PROBES["probes"][0]["question"]) == 1 and fault.says in text
    assert not list(tmp_path.glob(".*.tmp"))


def write_small_bank(tmp_path: Path) -> Path:
    """A two-question bank of its own (a whole built-in track would be 19+ requests per fault)."""
    from mock_interviewer.bank import load_bank

    source = load_bank([]).get(QUESTION_ID)
    questions = []
    for number in (1, 2):
        questions.append(
            {
                "id": f"faults-0{number}",
                "track": "faults",
                "number": number,
                "category": "technical",
                "text": source.text,
                "exemplars": source.exemplars.model_dump(),
                "key_points": list(source.key_points),
                "red_flags": list(source.red_flags),
                "probes": list(source.probes),
            }
        )
    path = tmp_path / "banks" / "faults.yaml"
    path.parent.mkdir(exist_ok=True)
    import yaml

    path.write_text(
        yaml.safe_dump({"schema_version": 1, "track": {"id": "faults", "title": "Faults"}, "questions": questions}),
        encoding="utf-8",
    )
    return path


# ---------------------------------------------------------------- batch


def answers_file(tmp_path: Path) -> Path:
    path = tmp_path / "answers.jsonl"
    path.write_text(json.dumps({"id": "a1", "candidate": "ada", "question_id": QUESTION_ID, "answer": ANSWER}) + "\n")
    return path


def results_of(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines() if line.strip()]


@pytest.mark.parametrize("fault", FAULTS, ids=FAULT_IDS)
def test_batch(fault: Fault, cli, model_env, monkeypatch, tmp_path) -> None:
    model = use(model_env, monkeypatch, fault, "GradeVerdict")
    out = tmp_path / "out"
    args = ("batch", str(answers_file(tmp_path)), "--out", str(out), "--json", *OPENAI)
    result = cli(*args)
    assert_clean(result, tmp_path)
    assert model.calls("GradeVerdict") == fault.calls
    records = results_of(out)
    assert len(records) == 1 and records[0]["item_id"] == "a1"
    grade = records[0]["grade"]
    summary = result.json()
    assert (out / "report.md").is_file()
    if fault.outcome == "ok":
        assert result.exit_code == 0, result.stderr
        assert grade["status"] == "graded" and grade["tier"] == "mediocre"
        assert summary["graded_total"] == 1
        return
    assert result.exit_code == 1, result.stderr
    assert grade["status"] == "ungraded" and grade["tier"] is None and fault.says in grade["reason"]
    assert summary["ungraded_total"] == 1
    assert fault.says in (out / "report.md").read_text()
    assert error_line(result, fault.says).startswith("not graded: 1 of 1 answers are ungraded (")

    # Run again once the service has recovered: only the ungraded answer is sent, and it is graded.
    model.script.clear()
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    assert model.calls("GradeVerdict") == fault.calls + 1
    assert [r["grade"]["status"] for r in results_of(out)][-1] == "graded"
    assert not [p for p in files_under(tmp_path) if p.name.endswith(".tmp")]
